"""The `json` format: a stable contract for scripts.

`{"findings": [{"rule", "severity", "file", "line", "column", "kind", "namespace", "name",
"message"}], "summary": {"files", "objects", "errors", "warnings", "infos"}}`; values that are
unknown (a finding about a file rather than an object) are null.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kconv.report.pretty_json import compact, dumps

if TYPE_CHECKING:
    from kconv.lint.engine import LintResult
    from kconv.lint.rule import Finding


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


def render(result: LintResult, *, color: bool = False) -> str:
    """`to_data(result)` as JSON, one line per finding; each finding's dict is built and
    written in turn, so a large report never holds all of them as dicts."""
    summary = dumps(_summary(result), expand=1).rstrip("\n").replace("\n", "\n  ")
    if not result.findings:
        return f'{{\n  "findings": [],\n  "summary": {summary}\n}}\n'
    parts = ['{\n  "findings": [\n    ']
    parts.extend(f"{compact(_finding(finding))},\n    " for finding in result.findings)
    parts[-1] = parts[-1].removesuffix(",\n    ")
    parts.append(f'\n  ],\n  "summary": {summary}\n}}\n')
    return "".join(parts)
