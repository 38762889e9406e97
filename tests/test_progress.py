"""The progress bar: only on a terminal, only for slow runs, never with --quiet; NO_COLOR
keeps the bar and drops the colour. A fake terminal and a fake clock, no waiting."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kconv import progress
from kconv.cli import cli
from kconv.progress import Progress, colour_allowed, wanted


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class FakeClock:
    """Each call returns the current time, then moves it on by `step` seconds."""

    def __init__(self, step: float) -> None:
        self.now = 100.0
        self.step = step

    def __call__(self) -> float:
        current = self.now
        self.now += self.step
        return current


def test_wanted_only_on_a_terminal_and_not_quiet() -> None:
    assert wanted(FakeTerminal())
    assert not wanted(FakeTerminal(), quiet=True)
    assert not wanted(io.StringIO())

    class Closed(io.StringIO):
        def isatty(self) -> bool:
            raise ValueError("I/O operation on closed file")

    assert not wanted(Closed())


@pytest.mark.parametrize(
    ("environ", "allowed"),
    [({}, True), ({"NO_COLOR": "1"}, False), ({"NO_COLOR": ""}, True), ({"TERM": "x"}, True)],
)
def test_no_color(environ: dict[str, str], allowed: bool) -> None:
    assert colour_allowed(environ) is allowed


def test_a_fast_run_draws_nothing() -> None:
    stream = FakeTerminal()
    bar = Progress(50, stream=stream, clock=FakeClock(0.01), colour=False)  # 0.5 s in total
    assert list(bar.track(range(50))) == list(range(50))
    assert stream.getvalue() == ""
    assert bar.done == 50


def test_a_slow_run_draws_then_erases_the_bar() -> None:
    stream = FakeTerminal()
    bar = Progress(4, stream=stream, clock=FakeClock(0.6), colour=False)
    for _ in bar.track(range(4)):
        pass
    out = stream.getvalue()
    # first draw once a second has passed: after the 2nd file (1.2 s), then every file
    assert "[############------------] 2/4 files" in out
    assert "[##################------] 3/4 files" in out
    assert "[########################] 4/4 files" in out
    assert "1/4 files" not in out
    assert "\x1b[" not in out
    width = len("[########################] 4/4 files")
    assert out.endswith("\r" + " " * width + "\r")  # erased: the report starts on a clean line
    assert "\n" not in out


def test_colour_is_only_in_the_bar_and_only_when_allowed() -> None:
    coloured = Progress(2, stream=FakeTerminal(), clock=FakeClock(2.0), colour=True)
    plain = Progress(2, stream=FakeTerminal(), clock=FakeClock(2.0), colour=False)
    coloured.advance()
    plain.advance()
    assert "\x1b[32m" in coloured.stream.getvalue()
    assert "\x1b[" not in plain.stream.getvalue()
    assert plain.line() == "[############------------] 1/2 files"


def test_disabled_bar_never_writes() -> None:
    stream = FakeTerminal()
    bar = Progress(3, stream=stream, clock=FakeClock(5.0), enabled=False)
    list(bar.track(range(3)))
    assert stream.getvalue() == ""


def test_redraws_are_throttled_but_the_last_step_is_drawn() -> None:
    stream = FakeTerminal()
    clock = FakeClock(0.0)
    bar = Progress(1000, stream=stream, clock=clock, colour=False)
    clock.now += 2.0  # the run has become slow
    clock.step = 0.001  # then 1000 quick steps: ~1 s, so ~10 redraws at most
    for _ in range(1000):
        bar.advance()
    out = stream.getvalue()
    assert 2 <= out.count("\r") <= 12
    assert out.endswith("1000/1000 files")


def test_unknown_total_counts_up() -> None:
    bar = Progress(0, stream=FakeTerminal(), clock=FakeClock(2.0), colour=False)
    bar.advance(3)
    assert bar.line().endswith("] 3 files")


def _tree(root: Path, count: int) -> Path:
    for number in range(count):
        (root / f"d{number}.yaml").write_text(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n"
            f"  name: d{number}\n# kconv: ignore-file[KC301]\n"
            "spec:\n  selector:\n    matchLabels: {app: x}\n  template:\n"
            "    metadata:\n      labels: {app: x}\n    spec:\n"
            "      containers:\n        - name: c\n          image: nginx\n"
        )
    (root / "broken.yaml").write_text("a: [\n")
    return root


def test_cli_shows_no_bar_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["lint", str(_tree(tmp_path, 3))])
    assert "\r" not in result.stderr
    assert "files" not in result.stderr


@pytest.mark.parametrize("quiet", [False, True])
def test_cli_bar_on_a_slow_terminal_run_and_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet: bool
) -> None:
    root = _tree(tmp_path, 6)
    args = ["lint", "--format", "json", str(root)] + (["--quiet"] if quiet else [])
    runner = CliRunner()
    plain = runner.invoke(cli, args)
    # pretend stderr is a terminal and each clock reading is a second later
    monkeypatch.setattr(progress.time, "monotonic", FakeClock(1.0))
    monkeypatch.setattr(progress, "wanted", lambda stream, *, quiet=False: not quiet, raising=True)
    slow = runner.invoke(cli, args)
    assert slow.exit_code == plain.exit_code == 1
    # loading file by file for the bar gives exactly the same report
    assert json.loads(slow.stdout) == json.loads(plain.stdout)
    rules = {finding["rule"] for finding in json.loads(slow.stdout)["findings"]}
    assert "KC001" in rules  # broken.yaml's syntax error is kept
    assert "KC301" not in rules  # the files' ignore-file comments are kept
    if quiet:
        assert "files" not in slow.stderr
    else:
        assert "7/7 files" in slow.stderr
        assert slow.stderr.rstrip(" \r").endswith("7/7 files")


def test_cli_bar_without_colour_under_no_color(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path, 3)
    monkeypatch.setattr(progress.time, "monotonic", FakeClock(1.0))
    monkeypatch.setattr(progress, "wanted", lambda stream, *, quiet=False: not quiet)
    monkeypatch.setenv("NO_COLOR", "1")
    result = CliRunner().invoke(cli, ["lint", str(root)])
    assert "4/4 files" in result.stderr
    assert "\x1b[" not in result.stderr
    monkeypatch.delenv("NO_COLOR")
    coloured = CliRunner().invoke(cli, ["lint", str(root)])
    assert "\x1b[32m" in coloured.stderr
