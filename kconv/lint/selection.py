"""Which rules run: flake8-style select/ignore by id prefix or rule name.

A selector is a rule id prefix (`KC1` matches KC100-KC199, `KC101` matches KC101), a rule name
(`privileged-container`), or `ALL`. Between `select` and `ignore`, the most specific (longest)
match wins: `--select KC1 --ignore KC101` runs KC1xx except KC101. A name is as specific as a
full id; `ALL` is the least specific; a tie goes to `ignore`. A non-empty `select` replaces the
default set (rules with `default: true`); `extend` adds to whichever set is in force.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from kconv.errors import ConfigError
from kconv.lint.rule import RuleSpec
from kconv.model.location import Location

ALL = "ALL"
_NAME_SPECIFICITY = 100
_PREFIX = re.compile(r"^[A-Z]{1,4}[0-9]{0,4}$")


def closest(word: str, choices: Sequence[str]) -> str | None:
    """The most similar of `choices` (ties: the first), reading `KC1O1` as `KC101`; or None."""
    if not choices:
        return None
    match = re.match(r"^([A-Za-z]{1,4})([0-9OoIl]+)$", word)
    if match:
        digits = match.group(2).translate(str.maketrans("OoIl", "0011"))
        normalised = match.group(1).upper() + digits
        if normalised in choices:
            return normalised
    import difflib  # only for a mistyped name

    scores = [
        (difflib.SequenceMatcher(None, word.lower(), choice.lower()).ratio(), -index, choice)
        for index, choice in enumerate(choices)
    ]
    score, _, best = max(scores)
    return best if score >= 0.6 else None


def hint(word: str, choices: Iterable[str]) -> str:
    """`; did you mean 'X'?` or ""."""
    best = closest(word, list(choices))
    return f"; did you mean {best!r}?" if best else ""


def split_selectors(values: Iterable[str]) -> list[str]:
    """Flatten `["KC1,KC2", "KC3"]` into `["KC1", "KC2", "KC3"]` (whitespace ignored)."""
    result = []
    for value in values:
        result.extend(part.strip() for part in str(value).split(",") if part.strip())
    return result


def specificity(selector: str, rule: RuleSpec) -> int:
    """How specifically `selector` matches `rule`: -1 for no match, higher is more specific."""
    if selector == ALL:
        return 0
    if selector == rule.name:
        return _NAME_SPECIFICITY
    upper = selector.upper()
    if _PREFIX.match(upper) and rule.id.startswith(upper):
        return len(upper)
    return -1


def best_match(selectors: Iterable[str], rule: RuleSpec) -> int:
    return max((specificity(selector, rule) for selector in selectors), default=-1)


def matches_any(selectors: Iterable[str], rule: RuleSpec) -> bool:
    return best_match(selectors, rule) >= 0


class Layer(NamedTuple):
    """One selection: `select` (replaces the default set when non-empty), `extend` (adds to
    it), and `ignore`; the most specific match wins, a tie goes to `ignore`."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    source: str = "--select"
    location: Location | None = None
    ignore_source: str = ""  # how to name `ignore` in messages (default: `source`)
    extend: tuple[str, ...] = ()

    def decide(self, rule: RuleSpec, current: bool) -> bool:
        """Apply this layer to a rule that is currently enabled (`current`) or not."""
        if self.select:
            selected: float = best_match(self.select, rule)
        else:
            selected = -0.5 if current else -1  # the default set: weaker than any selector
        selected = max(selected, best_match(self.extend, rule))
        if selected == -1:
            return False
        return selected > best_match(self.ignore, rule)


def validate_selectors(
    selectors: Iterable[str], rules: Sequence[RuleSpec], source: str, location: Location | None
) -> None:
    """ConfigError (with a "did you mean") for a selector that matches no rule."""
    for selector in selectors:
        if any(specificity(selector, rule) >= 0 for rule in rules):
            continue
        choices = [rule.id for rule in rules] + [rule.name for rule in rules]
        raise ConfigError(
            f"unknown rule {selector!r} in {source}{hint(selector, choices)}", location
        )


def enabled_rules(rules: Sequence[RuleSpec], layers: Iterable[Layer]) -> list[RuleSpec]:
    """The rules enabled after applying each layer in order to the default set."""
    layers = list(layers)
    for layer in layers:
        validate_selectors(layer.select + layer.extend, rules, layer.source, layer.location)
        validate_selectors(layer.ignore, rules, layer.ignore_source or layer.source, layer.location)
    result = []
    for rule in rules:
        enabled = rule.default
        for layer in layers:
            enabled = layer.decide(rule, enabled)
        if enabled:
            result.append(rule)
    return result
