"""Compose interpolation: every form of the spec, errors, laziness, trees, properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kconv.compose.interpolation import UnsetVariable, interpolate, interpolate_tree
from kconv.errors import InputError
from kconv.model.location import Location
from kconv.yamlio import Tagged, load_documents

ENV = {"FOO": "foo", "EMPTY": "", "BAR": "bar", "lower": "low", "_U1": "u1", "DOLLAR": "$X"}
WHERE = Location("compose.yaml", 3, 7)


def lookup(name: str) -> str | None:
    return ENV.get(name)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # plain text and escapes
        ("no variables here", "no variables here"),
        ("", ""),
        ("$$", "$"),
        ("$$FOO", "$FOO"),
        ("$${FOO}", "${FOO}"),
        ("a $$$$ b", "a $$ b"),
        ("$$$FOO", "$foo"),
        # a $ that starts nothing stays literal
        ("a $ string", "a $ string"),
        ("^REGEX$", "^REGEX$"),
        ("$}", "$}"),
        ("$1", "$1"),
        ("$-x", "$-x"),
        ("price: 5$", "price: 5$"),
        # $VAR and ${VAR}
        ("$FOO", "foo"),
        ("${FOO}", "foo"),
        ("x${FOO}y", "xfooy"),
        ("$FOO$BAR", "foobar"),
        ("$FOO-bar", "foo-bar"),
        ("$FOO.bar", "foo.bar"),
        ("$FOOBAR", ""),
        ("$lower ${lower}", "low low"),
        ("$_U1 ${_U1}", "u1 u1"),
        ("${EMPTY}", ""),
        # values are not re-interpolated
        ("$DOLLAR", "$X"),
        # :- and -
        ("${UNSET:-default}", "default"),
        ("${EMPTY:-default}", "default"),
        ("${FOO:-default}", "foo"),
        ("${UNSET-default}", "default"),
        ("${EMPTY-default}", ""),
        ("${FOO-default}", "foo"),
        ("${UNSET:-}", ""),
        ("${UNSET-}", ""),
        ("${UNSET:-a b: c}", "a b: c"),
        ("${UNSET:-a-b}", "a-b"),
        ("${UNSET:-:-}", ":-"),
        ("${UNSET:-$$}", "$"),
        ("${UNSET:-{x}", "{x"),
        ("${UNSET:-a}b}", "ab}"),
        # :+ and +
        ("${FOO:+alt}", "alt"),
        ("${EMPTY:+alt}", ""),
        ("${UNSET:+alt}", ""),
        ("${FOO+alt}", "alt"),
        ("${EMPTY+alt}", "alt"),
        ("${UNSET+alt}", ""),
        ("${FOO:+[$BAR]}", "[bar]"),
        # ? and :? when the variable is set
        ("${FOO:?must be set}", "foo"),
        ("${FOO?must be set}", "foo"),
        ("${EMPTY?must be set}", ""),
        # nesting
        ("${UNSET:-${FOO}}", "foo"),
        ("${UNSET:-${UNSET2:-x}}", "x"),
        ("${UNSET:-${UNSET2:-${BAR}}}", "bar"),
        ("${UNSET:-a${FOO}b}c", "afoobc"),
        ("${UNSET:-$FOO}", "foo"),
        ("${FOO:-${UNSET}}", "foo"),
        ("${UNSET:-${FOO:+yes}}", "yes"),
        ("${UNSET:-x} and ${BAR}", "x and bar"),
        ("${UNSET:-$${FOO}}", "${FOO}"),
        # several in one string
        ("${FOO}/${BAR}:$FOO", "foo/bar:foo"),
        ("http://${FOO}:8080/${BAR:-api}", "http://foo:8080/bar"),
    ],
)
def test_forms(text: str, expected: str) -> None:
    assert interpolate(text, lookup, WHERE)[0] == expected


@pytest.mark.parametrize(
    ("text", "unset"),
    [
        ("${UNSET}", ["UNSET"]),
        ("$UNSET", ["UNSET"]),
        ("$A and ${B} and $A", ["A", "B", "A"]),
        ("${UNSET:-x}", []),
        ("${UNSET-x}", []),
        ("${UNSET:+x}", []),
        ("${UNSET+x}", []),
        # lazy branches: an unset variable in an unused branch is not reported
        ("${FOO:-${NOPE}}", []),
        ("${FOO-$NOPE}", []),
        ("${UNSET:+$NOPE}", []),
        ("${FOO:?$NOPE}", []),
        # ... and is reported when the branch is used
        ("${UNSET:-${NOPE}}", ["NOPE"]),
        ("${FOO:+$NOPE}", ["NOPE"]),
        ("${EMPTY}", []),
        ("$$UNSET", []),
    ],
)
def test_unset_variables_are_reported(text: str, unset: list[str]) -> None:
    _value, missing = interpolate(text, lookup, WHERE)
    assert [item.name for item in missing] == unset
    assert all(item.location == WHERE for item in missing)


def test_unset_variable_value_and_location() -> None:
    assert interpolate("a${NOPE}b", lookup) == ("ab", [UnsetVariable("NOPE", None)])
    assert interpolate("$NOPE", lookup, WHERE) == ("", [UnsetVariable("NOPE", WHERE)])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("${", "missing closing }"),
        ("${}", "a variable name must follow ${"),
        ("${ foo}", "a variable name must follow ${"),
        ("${foo }", "unexpected ' ' after the variable name"),
        ("${foo!}", "unexpected '!' after the variable name"),
        ("${foo", "missing closing }"),
        ("${FOO:-x", "missing closing }"),
        ("${1abc}", "cannot start with a digit"),
        ("${-x}", "a variable name must follow ${"),
        ("${FOO:x}", "unexpected ':' after the variable name"),
        ("${FOO/a/b}", "unexpected '/' after the variable name"),
        ("${FOO#x}", "unexpected '#' after the variable name"),
        ("${FOO[0]}", "unexpected '['"),
        ("ok ${FOO} then ${", "missing closing }"),
        ("${UNSET:-${}}", "a variable name must follow ${"),
        ("$${FOO} ${ }", "a variable name must follow ${"),
    ],
)
def test_malformed_templates(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        interpolate(text, lookup, WHERE)
    assert caught.value.message.startswith("invalid interpolation format")
    assert fragment in caught.value.message
    assert "write $$ for a literal $" in caught.value.message
    assert caught.value.location == WHERE
    assert str(caught.value).startswith("compose.yaml:3:7: ")


def test_unterminated_template_is_an_error_even_when_the_variable_is_set() -> None:
    with pytest.raises(InputError, match="missing closing"):
        interpolate("${FOO:-x", lookup)


def test_long_template_is_clipped_in_the_message() -> None:
    with pytest.raises(InputError) as caught:
        interpolate("${" + "x" * 500, lookup)
    assert len(caught.value.message) < 200
    assert "..." in caught.value.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "${UNSET:?please set UNSET}",
            "required variable UNSET is missing a value: please set UNSET",
        ),
        ("${EMPTY:?empty}", "required variable EMPTY is missing a value: empty"),
        ("${UNSET?gone}", "required variable UNSET is missing a value: gone"),
        ("${UNSET:?}", "required variable UNSET is missing a value"),
        ("${UNSET?}", "required variable UNSET is missing a value"),
        ("${UNSET:?need $FOO}", "required variable UNSET is missing a value: need foo"),
        ("${UNSET:-${INNER:?inner needed}}", "required variable INNER is missing a value: inner"),
        ("${FOO:+${UNSET?alt needs it}}", "required variable UNSET is missing a value: alt"),
    ],
)
def test_missing_required_variables(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        interpolate(text, lookup, WHERE)
    assert caught.value.message.startswith(message)
    assert caught.value.location == WHERE


def test_required_error_never_contains_other_values() -> None:
    secret_env = {"PASSWORD": "hunter2"}
    with pytest.raises(InputError) as caught:
        interpolate("$PASSWORD ${TOKEN:?set it}", secret_env.get)
    assert "hunter2" not in str(caught.value)


def test_lookup_is_only_called_for_used_names() -> None:
    calls: list[str] = []

    def recording(name: str) -> str | None:
        calls.append(name)
        return ENV.get(name)

    interpolate("${FOO:-$NEVER} $$NOT ${UNSET:+$NEITHER}", recording)
    assert calls == ["FOO", "UNSET"]


def test_deep_nesting_is_an_input_error_not_a_crash() -> None:
    deep = "${A:-" * 500 + "x" + "}" * 500
    with pytest.raises(InputError, match="nested more than"):
        interpolate(deep, lookup)
    assert interpolate("${A:-" * 20 + "x" + "}" * 20, lookup)[0] == "x"


# -- trees -------------------------------------------------------------------------------------

COMPOSE = """\
services:
  web:
    image: "nginx:${TAG:-latest}"
    environment:
      - "HOME=$$HOME"
      - PLAIN=value
    labels:
      $FOO: "${FOO}"
    ports:
      - 80
    read_only: true
    command: !reset ${CMD}
    entrypoint: !override ["$FOO", "${NOPE}"]
    x-null: null
"""


def load(text: str) -> tuple[object, object]:
    document = load_documents(text, "compose.yaml", keep_tags=("!reset", "!override"))[0]
    return document.data, document.positions


def test_interpolate_tree() -> None:
    data, positions = load(COMPOSE)
    result, unset = interpolate_tree(data, lookup, positions.nearest)  # type: ignore[attr-defined]
    web = result["services"]["web"]
    assert web["image"] == "nginx:latest"
    assert web["environment"] == ["HOME=$HOME", "PLAIN=value"]
    assert web["labels"] == {"$FOO": "foo"}  # keys are never interpolated
    assert web["ports"] == [80]
    assert web["read_only"] is True
    assert web["x-null"] is None
    assert web["command"] == Tagged("!reset", "")
    assert web["entrypoint"] == Tagged("!override", ["foo", ""])
    assert [(u.name, u.location) for u in unset] == [
        ("CMD", Location("compose.yaml", 12, 5)),
        ("NOPE", Location("compose.yaml", 13, 36)),
    ]


def test_interpolate_tree_returns_a_new_tree() -> None:
    data, positions = load(COMPOSE)
    before = repr(data)
    result, _ = interpolate_tree(data, lookup, positions.nearest)  # type: ignore[attr-defined]
    assert repr(data) == before
    assert result is not data
    assert result["services"]["web"]["environment"] is not data["services"]["web"]["environment"]  # type: ignore[index]


def test_interpolate_tree_error_location() -> None:
    data, positions = load("services:\n  db:\n    image: ${IMAGE:?set IMAGE}\n")
    with pytest.raises(InputError) as caught:
        interpolate_tree(data, lookup, positions.nearest)  # type: ignore[attr-defined]
    assert str(caught.value) == (
        "compose.yaml:3:5: required variable IMAGE is missing a value: set IMAGE"
    )


def test_interpolate_tree_locate_called_only_for_dollar_strings() -> None:
    pointers: list[str] = []

    def locate(pointer: str) -> Location:
        pointers.append(pointer)
        return Location("f.yaml", 1, 1)

    data = {"a": "plain", "b": ["$FOO", 1, {"c/d": "${BAR}"}], "e~": Tagged("!reset", "$X")}
    result, unset = interpolate_tree(data, lookup, locate)
    assert result == {"a": "plain", "b": ["foo", 1, {"c/d": "bar"}], "e~": Tagged("!reset", "")}
    assert pointers == ["/b/0", "/b/2/c~1d", "/e~0"]
    assert [u.name for u in unset] == ["X"]


def test_interpolate_tree_scalars() -> None:
    for scalar in (None, 1, 2.5, True, "text"):
        assert interpolate_tree(scalar, lookup, lambda p: WHERE) == (scalar, [])
    assert interpolate_tree("$FOO", lookup, lambda p: WHERE) == ("foo", [])


# -- properties --------------------------------------------------------------------------------

TEMPLATE_ALPHABET = st.sampled_from(list("${}:-+?!ab_1 \n\"'#"))


@given(st.text(TEMPLATE_ALPHABET, max_size=60))
def test_random_templates_raise_only_input_error(text: str) -> None:
    try:
        value, unset = interpolate(text, lookup, WHERE)
    except InputError:
        return
    assert isinstance(value, str)
    assert all(isinstance(item, UnsetVariable) for item in unset)


@given(st.text(max_size=80))
def test_any_text_raises_only_input_error(text: str) -> None:
    try:
        value, _unset = interpolate(text, lookup)
    except InputError:
        return
    assert isinstance(value, str)


@given(st.text(max_size=80).filter(lambda t: "$" not in t))
def test_text_without_dollar_is_unchanged(text: str) -> None:
    assert interpolate(text, lookup) == (text, [])


@given(st.text(max_size=80))
def test_escaped_dollars_round_trip(text: str) -> None:
    assert interpolate(text.replace("$", "$$"), lookup) == (text, [])


@given(st.text(st.characters(codec="ascii", exclude_characters="$"), max_size=30))
def test_default_is_taken_literally_when_it_has_no_dollar_or_brace(default: str) -> None:
    if "}" in default:
        return
    assert interpolate("${UNSET:-" + default + "}", lookup)[0] == default
