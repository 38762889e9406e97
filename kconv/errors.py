"""Errors the library raises. The CLI turns every one of them into a message and exit code 2."""

from __future__ import annotations

from kconv.model.location import Location


class KconvError(Exception):
    """Base class: a user-facing problem with an optional source location."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class InputError(KconvError):
    """A file given to kconv cannot be read, parsed or understood."""


class ConfigError(KconvError):
    """kconv's own configuration (.kconv.yaml, x-kconv, options) is invalid."""


class OutputError(KconvError):
    """Writing results failed or was refused (for example, it would overwrite a file)."""
