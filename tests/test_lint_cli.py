"""`kconv lint` through click's CliRunner: exit codes, formats, options, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kconv.cli import cli
from kconv.lint.registry import load_rules

DUPLICATE = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n"
TAGGED = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: !Ref y\n"
CLEAN = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: y\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no .kconv.yaml of the checkout is found from here
    monkeypatch.delenv("NO_COLOR", raising=False)
    (tmp_path / "dup.yaml").write_text(DUPLICATE, encoding="utf-8")
    (tmp_path / "tagged.yaml").write_text(TAGGED, encoding="utf-8")
    (tmp_path / "clean.yaml").write_text(CLEAN, encoding="utf-8")
    return tmp_path


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["lint", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_findings_exit_1_with_text_and_summary(folder: Path) -> None:
    code, out, _ = run("--select", "KC00", "dup.yaml", "clean.yaml")
    assert code == 1
    assert out == (
        'dup.yaml:5:3: error KC002 duplicate key "name" (first defined at line 4, column 3); '
        "the last value wins (duplicate-key)\n\n"
        "Found 1 problem (1 error, 0 warnings, 0 infos) in 2 files, 2 objects.\n"
    )
    assert "\x1b[" not in out  # not a terminal: no colour


def test_clean_exit_0(folder: Path) -> None:
    code, out, _ = run("--select", "KC00", "clean.yaml")
    assert (code, out) == (0, "No problems found (1 file, 1 object).\n")


def test_quiet_prints_only_findings(folder: Path) -> None:
    code, out, _ = run("-q", "--select", "KC00", "clean.yaml")
    assert (code, out) == (0, "")


def test_stdin(folder: Path) -> None:
    code, out, _ = run("--select", "KC002", "-", stdin=DUPLICATE)
    assert code == 1
    assert out.startswith("<stdin>:5:3: error KC002")


def test_no_paths_is_a_usage_error(folder: Path) -> None:
    code, _, err = run()
    assert code == 2
    assert "pass manifest files or directories, or - to read stdin" in err


def test_missing_path_exit_2(folder: Path) -> None:
    code, _, err = run("nope.yaml")
    assert code == 2
    assert err == "kconv: error: nope.yaml: no such file or directory\n"


def test_fail_on(folder: Path) -> None:
    assert run("--select", "KC005", "tagged.yaml")[0] == 1  # KC005 is an error by default
    (folder / "warn.yaml").write_text("rules: {KC005: {severity: warning}}\n", encoding="utf-8")
    warn = ("--config", "warn.yaml", "--select", "KC005", "tagged.yaml")
    assert run(*warn)[0] == 0  # a warning is below the default threshold
    assert run(*warn, "--fail-on", "warning")[0] == 1
    (folder / "strict.yaml").write_text(
        "fail-on: info\nrules: {KC005: {severity: warning}}\n", encoding="utf-8"
    )
    assert run("--config", "strict.yaml", "--select", "KC005", "tagged.yaml")[0] == 1
    assert (
        run("--config", "strict.yaml", "--fail-on", "error", "--select", "KC005", "tagged.yaml")[0]
        == 0
    )


def test_config_is_found_by_walking_up(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / ".kconv.yaml").write_text("ignore: [duplicate-key]\n", encoding="utf-8")
    sub = folder / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)
    code, out, _ = run("--select", "KC00", "../dup.yaml")
    assert (code, out) == (0, "No problems found (1 file, 1 object).\n")


def test_json_output_to_file(folder: Path) -> None:
    code, out, _ = run("--format", "json", "-o", "report.json", "--select", "KC00", ".")
    assert (code, out) == (1, "")
    data = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    assert [(f["file"], f["rule"], f["line"]) for f in data["findings"]] == [
        ("./dup.yaml", "KC002", 5),
        ("./tagged.yaml", "KC005", 6),
    ]
    assert data["summary"] == {"files": 3, "objects": 3, "errors": 2, "warnings": 0, "infos": 0}


def test_unwritable_output_exit_2(folder: Path) -> None:
    code, _, err = run("-o", "missing/dir/report.txt", "clean.yaml")
    assert code == 2
    assert err.startswith("kconv: error: missing/dir/report.txt: cannot write report")


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_every_format(folder: Path, fmt: str) -> None:
    code, out, _ = run("--format", fmt, "--select", "KC00", "dup.yaml")
    assert code == 1
    assert "duplicate key" in out


def test_github_format(folder: Path) -> None:
    _, out, _ = run("--format", "github", "--select", "KC005", "tagged.yaml")
    assert out == (
        "::error file=tagged.yaml,line=6,col=6,title=KC005 unknown-yaml-tag"
        "::unknown tag !Ref is not allowed; the value is read as if untagged\n"
    )


def test_unknown_rule_exit_2_with_hint(folder: Path) -> None:
    code, _, err = run("--select", "duplicate-keys", "clean.yaml")
    assert code == 2
    assert err == (
        "kconv: error: unknown rule 'duplicate-keys' in --select; did you mean 'duplicate-key'?\n"
    )
    code, _, err = run("--ignore", "KC00X", "clean.yaml")
    assert code == 2 and "in --ignore" in err


def test_bad_config_exit_2_with_location(folder: Path) -> None:
    (folder / "bad.yaml").write_text("select: [KC1]\nfail-on: sometimes\n", encoding="utf-8")
    code, _, err = run("--config", "bad.yaml", "clean.yaml")
    assert code == 2
    assert err == (
        "kconv: error: bad.yaml:2:1: invalid config at fail-on: 'sometimes' is not one of: "
        "error, warning, info\n"
    )


def test_suppressions_and_no_suppressions(folder: Path) -> None:
    (folder / "dup.yaml").write_text(
        DUPLICATE.replace("  name: b\n", "  name: b  # kconv: ignore[KC002]\n"), encoding="utf-8"
    )
    assert run("--select", "KC00", "dup.yaml")[0] == 0
    assert run("--select", "KC00", "--no-suppressions", "dup.yaml")[0] == 1


def _has_schema_rule() -> bool:
    return any(spec.id == "KC010" for spec in load_rules())


@pytest.mark.skipif(not _has_schema_rule(), reason="schema rule KC010 not present")
def test_schema_options(folder: Path) -> None:
    (folder / "extra.yaml").write_text(CLEAN + "  bogus: 1\n".replace("  b", "b"), encoding="utf-8")
    (folder / "extra.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  bogus: 1\n", encoding="utf-8"
    )
    assert run("--select", "KC01", "extra.yaml")[0] == 0
    code, out, _ = run("--select", "KC01", "--strict-schema", "extra.yaml")
    assert code == 1 and "extra.yaml:5:3: error KC010" in out
    assert run("--select", "KC01", "--strict-schema", "--no-schema", "extra.yaml")[0] == 0
    code, _, err = run("--select", "KC010", "--no-schema", "extra.yaml")
    assert code == 2 and "--no-schema leaves no rule selected" in err


def test_help_lists_options() -> None:
    out = CliRunner().invoke(cli, ["lint", "--help"]).stdout
    for option in ("--format", "--fail-on", "--select", "--no-schema", "--no-suppressions"):
        assert option in out


def test_undecodable_stdin_is_a_finding(folder: Path) -> None:
    result = CliRunner().invoke(cli, ["lint", "--select", "KC00", "-"], input=b"a: \xff\n")
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "<stdin>:1:4: error KC004 invalid UTF-8 text (byte 3) (unreadable-file)\n"
    )


def test_bad_kubernetes_version_is_a_usage_error(folder: Path) -> None:
    code, _, err = run("--kubernetes-version", "latest", "clean.yaml")
    assert code == 2
    assert "'latest' is not a Kubernetes version such as 1.29" in err


class _Tty:
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from kconv.cli import lint_cmd

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr(lint_cmd.click, "get_text_stream", lambda name: _Tty())
    assert lint_cmd._use_color(None) is True
    assert lint_cmd._use_color("report.txt") is False
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: an empty value does not count
    assert lint_cmd._use_color(None) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert lint_cmd._use_color(None) is False


def test_hidden_files_in_directories_are_skipped(folder: Path) -> None:
    (folder / ".kconv.yaml").write_text("fail-on: error\n", encoding="utf-8")
    (folder / ".gitlab-ci.yml").write_text("stages: [test]\n", encoding="utf-8")
    code, out, _ = run("--select", "KC003", ".")
    assert (code, out) == (0, "No problems found (3 files, 3 objects).\n")
    code, out, _ = run("--select", "KC003", ".gitlab-ci.yml")  # named explicitly: linted
    assert code == 1 and "KC003" in out
