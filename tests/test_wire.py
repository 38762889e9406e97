"""What `--jobs` workers send back, and the parent's assembly of it (kconv.lint.wire), and
findings made on first read (kconv.lint.deferred)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kconv.lint import wire
from kconv.lint.deferred import DeferredFindings
from kconv.lint.engine import LintResult
from kconv.lint.rule import Finding, Severity
from kconv.model.location import Location
from kconv.report import block_renderer

TEXT = block_renderer("text")


def _finding(file: str, line: int, severity: Severity = Severity.WARNING) -> Finding:
    return Finding(
        "KC101",
        "privileged-container",
        severity,
        f"m{line}",
        Location(file, line, 3),
        "Pod",
        "ns",
        "web",
        "Set it to false.",
    )


def _part(findings: list[Finding]) -> wire.Part:
    groups = wire.by_file(findings)
    return (wire.unpack(wire.pack(wire.heads(groups, TEXT))), wire.encode(groups))


def _never() -> list[Finding]:
    raise AssertionError("the findings were made")


def test_findings_travel_whole() -> None:
    findings = [_finding("a.yaml", 2), _finding("a.yaml", 5, Severity.ERROR), _finding("b", 1)]
    heads, blob = _part(findings)
    assert [(file, tally) for file, tally, _ in heads] == [("a.yaml", (0, 1, 1)), ("b", (0, 1, 0))]
    assert wire.decode(blob, heads) == [findings[:2], findings[2:]]


def test_merge_orders_files_and_sums_tallies_without_making_findings() -> None:
    first = [_finding("a.yaml", 1), _finding("c.yaml", 1, Severity.ERROR)]
    second = [_finding("b.yaml", 1, Severity.INFO), _finding("b.yaml", 4)]
    own = [_finding(".kconv.yaml", 2, Severity.ERROR)]
    own_groups = wire.by_file(own)
    parts = [(wire.heads(own_groups, TEXT), own_groups), _part(first), _part(second)]
    findings, blocks = wire.merge(parts, TEXT)
    assert isinstance(findings, DeferredFindings)
    assert findings.tally == {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 2}
    assert len(findings) == 5
    assert blocks is not None and [block.split(":")[0] for block in blocks] == [
        ".kconv.yaml",
        "a.yaml",
        "b.yaml",
        "c.yaml",
    ]
    assert findings == [own[0], first[0], *second, first[1]]


def test_merge_sorts_in_full_when_two_processes_have_a_file_of_one_name() -> None:
    first = [_finding("same.yaml", 6), _finding("z.yaml", 1)]
    second = [_finding("same.yaml", 2)]
    findings, blocks = wire.merge([_part(first), _part(second)], TEXT)
    assert findings == [second[0], first[0], first[1]]
    assert blocks is not None and len(blocks) == 2 and blocks[0].count("\n") == 1
    findings, blocks = wire.merge([_part(first), _part(second)], None)
    assert blocks is None and [f.location.line for f in findings] == [2, 6, 1]


def test_no_blocks_when_not_rendered() -> None:
    groups = wire.by_file([_finding("a.yaml", 1)])
    findings, blocks = wire.merge([(wire.heads(groups, None), wire.encode(groups))], None)
    assert blocks is None and list(findings) == [_finding("a.yaml", 1)]


def test_deferred_findings_are_made_once_on_first_read() -> None:
    made: list[int] = []
    items = [_finding("a.yaml", 1), _finding("a.yaml", 2, Severity.ERROR)]

    def make() -> list[Finding]:
        made.append(1)
        return list(items)

    deferred = DeferredFindings(make, {Severity.WARNING: 1, Severity.ERROR: 1})
    assert len(deferred) == 2 and bool(deferred) and made == []
    assert repr(deferred) == "<DeferredFindings: 2 findings, made on first read>"
    assert deferred[1] == items[1] and deferred[:1] == items[:1] and list(deferred) == items
    assert deferred == items and items == deferred and deferred != items[:1]
    assert deferred != "not a sequence of findings"
    assert made == [1] and repr(deferred) == repr(items)
    with pytest.raises(TypeError):
        hash(deferred)


def test_a_result_counts_and_fails_from_the_tally() -> None:
    deferred = DeferredFindings(_never, {Severity.INFO: 2, Severity.WARNING: 1})
    result = LintResult(findings=deferred, files=1, objects=3)
    assert result.counts() == {"errors": 0, "warnings": 1, "infos": 2}
    assert not result.fails() and result.fails(Severity.WARNING) and result.fails(Severity.INFO)
    assert len(result.findings) == 3


def test_parts_without_findings_give_a_tally_only() -> None:
    from kconv.lint.deferred import FindingsNotKept

    groups = wire.by_file([_finding("a.yaml", 1), _finding("b.yaml", 2, Severity.ERROR)])
    part: wire.Part = (wire.heads(groups, TEXT), None)
    findings, blocks = wire.merge([part], TEXT)
    assert isinstance(findings, DeferredFindings) and len(findings) == 2
    assert findings.tally[Severity.ERROR] == 1 and blocks is not None and len(blocks) == 2
    assert repr(findings) == "<DeferredFindings: 2 findings, not kept>"
    with pytest.raises(FindingsNotKept):
        findings[0]
    with pytest.raises(ValueError, match="cannot be merged"):  # two parts with a.yaml
        wire.merge([part, _part([_finding("a.yaml", 3)])], TEXT)


_files = st.sampled_from(["a.yaml", "b.yaml", "c/d.yaml", "<stdin>", "z.yaml"])
# the sort key (file, line, column, rule, message) tells apart findings that differ, as a
# run's do (one rule has one severity)
_one = st.builds(
    lambda file, line, severity: _finding(file, line, severity)._replace(
        message=f"m{line} {severity}"
    ),
    _files,
    st.integers(min_value=1, max_value=30),
    st.sampled_from(list(Severity)),
)


@settings(max_examples=150, deadline=None)
@given(
    findings=st.lists(_one, max_size=25),
    parts=st.integers(min_value=1, max_value=3),
    owner=st.randoms(use_true_random=False),
    shared=st.booleans(),
)
def test_merge_is_one_sort_of_everything(
    findings: list[Finding], parts: int, owner: random.Random, shared: bool
) -> None:
    """However the files are shared out between processes (a file wholly in one, or, with
    `shared`, a name in several), the merged findings and blocks are those of one sorted
    run, and the tally counts them."""
    if shared:
        places = {id(finding): owner.randrange(parts) for finding in findings}
        place = lambda finding: places[id(finding)]  # noqa: E731
    else:
        homes = {file: owner.randrange(parts) for file in {f.location.file for f in findings}}
        place = lambda finding: homes[finding.location.file]  # noqa: E731
    split: list[list[Finding]] = [[] for _ in range(parts)]
    for finding in findings:
        split[place(finding)].append(finding)
    encoded = [_part(sorted(items, key=lambda f: f.sort_key)) for items in split]
    merged, blocks = wire.merge(encoded, TEXT)
    expected = sorted(findings, key=lambda finding: finding.sort_key)
    assert list(merged) == expected and len(merged) == len(expected)
    assert TEXT is not None
    assert blocks == [TEXT(group) for group in wire.by_file(expected)]
    result = LintResult(findings=merged, files=5, objects=5)
    for severity in Severity:
        assert result.count(severity) == sum(f.severity == severity for f in expected)


def test_no_findings_and_no_block_renderer_give_no_blocks() -> None:
    """A clean run in a format without blocks (sarif, gitlab): None, not an empty list, which
    the format's `render` would be handed and does not take."""
    empty: wire.Part = ([], wire.encode([]))
    findings, blocks = wire.merge([empty, empty], None)
    assert blocks is None and len(findings) == 0
    assert wire.merge([empty, empty], block_renderer("json"))[1] == []
