"""The GitLab Code Quality reporter (kconv/report/gitlab_format.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kconv.lint.engine import LintResult, lint
from kconv.lint.rule import Finding, Severity
from kconv.manifests import load_paths
from kconv.model.location import Location
from kconv.report import FORMATS
from kconv.report.gitlab_format import render, report_path, to_data

ROOT = Path(__file__).resolve().parent.parent

# The fields GitLab requires of each entry (docs: "Code Quality report format").
GITLAB_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["description", "check_name", "fingerprint", "severity", "location"],
        "properties": {
            "description": {"type": "string", "minLength": 1},
            "check_name": {"type": "string", "minLength": 1},
            "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "severity": {"enum": ["info", "minor", "major", "critical", "blocker"]},
            "location": {
                "type": "object",
                "required": ["path", "lines"],
                "properties": {
                    "path": {"type": "string", "minLength": 1},
                    "lines": {
                        "type": "object",
                        "required": ["begin"],
                        "properties": {"begin": {"type": "integer", "minimum": 1}},
                    },
                },
            },
        },
    },
}


def _finding(
    rule: str = "KC101",
    severity: Severity = Severity.ERROR,
    line: int | None = 12,
    file: str = "k8s/app.yaml",
    message: str = 'container "web" runs privileged',
    kind: str | None = "Deployment",
) -> Finding:
    return Finding(
        rule=rule,
        name="privileged-container" if rule == "KC101" else "some-rule",
        severity=severity,
        message=message,
        location=Location(file, line, 9 if line else None),
        kind=kind,
        namespace="shop" if kind else None,
        object_name="web" if kind else None,
    )


def _result(*findings: Finding) -> LintResult:
    return LintResult(findings=list(findings), files=1, objects=1)


def test_entry_shape() -> None:
    data = to_data(_result(_finding()))
    assert len(data) == 1
    entry = dict(data[0])
    fingerprint = entry.pop("fingerprint")
    assert len(fingerprint) == 64
    assert entry == {
        "type": "issue",
        "check_name": "KC101 privileged-container",
        "description": 'KC101 container "web" runs privileged (Deployment shop/web)',
        "categories": ["Security"],
        "severity": "major",
        "location": {"path": "k8s/app.yaml", "lines": {"begin": 12}},
    }


def test_severities_and_categories() -> None:
    data = to_data(
        _result(
            _finding("KC101", Severity.ERROR),
            _finding("KC301", Severity.WARNING, message="latest"),
            _finding("KC402", Severity.INFO, message="no pods"),
        )
    )
    assert [entry["severity"] for entry in data] == ["major", "minor", "info"]
    assert [entry["categories"] for entry in data] == [["Security"], ["Style"], ["Bug Risk"]]


def test_file_level_finding_without_line_or_object() -> None:
    entry = to_data(_result(_finding("KC001", line=None, kind=None, message="bad YAML")))[0]
    assert entry["description"] == "KC001 bad YAML"
    assert entry["location"] == {"path": "k8s/app.yaml", "lines": {"begin": 1}}


def test_fingerprints_survive_moved_lines_and_stay_unique() -> None:
    first = to_data(_result(_finding(line=12)))[0]["fingerprint"]
    moved = to_data(_result(_finding(line=40)))[0]["fingerprint"]
    assert first == moved
    other_file = to_data(_result(_finding(file="k8s/other.yaml")))[0]["fingerprint"]
    assert other_file != first
    twins = [entry["fingerprint"] for entry in to_data(_result(_finding(), _finding(line=30)))]
    assert len(set(twins)) == 2
    assert twins[0] == first


def test_report_paths(tmp_path: Path) -> None:
    assert report_path("./k8s/app.yaml") == "k8s/app.yaml"
    assert report_path("<stdin>") == "<stdin>"
    assert report_path(str(tmp_path / "k8s" / "a.yaml"), root=str(tmp_path)) == "k8s/a.yaml"
    outside = str(tmp_path / "a.yaml")
    assert report_path(outside, root=str(tmp_path / "sub")) == outside


def test_empty_report_is_an_empty_array() -> None:
    assert render(_result()) == "[]\n"


def test_real_lint_run_matches_gitlab_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    import jsonschema

    monkeypatch.chdir(ROOT)
    path = "fixtures/graph/broken/app.yaml"
    result = lint(load_paths([path]))
    assert result.findings
    text = render(result)
    data = json.loads(text)
    jsonschema.validate(data, GITLAB_SCHEMA)
    assert len(data) == len(result.findings)
    for entry, finding in zip(data, result.findings, strict=True):
        assert entry["location"]["path"] == path
        assert entry["location"]["lines"]["begin"] == finding.location.line
        assert entry["check_name"].startswith(finding.rule + " ")
    assert len({entry["fingerprint"] for entry in data}) == len(data)
    checks = {entry["check_name"] for entry in data}
    assert {"KC402 service-selects-no-pods", "KC404 dangling-ingress"} <= checks
    assert render(result) == text


@pytest.mark.skipif(
    "gitlab" not in FORMATS, reason="the lint engine does not list `gitlab` in FORMATS yet"
)
def test_cli_format_gitlab(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kconv.cli import cli

    monkeypatch.chdir(ROOT)
    report = tmp_path / "gl-code-quality.json"
    path = "fixtures/rules/KC101-privileged-container/fail.yaml"
    outcome = CliRunner().invoke(
        cli, ["lint", "--select", "KC101", "--format", "gitlab", "-o", str(report), path]
    )
    assert outcome.exit_code == 1, outcome.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data
    assert {entry["check_name"] for entry in data} == {"KC101 privileged-container"}
    assert {entry["location"]["path"] for entry in data} == {path}


def test_render_writes_exactly_its_data() -> None:
    from kconv.report.pretty_json import dumps

    results = [
        _result(),
        _result(_finding(), _finding(line=30), _finding("KC001", line=None, kind=None)),
        _result(_finding(message='quote " backslash \\ é \u2028 tab\t'), _finding(file="<stdin>")),
    ]
    for result in results:
        assert render(result) == dumps(to_data(result), expand=1)
        assert json.loads(render(result)) == to_data(result)
