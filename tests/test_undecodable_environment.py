"""Environment values that are not UTF-8: a located error where a manifest would carry them.

Python keeps such a value's bytes as lone surrogates. Interpolated into the project, taken by
`environment: [NAME]` or by an env file's bare `NAME`, it reached the YAML writer, which failed
("internal error"). It is now an error at the place that uses it. A Secret or config taken
from such a variable keeps the variable's own bytes: Secret data is bytes.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from kconv.compose.loader import load_project
from kconv.errors import InputError

NOT_UTF8 = os.fsdecode(b"a\xffb")  # what os.environ holds for those bytes


def load(tmp_path: Path, compose: str):
    path = tmp_path / "compose.yaml"
    path.write_text(textwrap.dedent(compose).lstrip("\n"), encoding="utf-8")
    (tmp_path / "e.env").write_text("X\nY=${X}\n", encoding="utf-8")
    return load_project([str(path)], environ={"X": NOT_UTF8})


@pytest.mark.parametrize(
    ("compose", "where"),
    [
        ("services: {a: {image: nginx, environment: {V: '${X}'}}}", "compose.yaml:1:"),
        ("services: {a: {image: nginx, environment: [X]}}", "compose.yaml:1:"),
        ("services: {a: {image: nginx, env_file: [e.env]}}", "e.env:1"),
    ],
)
def test_a_value_used_in_the_project_is_a_located_error(
    tmp_path: Path, compose: str, where: str
) -> None:
    with pytest.raises(InputError, match="the value of variable X is not valid UTF-8") as caught:
        load(tmp_path, compose)
    assert where in str(caught.value)


def test_an_unused_one_is_no_error(tmp_path: Path) -> None:
    assert load(tmp_path, "services: {a: {image: nginx}}").services["a"].image == "nginx"


def test_a_secret_from_such_a_variable_keeps_its_bytes(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services: {a: {image: nginx, secrets: [s]}}\nsecrets: {s: {environment: X}}\n",
        encoding="utf-8",
    )
    environment = {**os.environ, "X": NOT_UTF8, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "kconv", "convert", "--no-lint", "-q"],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    secrets = [
        document
        for document in yaml.safe_load_all(done.stdout.decode("utf-8"))
        if document and document.get("kind") == "Secret"
    ]
    assert [base64.b64decode(secret["data"]["s"]) for secret in secrets] == [b"a\xffb"]
