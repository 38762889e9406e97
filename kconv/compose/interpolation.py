"""Compose variable interpolation (`$VAR`, `${VAR:-default}`, ...), as compose-go does it.

Supported forms, with `lookup(name)` returning None for an unset variable:

- `$VAR`, `${VAR}`: the value; unset gives "" and an `UnsetVariable` report.
- `${VAR:-d}` (unset or empty), `${VAR-d}` (unset): the default `d`.
- `${VAR:?msg}` (unset or empty), `${VAR?msg}` (unset): an error naming VAR and `msg`.
- `${VAR:+alt}` (set and non-empty), `${VAR+alt}` (set): `alt`, otherwise "".
- `d`, `msg` and `alt` are themselves interpolated, lazily: only when they are used.
- `$$` is a literal `$`; a `$` not followed by a name, `{` or `$` stays as written.

Names are ASCII `[A-Za-z_][A-Za-z0-9_]*`. A `${` that does not form one of the forms above is
an error ("invalid interpolation format"). Values are never re-interpolated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kconv.errors import InputError
from kconv.model.location import Location, join_pointer
from kconv.secrets import REDACTED
from kconv.yamlio import Tagged

Lookup = Callable[[str], str | None]

_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | frozenset("0123456789")
_OPERATORS = (":-", ":?", ":+", "-", "?", "+")
_MAX_NESTING = 64
_SNIPPET = 60


@dataclass(frozen=True)
class UnsetVariable:
    """A variable used without a default while it is not set (it became "")."""

    name: str
    location: Location | None


class _Context:
    """State of one `interpolate` call: the lookup, where the text is, what was unset, and
    whether the text is a secret (not quoted in errors)."""

    __slots__ = ("hidden", "location", "lookup", "unset")

    def __init__(self, lookup: Lookup, location: Location | None, hidden: bool = False) -> None:
        self.lookup = lookup
        self.location = location
        self.hidden = hidden
        self.unset: list[UnsetVariable] = []

    def value(self, name: str) -> str | None:
        """The variable's value (None when unset), checked by `utf8_value`."""
        return utf8_value(name, self.lookup(name), self.location)

    def invalid(self, snippet: str, reason: str) -> InputError:
        if len(snippet) > _SNIPPET:
            snippet = snippet[: _SNIPPET - 3] + "..."
        shown = REDACTED if self.hidden else repr(snippet)
        return InputError(
            f"invalid interpolation format {shown}: {reason} (write $$ for a literal $)",
            self.location,
        )


def utf8_value(name: str, value: str | None, location: Location | None) -> str | None:
    """`value`, the value of variable `name`, when it is valid UTF-8. Only the process
    environment can hold one that is not (Python keeps its bytes as lone surrogates): it is
    an error where it is used, rather than a failure to write the output later."""
    if value is not None and not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InputError(f"the value of variable {name} is not valid UTF-8", location) from None
    return value


def interpolate(
    text: str, lookup: Lookup, location: Location | None = None, *, secret: bool = False
) -> tuple[str, list[UnsetVariable]]:
    """Interpolate one string; return the result and the unset variables it used (in order).

    Raises InputError (with `location`) for a malformed `${...}` or a missing required variable;
    with `secret`, the error does not quote the text.
    """
    if "$" not in text:
        return text, []
    context = _Context(lookup, location, secret)
    return _substitute(text, context, 0), context.unset


def _substitute(text: str, context: _Context, depth: int) -> str:
    if depth > _MAX_NESTING:
        raise context.invalid(text, f"nested more than {_MAX_NESTING} levels deep")
    parts: list[str] = []
    index = 0
    length = len(text)
    while index < length:
        dollar = text.find("$", index)
        if dollar < 0:
            parts.append(text[index:])
            break
        parts.append(text[index:dollar])
        following = text[dollar + 1] if dollar + 1 < length else ""
        if following == "$":
            parts.append("$")
            index = dollar + 2
        elif following == "{":
            value, index = _braced(text, dollar, context, depth)
            parts.append(value)
        elif following in _NAME_START:
            end = dollar + 2
            while end < length and text[end] in _NAME_CHARS:
                end += 1
            parts.append(_value_of(text[dollar + 1 : end], context))
            index = end
        else:
            parts.append("$")
            index = dollar + 1
    return "".join(parts)


def _value_of(name: str, context: _Context) -> str:
    value = context.value(name)
    if value is None:
        context.unset.append(UnsetVariable(name, context.location))
        return ""
    return value


def _closing_brace(text: str, start: int) -> int:
    """Index of the `}` closing the `${` at `start` (nested `${` count), or -1."""
    depth = 0
    index = start
    length = len(text)
    while index < length:
        char = text[index]
        if char == "}":
            depth -= 1
            if depth == 0:
                return index
        elif char == "$" and text.startswith("${", index):
            depth += 1
            index += 1
        index += 1
    return -1


def _braced(text: str, start: int, context: _Context, depth: int) -> tuple[str, int]:
    """Evaluate the `${...}` starting at `start`; return its value and the index after it."""
    close = _closing_brace(text, start)
    if close < 0:
        raise context.invalid(text[start:], "missing closing }")
    snippet = text[start : close + 1]
    body = text[start + 2 : close]
    end = 0
    while end < len(body) and body[end] in _NAME_CHARS:
        end += 1
    name = body[:end]
    if not name:
        raise context.invalid(snippet, "a variable name must follow ${")
    if name[0] not in _NAME_START:
        raise context.invalid(snippet, "a variable name cannot start with a digit")
    rest = body[end:]
    if not rest:
        return _value_of(name, context), close + 1
    operator = next((op for op in _OPERATORS if rest.startswith(op)), None)
    if operator is None:
        raise context.invalid(
            snippet,
            f"unexpected {rest[0]!r} after the variable name (expected :- - :? ? :+ + or }})",
        )
    argument = rest[len(operator) :]
    return _apply(operator, name, argument, context, depth), close + 1


def _apply(operator: str, name: str, argument: str, context: _Context, depth: int) -> str:
    value = context.value(name)
    missing = value is None or (operator.startswith(":") and value == "")
    if operator in (":-", "-"):
        return _substitute(argument, context, depth + 1) if missing else value
    if operator in (":+", "+"):
        return "" if missing else _substitute(argument, context, depth + 1)
    if missing:  # ":?" or "?"
        reason = _substitute(
            argument, _Context(context.lookup, context.location, context.hidden), depth + 1
        )
        detail = f": {reason}" if reason else ""
        raise InputError(f"required variable {name} is missing a value{detail}", context.location)
    return value


def interpolate_tree(
    data: Any, lookup: Lookup, locate: Callable[[str], Location]
) -> tuple[Any, list[UnsetVariable]]:
    """Interpolate every string value (never a key) of a YAML tree; return a new tree.

    `locate(pointer)` gives the location of the value at a JSON pointer (for messages); it is
    only called for strings that contain a `$`. `Tagged` values keep their tag.
    """
    unset: list[UnsetVariable] = []
    result = _walk(data, "", lookup, locate, unset)
    return result, unset


def _walk(
    node: Any,
    pointer: str,
    lookup: Lookup,
    locate: Callable[[str], Location],
    unset: list[UnsetVariable],
) -> Any:
    if isinstance(node, str):
        if "$" not in node:
            return node
        value, missing = interpolate(node, lookup, locate(pointer))
        unset.extend(missing)
        return value
    if isinstance(node, dict):
        return {
            key: _walk(item, join_pointer(pointer, str(key)), lookup, locate, unset)
            for key, item in node.items()
        }
    if isinstance(node, list):
        return [
            _walk(item, join_pointer(pointer, index), lookup, locate, unset)
            for index, item in enumerate(node)
        ]
    if isinstance(node, Tagged):
        return Tagged(node.tag, _walk(node.value, pointer, lookup, locate, unset))
    return node
