"""The `text` format: findings grouped by file, one `file:line:col: severity rule message` line
each, and a summary line. Colour only when asked (the CLI asks on a terminal without NO_COLOR).
Characters of messages and file names that are not printable are escaped (kconv.report.escape),
so a finding is always one line and manifest text never reaches the terminal as control codes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from kconv.lint.rule import Finding, Severity
from kconv.report.escape import escape

if TYPE_CHECKING:
    from kconv.lint.engine import LintResult

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def format_finding(finding: Finding, *, color: bool = False) -> str:
    """`file:line:col: severity KC101 message (rule-name)`."""
    severity = _paint(str(finding.severity), _COLORS[finding.severity], color)
    where, message = str(finding.location), finding.message
    if not (where.isprintable() and message.isprintable()):  # rare: no call in the common case
        where, message = escape(where), escape(message)
    where = _paint(where, "1", color)
    rule = _paint(finding.rule, "2", color) if color else finding.rule
    return f"{where}: {severity} {rule} {message} ({finding.name})"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def summary_line(result: LintResult) -> str:
    scanned = f"{_plural(result.files, 'file')}, {_plural(result.objects, 'object')}"
    if not result.findings:
        return f"No problems found ({scanned})."
    counts = ", ".join(
        [
            _plural(result.errors, "error"),
            _plural(result.warnings, "warning"),
            _plural(result.infos, "info"),
        ]
    )
    return f"Found {_plural(len(result.findings), 'problem')} ({counts}) in {scanned}."


def render_block(findings: Sequence[Finding], *, color: bool = False) -> str:
    """One file's findings, a line each."""
    return "\n".join([format_finding(finding, color=color) for finding in findings])


def render(
    result: LintResult,
    *,
    color: bool = False,
    quiet: bool = False,
    blocks: Sequence[str] | None = None,
) -> str:
    """Findings grouped by file (a blank line between files), then the summary line.
    `blocks`: each file's part, rendered beforehand by `render_block` with the same `color`."""
    if blocks is None:
        from functools import partial

        from kconv.report import file_blocks

        blocks = file_blocks(result, partial(render_block, color=color))
    out = ["\n\n".join(blocks)] if blocks else []
    if not quiet:
        if blocks:
            out.append("")
        out.append(summary_line(result))
    return "\n".join(out) + "\n" if out else ""
