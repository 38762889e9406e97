"""`DeferredFindings`: a run's findings, made only when first read.

A `kconv lint --jobs` run receives its workers' findings as bytes, with each file's part of
the report already rendered and the number of findings of each severity. The command line
needs only those (the report, its summary, the exit code), so turning 36,000 findings back
into objects (0.03 s with the parent's CPU the only one busy, at the end of a 10,000-manifest
run) is left to whoever reads them: a library caller, or a format without rendered parts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, overload

from kconv.lint.rule import Finding, Severity


class DeferredFindings(Sequence[Finding]):
    """The findings `make()` returns, made on first read; their number and the count of each
    severity are known before (`tally`). Equal to any sequence of the same findings."""

    def __init__(self, make: Callable[[], list[Finding]], tally: Mapping[Severity, int]) -> None:
        self._make: Callable[[], list[Finding]] | None = make
        self._items: list[Finding] = []
        self.tally = dict(tally)
        self._length = sum(self.tally.values())

    def _all(self) -> list[Finding]:
        if self._make is not None:
            self._items, self._make = self._make(), None
        return self._items

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> list[Finding]: ...

    def __getitem__(self, index: Any) -> Any:
        return self._all()[index]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # like a list

    def __repr__(self) -> str:
        return repr(self._all())
