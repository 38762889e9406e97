"""Files holding part of a mapping: required keys and defaults come after the merge."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kconv.compose.loader import load_project
from kconv.errors import InputError

BASE = """
services:
  web: {image: x, depends_on: {db: {condition: service_healthy}}}
  db: {image: pg}
"""
PARTIAL = """
services:
  web:
    depends_on:
      db: {required: false}
"""


def write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return str(path)


def test_override_may_hold_part_of_a_dependency(tmp_path: Path) -> None:
    files = [write(tmp_path, "f1.yaml", BASE), write(tmp_path, "f2.yaml", PARTIAL)]
    project = load_project(files, environ={})
    (dependency,) = project.services["web"].depends_on
    assert (dependency.condition, dependency.required) == ("service_healthy", False)


def test_required_key_missing_after_the_merge_is_an_error(tmp_path: Path) -> None:
    base = write(tmp_path, "f1.yaml", "services:\n  web: {image: x}\n  db: {image: pg}\n")
    files = [base, write(tmp_path, "f2.yaml", PARTIAL)]
    message = r'depends_on\.db: the key "condition" is required'
    with pytest.raises(InputError, match=message) as info:
        load_project(files, environ={})
    where = info.value.location
    assert where is not None
    assert (Path(where.file).name, where.line, where.column) == ("f2.yaml", 4, 7)


def test_list_dependency_gets_the_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "f1.yaml", "services:\n  web: {image: x, depends_on: [db]}\n  db: {}\n")
    project = load_project([path], environ={})
    assert project.services["web"].raw["depends_on"] == {
        "db": {"condition": "service_started", "required": True}
    }
