"""Source locations: where in which file a value was written.

`PositionIndex` answers "where is the value at this JSON pointer?" for one YAML document. It is a
tree of small tuples that mirrors the document: each node is `(line, column, children)`, where
children is a dict (mapping keys to nodes), a list (sequence items) or None (scalars). For a
mapping entry the position is that of its key (`privileged: true` points at `privileged`), for a
sequence item the position of the item. Lines and columns are 1-based.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PosNode = tuple[int, int, Any]


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a source file; line and column are 1-based, None when unknown."""

    file: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.file
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


def escape_pointer_token(token: str | int) -> str:
    """Escape one JSON pointer reference token (RFC 6901)."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape_pointer_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join_pointer(base: str, *tokens: str | int) -> str:
    """Append tokens to a JSON pointer: join_pointer("/spec", "containers", 0)."""
    return base + "".join("/" + escape_pointer_token(t) for t in tokens)


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"invalid JSON pointer {pointer!r}")
    return [unescape_pointer_token(t) for t in pointer[1:].split("/")]


class PositionIndex:
    """Positions of every value of one YAML document, addressed by JSON pointer."""

    __slots__ = ("file", "root")

    def __init__(self, file: str, root: PosNode) -> None:
        self.file = file
        self.root = root

    def _walk(self, pointer: str) -> tuple[PosNode, bool]:
        """Return the node for `pointer`, or its nearest existing ancestor and False."""
        node = self.root
        for token in split_pointer(pointer):
            children = node[2]
            child: PosNode | None = None
            if isinstance(children, dict):
                child = children.get(token)
            elif isinstance(children, list) and token.isdigit():
                index = int(token)
                if index < len(children):
                    child = children[index]
            if child is None:
                return node, False
            node = child
        return node, True

    def exact(self, pointer: str) -> Location | None:
        """The location of exactly `pointer`, or None if it is not in the document."""
        node, found = self._walk(pointer)
        return Location(self.file, node[0], node[1]) if found else None

    def nearest(self, pointer: str) -> Location:
        """The location of `pointer`, or of its nearest ancestor that exists."""
        node, _ = self._walk(pointer)
        return Location(self.file, node[0], node[1])

    def __contains__(self, pointer: str) -> bool:
        return self._walk(pointer)[1]

    def subindex(self, pointer: str) -> PositionIndex:
        """A PositionIndex rooted at `pointer` (used for `kind: List` items)."""
        node, _ = self._walk(pointer)
        return PositionIndex(self.file, node)
