"""Compose .env / env_file parsing: rule tables, golden fixtures, compose-go's fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kconv.compose.dotenv import parse_dotenv, read_env_file
from kconv.errors import InputError
from kconv.model.compose import EnvVar
from kconv.model.location import Location

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "dotenv"
UPSTREAM = ROOT.parent / "shared" / "corpora" / "compose-go" / "dotenv" / "fixtures"
HOST = {"HOST_VAR": "from-host", "SHADOWED": "host-wins"}


def values(text: str, lookup: dict[str, str] | None = None, raw: bool = False) -> dict:
    parsed = parse_dotenv(text, "test.env", None if lookup is None else lookup.get, raw=raw)
    return {var.name: var.value for var in parsed}


# -- one rule per row --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A=1", {"A": "1"}),
        ("A=1\nB=2\n", {"A": "1", "B": "2"}),
        ("A = 1", {"A": "1"}),
        ("  A=1  ", {"A": "1"}),
        ("A:1", {"A": "1"}),
        ("A: 1", {"A": "1"}),
        ("A=", {"A": ""}),
        ("A=\nB=2", {"A": "", "B": "2"}),
        ("A", {"A": None}),
        ("A\nB=2", {"A": None, "B": "2"}),
        ("export A=1", {"A": "1"}),
        ("export\tA=1", {"A": "1"}),
        ("export A", {"A": None}),
        ("export=1", {"export": "1"}),
        ("export = 1", {"export": "1"}),
        ("exporter=1", {"exporter": "1"}),
        ("# comment\nA=1", {"A": "1"}),
        ("  # indented comment\nA=1", {"A": "1"}),
        ("\n\n\nA=1\n\n", {"A": "1"}),
        ("", {}),
        ("A=1 # comment", {"A": "1"}),
        ("A=1# not a comment", {"A": "1# not a comment"}),
        ("A=#value", {"A": "#value"}),
        ("A=a b  c  ", {"A": "a b  c"}),
        ("A=a=b", {"A": "a=b"}),
        ("A='x'", {"A": "x"}),
        ("A='x' # comment", {"A": "x"}),
        ("A='x'#comment", {"A": "x"}),
        ("A='  x  '", {"A": "  x  "}),
        ("A='$HOST_VAR'", {"A": "$HOST_VAR"}),
        ("A='a\\nb'", {"A": "a\\nb"}),
        ("A='it\\'s'", {"A": "it's"}),
        ("A='a # b'", {"A": "a # b"}),
        ("A='one\ntwo'", {"A": "one\ntwo"}),
        ('A="x"', {"A": "x"}),
        ('A="a\\nb"', {"A": "a\nb"}),
        ('A="a\\tb"', {"A": "a\tb"}),
        ('A="a\\rb"', {"A": "a\rb"}),
        ('A="a\\\\b"', {"A": "a\\b"}),
        ('A="say \\"hi\\""', {"A": 'say "hi"'}),
        ('A="\\$HOST_VAR"', {"A": "$HOST_VAR"}),
        ('A="$$HOST_VAR"', {"A": "$HOST_VAR"}),
        ('A="\\q"', {"A": "\\q"}),
        ('A="\\0101"', {"A": "A"}),
        ('A="\\0777"', {"A": "\\0777"}),
        ('A="one\ntwo"', {"A": "one\ntwo"}),
        ('A="a # b" # c', {"A": "a # b"}),
        ('A=""', {"A": ""}),
        ("A=''", {"A": ""}),
        ('A="x"\nB=2', {"A": "x", "B": "2"}),
        ("A.B=1", {"A.B": "1"}),
        ("A-B=1", {"A-B": "1"}),
        ("A[0]=1", {"A[0]": "1"}),
        ("123=1", {"123": "1"}),
        ("A=1\nA=2", {"A": "2"}),
        ("A=1\r\nB=2\r\n", {"A": "1", "B": "2"}),
        ("\ufeffA=1", {"A": "1"}),
        ('A="x"\r\n', {"A": "x"}),
        ("A=x\\y", {"A": "x\\y"}),
    ],
)
def test_rules(text: str, expected: dict) -> None:
    assert values(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A=$HOST_VAR", {"A": "from-host"}),
        ("A=${HOST_VAR}/x", {"A": "from-host/x"}),
        ('A="${HOST_VAR}"', {"A": "from-host"}),
        ("A='${HOST_VAR}'", {"A": "${HOST_VAR}"}),
        ("A=1\nB=$A", {"A": "1", "B": "1"}),
        ("A=1\nB=${A}_${A}", {"A": "1", "B": "1_1"}),
        ("B=$A\nA=1", {"B": "", "A": "1"}),
        ("A=${MISSING:-d}", {"A": "d"}),
        ("A=${MISSING}", {"A": ""}),
        ("A=$$HOST_VAR", {"A": "$HOST_VAR"}),
        # the lookup (the shell environment) takes precedence over the file, as in compose-go
        ("SHADOWED=file\nB=$SHADOWED", {"SHADOWED": "file", "B": "host-wins"}),
        ("HOST_VAR", {"HOST_VAR": "from-host"}),
        ("NOT_SET", {"NOT_SET": None}),
        # an inherited variable is usable by later lines
        ("HOST_VAR\nB=x$HOST_VAR", {"HOST_VAR": "from-host", "B": "xfrom-host"}),
    ],
)
def test_interpolation(text: str, expected: dict) -> None:
    assert values(text, HOST) == expected


def test_without_lookup_bare_names_stay_unset() -> None:
    assert values("HOST_VAR\nA=$HOST_VAR") == {"HOST_VAR": None, "A": ""}


def test_origins_are_file_and_line() -> None:
    parsed = parse_dotenv("# c\n\nA=1\nB='x\ny'\nC\nA=3\n", "dir/app.env")
    assert parsed == [
        EnvVar("A", "3", Location("dir/app.env", 7)),
        EnvVar("B", "x\ny", Location("dir/app.env", 4)),
        EnvVar("C", None, Location("dir/app.env", 6)),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("INVALID LINE", "test.env:1: variable name 'INVALID LINE' cannot contain spaces"),
        ("A B=1", "test.env:1: variable name 'A B' cannot contain spaces"),
        ("A=1\nFOO$BAR=1", "test.env:2: unexpected character '$' in variable name 'FOO$BAR=1'"),
        ('"A"=1', "test.env:1: unexpected character '\"' in variable name '\"A\"=1'"),
        ("A/B=1", "test.env:1: unexpected character '/' in variable name 'A/B=1'"),
        ("=1", "test.env:1: missing variable name before the separator"),
        ("\n  : x", "test.env:2: missing variable name before the separator"),
        ('A="open', 'test.env:1: unterminated quoted value: no closing " for "open'),
        ("A=1\nB='open\nC=3", "test.env:2: unterminated quoted value: no closing ' for 'open"),
        ('A="x\\"', 'test.env:1: unterminated quoted value: no closing " for "x\\"'),
        ('A="x" y', "test.env:1: unexpected text 'y' after the closing quote"),
        ("A='x'y", "test.env:1: unexpected text 'y' after the closing quote"),
        ("A=${", "test.env:1: invalid interpolation format '${': missing closing }"),
        ('A="${ x}"', "test.env:1: invalid interpolation format '${ x}'"),
        ("A=1\nB=${NEED:?needed}", "test.env:2: required variable NEED is missing a value: needed"),
    ],
)
def test_syntax_errors(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_dotenv(text, "test.env")
    assert str(caught.value).startswith(message)


def test_single_quoted_values_are_not_interpolated_so_cannot_fail() -> None:
    assert values("A='${'") == {"A": "${"}


# -- raw format --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('A="x"', {"A": '"x"'}),
        ("A='x'", {"A": "'x'"}),
        ("A=x # y", {"A": "x # y"}),
        ("A=$HOST_VAR", {"A": "$HOST_VAR"}),
        ("A=a\\nb", {"A": "a\\nb"}),
        ("A = spaced ", {"A": " spaced "}),
        ("# comment\n\nA=1", {"A": "1"}),
        ("A=", {"A": ""}),
        ("HOST_VAR", {"HOST_VAR": "from-host"}),
        ("NOT_SET", {"NOT_SET": None}),
        ("A=1\nA=2", {"A": "2"}),
        ("A=1\r\nB=2", {"A": "1", "B": "2"}),
        ('A="unterminated', {"A": '"unterminated'}),
    ],
)
def test_raw_format(text: str, expected: dict) -> None:
    assert values(text, HOST, raw=True) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("=1", "test.env:1: missing variable name before '='"),
        ("A=1\nA B=2", "test.env:2: variable name 'A B' cannot contain spaces"),
    ],
)
def test_raw_format_errors(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_dotenv(text, "test.env", raw=True)
    assert str(caught.value) == message


# -- files -------------------------------------------------------------------------------------


def test_read_env_file(tmp_path: Path) -> None:
    path = tmp_path / "app.env"
    path.write_text("A=1\nB=$HOST_VAR\n", encoding="utf-8")
    assert read_env_file(str(path), HOST.get) == [
        EnvVar("A", "1", Location(str(path), 1)),
        EnvVar("B", "from-host", Location(str(path), 2)),
    ]
    shown = read_env_file(str(path), display="app.env", raw=True)
    assert shown[1] == EnvVar("B", "$HOST_VAR", Location("app.env", 2))


def test_read_env_file_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_env_file(str(tmp_path / "nope.env"), display="nope.env")
    assert str(caught.value) == "nope.env: no such file"


def test_read_env_file_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad.env"
    path.write_bytes(b"A=1\nB=\xff\xfe\xfa\n")
    with pytest.raises(InputError) as caught:
        read_env_file(str(path), display="bad.env")
    assert str(caught.value).startswith("bad.env:2:3: invalid UTF-8")


def test_read_env_file_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory"):
        read_env_file(str(tmp_path))


# -- golden fixtures ---------------------------------------------------------------------------


def fixture_ids(folder: str) -> list[str]:
    return sorted(path.stem for path in (FIXTURES / folder).glob("*.env"))


@pytest.mark.parametrize("kind", ["valid", "raw"])
def test_fixture_folders_are_not_empty(kind: str) -> None:
    assert fixture_ids(kind)


@pytest.mark.parametrize(
    ("kind", "name"),
    [("valid", name) for name in fixture_ids("valid")] + [("raw", n) for n in fixture_ids("raw")],
)
def test_golden_fixture(kind: str, name: str) -> None:
    path = FIXTURES / kind / f"{name}.env"
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    parsed = read_env_file(str(path), HOST.get, raw=kind == "raw", display=path.name)
    assert [[var.name, var.value, var.origin.line] for var in parsed] == expected


@pytest.mark.parametrize("name", fixture_ids("invalid"))
def test_invalid_fixture(name: str) -> None:
    path = FIXTURES / "invalid" / f"{name}.env"
    expected = path.with_suffix(".error").read_text(encoding="utf-8").strip()
    with pytest.raises(InputError) as caught:
        read_env_file(str(path), HOST.get, raw=name.startswith("raw-"), display=path.name)
    assert str(caught.value) == expected


# -- compose-go's own fixtures (expectations from its dotenv tests) ----------------------------

needs_upstream = pytest.mark.skipif(
    not UPSTREAM.is_dir(), reason="compose-go corpus not present at ../shared/corpora"
)

PLAIN = {
    "OPTION_A": "1",
    "OPTION_B": "2",
    "OPTION_C": "3",
    "OPTION_D": "4",
    "OPTION_E": "5",
    "456": "ABC",
    "OPTION_F": "",
    "OPTION_G": "",
    "OPTION_H": "my string",
}
UPSTREAM_EXPECTED: dict[str, dict[str, str | None]] = {
    "plain.env": PLAIN,
    "utf8-bom.env": PLAIN,
    "quoted.env": {
        "OPTION_A": "1",
        "OPTION_B": "2",
        "OPTION_C": "",
        "OPTION_D": "\\n",
        "OPTION_E": "1",
        "OPTION_F": "2",
        "OPTION_G": "",
        "OPTION_H": "\n",
        "OPTION_I": "echo 'asd'",
        "OPTION_J": "first line\nsecond line\nthird line\nand so on",
        "OPTION_K": "Let's go!",
        "OPTION_Z": "last value",
    },
    "unquoted.env": {
        "OPTION_A": "some quoted phrase",
        "OPTION_B": "first one with an unquoted phrase",
        "OPTION_C": "then another one with an unquoted phrase",
        "OPTION_D": "then another one with an unquoted phrase special è char",
        "OPTION_E": "then another one quoted phrase",
    },
    "exported.env": {"OPTION_A": "2", "OPTION_B": "\\n"},
    "equals.env": {"OPTION_A": "postgres://localhost:5432/database?sslmode=disable"},
    "special.env": {
        "VAR.WITH.DOTS": "dots",
        "VAR_WITH_UNDERSCORES": "underscores",
        "VAR-WITH-DASHES": "dashes",
    },
    "substitutions.env": {
        "OPTION_A": "1",
        "OPTION_B": "1",
        "OPTION_C": "1",
        "OPTION_D": "1_1",
        "OPTION_E": "",
    },
    "substitutions-default.env": {
        "OPTION_A": "1",
        "OPTION_B": "1",
        "OPTION_C": "1",
        "OPTION_D": "1_1",
        "OPTION_E": "",
    },
    "custom.format": {"FOO": "BAR", "ZOT": "QIX"},
    "inherited-not-found.env": {"VARIABLE_NOT_FOUND": None},
    "inherited-single-var.env": {"VAR_TO_BE_LOADED_FROM_OS_ENV": "from-os"},
    "inherited-multi-var.env": {
        "foo": "bar",
        "VAR_TO_BE_LOADED_FROM_OS_ENV": "from-os",
        "bar": "baz",
    },
}
OS_ENV = {"VAR_TO_BE_LOADED_FROM_OS_ENV": "from-os"}


@needs_upstream
def test_every_upstream_fixture_is_covered() -> None:
    present = {path.name for path in UPSTREAM.iterdir() if path.is_file()}
    assert present == set(UPSTREAM_EXPECTED) | {"invalid1.env"}


@needs_upstream
@pytest.mark.parametrize("name", sorted(UPSTREAM_EXPECTED))
def test_upstream_fixture(name: str) -> None:
    parsed = read_env_file(str(UPSTREAM / name), OS_ENV.get, display=name)
    assert {var.name: var.value for var in parsed} == UPSTREAM_EXPECTED[name]
    assert [var.name for var in parsed] == list(UPSTREAM_EXPECTED[name])


@needs_upstream
def test_upstream_invalid_fixture() -> None:
    with pytest.raises(InputError) as caught:
        read_env_file(str(UPSTREAM / "invalid1.env"), display="invalid1.env")
    assert str(caught.value) == "invalid1.env:7: variable name 'INVALID LINE' cannot contain spaces"


@needs_upstream
def test_upstream_substitutions_with_shell_precedence() -> None:
    # compose-go's TestSubstitutionsWithShellEnvPrecedence: OPTION_A=5 in the shell.
    parsed = read_env_file(str(UPSTREAM / "substitutions.env"), {"OPTION_A": "5"}.get)
    assert {var.name: var.value for var in parsed} == {
        "OPTION_A": "1",
        "OPTION_B": "5",
        "OPTION_C": "5",
        "OPTION_D": "5_5",
        "OPTION_E": "",
    }


@needs_upstream
def test_upstream_default_substitution_with_shell_value() -> None:
    parsed = read_env_file(str(UPSTREAM / "substitutions-default.env"), {"OPTION_A": "5"}.get)
    assert parsed[0].value == "5"


# -- properties --------------------------------------------------------------------------------

ENV_ALPHABET = st.sampled_from(list("AB_=:# \t\n'\"\\$x{}-.!\r\ufeff"))


@given(st.text(ENV_ALPHABET, max_size=80))
def test_random_env_text_raises_only_input_error(text: str) -> None:
    try:
        parsed = parse_dotenv(text, "random.env", HOST.get)
    except InputError as error:
        assert error.location is not None
        assert error.location.file == "random.env"
        assert error.location.line is not None
        assert 1 <= error.location.line <= text.count("\n") + 1
        return
    names = [var.name for var in parsed]
    assert len(names) == len(set(names))
    assert all(var.origin.line is not None and var.origin.line >= 1 for var in parsed)


@given(st.text(max_size=80))
def test_random_raw_text_raises_only_input_error(text: str) -> None:
    try:
        parsed = parse_dotenv(text, "random.env", raw=True)
    except InputError:
        return
    assert all(var.value is None or "\n" not in var.value for var in parsed)


simple_names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True)
safe_values = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30
)


@given(st.dictionaries(simple_names, safe_values, max_size=6))
def test_single_quoted_values_round_trip(env: dict[str, str]) -> None:
    text = "".join(
        f"{name}='" + value.replace("\\", "\\\\").replace("'", "\\'") + "'\n"
        for name, value in env.items()
    )
    # single quotes keep backslashes except before the quote itself, so pick values without them
    if any("\\" in value for value in env.values()):
        return
    assert values(text) == env


@given(st.dictionaries(simple_names, safe_values, max_size=6))
def test_raw_values_round_trip(env: dict[str, str]) -> None:
    text = "".join(f"{name}={value}\n" for name, value in env.items())
    assert values(text, raw=True) == env


# -- every env file of the other corpora parses ------------------------------------------------

CORPORA = ROOT.parent / "shared" / "corpora"
needs_corpora = pytest.mark.skipif(
    not CORPORA.is_dir(), reason="corpora not present at ../shared/corpora"
)


def corpus_env_files() -> list[Path]:
    if not CORPORA.is_dir():
        return []
    found = [
        path
        for path in CORPORA.rglob("*")
        if path.is_file()
        and (path.suffix == ".env" or path.name == ".env" or path.name.endswith("-env"))
        and path.parent != UPSTREAM
    ]
    return sorted(found)


@needs_corpora
def test_corpora_have_env_files() -> None:
    assert len(corpus_env_files()) >= 10


@needs_corpora
@pytest.mark.parametrize(
    "path",
    corpus_env_files(),
    ids=lambda p: str(p.relative_to(CORPORA)) if CORPORA.is_dir() else "",
)
def test_corpus_env_file_parses(path: Path) -> None:
    parsed = read_env_file(str(path), display=path.name)
    assert parsed, "every corpus env file defines something"
    assert all(var.value is not None for var in parsed)


@needs_corpora
@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        (
            "compose-go/types/fixtures/base.env",
            {
                "FOO": "foo_from_base.env",
                "INTERPOLATED_FOO": "foo_from_base.env",
                "BAR": "bar_from_base.env",
                "INTERPOLATED_BAR": "bar_from_base.env",
                "ZOT": "zot_from_base.env",
                "INTERPOLATED_ZOT": "zot_from_base.env",
            },
        ),
        (
            "compose-go/loader/example1.env",
            {
                "FOO": "foo_from_env_file",
                "ENV.WITH.DOT": "ok",
                "ENV_WITH_UNDERSCORE": "ok",
                "BAR": "bar_from_env_file",
                "BAZ": "baz_from_env_file",
            },
        ),
        (
            "kompose/envfile-interpolation/.env",
            {
                "DOC_ENGINE": "elasticsearch",
                "COMPOSE_PROFILES": "elasticsearch",
                "MINIO_CONSOLE_PORT": "9001",
                "MINIO_PORT": "9000",
            },
        ),
        ("kompose/env/hadoop-hive-namenode.env", {"FOO": "BAR", "BAR": "FOO"}),
    ],
)
def test_corpus_env_file_values(relative: str, expected: dict[str, str]) -> None:
    path = CORPORA / relative
    if not path.is_file():
        pytest.skip(f"{relative} not in the corpora")
    assert {var.name: var.value for var in read_env_file(str(path))} == expected


@needs_corpora
def test_corpus_shell_environment_overrides_default() -> None:
    path = CORPORA / "kompose/envfile-interpolation/.env"
    if not path.is_file():
        pytest.skip("kompose/envfile-interpolation/.env not in the corpora")
    parsed = read_env_file(str(path), {"DOC_ENGINE": "infinity"}.get)
    assert parsed[1] == EnvVar("COMPOSE_PROFILES", "infinity", Location(str(path), 2))
