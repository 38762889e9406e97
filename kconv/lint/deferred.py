"""`DeferredFindings`: a run's findings, made only when first read.

A `kconv lint --jobs` run receives its workers' findings as bytes, with each file's part of
the report already rendered and the number of findings of each severity. The command line
needs only those (the report, its summary, the exit code), so turning 36,000 findings back
into objects (0.03 s with the parent's CPU the only one busy, at the end of a 10,000-manifest
run) is left to whoever reads them: a library caller, or a format without rendered parts.
The command line even asks the workers not to send them (`keep_findings=False`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, overload

from kconv.lint.rule import Finding, Severity


class FindingsNotKept(RuntimeError):
    """The findings of a run made with `keep_findings=False` were read: only their number
    and tally are known."""


class DeferredFindings(Sequence[Finding]):
    """The findings `make()` returns, made on first read; their number and the count of each
    severity are known before (`tally`). Equal to any sequence of the same findings. With
    `make=None` (the workers did not send them), reading one raises FindingsNotKept."""

    def __init__(
        self, make: Callable[[], list[Finding]] | None, tally: Mapping[Severity, int]
    ) -> None:
        self._make = make
        self._made: list[Finding] | None = None
        self.tally = dict(tally)
        self._length = sum(self.tally.values())

    def _all(self) -> list[Finding]:
        if self._made is None:
            if self._make is None:
                raise FindingsNotKept(
                    "the findings of this run were not kept (keep_findings=False): "
                    "only their number and the count of each severity are known"
                )
            self._made, self._make = self._make(), None
        return self._made

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

    def __repr__(self) -> str:  # without making them (or failing: a debugger shows this)
        if self._made is not None:
            return repr(self._made)
        state = "made on first read" if self._make is not None else "not kept"
        return f"<DeferredFindings: {self._length} findings, {state}>"
