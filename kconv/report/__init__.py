"""Reporters: one module per output format, each with `render(result, *, color) -> str`."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kconv.lint.engine import LintResult

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")


def get_reporter(name: str) -> Callable[..., str]:
    """The `render` function of format `name` (one of FORMATS)."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    module = importlib.import_module(f"kconv.report.{name}_format")
    return module.render


def render(result: LintResult, name: str, *, color: bool = False) -> str:
    """Render `result` in format `name`."""
    return get_reporter(name)(result, color=color)
