"""The CLI frame: version, help, `python -m kconv`, error handling (kconv/cli/__init__.py)."""

import subprocess
import sys
from pathlib import Path

import pytest
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


def test_linting_one_file_imports_only_what_it_needs(tmp_path: Path) -> None:
    """A pre-commit run pays for every module it imports (docs/performance.md): no schema
    library (schemas are compiled by kconv), no templates, no worker pool, and no
    dataclasses (their creation costs 8% of such a run: kconv.model.record)."""
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        "spec: {containers: [{name: c, image: busybox, env: [{name: A, value: b}]}]}\n"
    )
    code = (
        "import sys, kconv.cli\n"
        f"sys.argv = ['kconv', 'lint', {str(manifest)!r}]\n"
        "try:\n    kconv.cli.main()\nexcept SystemExit:\n    pass\n"
        "unneeded = ('jsonschema', 'jinja2', 'kubernetes_validate', 'multiprocessing', "
        "'dataclasses')\n"
        "print([m for m in unneeded if m in sys.modules], file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "KC" in done.stdout  # it did lint: the pod has findings
    assert done.stderr.strip().splitlines()[-1] == "[]"


def _kconv(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "kconv", *args], capture_output=True, check=False)


def test_the_process_ends_with_the_commands_status_and_all_its_output(tmp_path: Path) -> None:
    """`python -m kconv` ends with os._exit (kconv.cli.run): the exit status is the command's
    and a large report reaches the pipe whole."""
    for index in range(150):
        (tmp_path / f"p{index}.yaml").write_text(
            f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{index}}}\n"
            "spec: {containers: [{name: c, image: busybox, securityContext: {privileged: true}}]}\n"
        )
    expected = CliRunner().invoke(cli, ["lint", "--format", "json", str(tmp_path)])
    done = _kconv("lint", "--format", "json", str(tmp_path))
    assert done.returncode == expected.exit_code == 1
    assert len(done.stdout) > 100_000  # more than a pipe holds
    assert done.stdout.decode() == expected.output
    clean = _kconv("lint", "--select", "KC003", str(tmp_path))
    assert clean.returncode == 0
    missing = _kconv("lint", str(tmp_path / "missing.yaml"))
    assert missing.returncode == 2
    assert b"missing.yaml" in missing.stderr and b"Traceback" not in missing.stderr


def test_exit_status_follows_the_interpreter(capsys: pytest.CaptureFixture[str]) -> None:
    from kconv.cli import exit_status

    assert [exit_status(None), exit_status(0), exit_status(1), exit_status(2)] == [0, 0, 1, 2]
    assert exit_status(256) == 0  # the status is a byte, as for sys.exit(256)
    assert exit_status("stopped") == 1
    assert capsys.readouterr().err == "stopped\n"


POD = (
    "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
    "spec: {containers: [{name: c, image: x, securityContext: {privileged: true}}]}\n"
)


def _kconv_with(closed: int, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run kconv with descriptor `closed` (1 or 2) closed, as the shell's `>&-` or `2>&-`;
    the other is captured."""
    import os

    return subprocess.run(
        [sys.executable, "-m", "kconv", *args],
        stdout=None if closed == 1 else subprocess.PIPE,
        stderr=None if closed == 2 else subprocess.PIPE,
        preexec_fn=lambda: os.close(closed),
        check=False,
    )


def test_closed_output_streams_keep_the_exit_code(tmp_path: Path) -> None:
    """`>&-` or `2>&-`: no traceback, and the command's own status (findings 1, input 2)."""
    pod = tmp_path / "pod.yaml"
    pod.write_text(POD)
    findings = _kconv_with(1, "lint", str(pod))
    assert findings.returncode == 1
    assert b"Traceback" not in findings.stderr and b"internal error" not in findings.stderr
    missing = _kconv_with(2, "lint", str(tmp_path / "missing.yaml"))
    assert missing.returncode == 2


def test_a_failed_write_to_stdout_is_an_output_error(tmp_path: Path) -> None:
    pod = tmp_path / "pod.yaml"
    pod.write_text(POD)
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "kconv", "lint", str(pod)],
            stdout=full,
            stderr=subprocess.PIPE,
            check=False,
        )
    assert done.returncode == 2
    assert (
        done.stderr.decode() == "kconv: error: cannot write the output: No space left on device\n"
    )


def test_debug_shows_the_traceback_and_keeps_exit_code_2(tmp_path: Path) -> None:
    done = _kconv("--debug", "lint", str(tmp_path / "missing.yaml"))
    assert done.returncode == 2
    assert b"Traceback" in done.stderr and b"no such file" in done.stderr
