"""Reporters: one module per output format, each with `render(result, *, color) -> str`."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kconv.lint.engine import LintResult
    from kconv.lint.wire import RenderBlock

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab")


def get_reporter(name: str) -> Callable[..., str]:
    """The `render` function of format `name` (one of FORMATS)."""
    if name not in FORMATS:
        raise ValueError(f"unknown format {name!r}")
    module = importlib.import_module(f"kconv.report.{name}_format")
    return module.render


def render(
    result: LintResult, name: str, *, color: bool = False, blocks: Sequence[str] | None = None
) -> str:
    """Render `result` in format `name`; `blocks` are its files' parts of the report as
    `block_renderer` rendered them beforehand (only for the formats that have one)."""
    if blocks is not None:
        return get_reporter(name)(result, color=color, blocks=blocks)
    return get_reporter(name)(result, color=color)


def block_renderer(name: str, *, color: bool = False) -> RenderBlock | None:
    """How format `name` renders the findings of one file, for the formats where a file's
    part of the report depends on nothing else (`json`, `text`, `github`, `junit`); None for
    the others. `kconv lint --jobs` has its workers render their own files with it
    (kconv.lint.parallel), and the format's `render` takes them as `blocks`, one per file
    with findings, in the order of `result.findings`."""
    if name == "text":
        from functools import partial

        from kconv.report.text_format import render_block

        return partial(render_block, color=color)
    if name in ("json", "github", "junit"):
        return importlib.import_module(f"kconv.report.{name}_format").render_block  # type: ignore[no-any-return]
    return None


def file_blocks(result: LintResult, render_block: RenderBlock) -> list[str]:
    """`render_block` of each file's findings, in the order of `result.findings` (sorted, so
    a file's findings are together)."""
    from kconv.lint.wire import by_file

    return [render_block(group) for group in by_file(result.findings)]
