"""Hostile and broken input never crashes, hangs or floods: the corpus in fixtures/bad/.

Every case is run through `kconv lint`, `kconv config` and `kconv convert` in a subprocess. Each
must end with the expected exit code, one clean `kconv: error:` line naming the file for exit
code 2 (findings naming the file for exit code 1), no traceback, and stay under 500 MB of
memory. Large cases (a 50 MB scalar, 10,000-deep nesting) and file-system cases (symlink loop,
FIFO, directory, unreadable file) are generated into a temporary directory.

The time limit here is a hang guard, not a speed target: `bench/bad_input.py` prints each case's
time against the 5-second target.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
BAD = ROOT / "fixtures" / "bad"
HANG_GUARD_SECONDS = 60
MEMORY_LIMIT_KB = 500 * 1024

# Files a linter should find clean (nothing to lint), not broken.
LINT_CLEAN = {"empty.yaml", "comment-only.yaml", "only-separators.yaml"}
LINT_MAYBE_CLEAN = {"utf16-bom.yaml"}  # a valid ConfigMap in UTF-16: no error-level finding
COMPOSE_MAYBE_VALID = {"compose-no-services"}  # a project without services is legal
# `docker compose config` does not read secret files; `convert` must (it embeds them).
CONFIG_MAYBE_VALID = {"compose-secret-file-missing"}


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    max_rss_kb: int


def run_measured(*args: str, cwd: Path | None = None) -> Run:
    """Run kconv in a subprocess; reap it with wait4 to get that process's own peak RSS."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("KCONV_DEBUG", None)
    started = time.monotonic()
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-m", "kconv", *args],
        stdout=out_w,
        stderr=err_w,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env=env,
    )
    os.close(out_w)
    os.close(err_w)
    chunks: dict[int, list[bytes]] = {out_r: [], err_r: []}
    selector = selectors.DefaultSelector()
    selector.register(out_r, selectors.EVENT_READ)
    selector.register(err_r, selectors.EVENT_READ)
    open_fds = {out_r, err_r}
    deadline = started + HANG_GUARD_SECONDS
    while open_fds:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            process.kill()
            os.wait4(process.pid, 0)
            pytest.fail(f"kconv {' '.join(args)} did not finish in {HANG_GUARD_SECONDS} s")
        for key, _ in selector.select(timeout=remaining):
            data = os.read(key.fd, 65536)
            if data:
                chunks[key.fd].append(data)
            else:
                selector.unregister(key.fd)
                os.close(key.fd)
                open_fds.discard(key.fd)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Run(
        process.returncode,
        b"".join(chunks[out_r]).decode(errors="replace"),
        b"".join(chunks[err_r]).decode(errors="replace"),
        time.monotonic() - started,
        usage.ru_maxrss,
    )


def assert_clean_outcome(run: Run, allowed: set[int], names: list[str], what: str) -> None:
    combined = run.stdout + run.stderr
    assert "Traceback" not in combined, f"{what}: traceback\n{combined[-3000:]}"
    assert "internal error" not in combined, f"{what}: internal error\n{combined[-3000:]}"
    assert run.code in allowed, (
        f"{what}: exit {run.code}, expected {sorted(allowed)}\n"
        f"stdout: {run.stdout[-1500:]}\nstderr: {run.stderr[-1500:]}"
    )
    assert run.max_rss_kb < MEMORY_LIMIT_KB, f"{what}: {run.max_rss_kb // 1024} MB"
    if run.code == 2:
        # kconv's own errors, or click's usage errors (`Error: Invalid value for '-f' ...`)
        error_lines = [
            line for line in run.stderr.splitlines() if line.startswith(("kconv: error:", "Error:"))
        ]
        assert len(error_lines) == 1, f"{what}: expected one error line, got\n{run.stderr}"
        assert any(name in error_lines[0] for name in names), (
            f"{what}: the error does not name the file ({names}): {error_lines[0]}"
        )
        assert len(error_lines[0]) < 1000, f"{what}: error line too long"
    if run.code == 1:
        assert any(name in combined for name in names), f"{what}: findings do not name the file"


STATIC_FILES = sorted(p.name for p in BAD.iterdir() if p.is_file())
COMPOSE_DIRS = sorted(p.name for p in BAD.iterdir() if p.is_dir())


def test_corpus_is_large_enough() -> None:
    assert len(STATIC_FILES) + len(COMPOSE_DIRS) + len(GENERATED) >= 40


@pytest.mark.parametrize("name", STATIC_FILES)
def test_lint_bad_file(name: str) -> None:
    allowed = {0} if name in LINT_CLEAN else {0, 1} if name in LINT_MAYBE_CLEAN else {1}
    run = run_measured("lint", str(BAD / name))
    assert_clean_outcome(run, allowed, [name], f"lint {name}")


@pytest.mark.parametrize("command", ["config", "convert"])
@pytest.mark.parametrize("name", STATIC_FILES)
def test_compose_commands_on_bad_file(command: str, name: str) -> None:
    run = run_measured(command, "-f", str(BAD / name))
    assert_clean_outcome(run, {2}, [name], f"{command} {name}")


@pytest.mark.parametrize("command", ["config", "convert"])
@pytest.mark.parametrize("name", COMPOSE_DIRS)
def test_compose_commands_on_bad_project(command: str, name: str) -> None:
    maybe_valid = COMPOSE_MAYBE_VALID | (CONFIG_MAYBE_VALID if command == "config" else set())
    allowed = {0, 2} if name in maybe_valid else {2}
    run = run_measured(command, cwd=BAD / name)
    files = [p.name for p in (BAD / name).iterdir()] + [name]
    assert_clean_outcome(run, allowed, files, f"{command} {name}")


@pytest.mark.parametrize("name", COMPOSE_DIRS)
def test_lint_on_compose_files_reports_not_a_manifest(name: str) -> None:
    run = run_measured("lint", str(BAD / name))
    assert_clean_outcome(run, {1}, ["compose.yaml", "other.yaml"], f"lint {name}")


def test_lint_whole_bad_directory_keeps_going() -> None:
    run = run_measured("lint", "--format", "json", str(BAD))
    assert_clean_outcome(run, {1}, ["tabs.yaml"], "lint fixtures/bad")
    for name in ("tabs.yaml", "alias-bomb.yaml", "binary.yaml", "duplicate-keys.yaml"):
        assert name in run.stdout


# -- generated cases ----------------------------------------------------------------------------


def _huge_scalar(directory: Path) -> Path:
    path = directory / "huge-scalar.yaml"
    with open(path, "w") as handle:
        handle.write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: ")
        handle.write("x" * (50 * 1024 * 1024))
        handle.write("\n")
    return path


def _deep_nesting(directory: Path) -> Path:
    path = directory / "deep-nesting.yaml"
    path.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: "
        + "[" * 10_000
        + "]" * 10_000
        + "\n"
    )
    return path


def _deep_block_nesting(directory: Path) -> Path:
    path = directory / "deep-block.yaml"
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:"]
    lines += ["  " * (depth + 1) + f"k{depth}:" for depth in range(2000)]
    path.write_text("\n".join(lines) + " x\n")
    return path


def _very_deep(name: str, start: str, opening: str, closing: str) -> Callable[[Path], Path]:
    """Nesting deep enough (50,000 levels, under 300 KB) to overflow the C stack of libyaml's
    composer if it ever reached it: the process would die with no message."""

    def make(directory: Path) -> Path:
        path = directory / f"{name}.yaml"
        path.write_text(start + opening * 50_000 + "x" + closing * 50_000 + "\n")
        return path

    return make


def _many_documents(directory: Path) -> Path:
    path = directory / "many-documents.yaml"
    doc = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m%d}\n---\n"
    path.write_text("".join(doc % i for i in range(20_000)))
    return path


def _long_key(directory: Path) -> Path:
    path = directory / "long-key.yaml"
    path.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: k}\ndata:\n  "
        + "k" * 2_000_000
        + ": v\n"
    )
    return path


def _broken_symlink(directory: Path) -> Path:
    path = directory / "dangling.yaml"
    path.symlink_to(directory / "does-not-exist.yaml")
    return path


def _directory(directory: Path) -> Path:
    path = directory / "a-directory.yaml"
    path.mkdir()
    return path


def _fifo(directory: Path) -> Path:
    path = directory / "pipe.yaml"
    os.mkfifo(path)
    return path


GENERATED = {
    "huge-scalar": (_huge_scalar, {0, 1}),
    "deep-nesting": (_deep_nesting, {1}),
    "deep-block-nesting": (_deep_block_nesting, {1}),
    "very-deep-flow-sequences": (_very_deep("very-deep-flow-sequences", "a: ", "[", "]"), {1}),
    "very-deep-flow-mappings": (_very_deep("very-deep-flow-mappings", "a: ", "{a: ", "}"), {1}),
    # `- - - x`: block sequences, each a column further right
    "very-deep-block-sequences": (_very_deep("very-deep-block-sequences", "", "- ", ""), {1}),
    "many-documents": (_many_documents, {0, 1}),
    "long-key": (_long_key, {0, 1}),
    "broken-symlink": (_broken_symlink, {1, 2}),
    "directory-as-file": (_directory, {0}),  # lint walks it: an empty directory is clean
    "fifo": (_fifo, {1, 2}),
}


@pytest.mark.parametrize("case", sorted(GENERATED))
def test_generated_case(case: str, tmp_path: Path) -> None:
    make, lint_allowed = GENERATED[case]
    path = make(tmp_path)
    run = run_measured("lint", str(path))
    assert_clean_outcome(run, lint_allowed, [path.name], f"lint {case}")
    for command in ("config", "convert"):
        run = run_measured(command, "-f", str(path))
        assert_clean_outcome(run, {2}, [path.name], f"{command} {case}")


def test_symlink_loop_in_scanned_directory(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "loop").symlink_to(tmp_path)
    (tmp_path / "sub" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: a}\ndata: {a: b}\n"
    )
    run = run_measured("lint", str(tmp_path))
    assert_clean_outcome(run, {0, 1}, ["cm.yaml"], "lint symlink loop")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    path.chmod(0)
    run = run_measured("lint", str(path))
    assert_clean_outcome(run, {1}, ["secret.yaml"], "lint unreadable")
    run = run_measured("config", "-f", str(path))
    assert_clean_outcome(run, {2}, ["secret.yaml"], "config unreadable")


def test_nonexistent_paths_are_usage_errors(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    for args in (["lint", missing], ["config", "-f", missing], ["convert", "-f", missing]):
        run = run_measured(*args)
        assert_clean_outcome(run, {2}, ["nope.yaml"], " ".join(args[:1]))
