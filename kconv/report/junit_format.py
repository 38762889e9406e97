"""The `junit` format: JUnit XML for CI test reports.

One `<testsuite>` per file with findings, one failing `<testcase>` per finding (named after the
rule, with the object and the location). A clean run is one suite with one passing test case,
so CI dashboards show that linting ran.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kconv.lint.engine import LintResult
    from kconv.lint.rule import Finding

# Characters XML 1.0 cannot carry (even escaped); a message quoting such a value keeps the rest.
_INVALID_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _INVALID_XML.sub("\N{REPLACEMENT CHARACTER}", text)


# What ElementTree escapes, in its order: in element text, and in attribute values
_TEXT_ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_ATTRIBUTE_ESCAPES = (
    *_TEXT_ESCAPES,
    ('"', "&quot;"),
    ("\r", "&#13;"),
    ("\n", "&#10;"),
    ("\t", "&#09;"),
)


def _escaped(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    text = _xml_text(text)
    for char, entity in escapes:
        if char in text:
            text = text.replace(char, entity)
    return text


def testcase(finding: Finding) -> str:
    """The `<testcase>` element of one finding, indented as `ElementTree.indent` would."""
    location = finding.location
    escaped = _escaped_file(location.file)
    where = str(location)
    subject = f"{finding.kind} {finding.object_name}" if finding.kind else "file"
    title = f"{finding.rule} {finding.name} ({subject}) at {where}"
    name = _escaped(title, _ATTRIBUTE_ESCAPES)
    line = f' line="{location.line}"' if location.line is not None else ""
    detail = f"{where}: {finding.severity} {finding.rule} {finding.message}"
    detail += f"\nfix: {finding.fix}" if finding.fix else ""
    return (
        f'\n    <testcase name="{name}" classname="{escaped}" file="{escaped}"{line}>'
        f'\n      <failure message="{_escaped(finding.message, _ATTRIBUTE_ESCAPES)}" '
        f'type="{finding.severity}">{_escaped(detail, _TEXT_ESCAPES)}</failure>'
        "\n    </testcase>"
    )


@lru_cache(maxsize=256)  # a file has many findings
def _escaped_file(file: str) -> str:
    return _escaped(file, _ATTRIBUTE_ESCAPES)


def render_block(findings: Sequence[Finding]) -> str:
    """One file's `<testsuite>`, with a `<testcase>` per finding."""
    count = len(findings)
    file = _escaped_file(findings[0].location.file)
    return "".join(
        [
            f'\n  <testsuite name="{file}" tests="{count}" failures="{count}">',
            *map(testcase, findings),
            "\n  </testsuite>",
        ]
    )


def render(result: LintResult, *, color: bool = False, blocks: Sequence[str] | None = None) -> str:
    """The report, written directly in the layout `ElementTree.indent` gives (building the
    tree took ten times as long for a large report). `blocks`: each file's `<testsuite>`,
    rendered beforehand by `render_block`."""
    total = len(result.findings)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<testsuites name="kconv lint" tests="{max(total, 1)}" failures="{total}">',
    ]
    if not result.findings:
        out.append(
            '\n  <testsuite name="kconv lint" tests="1" failures="0">'
            '\n    <testcase name="no problems found" classname="kconv" />'
            "\n  </testsuite>"
        )
    if blocks is None:
        from kconv.report import file_blocks

        blocks = file_blocks(result, render_block)
    out.extend(blocks)
    out.append("\n</testsuites>\n")
    return "".join(out)
