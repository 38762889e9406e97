"""Reporters: one module per output format, each with `render(result, *, color) -> str`."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kconv.lint.engine import LintResult
    from kconv.lint.rule import Finding

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")


def get_reporter(name: str) -> Callable[..., str]:
    """The `render` function of format `name` (one of FORMATS)."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    module = importlib.import_module(f"kconv.report.{name}_format")
    return module.render


def render(
    result: LintResult, name: str, *, color: bool = False, lines: Sequence[str] | None = None
) -> str:
    """Render `result` in format `name`; `lines` are its findings' lines as `line_renderer`
    rendered them beforehand (only for the formats that have one)."""
    if lines is not None:
        return get_reporter(name)(result, color=color, lines=lines)
    return get_reporter(name)(result, color=color)


def line_renderer(name: str, *, color: bool = False) -> Callable[[Finding], str] | None:
    """How format `name` renders one finding, for the formats where each finding's part of
    the report depends on nothing else (`json`, `text`, `github`, `junit`); None for the
    others. `kconv lint --jobs` has its workers render their own findings with it
    (kconv.lint.parallel), and the format's `render` takes them as `lines`."""
    if name == "json":
        from kconv.report.json_format import finding_line

        return finding_line
    if name == "github":
        from kconv.report.github_format import format_finding as github_line

        return github_line
    if name == "junit":
        from kconv.report.junit_format import testcase

        return testcase
    if name == "text":
        from functools import partial

        from kconv.report.text_format import format_finding

        return partial(format_finding, color=color)
    return None
