"""The `github` format: GitHub Actions workflow commands, one annotation per finding.

`::error file=k8s/app.yaml,line=12,col=9,title=KC101 privileged-container::message`
(warnings become `::warning`, infos `::notice`). Line breaks are percent-encoded (the runner
decodes them back); other characters that are not printable are escaped like `\\x1b`
(kconv.report.escape), so manifest text sends no control codes to the job log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kconv.lint.rule import Finding, Severity
from kconv.report.escape import printable

if TYPE_CHECKING:
    from kconv.lint.engine import LintResult

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def format_finding(finding: Finding) -> str:
    properties = [f"file={_escape_property(finding.location.file)}"]
    if finding.location.line is not None:
        properties.append(f"line={finding.location.line}")
        if finding.location.column is not None:
            properties.append(f"col={finding.location.column}")
    properties.append(f"title={_escape_property(f'{finding.rule} {finding.name}')}")
    command = _COMMANDS[finding.severity]
    return f"::{command} {','.join(properties)}::{_escape_data(finding.message)}"


def render_block(findings: Sequence[Finding]) -> str:
    """One file's annotations, a line each."""
    return "".join([format_finding(finding) + "\n" for finding in findings])


def render(result: LintResult, *, color: bool = False, blocks: Sequence[str] | None = None) -> str:
    """One annotation per line. `blocks`: each file's annotations, rendered beforehand by
    `render_block`."""
    if blocks is None:
        return render_block(result.findings)
    return "".join(blocks)
