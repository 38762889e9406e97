"""`pipx install .` works: the wheel declares the `kconv` console script, and the version has
one source (kconv/__init__.py, read by hatch) that `kconv --version` and the wheel agree on."""

from __future__ import annotations

import configparser
import email.parser
import importlib.util
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import kconv
from kconv.cli import cli

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(
            f"cannot build a wheel here (no build backend reachable?): {done.stderr[-300:]}"
        )
    [built] = out.glob("kconv-*.whl")
    return built


def _dist_info(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as archive:
        [member] = [n for n in archive.namelist() if n.endswith(f".dist-info/{name}")]
        return archive.read(member).decode("utf-8")


def test_wheel_declares_the_kconv_console_script(wheel: Path) -> None:
    entry_points = configparser.ConfigParser()
    entry_points.read_string(_dist_info(wheel, "entry_points.txt"))
    assert dict(entry_points["console_scripts"]) == {"kconv": "kconv.cli:run"}


def test_version_has_one_source() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "kconv/__init__.py"
    source = (ROOT / "kconv" / "__init__.py").read_text(encoding="utf-8")
    assert source.count("__version__ =") == 1


def test_wheel_version_equals_kconv_version(wheel: Path) -> None:
    metadata = email.parser.Parser().parsestr(_dist_info(wheel, "METADATA"))
    assert metadata["Name"] == "kconv"
    assert metadata["Version"] == kconv.__version__
    assert wheel.name.startswith(f"kconv-{kconv.__version__}-")
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"kconv, version {metadata['Version']}\n"


def test_python_m_kconv_version_matches() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kconv", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"kconv, version {kconv.__version__}"


def _pipx() -> list[str] | None:
    if shutil.which("pipx"):
        return [shutil.which("pipx") or "pipx"]
    if importlib.util.find_spec("pipx") is not None:
        return [sys.executable, "-m", "pipx"]
    return None


def test_pipx_install(tmp_path: Path, wheel: Path) -> None:
    pipx = _pipx()
    if pipx is None:
        pytest.skip("pipx is not installed (neither on PATH nor importable)")
    env = {
        **os.environ,
        "PIPX_HOME": str(tmp_path / "pipx-home"),
        "PIPX_BIN_DIR": str(tmp_path / "bin"),
        "PIPX_MAN_DIR": str(tmp_path / "man"),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    # the dependencies come from this interpreter's site-packages, so no network is needed
    # for them; the kconv wheel itself is the one built from this checkout
    done = subprocess.run(
        [
            *pipx,
            "install",
            "--python",
            sys.executable,
            "--system-site-packages",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    script = tmp_path / "bin" / "kconv"
    assert script.exists()
    version = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert version.stdout.strip() == f"kconv, version {kconv.__version__}"
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
        "  containers:\n    - name: c\n      image: nginx:latest\n"
    )
    lint = subprocess.run(
        [str(script), "lint", "--select", "KC301", "pod.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "NO_COLOR": "1"},
        check=False,
    )
    assert lint.returncode in (0, 1), lint.stderr
    assert lint.stdout.startswith("pod.yaml:8:")
    # the installed script runs the installed package, not this checkout
    where = subprocess.run(
        [
            str(tmp_path / "pipx-home" / "venvs" / "kconv" / "bin" / "python"),
            "-c",
            "import kconv; print(kconv.__file__)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert str(tmp_path / "pipx-home") in where.stdout


def test_changelog_describes_the_current_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert changelog.startswith("# Changelog\n")
    assert "## [Unreleased]" in changelog
    assert f"## [{kconv.__version__}] - " in changelog
    assert f"[{kconv.__version__}]: https://" in changelog


@pytest.mark.parametrize(
    ("shell", "marker"),
    [("bash", "complete -o nosort -F"), ("zsh", "compdef"), ("fish", "complete --no-files")],
)
def test_documented_shell_completion_scripts_are_produced(shell: str, marker: str) -> None:
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert f"_KCONV_COMPLETE={shell}_source kconv" in docs
    done = subprocess.run(
        [sys.executable, "-c", "from kconv.cli import main; main()"],
        env={**os.environ, "_KCONV_COMPLETE": f"{shell}_source"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "_KCONV_COMPLETE" in done.stdout
    assert marker in done.stdout


def test_completion_offers_subcommands_and_format_values() -> None:
    def complete(words: str, cword: int) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", "from kconv.cli import main; main()"],
            env={
                **os.environ,
                "_KCONV_COMPLETE": "bash_complete",
                "COMP_WORDS": words,
                "COMP_CWORD": str(cword),
            },
            capture_output=True,
            text=True,
            check=False,
        )
        return [line.split(",", 1)[1] for line in done.stdout.splitlines()]

    assert complete("kconv li", 1) == ["lint"]
    assert "sarif" in complete("kconv lint --format ", 3)
    assert "--shard" in complete("kconv lint --sh", 2)
