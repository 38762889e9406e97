"""A minimal progress bar for long runs, drawn on stderr only when it is a terminal.

The bar appears only once a run has lasted `delay` seconds (short runs stay silent), is
redrawn in place with a carriage return, and is erased when the run ends, so it never mixes
with the report. `NO_COLOR` removes the colour, not the bar. The clock and the stream are
parameters so the logic can be tested without a terminal or waiting.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TextIO, TypeVar

T = TypeVar("T")
DEFAULT_DELAY = 1.0
_WIDTH = 24
_MIN_REDRAW = 0.1
_GREEN = "\x1b[32m"
_RESET = "\x1b[0m"


def wanted(stream: TextIO, *, quiet: bool = False) -> bool:
    """Should a run show a bar on `stream`? Only on a terminal, and never with --quiet."""
    if quiet:
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):  # a closed or odd stream
        return False


def colour_allowed(environ: Mapping[str, str] | None = None) -> bool:
    """False when NO_COLOR is set and non-empty (no-color.org)."""
    return not (environ if environ is not None else os.environ).get("NO_COLOR")


class Progress:
    """Progress of `total` steps (e.g. files loaded), described by `label`."""

    def __init__(
        self,
        total: int,
        *,
        label: str = "files",
        stream: TextIO | None = None,
        enabled: bool = True,
        colour: bool = True,
        delay: float = DEFAULT_DELAY,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.total = max(total, 0)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.colour = colour
        self.delay = delay
        self.clock = clock or time.monotonic
        self.done = 0
        self.started = self.clock()
        self.shown = False
        self._last_draw: float | None = None
        self._drawn_width = 0

    def advance(self, steps: int = 1) -> None:
        """Count `steps` more steps done; draw when the run has become slow."""
        self.done = min(self.done + steps, self.total) if self.total else self.done + steps
        if not self.enabled:
            return
        now = self.clock()
        if now - self.started < self.delay:
            return
        recent = self._last_draw is not None and now - self._last_draw < _MIN_REDRAW
        if recent and self.done < self.total:  # redraw at most ~10 times a second
            return
        self._draw(now)

    def line(self) -> str:
        """The bar's text, e.g. `[######------------------]  25/100 files`."""
        if self.total:
            filled = _WIDTH * self.done // self.total
            count = f"{self.done:>{len(str(self.total))}}/{self.total}"
        else:
            filled = 0
            count = str(self.done)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        if self.colour:
            bar = f"{_GREEN}{'#' * filled}{_RESET}{'-' * (_WIDTH - filled)}"
        return f"[{bar}] {count} {self.label}"

    def close(self) -> None:
        """Erase the bar (if it was drawn) so the report starts on a clean line."""
        if self.shown:
            self.stream.write("\r" + " " * self._drawn_width + "\r")
            self.stream.flush()
            self.shown = False

    def track(self, items: Iterable[T]) -> Iterator[T]:
        """Yield `items`, counting one step after each, and close at the end."""
        try:
            for item in items:
                yield item
                self.advance()
        finally:
            self.close()

    def _draw(self, now: float) -> None:
        text = self.line()
        plain = len(text) - (len(_GREEN) + len(_RESET) if self.colour else 0)
        self.stream.write("\r" + text + " " * max(self._drawn_width - plain, 0))
        self.stream.flush()
        self._drawn_width = max(self._drawn_width, plain)
        self._last_draw = now
        self.shown = True
