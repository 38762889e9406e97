"""`kconv convert --helm DIR` removes (and `--check` reports) the templates of removed services."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kconv.cli import cli

COMPOSE = """\
services:
  app: {image: "nginx:1.25"}
  admin: {image: "adminer:4", profiles: [tools]}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose `admin` service is only converted with `--profile tools`."""
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    for name in ("COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["convert", "--no-lint", *args], catch_exceptions=False)


def test_removed_service_template_is_reported_and_pruned(project: Path) -> None:
    assert invoke("-q", "--profile", "tools", "--helm", "ch/").exit_code == 0
    admin = project / "ch" / "templates" / "admin-deployment.yaml"
    mine = project / "ch" / "templates" / "mine.yaml"
    mine.write_text("# my own template\n")
    helpers = project / "ch" / "templates" / "_helpers.tpl"
    assert admin.exists() and helpers.exists()

    check = invoke("-q", "--helm", "ch/", "--check")
    assert check.exit_code == 1
    assert f"--- {os.path.join('ch/', 'templates', 'admin-deployment.yaml')}" in check.stdout
    assert "+++ /dev/null" in check.stdout

    dry = invoke("--helm", "ch/", "--dry-run")
    assert dry.exit_code == 0 and admin.exists()
    assert f"would remove {os.path.join('ch/', 'templates', 'admin-deployment.yaml')}" in dry.stderr

    rerun = invoke("--helm", "ch/")
    assert rerun.exit_code == 0, rerun.output
    assert "removed 1 that kconv writes no more" in rerun.stderr
    assert not admin.exists() and mine.exists() and helpers.exists()
    assert (project / "ch" / "templates" / "app-deployment.yaml").exists()
    assert invoke("-q", "--helm", "ch/", "--check").exit_code == 0


def test_unchanged_chart_removes_nothing(project: Path) -> None:
    assert invoke("-q", "--helm", "ch/").exit_code == 0
    before = sorted(p.name for p in (project / "ch" / "templates").iterdir())
    again = invoke("--helm", "ch/")
    assert again.exit_code == 0 and "removed" not in again.stderr
    assert sorted(p.name for p in (project / "ch" / "templates").iterdir()) == before
    assert invoke("-q", "--helm", "ch/", "--check").exit_code == 0


def test_check_fails_on_a_leftover_template_alone(project: Path) -> None:
    assert invoke("-q", "--helm", "ch/").exit_code == 0
    templates = project / "ch" / "templates"
    left = templates / "old-deployment.yaml"
    left.write_text((templates / "app-deployment.yaml").read_text())
    check = invoke("-q", "--helm", "ch/", "--check")
    assert check.exit_code == 1
    assert check.stdout.startswith(f"--- {os.path.join('ch/', 'templates', 'old-deployment.yaml')}")
    assert "1 file(s)" in check.stderr
