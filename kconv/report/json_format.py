"""The `json` format: a stable contract for scripts.

`{"findings": [{"rule", "severity", "file", "line", "column", "kind", "namespace", "name",
"message"}], "summary": {"files", "objects", "errors", "warnings", "infos"}}`; values that are
unknown (a finding about a file rather than an object) are null.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kconv.lint.engine import LintResult


def to_data(result: LintResult) -> dict[str, Any]:
    """The report as plain data (what `render` serialises)."""
    findings = [
        {
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
        for finding in result.findings
    ]
    summary = {"files": result.files, "objects": result.objects, **result.counts()}
    return {"findings": findings, "summary": summary}


def render(result: LintResult, *, color: bool = False) -> str:
    return json.dumps(to_data(result), indent=2, ensure_ascii=False) + "\n"
