"""Every rule's fixture pair: findings land exactly on the `# expect:` lines of fail.yaml,
and pass.yaml yields none. Only the rule under test runs, with its default params."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from kconv.errors import ConfigError
from kconv.lint.config import LintConfig
from kconv.lint.engine import lint
from kconv.lint.registry import load_rules
from kconv.lint.rule import RuleSpec
from kconv.manifests import load_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "rules"
_EXPECT = re.compile(r"#\s*expect:\s*(.+?)\s*$")
_ITEM = re.compile(r"^([A-Z]{1,4}[0-9]{1,4})(?:\s*x\s*([0-9]+))?$")


def parse_expectations(path: Path) -> Counter[tuple[int, str]]:
    """The multiset of (line, rule id) written as `# expect: KC101, KC102 x2` comments."""
    expected: Counter[tuple[int, str]] = Counter()
    text = path.read_bytes().decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match is None:
            continue
        for item in match.group(1).split(","):
            parsed = _ITEM.match(item.strip())
            if parsed is None:
                raise ValueError(f"{path}:{number}: bad expect item {item.strip()!r}")
            expected[(number, parsed.group(1))] += int(parsed.group(2) or 1)
    return expected


def fixture_dir(spec: RuleSpec) -> Path:
    return FIXTURES / f"{spec.id}-{spec.name}"


def run_rule(spec: RuleSpec, path: Path) -> Counter[tuple[int, str]]:
    result = lint(load_paths([str(path)]), config=LintConfig(), select=[spec.id])
    found: Counter[tuple[int, str]] = Counter()
    for finding in result.findings:
        found[(finding.location.line or 0, finding.rule)] += 1
    return found


def _cases() -> list[pytest.ParameterSet]:
    try:
        rules = load_rules()
    except ConfigError as exc:  # one broken spec: say so instead of a collection error
        return [pytest.param(None, str(exc), id="rule-specs-load")]
    cases = []
    for spec in rules:
        for which in ("fail", "pass"):
            cases.append(pytest.param(spec, which, id=f"{spec.id}-{which}"))
    return cases


@pytest.mark.parametrize(("spec", "which"), _cases())
def test_rule_fixture(spec: RuleSpec | None, which: str) -> None:
    if spec is None:
        pytest.fail(f"the rule specs do not load: {which}")
    path = fixture_dir(spec) / f"{which}.yaml"
    if not path.is_file():
        pytest.fail(f"missing fixture {path.relative_to(FIXTURES.parent.parent)}")
    found = run_rule(spec, path)
    if which == "pass":
        assert found == Counter(), f"{path}: unexpected findings {sorted(found.elements())}"
        return
    expected = parse_expectations(path)
    assert expected, f"{path}: a fail fixture needs at least one '# expect: {spec.id}' comment"
    missing = sorted((expected - found).elements())
    unexpected = sorted((found - expected).elements())
    assert not missing and not unexpected, (
        f"{path}: missing (line, rule) {missing}; unexpected {unexpected}"
    )


def test_parse_expectations(tmp_path: Path) -> None:
    sample = tmp_path / "fail.yaml"
    sample.write_text("a: 1  # expect: KC101\nb: 2\nc: 3  # expect: KC101, KC102 x2\n")
    assert parse_expectations(sample) == Counter(
        {(1, "KC101"): 1, (3, "KC101"): 1, (3, "KC102"): 2}
    )
