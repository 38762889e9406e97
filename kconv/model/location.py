"""Source locations: where in which file a value was written.

`PositionIndex` answers "where is the value at this JSON pointer?" for one YAML document. It is a
tree that mirrors the document. Its nodes are kept small, since a large run holds one for every
value it loaded: a scalar's node is one int, its packed position (see `pos_node`); a
mapping's or a sequence's is `(packed position, children)`, children being a tuple of nodes in
the order of the mapping's keys or the sequence's items in the document's data (which the index
keeps to find them: the keys are not stored twice). For a mapping entry the position is that
of its key (`privileged: true` points at `privileged`), for a sequence item the position of the
item. Lines and columns are 1-based.
"""

from __future__ import annotations

from typing import Any, NamedTuple

PosNode = int | tuple[int, Any]  # a packed position, or (packed position, children)

_COLUMNS = 1 << 32  # a position packed into one int: line * _COLUMNS + column


def pos_node(line: int, column: int, children: Any = None) -> PosNode:
    """A position tree node at `line`:`column` with `children` (None for a scalar); the
    position is packed into one int (columns may be as wide as a 4 GB line)."""
    packed = line * _COLUMNS + column
    return packed if children is None else (packed, children)


def node_parts(node: PosNode) -> tuple[int, int, Any]:
    """(line, column, children) of a position tree node."""
    if type(node) is tuple:
        line, column = divmod(node[0], _COLUMNS)
        return line, column, node[1]
    line, column = divmod(node, _COLUMNS)
    return line, column, None


class Location(NamedTuple):
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


_new_tuple = tuple.__new__


def quick_location(file: str, line: int | None, column: int | None) -> Location:
    """`Location(file, line, column)` without the keyword handling of its constructor (a run
    makes tens of thousands)."""
    return _new_tuple(Location, (file, line, column))


def escape_pointer_token(token: str | int) -> str:
    """Escape one JSON pointer reference token (RFC 6901)."""
    if type(token) is int:
        return str(token)
    text = str(token)
    if "~" in text or "/" in text:
        return text.replace("~", "~0").replace("/", "~1")
    return text


def unescape_pointer_token(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~") if "~" in token else token


def join_pointer(base: str, *tokens: str | int) -> str:
    """Append tokens to a JSON pointer: join_pointer("/spec", "containers", 0)."""
    return "/".join([base, *map(escape_pointer_token, tokens)])


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    if pointer[0] != "/":
        raise ValueError(f"invalid JSON pointer {pointer!r}")
    tokens = pointer[1:].split("/")
    if "~" not in pointer:
        return tokens
    return [unescape_pointer_token(t) for t in tokens]


class PositionIndex:
    """Positions of every value of one YAML document, addressed by JSON pointer. `data` is the
    document the tree describes (its keys place the children); it must not change."""

    __slots__ = ("_nearest", "data", "file", "root")

    def __init__(self, file: str, root: PosNode, data: Any = None) -> None:
        self.file = file
        self.root = root
        self.data = data
        self._nearest: dict[str, Location] | None = None  # several rules ask for one place

    @classmethod
    def at(cls, location: Location, data: Any) -> PositionIndex:
        """An index that knows only where `data` starts: every pointer is placed there."""
        return cls(location.file, pos_node(location.line or 0, location.column or 0), data)

    def _walk(self, pointer: str) -> tuple[PosNode, bool, Any]:
        """(node for `pointer`, True, its data), or its nearest existing ancestor, False and
        that ancestor's data."""
        node = self.root
        data = self.data
        for token in split_pointer(pointer):
            if type(node) is not tuple:
                return node, False, data
            children = node[1]
            value = data if type(data) in (dict, list) else getattr(data, "value", data)
            if type(value) is dict:
                if token not in value:
                    return node, False, data
                index = [*value].index(token)
            elif type(value) is list and token.isdigit() and int(token) < len(value):
                index = int(token)
            else:
                return node, False, data
            if index >= len(children):
                return node, False, data
            node = children[index]
            data = value[token] if type(value) is dict else value[index]
        return node, True, data

    def exact(self, pointer: str) -> Location | None:
        """The location of exactly `pointer`, or None if it is not in the document."""
        node, found, _ = self._walk(pointer)
        if not found:
            return None
        line, column = divmod(node if type(node) is not tuple else node[0], _COLUMNS)
        return quick_location(self.file, line, column)

    def nearest(self, pointer: str) -> Location:
        """The location of `pointer`, or of its nearest ancestor that exists."""
        cache = self._nearest
        if cache is None:
            cache = self._nearest = {}
        found = cache.get(pointer)
        if found is None:
            node, _, _ = self._walk(pointer)
            line, column = divmod(node if type(node) is not tuple else node[0], _COLUMNS)
            found = cache[pointer] = quick_location(self.file, line, column)
        return found

    def __contains__(self, pointer: str) -> bool:
        return self._walk(pointer)[1]

    def subindex(self, pointer: str) -> PositionIndex:
        """A PositionIndex rooted at `pointer` (used for `kind: List` items)."""
        node, _, data = self._walk(pointer)
        return PositionIndex(self.file, node, data)
