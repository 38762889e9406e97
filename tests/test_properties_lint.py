"""Property tests: the linter never throws (no internal-error finding, KC009) on random mutations
of the rule fixture manifests in `fixtures/rules/**`: values replaced by wrong types, keys
deleted or added, and (on the text) the hostile edits of the fuzz target.
"""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kconv import yamlio
from kconv.errors import KconvError
from kconv.lint.engine import INTERNAL_ERROR_ID, lint
from kconv.manifests import ManifestSet, load_text

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "kconv_fuzz_strategies", ROOT / "fuzz" / "strategies.py"
)
assert _spec is not None and _spec.loader is not None
strategies = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(strategies)

FIXTURES = sorted(
    path
    for path in (ROOT / "fixtures" / "rules").rglob("*")
    if path.suffix in (".yaml", ".yml", ".json") and path.is_file()
)
FILE = "mutated.yaml"
# Values of the wrong shape for almost any Kubernetes field.
WRONG = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["", "x", "-1", "1e400", "0.5", "::", "*", "privileged", "ALL", "/"]),
    st.builds(list),
    st.builds(dict),
    strategies.DATA,
)
KEYS = st.sampled_from(
    ["name", "image", "securityContext", "resources", "limits", "ports", "containers", "spec",
     "metadata", "labels", "selector", "template", "volumes", "env", "valueFrom", "hostPath",
     "matchLabels", "rules", "capabilities", "add", "privileged", "runAsUser", "kind", "x"]
)  # fmt: skip
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

pytestmark = pytest.mark.skipif(not FIXTURES, reason="no fixtures/rules manifests")


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_paths(value, (*prefix, index)))
    return found


def _mutate(draw: st.DrawFn, data: Any) -> Any:
    """`data` with one random edit at a random place."""
    paths = [path for path in _paths(data) if path]
    if not paths:
        return draw(WRONG)
    path = draw(st.sampled_from(paths))
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    action = draw(st.sampled_from(["replace", "replace", "delete", "add", "wrap"]))
    if action == "replace":
        parent[last] = draw(WRONG)
    elif action == "delete":
        del parent[last]
    elif action == "add" and isinstance(parent[last], dict):
        parent[last][draw(KEYS)] = draw(WRONG)
    elif action == "add" and isinstance(parent[last], list):
        parent[last].append(draw(WRONG))
    else:
        parent[last] = [parent[last]] if draw(st.booleans()) else {draw(KEYS): parent[last]}
    return data


def _documents(path: Path) -> list[Any]:
    try:
        return [doc.data for doc in yamlio.load_documents(yamlio.read_text(str(path)), path.name)]
    except KconvError:
        return []


@st.composite
def mutated_manifests(draw: st.DrawFn) -> str:
    path = draw(st.sampled_from(FIXTURES))
    documents = copy.deepcopy(_documents(path))
    if documents and draw(st.booleans()):
        for _ in range(draw(st.integers(1, 4))):
            index = draw(st.integers(0, len(documents) - 1))
            documents[index] = _mutate(draw, documents[index])
        return yamlio.dump_documents(documents)
    return draw(strategies.mutated(path.read_text(encoding="utf-8", errors="replace")))


def _internal_errors(text: str) -> list[str]:
    manifests = ManifestSet()
    load_text(manifests, text, FILE)
    findings = lint(manifests, kubernetes_version="1.33").findings
    return [finding.message for finding in findings if finding.rule == INTERNAL_ERROR_ID]


# Found by this test: KC201 hashed a container name that was a list.
UNHASHABLE_NAME = (
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: []\n"
)


# Found by this test: selector validation hashed a matchExpressions operator that was a list.
UNHASHABLE_OPERATOR = (
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: n}\nspec:\n"
    "  podSelector:\n    matchExpressions:\n    - {key: a, operator: [Exists]}\n"
)


@SETTINGS
@given(text=mutated_manifests())
@example(text=UNHASHABLE_NAME)
@example(text=UNHASHABLE_OPERATOR)
def test_linter_never_throws_on_mutated_fixtures(text: str) -> None:
    assert _internal_errors(text) == []


def test_fixtures_lint_without_internal_errors() -> None:
    """Baseline: the unmutated fixtures themselves."""
    for path in FIXTURES:
        assert _internal_errors(path.read_text(encoding="utf-8", errors="replace")) == [], path
