"""Golden tests of `kconv convert`: every case in fixtures/convert/<case>/.

Each case holds `compose.yaml` (and the files it uses), `options.yaml` (a list of extra
command-line flags), `expected.yaml` (standard output) and `expected-notes.txt` (standard
error). Regenerate with `KCONV_UPDATE_GOLDEN=1 python -m pytest tests/test_convert_golden.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from click.testing import CliRunner

from kconv.cli import cli

CASES_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "convert"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "compose.yaml").is_file())
UPDATE = os.environ.get("KCONV_UPDATE_GOLDEN") == "1"


def run_case(case: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    directory = CASES_DIR / case
    flags = yaml.safe_load((directory / "options.yaml").read_text()) or []
    monkeypatch.chdir(directory)
    for name in ("API_TOKEN", "COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES", "HOME"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(
        cli, ["convert", "compose.yaml", "--no-lint", *flags], catch_exceptions=False
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, stdout, stderr = run_case(case, monkeypatch)
    assert code == 0, stderr
    expected = CASES_DIR / case / "expected.yaml"
    expected_notes = CASES_DIR / case / "expected-notes.txt"
    if UPDATE:
        expected.write_text(stdout)
        expected_notes.write_text(stderr)
    assert stdout == expected.read_text()
    assert stderr == expected_notes.read_text()


@pytest.mark.parametrize("case", CASES)
def test_every_object_is_valid_kubernetes(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _, stdout, _ = run_case(case, monkeypatch)
    objects = list(yaml.safe_load_all(stdout))
    assert objects
    for body in objects:
        kubernetes_validate.validate(body, "1.37", strict=True)


@pytest.mark.parametrize("case", CASES)
def test_output_is_byte_identical_on_rerun(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_case(case, monkeypatch) == run_case(case, monkeypatch)


# Lint errors that the compose file of a case explicitly asks for (privileged, hostPID, ...).
ASKED_FOR = {
    "security": {"KC101"},
    "pod-fields": {"KC106", "KC107"},
    "hostpath": {"KC109"},
}


@pytest.mark.parametrize("case", CASES)
def test_output_has_no_lint_errors(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = CASES_DIR / case
    flags = yaml.safe_load((directory / "options.yaml").read_text()) or []
    monkeypatch.chdir(directory)
    monkeypatch.delenv("API_TOKEN", raising=False)
    result = CliRunner().invoke(cli, ["convert", "compose.yaml", *flags], catch_exceptions=False)
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    unexpected = [
        e for e in errors if e.split(": error: ")[1].split()[0] not in ASKED_FOR.get(case, set())
    ]
    assert not unexpected, "\n".join(unexpected)
    assert result.exit_code == (1 if errors else 0)
    if case in ASKED_FOR:
        assert errors, "the dangerous setting is reported"
