"""Reporters against golden files (fixtures/report/), SARIF against the official schema, and
the escaping rules of each format. Regenerate goldens with KCONV_UPDATE_GOLDEN=1."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kconv import __version__
from kconv.lint.config import LintConfig
from kconv.lint.engine import LintResult, lint
from kconv.lint.registry import load_rules
from kconv.lint.rule import CheckFn, Finding, RuleSpec, Severity, Violation, check
from kconv.manifests import load_paths
from kconv.model.location import Location
from kconv.report import FORMATS, render
from kconv.report.github_format import format_finding as github_line
from kconv.report.text_format import render as render_text

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures" / "report"
SARIF_SCHEMA = REPO.parent / "shared" / "corpora" / "sarif" / "sarif-schema-2.1.0.json"
GOLDEN = {
    "text": "expected.text",
    "json": "expected.json",
    "sarif": "expected.sarif",
    "junit": "expected.junit.xml",
    "github": "expected.github",
}


@check("test-report-privileged")
def _privileged(params: Mapping[str, Any]) -> CheckFn:
    """Flags privileged containers."""

    def run(obj: Any, ctx: Any) -> Iterable[Violation]:
        for container in obj.containers():
            if (container.data.get("securityContext") or {}).get("privileged") is True:
                yield Violation(
                    f'container "{container.name}" runs privileged: 100% of the node, <all> & more',
                    container.pointer + "/securityContext/privileged",
                )

    return run


PRIVILEGED = RuleSpec(
    "KC901",
    "report-privileged",
    Severity.ERROR,
    True,
    frozenset({"PodController"}),
    "A container runs privileged.",
    "A privileged container can take over the node.",
    "Set securityContext.privileged to false.",
    "test-report-privileged",
    references=("https://kubernetes.io/docs/concepts/security/pod-security-standards/",),
)


@pytest.fixture
def result(monkeypatch: pytest.MonkeyPatch) -> LintResult:
    monkeypatch.chdir(REPO)
    rules = [spec for spec in load_rules() if spec.check == "load-problem"] + [PRIVILEGED]
    manifests = load_paths(["fixtures/report/input"])
    return lint(manifests, config=LintConfig(), rules=rules)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden(result: LintResult, name: str) -> None:
    # the kconv version appears in SARIF; keep goldens independent of releases
    output = render(result, name).replace(f'"version": "{__version__}"', '"version": "VERSION"')
    golden = FIXTURES / GOLDEN[name]
    if os.environ.get("KCONV_UPDATE_GOLDEN"):
        golden.write_text(output, encoding="utf-8")
    assert output == golden.read_text(encoding="utf-8")


def test_sarif_validates_against_the_official_schema(result: LintResult) -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not available ({SARIF_SCHEMA}: shared corpora absent)")
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    document = json.loads(render(result, "sarif"))
    jsonschema.Draft4Validator(schema).validate(document)
    run = document["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for item in run["results"]:
        assert rule_ids[item["ruleIndex"]] == item["ruleId"]
    regions = [item["locations"][0]["physicalLocation"]["region"] for item in run["results"]]
    assert all(region["startLine"] >= 1 and region["startColumn"] >= 1 for region in regions)


def test_json_contract(result: LintResult) -> None:
    data = json.loads(render(result, "json"))
    assert set(data) == {"findings", "summary"}
    keys = {"rule", "severity", "file", "line", "column", "kind", "namespace", "name", "message"}
    assert all(set(finding) == keys for finding in data["findings"])
    assert data["summary"] == {"files": 3, "objects": 3, "errors": 5, "warnings": 0, "infos": 0}


def test_junit_is_well_formed(result: LintResult) -> None:
    root = ElementTree.fromstring(render(result, "junit"))
    assert root.get("failures") == "5"
    names = [suite.get("name") for suite in root.iter("testsuite")]
    assert names == ["fixtures/report/input/broken.yaml", "fixtures/report/input/workloads.yaml"]


def test_clean_result_in_every_format() -> None:
    empty = LintResult(findings=[], files=2, objects=5)
    assert render(empty, "text") == "No problems found (2 files, 5 objects).\n"
    assert render(empty, "github") == ""
    assert json.loads(render(empty, "json"))["findings"] == []
    root = ElementTree.fromstring(render(empty, "junit"))
    assert root.get("failures") == "0" and root.find("testsuite/testcase") is not None
    assert json.loads(render(empty, "sarif"))["runs"][0]["results"] == []


def _json_as_its_data(result: LintResult) -> str:
    from kconv.report.json_format import to_data
    from kconv.report.pretty_json import dumps

    return dumps(to_data(result), expand=2)


def test_json_is_written_as_its_data_with_one_line_per_finding(result: LintResult) -> None:
    from kconv.report.json_format import to_data

    file_only = Finding("KC001", "yaml-syntax-error", Severity.ERROR, "bad", Location("x.yaml"))
    for report in (
        result,
        LintResult(findings=[], files=0, objects=0),
        LintResult(findings=[file_only], files=1, objects=0),
    ):
        output = render(report, "json")
        assert output == _json_as_its_data(report)
        assert json.loads(output) == to_data(report)
    lines = render(result, "json").splitlines()
    assert len(lines) == len(result.findings) + 11  # braces, summary: 5 keys and 2 lines


def _sarif_as_its_data(result: LintResult) -> str:
    from kconv.report.pretty_json import dumps
    from kconv.report.sarif_format import to_data

    return dumps(to_data(result), expand=6)


def test_sarif_is_written_as_its_data(result: LintResult) -> None:
    edge = [
        Finding("KC004", "unreadable-file", Severity.ERROR, "", Location("bin.yaml")),
        Finding("KC009", "internal-error", Severity.ERROR, 'a "q"\n', Location("<stdin>", 4)),
        Finding("KC101", "x", Severity.INFO, "é", Location("/abs/x y.yaml", 1, 1), "Pod", "ns"),
    ]
    for report in (
        result,
        LintResult(findings=[], files=0, objects=0),
        LintResult(findings=edge, files=3, objects=1),
    ):
        assert render(report, "sarif") == _sarif_as_its_data(report)


def test_pretty_json_fully_expanded_is_json_dumps_indent_2() -> None:
    from kconv.report.pretty_json import dumps

    data = {"a": [{"b": [1, {"c": None}], "d": {}}, []], "é": "\u2028 ü", "n": 1.5}
    assert dumps(data, expand=99) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    for expand in range(5):
        assert json.loads(dumps(data, expand=expand)) == data


def finding(message: str, line: int | None = 3, column: int | None = 5) -> Finding:
    return Finding(
        "KC101",
        "privileged-container",
        Severity.WARNING,
        message,
        Location("a,b:c.yaml", line, column),
    )


def test_github_escaping() -> None:
    assert github_line(finding("50% bad\nsecond line")) == (
        "::warning file=a%2Cb%3Ac.yaml,line=3,col=5,title=KC101 privileged-container"
        "::50% bad%0Asecond line".replace("50% bad", "50%25 bad")
    )
    assert github_line(finding("m", None, None)) == (
        "::warning file=a%2Cb%3Ac.yaml,title=KC101 privileged-container::m"
    )


def test_text_colour_and_quiet() -> None:
    result = LintResult(findings=[finding("m")], files=1, objects=1)
    coloured = render_text(result, color=True)
    assert "\x1b[33mwarning\x1b[0m" in coloured
    assert "\x1b[" not in render_text(result)
    assert render_text(result, quiet=True) == (
        "a,b:c.yaml:3:5: warning KC101 m (privileged-container)\n"
    )


@pytest.mark.parametrize("name", FORMATS)
def test_every_format_renders(result: LintResult, name: str) -> None:
    output = render(result, name)
    assert output.endswith("\n")
    assert "workloads.yaml" in output


_messages = st.text(
    st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40
)  # any text a check could quote, control characters included


@settings(max_examples=60, deadline=None)
@given(message=_messages, file=st.sampled_from(["k8s/a.yaml", "dir with space/ü.yaml", "<stdin>"]))
def test_every_format_survives_any_message(message: str, file: str) -> None:
    finding = Finding(
        "KC101", "privileged-container", Severity.ERROR, message, Location(file, 2, 3), "Pod"
    )
    result = LintResult(findings=[finding], files=1, objects=1)
    assert json.loads(render(result, "json"))["findings"][0]["message"] == message
    assert render(result, "json") == _json_as_its_data(result)
    sarif = json.loads(render(result, "sarif"))
    assert sarif["runs"][0]["results"][0]["message"]["text"] == message
    assert render(result, "sarif") == _sarif_as_its_data(result)
    root = ElementTree.fromstring(render(result, "junit"))  # always well-formed XML
    if sys.version_info[:2] == (3, 11):
        assert render(result, "junit") == _junit_with_elementtree(result)
    assert root.find("testsuite/testcase/failure") is not None
    github = render(result, "github")
    assert github.count("\n") == 1 and github.startswith("::error file=")


def test_sarif_edge_findings_validate() -> None:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"SARIF schema not available ({SARIF_SCHEMA}: shared corpora absent)")
    import jsonschema

    findings = [
        Finding("KC004", "unreadable-file", Severity.ERROR, "binary data", Location("bin.yaml")),
        Finding("KC009", "internal-error", Severity.ERROR, "rule crashed", Location("<stdin>", 4)),
        Finding(
            "KC101", "privileged-container", Severity.INFO, "m", Location("/abs/x y.yaml", 1, 1)
        ),
    ]
    document = json.loads(render(LintResult(findings=findings, files=3, objects=0), "sarif"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(document)
    run = document["runs"][0]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["KC004", "KC009", "KC101"]
    locations = [result["locations"][0]["physicalLocation"] for result in run["results"]]
    assert "region" not in locations[0]
    assert locations[1]["region"] == {"startLine": 4}
    assert locations[2]["artifactLocation"]["uri"] == "file:///abs/x%20y.yaml"
    assert [result["level"] for result in run["results"]] == ["error", "error", "note"]


def _junit_with_elementtree(result: LintResult) -> str:
    """The JUnit report built as an ElementTree (the implementation the direct writer
    replaced, kept as the oracle)."""
    from itertools import groupby

    from kconv.report.junit_format import _xml_text

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
        for item in findings:
            where = str(item.location)
            subject = f"{item.kind} {item.object_name}" if item.kind else "file"
            case = ElementTree.SubElement(
                suite,
                "testcase",
                name=_xml_text(f"{item.rule} {item.name} ({subject}) at {where}"),
                classname=_xml_text(file),
                file=_xml_text(file),
            )
            if item.location.line is not None:
                case.set("line", str(item.location.line))
            failure = ElementTree.SubElement(
                case, "failure", message=_xml_text(item.message), type=str(item.severity)
            )
            detail = f"{where}: {item.severity} {item.rule} {item.message}"
            failure.text = _xml_text(detail + (f"\nfix: {item.fix}" if item.fix else ""))
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, "unicode") + "\n"


def test_junit_is_what_elementtree_writes(result: LintResult) -> None:
    tricky = "a & b < c > d \"e\" 'f'\r\n\tg \x00\x1f \ud800 é \U0001f600"
    edge = [
        Finding("KC001", "yaml-syntax-error", Severity.ERROR, tricky, Location("a&<b>.yaml")),
        Finding(
            "KC101", "x", Severity.INFO, "m", Location('q"t.yaml', 3, 4), "Pod", "ns", "p", tricky
        ),
        Finding("KC101", "x", Severity.WARNING, "", Location('q"t.yaml', 5), "Pod", None, None),
    ]
    for report in (
        result,
        LintResult(findings=[], files=0, objects=0),
        LintResult(findings=edge, files=2, objects=1),
    ):
        written = render(report, "junit")
        reference = _junit_with_elementtree(report)
        assert ElementTree.canonicalize(written) == ElementTree.canonicalize(reference)
        if sys.version_info[:2] == (3, 11):  # the layout ElementTree gives on this version
            assert written == reference


@pytest.mark.parametrize("name", ["text", "json", "junit", "github"])
@pytest.mark.parametrize("color", [False, True])
def test_a_report_from_file_blocks_is_the_report(
    result: LintResult, name: str, color: bool
) -> None:
    """`kconv lint --jobs` workers render each file's block (`block_renderer`); the format
    assembles them into the very report it renders from the findings."""
    from kconv.report import block_renderer, file_blocks

    render_block = block_renderer(name, color=color)
    assert render_block is not None
    blocks = file_blocks(result, render_block)
    files = {finding.location.file for finding in result.findings}
    assert len(files) > 1 and len(blocks) == len(files)
    if name == "text":
        assert render_text(result, color=color, blocks=blocks) == render_text(result, color=color)
        quiet = render_text(result, color=color, quiet=True, blocks=blocks)
        assert quiet == render_text(result, color=color, quiet=True)
    else:
        assert render(result, name, blocks=blocks) == render(result, name)
