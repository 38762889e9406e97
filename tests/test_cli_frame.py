"""The CLI frame: version, help, `python -m kconv`, error handling (kconv/cli/__init__.py)."""

import subprocess
import sys

from click.testing import CliRunner

from kconv import __version__
from kconv.cli import cli


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"kconv, version {__version__}\n"


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for command in ("config", "convert", "graph", "lint", "rules"):
        assert f"  {command}" in result.output


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_python_dash_m_works() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kconv", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert done.stdout.strip() == f"kconv, version {__version__}"


def test_import_is_lean() -> None:
    code = (
        "import sys, kconv.cli; "
        "heavy = [m for m in ('jsonschema', 'jinja2', 'yaml', 'kubernetes_validate') "
        "if m in sys.modules]; print(heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
