"""Same input, same bytes: across runs and across PYTHONHASHSEED values (issue #7)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "webapp" / "compose.yaml"


def run(args: list[str], seed: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "kconv", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        check=False,
        timeout=120,
    )


def assert_same_bytes(args: list[str], cwd: Path, codes: tuple[int, ...]) -> bytes:
    outputs = [run(args, seed, cwd) for seed in ("0", "1", "12345")]
    for done in outputs:
        assert done.returncode in codes, done.stderr.decode()
    assert outputs[0].stdout, "no output"
    assert outputs[0].stdout == outputs[1].stdout == outputs[2].stdout
    assert outputs[0].stderr == outputs[1].stderr == outputs[2].stderr
    return outputs[0].stdout


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_convert_is_byte_identical(fmt: str) -> None:
    assert EXAMPLE.exists(), "the README's example project is missing"
    assert_same_bytes(["convert", "--format", fmt, "-f", str(EXAMPLE)], EXAMPLE.parent, (0, 1))


def test_config_is_byte_identical() -> None:
    assert_same_bytes(["config", "-f", str(EXAMPLE)], EXAMPLE.parent, (0,))


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_lint_is_byte_identical(fmt: str) -> None:
    assert_same_bytes(["lint", "--format", fmt, "fixtures/rules"], ROOT, (1,))


def test_convert_to_directory_is_byte_identical(tmp_path: Path) -> None:
    trees = []
    for seed in ("0", "99"):
        out = tmp_path / f"out{seed}"
        done = run(["convert", "-f", str(EXAMPLE), "-o", str(out) + "/"], seed, EXAMPLE.parent)
        assert done.returncode in (0, 1), done.stderr.decode()
        trees.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert trees[0] == trees[1]
    assert trees[0]
