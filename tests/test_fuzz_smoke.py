"""The fuzz target (`fuzz/run.py`) runs, bounded by example count, and its checks can fail."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "fuzz" / "run.py"

_spec = importlib.util.spec_from_file_location("kconv_fuzz_run", RUN)
assert _spec is not None and _spec.loader is not None
fuzz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz)


def test_fuzz_target_runs_a_bounded_number_of_examples(capsys: pytest.CaptureFixture[str]) -> None:
    assert fuzz.main(["--examples", "60", "--seed", "7", "--lint"]) == 0
    assert "fuzz: ok, 60 examples" in capsys.readouterr().out


def test_fuzz_script_runs_as_a_script() -> None:
    done = subprocess.run(
        [sys.executable, str(RUN), "--examples", "20", "--seed", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT.parent,  # not the checkout: the script finds kconv itself
    )
    assert done.returncode == 0, done.stderr
    assert "fuzz: ok, 20 examples" in done.stdout


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xff\xfe\x00",  # invalid UTF-8 (a truncated UTF-16 BOM)
        b"\xef\xbb\xbfservices:\n  a: {image: x}\n",
        b"a: &a [1]\nb: *a\n\x00",
        b"!!python/object/apply:os.system ['false']\n",
        b"services:\n  web:\n    image: x\n    ports: ['70000:80']\n",
    ],
)
def test_check_bytes_accepts_hostile_inputs(tmp_path: Path, data: bytes) -> None:
    fuzz.check_bytes(data, str(tmp_path), lint=True)


def test_checks_fail_on_an_unlocated_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A loader raising a KconvError without a location is reported as a fuzz failure."""
    from kconv import yamlio
    from kconv.errors import InputError

    def broken(*args: object, **kwargs: object) -> None:
        raise InputError("no location")

    monkeypatch.setattr(yamlio, "load_documents", broken)
    with pytest.raises(fuzz.FuzzFailure):
        fuzz.check_yaml("a: 1\n")


def test_checks_let_other_exceptions_through(monkeypatch: pytest.MonkeyPatch) -> None:
    """Anything but a KconvError escapes the checks (so hypothesis reports it)."""
    from kconv import yamlio

    def crash(*args: object, **kwargs: object) -> None:
        raise RecursionError("deep")

    monkeypatch.setattr(yamlio, "load_documents", crash)
    with pytest.raises(RecursionError):
        fuzz.check_yaml("a: 1\n")


def test_a_failing_example_makes_the_script_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(*args: object, **kwargs: object) -> None:
        raise RecursionError("deep")

    monkeypatch.setattr(fuzz, "check_all", crash)
    assert fuzz.main(["--examples", "5", "--seed", "3"]) == 1
