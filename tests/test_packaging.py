"""The wheel ships rules/ and schemas/, and an installed kconv finds them from any directory."""

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


def test_installed_kconv_finds_its_data_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
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
    code = (
        "from kconv.resources import data_dir; import kconv; "
        "print(data_dir('rules')); print(data_dir('schemas')); print(kconv.__file__)"
    )
    done = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    rules, schemas, package = done.stdout.split()
    assert str(env_dir) in package
    assert rules.startswith(str(env_dir)) and schemas.startswith(str(env_dir))
    assert any(Path(rules).glob("*.yaml"))
