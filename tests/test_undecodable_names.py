"""File names that are not UTF-8: every report stays valid UTF-8, the same in every locale.

Python decodes such a name's bytes to lone surrogates. A strict UTF-8 stdout (any UTF-8 locale
but C.UTF-8) failed to write them ("internal error"), and so did the SARIF and GitLab writers
in any locale; the C locale wrote the raw bytes. They are now written as `\\udcff` escapes (in
JSON, the same escape a JSON parser reads back), and SARIF URIs carry the bytes percent-encoded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

POD = b"""\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: nginx}]
"""
NAME = b"\xff\xfe-latin.yaml"
FORMATS = ["text", "json", "sarif", "junit", "github", "gitlab"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    try:
        with open(os.path.join(os.fsencode(tmp_path), NAME), "wb") as handle:
            handle.write(POD)
    except (OSError, ValueError):  # a file system that accepts only UTF-8 names (macOS)
        pytest.skip("this file system refuses names that are not UTF-8")
    return tmp_path


def lint(folder: Path, *args: str, locale: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    env.update(locale, NO_COLOR="1")
    return subprocess.run(
        [sys.executable, "-m", "kconv", "lint", *args, str(folder)],
        cwd=folder,
        env=env,
        capture_output=True,
        check=False,
        timeout=120,
    )


STRICT = {"PYTHONIOENCODING": "utf-8"}  # what a UTF-8 locale such as en_US.UTF-8 gives
C_LOCALE = {"LC_ALL": "C", "LANG": "C"}  # surrogateescape: the raw bytes, before


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_writes_valid_utf8_in_every_locale(folder: Path, fmt: str) -> None:
    strict = lint(folder, "--format", fmt, locale=STRICT)
    assert strict.returncode == 0, strict.stderr.decode(errors="replace")  # warnings only
    text = strict.stdout.decode("utf-8")  # valid UTF-8, or this raises
    assert "latin.yaml" in text
    assert lint(folder, "--format", fmt, locale=C_LOCALE).stdout == strict.stdout


def test_json_gives_back_the_name_and_sarif_percent_encodes_its_bytes(folder: Path) -> None:
    report = json.loads(lint(folder, "--format", "json", locale=STRICT).stdout)
    files = {finding["file"] for finding in report["findings"]}
    assert {os.fsencode(file) for file in files} == {os.path.join(os.fsencode(folder), NAME)}
    sarif = json.loads(lint(folder, "--format", "sarif", locale=STRICT).stdout)
    uris = {
        location["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for location in result["locations"]
    }
    assert uris and all(uri.endswith("/%FF%FE-latin.yaml") for uri in uris)


def test_a_report_file_is_written_the_same_way(folder: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    done = lint(folder, "-o", str(target), locale=STRICT)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert "\\udcff\\udcfe-latin.yaml" in target.read_bytes().decode("utf-8")
