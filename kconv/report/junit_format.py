"""The `junit` format: JUnit XML for CI test reports.

One `<testsuite>` per file with findings, one failing `<testcase>` per finding (named after the
rule, with the object and the location). A clean run is one suite with one passing test case,
so CI dashboards show that linting ran.
"""

from __future__ import annotations

import re
from itertools import groupby
from typing import TYPE_CHECKING
from xml.etree import ElementTree

if TYPE_CHECKING:
    from kconv.lint.engine import LintResult

# Characters XML 1.0 cannot carry (even escaped); a message quoting such a value keeps the rest.
_INVALID_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    return _INVALID_XML.sub("\N{REPLACEMENT CHARACTER}", text)


def render(result: LintResult, *, color: bool = False) -> str:
    total = len(result.findings)
    root = ElementTree.Element(
        "testsuites", name="kconv lint", tests=str(max(total, 1)), failures=str(total)
    )
    if not result.findings:
        suite = ElementTree.SubElement(
            root, "testsuite", name="kconv lint", tests="1", failures="0"
        )
        ElementTree.SubElement(suite, "testcase", name="no problems found", classname="kconv")
    for file, group in groupby(result.findings, key=lambda finding: finding.location.file):
        findings = list(group)
        suite = ElementTree.SubElement(
            root,
            "testsuite",
            name=_xml_text(file),
            tests=str(len(findings)),
            failures=str(len(findings)),
        )
        for finding in findings:
            location = finding.location
            where = str(location)
            subject = f"{finding.kind} {finding.object_name}" if finding.kind else "file"
            case = ElementTree.SubElement(
                suite,
                "testcase",
                name=_xml_text(f"{finding.rule} {finding.name} ({subject}) at {where}"),
                classname=_xml_text(file),
                file=_xml_text(file),
            )
            if location.line is not None:
                case.set("line", str(location.line))
            failure = ElementTree.SubElement(
                case, "failure", message=_xml_text(finding.message), type=str(finding.severity)
            )
            detail = f"{where}: {finding.severity} {finding.rule} {finding.message}"
            failure.text = _xml_text(detail + (f"\nfix: {finding.fix}" if finding.fix else ""))
    ElementTree.indent(root)
    body = ElementTree.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
