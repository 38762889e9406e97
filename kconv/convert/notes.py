"""Conversion notes: what the converter wants the user to know, with a compose location.

A note never shows a secret value: every message is redacted (`kconv.secrets.scrub`) with the
project's secret values, the same ones `kconv config` hides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from kconv.model.location import Location
from kconv.secrets import scrub


@dataclass(frozen=True)
class Note:
    """One message about the conversion; severity is "info", "warning" or "error"."""

    severity: str
    message: str
    location: Location

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"

    def redacted(self, secrets: Iterable[str] = ()) -> Note:
        """This note with the secret values (and credential-shaped quoted values) hidden."""
        message = scrub(self.message, secrets)
        return self if message == self.message else replace(self, message=message)


@dataclass
class Notes:
    """A collector that keeps notes in the order they were made, without duplicates, each
    redacted with the project's `secrets`."""

    items: list[Note] = field(default_factory=list)
    secrets: frozenset[str] = frozenset()
    _seen: set[Note] = field(default_factory=set, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._seen.update(self.items)

    def add(self, severity: str, message: str, location: Location) -> None:
        """Keep the note unless an equal one was already kept (a hash look-up, not a scan)."""
        note = Note(severity, message, location).redacted(self.secrets)
        if note not in self._seen:
            self._seen.add(note)
            self.items.append(note)

    def info(self, message: str, location: Location) -> None:
        self.add("info", message, location)

    def warn(self, message: str, location: Location) -> None:
        self.add("warning", message, location)
