"""The `json` format: a stable contract for scripts.

`{"findings": [{"rule", "severity", "file", "line", "column", "kind", "namespace", "name",
"message"}], "summary": {"files", "objects", "errors", "warnings", "infos"}}`; values that are
unknown (a finding about a file rather than an object) are null.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kconv.lint.rule import Severity
from kconv.report.pretty_json import dumps

if TYPE_CHECKING:
    from kconv.lint.engine import LintResult
    from kconv.lint.rule import Finding

_quote = json.encoder.encode_basestring  # a JSON string literal (C), as the encoder writes
_SEVERITY = {severity: _quote(str(severity)) for severity in Severity}


def to_data(result: LintResult) -> dict[str, Any]:
    """The report as plain data (what `render` writes)."""
    findings = [_finding(finding) for finding in result.findings]
    return {"findings": findings, "summary": _summary(result)}


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": str(finding.severity),
        "file": finding.location.file,
        "line": finding.location.line,
        "column": finding.location.column,
        "kind": finding.kind,
        "namespace": finding.namespace,
        "name": finding.object_name,
        "message": finding.message,
    }


def _summary(result: LintResult) -> dict[str, Any]:
    return {"files": result.files, "objects": result.objects, **result.counts()}


_SEPARATOR = ",\n    "  # between two findings' lines


def render_block(findings: Sequence[Finding]) -> str:
    """One file's findings, a line of JSON each."""
    return _SEPARATOR.join([finding_line(finding) for finding in findings])


def render(result: LintResult, *, color: bool = False, blocks: Sequence[str] | None = None) -> str:
    """`to_data(result)` as JSON, one line per finding (written directly: building a dict per
    finding for the encoder took three times as long; a test checks both agree). `blocks`:
    each file's lines, rendered beforehand by `render_block`."""
    summary = dumps(_summary(result), expand=1).rstrip("\n").replace("\n", "\n  ")
    if not result.findings:
        return f'{{\n  "findings": [],\n  "summary": {summary}\n}}\n'
    # one join over the pieces: joining the findings first and then the document would hold
    # two copies of a large report at once (10,000 manifests: 9 MB each)
    parts = ['{\n  "findings": [\n    ']
    if blocks is None:
        for finding in result.findings:
            parts.append(finding_line(finding))
            parts.append(_SEPARATOR)
    else:
        for block in blocks:
            parts.append(block)
            parts.append(_SEPARATOR)
    parts[-1] = f'\n  ],\n  "summary": {summary}\n}}\n'
    return "".join(parts)


def finding_line(finding: Finding, quote: Any = _quote) -> str:
    """`_finding(finding)` as one line of JSON, written directly (the hot loop of a large
    report: no helper calls per field)."""
    where = finding.location
    line, column = where.line, where.column
    kind, namespace, name = finding.kind, finding.namespace, finding.object_name
    return (
        f'{{"rule": {quote(finding.rule)}, "severity": {_SEVERITY[finding.severity]}, '
        f'"file": {quote(where.file)}, "line": {"null" if line is None else int(line)}, '
        f'"column": {"null" if column is None else int(column)}, '
        f'"kind": {"null" if kind is None else quote(kind)}, '
        f'"namespace": {"null" if namespace is None else quote(namespace)}, '
        f'"name": {"null" if name is None else quote(name)}, '
        f'"message": {quote(finding.message)}}}'
    )
