"""GitLab Code Quality fingerprints ignore positions, those a message names included (KC302's
"first at line 13", KC305's "already defined at a.yaml:1:1"), and stay unique."""

from __future__ import annotations

from pathlib import Path

from kconv.lint.config import LintConfig
from kconv.lint.engine import LintResult, lint
from kconv.lint.rule import Finding, Severity
from kconv.manifests import load_paths
from kconv.model.location import Location
from kconv.report.gitlab_format import to_data

ENV = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: nginx:1.27
      env:
        - {name: A, value: "1"}
        - {name: A, value: "2"}
        - {name: A, value: "3"}
"""
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n"


def fingerprints(folder: Path, rule: str) -> list[str]:
    result = lint(load_paths([str(folder)]), config=LintConfig(), select=[rule])
    assert result.findings
    return [entry["fingerprint"] for entry in to_data(result)]


def test_kc302_fingerprints_survive_moved_lines(tmp_path: Path) -> None:
    pod = tmp_path / "pod.yaml"
    pod.write_text(ENV, encoding="utf-8")
    before = fingerprints(tmp_path, "KC302")
    pod.write_text("# a comment\n# moves every line\n" + ENV, encoding="utf-8")
    after = fingerprints(tmp_path, "KC302")
    assert len(before) == 2 and len(set(before)) == 2  # the 2nd and 3rd "A": distinct findings
    assert after == before


def test_kc305_fingerprints_survive_moved_lines_of_either_file(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(CONFIGMAP, encoding="utf-8")
    second.write_text(CONFIGMAP, encoding="utf-8")
    before = fingerprints(tmp_path, "KC305")
    first.write_text("# moved\n" + CONFIGMAP, encoding="utf-8")
    second.write_text("---\n# moved\n" + CONFIGMAP, encoding="utf-8")
    assert fingerprints(tmp_path, "KC305") == before


def test_findings_differing_only_by_a_position_stay_distinct() -> None:
    def kc002(line: int, first: int) -> Finding:
        return Finding(
            "KC002",
            "duplicate-key",
            Severity.ERROR,
            f'duplicate key "a" (first defined at line {first}, column 3); the last value wins',
            Location("k8s/a.yaml", line, 3),
        )

    data = to_data(LintResult(findings=[kc002(8, 6), kc002(20, 18)], files=1, objects=1))
    assert data[0]["fingerprint"] != data[1]["fingerprint"]
    moved = to_data(LintResult(findings=[kc002(10, 8), kc002(22, 20)], files=1, objects=1))
    assert [entry["fingerprint"] for entry in moved] == [entry["fingerprint"] for entry in data]


def test_other_numbers_in_messages_still_tell_findings_apart() -> None:
    def kc301(image: str) -> Finding:
        message = f'container "c" uses the mutable tag "latest" of image "{image}"'
        return Finding("KC301", "latest-tag", Severity.WARNING, message, Location("a.yaml", 3))

    one = to_data(LintResult(findings=[kc301("registry:5000/app")], files=1, objects=1))
    other = to_data(LintResult(findings=[kc301("registry:6000/app")], files=1, objects=1))
    assert one[0]["fingerprint"] != other[0]["fingerprint"]
