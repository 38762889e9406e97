"""Conversion notes: what the converter wants the user to know, with a compose location."""

from __future__ import annotations

from dataclasses import dataclass, field

from kconv.model.location import Location


@dataclass(frozen=True)
class Note:
    """One message about the conversion; severity is "info", "warning" or "error"."""

    severity: str
    message: str
    location: Location

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


@dataclass
class Notes:
    """A collector that keeps notes in the order they were made, without duplicates."""

    items: list[Note] = field(default_factory=list)

    def add(self, severity: str, message: str, location: Location) -> None:
        note = Note(severity, message, location)
        if note not in self.items:
            self.items.append(note)

    def info(self, message: str, location: Location) -> None:
        self.add("info", message, location)

    def warn(self, message: str, location: Location) -> None:
        self.add("warning", message, location)
