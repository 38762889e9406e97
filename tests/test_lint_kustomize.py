"""`kconv lint --kustomize DIR` and `kubectl kustomize DIR | kconv lint -`: findings point at
lines of the rendered output."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kconv.cli import cli

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not on PATH")

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx
"""


@pytest.fixture
def kustomization(tmp_path: Path) -> Path:
    base = tmp_path / "base"
    base.mkdir()
    (base / "deploy.yaml").write_text(DEPLOYMENT)
    (base / "kustomization.yaml").write_text(
        "resources:\n  - deploy.yaml\nnamePrefix: prod-\nlabels:\n  - pairs:\n      tier: web\n"
    )
    return base


def _rendered(directory: Path) -> str:
    assert KUBECTL is not None
    done = subprocess.run(
        [KUBECTL, "kustomize", str(directory)], capture_output=True, text=True, check=True
    )
    return done.stdout


def _line_of(text: str, needle: str) -> int:
    [line] = [n for n, content in enumerate(text.splitlines(), 1) if needle in content]
    return line


@needs_kubectl
def test_lint_kustomize_reports_rendered_lines(kustomization: Path) -> None:
    rendered = _rendered(kustomization)
    assert "prod-web" in rendered  # the kustomization really was applied
    result = CliRunner().invoke(
        cli, ["lint", "--kustomize", str(kustomization), "--format", "json", "--select", "KC301"]
    )
    assert result.exit_code in (0, 1), result.output
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["rule"] == "KC301"  # image "nginx" without a tag
    assert finding["file"] == f"<kustomize {kustomization}>"
    assert finding["name"] == "prod-web"
    assert finding["line"] == _line_of(rendered, "image: nginx")


@needs_kubectl
def test_lint_kustomize_text_format_names_the_directory(kustomization: Path) -> None:
    result = CliRunner().invoke(cli, ["lint", "--kustomize", str(kustomization)])
    assert result.exit_code in (0, 1)
    assert f"<kustomize {kustomization}>:" in result.stdout


@needs_kubectl
def test_lint_kustomize_together_with_files(kustomization: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text(DEPLOYMENT.replace("name: web\nspec", "name: other\nspec"))
    result = CliRunner().invoke(
        cli,
        [
            "lint",
            "--kustomize",
            str(kustomization),
            "--format",
            "json",
            "--select",
            "KC301",
            str(extra),
        ],
    )
    files = {f["file"] for f in json.loads(result.stdout)["findings"]}
    assert files == {str(extra), f"<kustomize {kustomization}>"}


@needs_kubectl
def test_kubectl_failure_is_a_one_line_exit_2(tmp_path: Path) -> None:
    empty = tmp_path / "not-a-kustomization"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["lint", "--kustomize", str(empty)])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"kconv: error: {empty}: `kubectl kustomize` failed: ")
    assert "kustomization" in lines[0].lower()
    assert "Traceback" not in result.output


def test_missing_kubectl_is_a_clear_exit_2(
    kustomization: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    result = CliRunner().invoke(cli, ["lint", "--kustomize", str(kustomization)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kconv: error: {kustomization}: --kustomize needs kubectl")
    assert "Traceback" not in result.output


def test_kubectl_stderr_first_line_is_shown(
    kustomization: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    fake = fake_bin / "kubectl"
    fake.write_text(
        "#!/bin/sh\n"
        'echo \'E1122 05:02:22.651672    1226 run.go:72] "command failed" err="boom"\' >&2\n'
        "echo 'second line' >&2\nexit 1\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(fake_bin))
    result = CliRunner().invoke(cli, ["lint", "--kustomize", str(kustomization)])
    assert result.exit_code == 2
    assert result.stderr == (
        f'kconv: error: {kustomization}: `kubectl kustomize` failed: "command failed" err="boom"\n'
    )


def test_no_paths_and_no_kustomize_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["lint"])
    assert result.exit_code == 2
    assert "nothing to lint" in result.output


@needs_kubectl
def test_kubectl_kustomize_piped_into_lint_stdin(kustomization: Path) -> None:
    assert KUBECTL is not None
    rendered = _rendered(kustomization)
    env = {**os.environ, "NO_COLOR": "1"}
    with subprocess.Popen(
        [KUBECTL, "kustomize", str(kustomization)], stdout=subprocess.PIPE
    ) as producer:
        done = subprocess.run(
            [sys.executable, "-m", "kconv", "lint", "--select", "KC301", "-"],
            stdin=producer.stdout,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert producer.stdout is not None
        producer.stdout.close()
    assert producer.returncode == 0
    assert done.returncode in (0, 1), done.stderr
    line = _line_of(rendered, "image: nginx")
    findings = [row for row in done.stdout.splitlines() if " KC301 " in row]
    assert len(findings) == 1
    assert findings[0].startswith(f"<stdin>:{line}:")


def test_kustomize_output_belongs_to_the_first_shard(
    kustomization: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))  # kubectl would fail: is it run at all?
    runner = CliRunner()
    other = runner.invoke(cli, ["lint", "--shard", "2/2", "--kustomize", str(kustomization)])
    assert other.exit_code == 0, other.output  # shard 2 neither runs kubectl nor lints it
    first = runner.invoke(cli, ["lint", "--shard", "1/2", "--kustomize", str(kustomization)])
    assert first.exit_code == 2
    assert "--kustomize needs kubectl" in first.stderr
