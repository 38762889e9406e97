"""Repository-wide guards: ruff is clean, and CI runs exactly the README's test command."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text()
    commands = re.findall(r"```sh\n(.*?)\n```", readme, re.S)
    test_command = commands[1].strip()
    assert "pytest" in test_command
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert test_command in ci_lines


def _ruff() -> list[str]:
    if shutil.which("ruff"):
        return ["ruff"]
    pytest.importorskip("ruff", reason="ruff is a test dependency: pip install -e '.[test]'")
    return [sys.executable, "-m", "ruff"]


def test_ruff_check_is_clean() -> None:
    paths = [name for name in ("kconv", "tests", "bench") if (ROOT / name).is_dir()]
    done = subprocess.run(
        [*_ruff(), "check", *paths], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
