"""Conversion work grows linearly with the number of services: notes are deduplicated by hash
and lint findings find their service through an index, not a scan per note or finding."""

from __future__ import annotations

import dataclasses
from collections.abc import ValuesView
from pathlib import Path
from typing import Any

import pytest

from kconv.compose.loader import load_project
from kconv.convert.lint import lint_result
from kconv.convert.notes import Note, Notes
from kconv.convert.pipeline import convert
from kconv.model.compose import Service
from kconv.model.location import Location


def test_notes_dedupe_by_hash_not_by_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    compared = 0
    plain_eq = Note.__eq__

    def counting_eq(self: Note, other: object) -> bool:
        nonlocal compared
        compared += 1
        return plain_eq(self, other)

    monkeypatch.setattr(Note, "__eq__", counting_eq)
    notes = Notes()
    count = 500
    for round_ in range(2):  # every note twice: the second round adds nothing
        for number in range(count):
            notes.warn(f"note {number}", Location("compose.yaml", number + 1, 3))
        assert round_ == 0 or len(notes.items) == count
    assert [note.message for note in notes.items] == [f"note {n}" for n in range(count)]
    # one comparison per duplicate found (a scan of the list would make ~count**2)
    assert compared <= 2 * count


def test_notes_given_items_are_not_added_again() -> None:
    first = Note("info", "kept", Location("compose.yaml", 1))
    notes = Notes(items=[first])
    notes.info("kept", Location("compose.yaml", 1))
    assert notes.items == [first]


class _CountingServices(dict[str, Service]):
    """A services mapping that counts how often its values are walked."""

    walks = 0

    def values(self) -> ValuesView[Service]:
        type(self).walks += 1
        return super().values()


def test_lint_findings_index_the_services_once(tmp_path: Path) -> None:
    services = "".join(
        f"  s{n}:\n    image: example/s{n}:1.0\n    privileged: true\n" for n in range(30)
    )
    (tmp_path / "compose.yaml").write_text(f"services:\n{services}")
    project = load_project([str(tmp_path / "compose.yaml")], environ={})
    result = convert(project)
    counted: Any = dataclasses.replace(project, services=_CountingServices(project.services))
    notes = lint_result(result, project=counted)
    privileged = [note for note in notes if "privileged-container" in note.message]
    assert len(privileged) == 30
    # each finding still points at the `privileged:` key of its own service
    assert {note.location for note in privileged} == {
        s.locations["privileged"] for s in project.services.values()
    }
    assert _CountingServices.walks == 1
