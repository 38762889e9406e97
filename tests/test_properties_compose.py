"""Property tests: random (and randomly broken) YAML never makes a loader raise anything but a
located `KconvError`. The text strategies are shared with the fuzz target (`fuzz/strategies.py`).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from kconv import yamlio
from kconv.compose.loader import load_project
from kconv.errors import KconvError
from kconv.manifests import ManifestSet, load_text

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "kconv_fuzz_strategies", ROOT / "fuzz" / "strategies.py"
)
assert _spec is not None and _spec.loader is not None
strategies = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(strategies)

FILE = "random.yaml"
SETTINGS = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LIMITS = st.builds(yamlio.Limits, max_depth=st.integers(1, 40), max_nodes=st.integers(1, 500))

# Known-hostile cases always tried first, besides the random ones.
ALIAS_BOMB = (
    "a: &a [x, x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: [*c, *c, *c, *c]\n"
)
PYTHON_TAG = "!!python/object/apply:os.system ['echo owned']\n"
DEEP = "[" * 300 + "]" * 300 + "\n"


def _assert_located(exc: KconvError, file: str) -> None:
    assert exc.message, exc
    assert exc.location is not None, exc
    assert exc.location.file == file, exc


@SETTINGS
@given(text=strategies.yaml_texts(), yaml12=st.booleans(), limits=st.none() | LIMITS)
@example(text=ALIAS_BOMB, yaml12=False, limits=yamlio.Limits(max_nodes=50))
@example(text=PYTHON_TAG, yaml12=False, limits=None)
@example(text=DEEP, yaml12=True, limits=None)
def test_load_documents_raises_only_located_kconv_errors(
    text: str, yaml12: bool, limits: yamlio.Limits | None
) -> None:
    try:
        documents = yamlio.load_documents(
            text,
            FILE,
            yaml12=yaml12,
            keep_tags=("!reset", "!override"),
            limits=limits or yamlio.DEFAULT_LIMITS,
        )
    except KconvError as exc:
        _assert_located(exc, FILE)
        return
    for document in documents:
        assert document.positions.nearest("").file == FILE
        for problem in document.problems:
            assert problem.location.file == FILE and problem.message


def test_limits_are_enforced_with_a_message() -> None:
    """The bounded cases above really hit the limits (so the property is not vacuous)."""
    with pytest.raises(KconvError) as caught:
        yamlio.load_documents(ALIAS_BOMB, FILE, limits=yamlio.Limits(max_nodes=50))
    _assert_located(caught.value, FILE)
    with pytest.raises(KconvError) as caught:
        yamlio.load_documents(DEEP, FILE)
    _assert_located(caught.value, FILE)


def test_python_tags_are_never_executed() -> None:
    documents = yamlio.load_documents(PYTHON_TAG, FILE)
    assert [problem.code for document in documents for problem in document.problems]


@SETTINGS
@given(text=strategies.yaml_texts())
@example(text=ALIAS_BOMB)
@example(text="apiVersion: v1\nkind: Pod\nmetadata: {name: [1, 2]}\nspec: 3\n")
@example(text="apiVersion: v1\nkind: List\nitems: true\n")  # found by test_properties_lint
def test_load_text_never_raises(text: str) -> None:
    result = ManifestSet()
    load_text(result, text, FILE)
    assert result.files == [FILE]
    for problem in result.problems:
        assert problem.location.file == FILE and problem.message
    for obj in result.objects:
        assert obj.file == FILE
        assert isinstance(obj.body, dict)


@pytest.fixture(scope="module")
def empty_dir(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("compose-props"))


@SETTINGS
@given(text=strategies.compose_texts() | strategies.yaml_texts())
@example(text="services:\n  web:\n    image: x\n    ports: ['99999:80']\n")
@example(text="services:\n  web: &w\n    extends: {service: web}\n    image: x\n")
@example(text="services:\n  web:\n    image: ${MISSING:?must be set}\n")
def test_compose_loader_raises_only_located_kconv_errors(empty_dir: str, text: str) -> None:
    try:
        project = load_project(["-"], stdin_text=text, working_dir=empty_dir, environ={"X": "1"})
    except KconvError as exc:
        assert exc.message and exc.location is not None and exc.location.file, exc
        return
    assert all(isinstance(name, str) for name in project.services)


def test_the_strategies_produce_loadable_and_broken_text() -> None:
    """Sanity: the generated texts are neither all valid nor all broken."""
    outcomes: set[bool] = set()

    @settings(max_examples=60, database=None, deadline=None)
    @given(text=strategies.yaml_texts())
    def sample(text: Any) -> None:
        try:
            yamlio.load_documents(text, FILE)
            outcomes.add(True)
        except KconvError:
            outcomes.add(False)

    sample()
    assert outcomes == {True, False}


def test_json_with_escaped_astral_characters_loads() -> None:
    text = '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, '
    text += '"data": {"smile": "\\ud83d\\ude00"}}\n'
    (document,) = yamlio.load_documents(text, "cm.json")
    assert document.data["data"]["smile"] == "\U0001f600"
    assert document.positions.exact("/data/smile").line == 1


@given(st.text(max_size=20))
def test_json_dumps_output_always_loads_back(value: str) -> None:
    # json.dumps escapes everything outside ASCII, astral characters as surrogate pairs
    assume(all(not 0xD800 <= ord(char) <= 0xDFFF for char in value))
    data = {"kind": "ConfigMap", "data": {"v": value, "k\\u": [value]}}
    (document,) = yamlio.load_documents(json.dumps(data), "cm.json")
    assert document.data == data


def test_surrogate_escapes_in_yaml_plain_scalars_are_left_alone() -> None:
    # only JSON texts are rewritten; in YAML a plain scalar's backslashes are literal
    (document,) = yamlio.load_documents("a: \\ud83d\\ude00\n", "a.yaml")
    assert document.data == {"a": "\\ud83d\\ude00"}


def test_an_escaped_backslash_before_u_is_not_a_surrogate_escape() -> None:
    # "a" holds a literal backslash followed by `ud83d`; "b" and "c" hold a pair
    text = r'{"a": "\\ud83d\\ude00", "b": "x\ud83d\ude00y", "c": "\\\ud83d\ude00"}'
    (document,) = yamlio.load_documents(text, "a.json")
    assert document.data == json.loads(text)
    assert document.data["b"] == "x\U0001f600y"


_JSON_LIKE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(data=st.dictionaries(st.text(max_size=8), _JSON_LIKE, max_size=5))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_manifest_loading_reads_what_pyyaml_wrote(data: dict[str, Any]) -> None:
    # a differential check of the YAML 1.1 builder (and its fast path for strings)
    import yaml

    for text in (yaml.safe_dump(data), yaml.safe_dump(data, default_flow_style=True)):
        (document,) = yamlio.load_documents(text, "random.yaml") if data else [None]
        if document is not None:
            assert document.data == data
            for key in data:
                assert document.positions.exact(f"/{key.replace('~', '~0').replace('/', '~1')}")
