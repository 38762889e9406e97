"""Rule selection: prefixes, names, ALL, longest match wins, select replaces the default set."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kconv.errors import ConfigError
from kconv.lint.rule import RuleSpec, Severity
from kconv.lint.selection import Layer, enabled_rules, specificity, split_selectors


def rule(rule_id: str, name: str, default: bool = True) -> RuleSpec:
    return RuleSpec(rule_id, name, Severity.ERROR, default, None, "s", "r", "f.", "c")


RULES = [
    rule("KC001", "yaml-syntax-error"),
    rule("KC101", "privileged-container"),
    rule("KC102", "privilege-escalation"),
    rule("KC110", "host-port"),
    rule("KC208", "missing-cpu-limit", default=False),
    rule("KC301", "latest-tag"),
]


def ids(*layers: Layer) -> list[str]:
    return [spec.id for spec in enabled_rules(RULES, layers)]


@pytest.mark.parametrize(
    ("select", "ignore", "expected"),
    [
        ((), (), ["KC001", "KC101", "KC102", "KC110", "KC301"]),
        (("KC1",), (), ["KC101", "KC102", "KC110"]),
        (("KC1",), ("KC11",), ["KC101", "KC102"]),
        (("KC110",), ("KC1",), ["KC110"]),  # the longer select wins over a shorter ignore
        (("KC1",), ("KC1",), []),  # a tie goes to ignore
        (("ALL",), ("KC1",), ["KC001", "KC208", "KC301"]),
        (("ALL",), (), ["KC001", "KC101", "KC102", "KC110", "KC208", "KC301"]),
        (("missing-cpu-limit",), (), ["KC208"]),  # select replaces the defaults
        ((), ("privileged-container", "KC3"), ["KC001", "KC102", "KC110"]),
        (("KC1",), ("host-port",), ["KC101", "KC102"]),
        (("kc10",), (), ["KC101", "KC102"]),  # ids are case-insensitive
    ],
)
def test_select_and_ignore(
    select: tuple[str, ...], ignore: tuple[str, ...], expected: list[str]
) -> None:
    assert ids(Layer(select, ignore)) == expected


def test_extend_adds_to_the_set_in_force() -> None:
    assert ids(Layer((), (), extend=("KC208",))) == [
        "KC001",
        "KC101",
        "KC102",
        "KC110",
        "KC208",
        "KC301",
    ]
    assert ids(Layer(("KC1",), (), extend=("KC208",))) == ["KC101", "KC102", "KC110", "KC208"]
    # the exact id is more specific than the ignored prefix
    assert "KC208" in ids(Layer((), ("KC2",), extend=("KC208",)))
    assert "KC208" not in ids(Layer((), ("KC208",), extend=("KC208",)))  # a tie: ignore


def test_layers_apply_in_order() -> None:
    config = Layer((), ("KC1",), "config")
    assert ids(config) == ["KC001", "KC301"]
    assert ids(config, Layer(("KC101",), ())) == ["KC101"]


@pytest.mark.parametrize(
    ("selector", "hint"),
    [
        ("KC9", ""),
        ("privileged", "; did you mean 'privileged-container'?"),
        ("KC1011", "; did you mean 'KC101'?"),
    ],
)
def test_unknown_selectors_are_config_errors(selector: str, hint: str) -> None:
    with pytest.raises(ConfigError) as caught:
        ids(Layer((selector,), (), "--select"))
    assert caught.value.message == f"unknown rule {selector!r} in --select{hint}"


def test_split_selectors() -> None:
    assert split_selectors(["KC1, KC2", " KC3 ", ""]) == ["KC1", "KC2", "KC3"]


_SELECTORS = st.sampled_from(
    ["ALL", "KC", "KC0", "KC1", "KC10", "KC101", "KC11", "KC2", "KC3", "host-port", "latest-tag"]
)


@settings(max_examples=200, deadline=None)
@given(select=st.lists(_SELECTORS, max_size=3), ignore=st.lists(_SELECTORS, max_size=3))
def test_selection_properties(select: list[str], ignore: list[str]) -> None:
    chosen = set(ids(Layer(tuple(select), tuple(ignore))))
    for spec in RULES:
        named_in = {spec.id, spec.name}
        if named_in & set(ignore) and not named_in & set(select):
            assert spec.id not in chosen  # an exact ignore beats every prefix
        if not ignore and (spec.id in select or spec.name in select):
            assert spec.id in chosen  # an exact select always runs
        if select and not any(specificity(s, spec) >= 0 for s in select):
            assert spec.id not in chosen  # select replaces the default set
    if not select:
        assert chosen <= {spec.id for spec in RULES if spec.default}
