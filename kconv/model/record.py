"""`Record`: a plain class with value equality, a readable repr and `replace`.

The classes that every `kconv lint` process creates at start-up (the configuration, rule
specs, the objects read, the result) are Records with a hand-written `__init__` rather than
dataclasses: `@dataclass` writes and compiles the source of each method it generates when the
class is created, which cost 30 M of the 368 M instructions of linting one small file (8 classes,
about 1 ms each). Elsewhere (compose, convert), dataclasses are fine.

A subclass lists its fields in `__slots__` (sorted, as ruff wants them), named as its
`__init__` parameters, and sets every one of them in `__init__`.
"""

from __future__ import annotations

from typing import Any, Self


class Record:
    """Equality, repr and `replace` by the fields named in `__slots__` (not hashable, like a
    dataclass that is not frozen: a subclass that needs it defines `__hash__`)."""

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"

    def replace(self, **changes: Any) -> Self:
        """A copy with `changes` (field name: new value)."""
        values = {name: getattr(self, name) for name in self.__slots__}
        unknown = set(changes) - set(values)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field {sorted(unknown)[0]!r}")
        return type(self)(**{**values, **changes})
