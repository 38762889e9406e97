"""`kconv rules` and `kconv rules explain` through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kconv.cli import cli
from kconv.lint.docgen import render_markdown
from kconv.lint.registry import load_rules


@pytest.fixture(autouse=True)
def _no_project_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["rules", *args])
    return result.exit_code, result.stdout, result.stderr


def test_text_lists_every_rule() -> None:
    code, out, _ = invoke()
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "SEVERITY", "DEFAULT", "KINDS", "SUMMARY"]
    assert len(lines) == len(load_rules()) + 1
    assert lines[1].split()[:5] == ["KC001", "yaml-syntax-error", "error", "on", "any"]


def test_json_has_every_field() -> None:
    code, out, _ = invoke("--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [rule["id"] for rule in data] == [spec.id for spec in load_rules()]
    first = data[0]
    assert first["id"] == "KC001" and first["severity"] == "error" and first["default"] is True
    assert set(first) >= {"name", "kinds", "summary", "rationale", "fix", "equivalents"}


def test_markdown_is_docs_rules_md() -> None:
    code, out, _ = invoke("--format", "markdown")
    assert code == 0
    assert out == render_markdown(load_rules())
    assert out.startswith("# kconv lint rules\n")


def test_markdown_missing_config_is_a_usage_error(tmp_path: Path) -> None:
    code, out, err = invoke("--format", "markdown", "--config", str(tmp_path / "nonexist.yaml"))
    assert code == 2 and out == ""
    assert "nonexist.yaml" in err


def test_markdown_lists_the_config_custom_rules(tmp_path: Path) -> None:
    config = tmp_path / "custom.yaml"
    config.write_text(
        "custom-rules:\n  - {id: ORG001, name: team-label, severity: warning, "
        "message: no team, schema: {}}\n",
        encoding="utf-8",
    )
    code, out, _ = invoke("--format", "markdown", "--config", str(config))
    assert code == 0
    assert "| [ORG001](#org001-team-label) | `team-label` | warning | yes | no team |" in out
    assert "\n## ORG001 team-label\n\nno team\n" in out
    assert out.count("\n## ") == len(load_rules()) + 1


def test_equivalents_listing() -> None:
    code, out, _ = invoke("--equivalents")
    assert code == 0
    assert "KC001  kubeconform: failed to parse" in out.splitlines()


def test_custom_rules_from_config(tmp_path: Path) -> None:
    (tmp_path / ".kconv.yaml").write_text(
        "custom-rules:\n  - {id: ORG001, name: team-label, severity: warning, "
        "message: no team, schema: {}}\n",
        encoding="utf-8",
    )
    code, out, _ = invoke()
    assert code == 0
    assert out.splitlines()[-1].split()[:4] == ["ORG001", "team-label", "warning", "on"]
    code, out, _ = invoke("explain", "team-label")
    assert code == 0 and out.startswith("ORG001 team-label (warning, enabled by default)")


@pytest.mark.parametrize("key", ["KC002", "kc002", "duplicate-key"])
def test_explain_shows_rationale_fix_and_examples(key: str) -> None:
    code, out, _ = invoke("explain", key)
    assert code == 0
    assert out.startswith("KC002 duplicate-key (error, enabled by default)\n")
    assert "Why:\n  YAML forbids duplicate keys" in out
    assert "Fix:\n  Remove one of the duplicate keys or merge their values." in out
    assert "Example (fixtures/rules/KC002-duplicate-key/fail.yaml):" in out
    assert "    mode: slow  # <-- KC002" in out
    assert "Use instead (fixtures/rules/KC002-duplicate-key/pass.yaml):" in out


def test_explain_unknown_rule() -> None:
    code, _, err = invoke("explain", "duplicate-keys")
    assert code == 2
    assert err == "kconv: error: unknown rule 'duplicate-keys'; did you mean 'duplicate-key'?\n"
