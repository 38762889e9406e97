"""The wheel ships rules/, schemas/ and the rule fixtures, and an installed kconv finds them from
any directory."""

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

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


def test_wheel_contains_rules_and_schemas(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("rules", "schemas"):
        shipped = {n.rsplit("/", 1)[1] for n in names if n.startswith(f"kconv/_data/{folder}/")}
        expected = {p.name for p in (ROOT / folder).iterdir() if p.is_file()}
        assert expected, f"{folder}/ is empty"
        assert expected <= shipped


def test_wheel_contains_the_rule_fixtures(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    prefix = "kconv/_data/fixtures/rules/"
    shipped = {n.removeprefix(prefix) for n in names if n.startswith(prefix)}
    folder = ROOT / "fixtures" / "rules"
    expected = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert expected, "fixtures/rules/ is empty"
    assert expected <= shipped


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(venv directory, its python) with the wheel installed; kconv's dependencies come from the
    running environment."""
    env_dir = tmp_path_factory.mktemp("installed") / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--force-reinstall",
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    return env_dir, python


def test_installed_kconv_finds_its_data_from_another_directory(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    env_dir, python = installed
    code = (
        "from kconv.resources import data_dir; import kconv; "
        "print(data_dir('rules')); print(data_dir('schemas')); "
        "print(data_dir('fixtures/rules')); print(kconv.__file__)"
    )
    done = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    rules, schemas, fixtures, package = done.stdout.split()
    assert str(env_dir) in package
    for folder in (rules, schemas, fixtures):
        assert folder.startswith(str(env_dir))
    assert any(Path(rules).glob("*.yaml"))
    assert any(Path(fixtures).glob("*/fail.yaml"))


def _installed_kconv(python: Path, cwd: Path, *args: str) -> str:
    done = subprocess.run(
        [str(python), "-m", "kconv", *args], capture_output=True, text=True, cwd=cwd, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_installed_explain_shows_the_examples(installed: tuple[Path, Path], tmp_path: Path) -> None:
    from kconv.lint.docgen import render_explain
    from kconv.lint.registry import find_rule, load_rules

    out = _installed_kconv(installed[1], tmp_path, "rules", "explain", "KC002")
    assert "Example (fixtures/rules/KC002-duplicate-key/fail.yaml):" in out
    assert "    mode: slow  # <-- KC002" in out
    assert "Use instead (fixtures/rules/KC002-duplicate-key/pass.yaml):" in out
    assert out == render_explain(find_rule(load_rules(), "KC002"))


def test_installed_markdown_is_docs_rules_md(installed: tuple[Path, Path], tmp_path: Path) -> None:
    out = _installed_kconv(installed[1], tmp_path, "rules", "--format", "markdown")
    assert out == (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
