"""YAML input and output: the only module that touches PyYAML.

Loading composes node trees with libyaml (CSafeLoader) when available and builds plain data plus
a `PositionIndex` in one walk. Building the data ourselves, instead of using PyYAML's
constructor, gives us what kconv needs and PyYAML does not offer:

- duplicate keys are reported with both positions (PyYAML silently keeps the last one);
- mapping keys are always strings, taken from the raw text (`yes:` stays "yes", `80:` is "80");
- `yaml12=True` resolves plain scalars by YAML 1.2 (what docker compose uses): `yes`, `on`,
  `22:22` and `1_000` stay strings;
- limits on nesting depth and on the number of nodes an alias expansion may produce;
- safe tags only: Python tags and unknown tags are problems, never executed.

Emitting builds on SafeDumper: no anchors or aliases, the top-level keys in Kubernetes' usual
order, strings that a YAML 1.1 or 1.2 reader could mistake for another type always quoted, and
multi-line strings as literal blocks.
"""

from __future__ import annotations

import codecs
import copy
import json
import math
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from functools import cache, lru_cache
from typing import Any, NamedTuple

from kconv.errors import InputError
from kconv.model.location import (
    Location,
    PositionIndex,
    PosNode,
    escape_pointer_token,
    pos_node,
)
from kconv.model.record import Record
from kconv.pyyaml_import import import_pyyaml

yaml = import_pyyaml()  # `import yaml`, minus a pattern compiled for nothing (see there)

try:  # libyaml when available: about 8x faster parsing
    _Loader: type = yaml.CSafeLoader
    _Dumper: type = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader
    _Dumper = yaml.SafeDumper

HAS_LIBYAML = _Loader is not yaml.SafeLoader
_SCALAR_NODE = yaml.ScalarNode

# The parser asks the resolver for the tag of every scalar, and most values repeat (keys above
# all). Resolving depends only on the arguments for the safe loaders, so the answers are
# cached; the cache is emptied after a large text, so it never keeps big values alive.
_resolve = lru_cache(maxsize=1024)(_Loader("").resolve)
_RESOLVE_CACHE_TEXT_LIMIT = 64 * 1024

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_STRING_TAGS = {
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:binary",
    "tag:yaml.org,2002:value",
    _STR,
}
_IMPLICIT_TAGS = {_STR, _NULL, _BOOL, _INT, _FLOAT, "tag:yaml.org,2002:timestamp"}
_STANDARD_COLLECTION_TAGS = {
    _MAP,
    _SEQ,
    "tag:yaml.org,2002:omap",
    "tag:yaml.org,2002:set",
    "tag:yaml.org,2002:pairs",
}


@cache
def _yaml12() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The plain scalars of the YAML 1.2 core schema (what docker compose's go-yaml v3
    resolves): null, bool, int and float, compiled on first use (linting manifests never
    needs them)."""
    return (
        re.compile(r"^(?:~|null|Null|NULL|)$"),
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"),
        re.compile(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
        ),
    )


class Limits(NamedTuple):
    """Guards against hostile input. Both are per document; `max_depth` at most
    MAX_DEPTH_LIMIT."""

    max_depth: int = 256
    max_nodes: int = 1_000_000


# libyaml's composer recurses in C once per nesting level, and about 30,000 levels overflow
# the stack (the process dies) before `_Builder` can refuse the document. A text that might
# nest deeper than the limit is measured first with the scanner, which does not recurse
# (`_check_nesting`); the limit itself is capped so that what passes composes safely.
MAX_DEPTH_LIMIT = 5_000


DEFAULT_LIMITS = Limits()
_default_limits = DEFAULT_LIMITS


def set_default_limits(limits: Limits) -> None:
    """Make `limits` the default of every later load (the CLI's `--max-yaml-nodes` and
    `--max-yaml-depth`); a `limits=` argument still wins."""
    global _default_limits
    if limits.max_depth < 1 or limits.max_nodes < 1:
        raise ValueError("YAML limits must be at least 1")
    if limits.max_depth > MAX_DEPTH_LIMIT:
        raise ValueError(f"the YAML depth limit is at most {MAX_DEPTH_LIMIT}")
    _default_limits = limits


def default_limits() -> Limits:
    """The limits a load uses when it is given none."""
    return _default_limits


class Tagged(Record):
    """A value written with a custom tag the caller asked to keep (compose `!reset`)."""

    __slots__ = ("tag", "value")

    def __init__(self, tag: str, value: Any) -> None:
        self.tag = tag
        self.value = value

    def __hash__(self) -> int:
        return hash((self.tag, self.value))


class YamlProblem(NamedTuple):
    """Something wrong in a document that does not stop it from being loaded (duplicate key)."""

    code: str
    message: str
    location: Location


class Document(Record):
    """One YAML document: plain data, where each value was written, and load problems."""

    __slots__ = ("data", "index", "positions", "problems")

    def __init__(
        self,
        data: Any,
        positions: PositionIndex,
        index: int,
        problems: list[YamlProblem] | None = None,
    ) -> None:
        self.data = data
        self.positions = positions
        self.index = index
        self.problems = [] if problems is None else problems

    @property
    def location(self) -> Location:
        return self.positions.nearest("")


class YamlSyntaxError(InputError):
    """The YAML text cannot be parsed; `documents` holds those read before the error."""

    def __init__(self, message: str, location: Location, documents: list[Document]) -> None:
        super().__init__(message, location)
        self.documents = documents


def decode(raw: bytes, filename: str) -> str:
    """Decode file bytes as YAML allows (UTF-8, or UTF-16/32 with a byte order mark)."""
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        encoding = "utf-32"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
        if b"\x00" in raw[:8192]:
            raise InputError("binary data, not a YAML or JSON text file", Location(filename))
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        # utf-8-sig counts from after its byte order mark; the others from the file's start
        offset = exc.start + (3 if raw.startswith(codecs.BOM_UTF8) else 0)
        before = raw[:offset].decode(encoding)  # the text up to the bad byte is valid
        line_start = before.rfind("\n") + 1
        raise InputError(
            f"invalid {encoding.replace('-sig', '').upper()} text (byte {offset})",
            Location(filename, before.count("\n") + 1, len(before) - line_start + 1),
        ) from None


def read_text(path: str, display_name: str | None = None) -> str:
    """Read and decode a text file; every failure becomes an InputError naming the file."""
    name = display_name or path
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError("no such file", Location(name)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", Location(name)) from None
    if stat.S_ISDIR(mode):
        raise InputError("is a directory, not a file", Location(name))
    if not stat.S_ISREG(mode):  # a FIFO or device could block or never end
        raise InputError("not a regular file", Location(name))
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except IsADirectoryError:
        raise InputError("is a directory, not a file", Location(name)) from None
    except FileNotFoundError:
        raise InputError("no such file", Location(name)) from None
    except PermissionError:
        raise InputError("permission denied", Location(name)) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", Location(name)) from None
    return decode(raw, name)


def load_documents(
    text: str,
    filename: str,
    *,
    yaml12: bool = False,
    keep_tags: Iterable[str] = (),
    limits: Limits | None = None,
) -> list[Document]:
    """Parse a multi-document YAML (or JSON) text into documents; empty documents are skipped.

    Raises YamlSyntaxError (with the documents read so far) on a syntax error, and InputError
    when a limit is exceeded (`limits`, default: `default_limits()`). Duplicate keys and
    unknown tags are `Document.problems`.
    """
    limits = limits or _default_limits
    try:
        return _load_documents(text, filename, yaml12, keep_tags, limits)
    except YamlSyntaxError:
        joined = _join_surrogate_escapes(text)
        if joined is None:
            raise
        return _load_documents(joined, filename, yaml12, keep_tags, limits)


# a UTF-16 surrogate pair written as two escapes; a JSON string literal; an escape in one
_SURROGATE_PAIR = r"\\u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})"
_JSON_STRING = r'"(?:[^"\\\n]|\\.)*"'
_ESCAPE = r"\\(?:u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})|.)"


def _join_surrogate_escapes(text: str) -> str | None:
    """JSON writes characters outside the BMP as two escapes (`"\\ud83d\\ude00"`, as
    `json.dumps` does), which YAML's parser rejects. For a JSON text holding such pairs, the
    same text with each pair as one YAML escape (`\\U0001f600`); None for any other text.
    (Columns after a rewritten pair on the same line move two to the left.)"""
    # the patterns are compiled (and cached by `re`) only for such a text
    if text.lstrip()[:1] not in ("{", "[") or not re.search(_SURROGATE_PAIR, text, re.I):
        return None
    escape = re.compile(_ESCAPE, re.I)
    return re.sub(_JSON_STRING, lambda string: escape.sub(_join_pair, string.group()), text)


def _join_pair(escape: re.Match[str]) -> str:
    if escape.group(1) is None:
        return escape.group()  # another escape, kept as it is (`\\\\` included)
    high, low = int(escape.group(1), 16), int(escape.group(2), 16)
    return f"\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08x}"


def _load_documents(
    text: str, filename: str, yaml12: bool, keep_tags: Iterable[str], limits: Limits
) -> list[Document]:
    builder = _Builder(filename, yaml12, frozenset(keep_tags), limits)
    # The walk recurses about three frames per nesting level; make room for the allowed depth.
    needed = limits.max_depth * 3 + 400
    if sys.getrecursionlimit() < needed:
        sys.setrecursionlimit(needed)
    _check_nesting(text, filename, min(limits.max_depth, MAX_DEPTH_LIMIT))
    documents: list[Document] = []
    loader = _Loader(text)
    loader.resolve = _resolve
    # The parser calls these two hooks around every node; the safe loaders have no path
    # resolvers, so they do nothing. C built-ins that accept the same arguments and do nothing
    # that matters (`slice(node, index)`, `tuple()`) save a Python call per node.
    loader.descend_resolver = slice
    loader.ascend_resolver = tuple
    index = 0
    try:
        while True:
            try:
                if not loader.check_node():
                    break
                node = loader.get_node()
            except yaml.MarkedYAMLError as exc:
                raise _syntax_error(exc, filename, text, documents) from None
            except yaml.YAMLError as exc:  # reader errors (bad characters) have no problem_mark
                raise YamlSyntaxError(_clean(str(exc)), Location(filename), documents) from None
            if node is None or (node.tag == _NULL and node.value in ("", "~", "null")):
                index += 1
                continue
            data, positions = builder.build(node)
            positions_index = PositionIndex(filename, positions, data)
            documents.append(Document(data, positions_index, index, builder.take_problems()))
            index += 1
    finally:
        loader.dispose()
        if len(text) > _RESOLVE_CACHE_TEXT_LIMIT:
            _resolve.cache_clear()
    return documents


_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_OPENING = (
    yaml.BlockMappingStartToken,
    yaml.BlockSequenceStartToken,
    yaml.FlowMappingStartToken,
    yaml.FlowSequenceStartToken,
)
_CLOSING = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)


@lru_cache(maxsize=4)
def _deep_indent(limit: int) -> re.Pattern[str]:
    """`limit` indentation or `- `/`? ` indicators: only block nesting that deep needs a line
    that starts so (each level is further to the right). Searched after a line break (a
    quarter of the time of `^` with MULTILINE); `match` tries the first line."""
    return re.compile(rf"\n?[ \t?-]{{{limit}}}")


@lru_cache(maxsize=4)
def _deep_line(limit: int) -> re.Pattern[str]:
    return re.compile(rf"\n[ \t?-]{{{limit}}}")


def _bracket_depth(text: str) -> int:
    """How deep the brackets of `text` nest, counting those inside strings too (an upper
    bound of its flow nesting)."""
    depth = deepest = 0
    for char in _NOT_BRACKET.sub("", text):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


def _check_nesting(text: str, filename: str, limit: int) -> None:
    """Raise InputError when the collections of `text` nest deeper than `limit`, before
    libyaml composes it (see MAX_DEPTH_LIMIT). Two cheap bounds clear almost every text
    (block and flow nesting each within the limit, so composing needs at most twice the
    limit); the others are measured token by token."""
    if len(text) <= limit:  # every level takes a character at least
        return
    deep_indent = _deep_indent(limit)
    flow = text.count("[") + text.count("{")
    if (
        (flow <= limit or _bracket_depth(text) <= limit)
        and not deep_indent.match(text)
        and not _deep_line(limit).search(text)
    ):
        return
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_token():
            token = loader.get_token()
            if isinstance(token, _OPENING):
                depth += 1
                if depth > limit:
                    mark = token.start_mark
                    raise InputError(
                        f"nesting deeper than {limit} levels (the limit: --max-yaml-depth)",
                        Location(filename, mark.line + 1, mark.column + 1),
                    )
            elif isinstance(token, _CLOSING):
                depth -= 1
    except yaml.YAMLError:
        return  # not YAML: parsing reports it where it stops
    finally:
        loader.dispose()


def in_scalars(text: str, places: Sequence[tuple[int, int]]) -> list[bool]:
    """For each of `places` ((line, column), 1-based, in text order): whether it lies inside a
    scalar of the YAML `text` (a plain, quoted or block string) rather than in a comment or
    between values. Tokens are scanned only as far as the last place; places after a syntax
    error count as outside."""
    answers = [False] * len(places)
    loader = _Loader(text)
    pending = 0  # the first place not yet decided
    try:
        while pending < len(places) and loader.check_token():
            token = loader.get_token()
            if not isinstance(token, yaml.ScalarToken):
                continue
            start = (token.start_mark.line + 1, token.start_mark.column + 1)
            end = (token.end_mark.line + 1, token.end_mark.column + 1)
            # places before this scalar's end are inside it, or before it and in no scalar
            while pending < len(places) and places[pending] < end:
                answers[pending] = places[pending] >= start
                pending += 1
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return answers


def _clean(text: str) -> str:
    return " ".join(text.split())


def _syntax_error(
    exc: yaml.MarkedYAMLError, filename: str, text: str, documents: list[Document]
) -> YamlSyntaxError:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    message = f"syntax error: {problem}"
    if exc.context and exc.problem:
        message = f"syntax error: {problem} ({exc.context})"
    if mark is not None and text[mark.index : mark.index + 1] == "\t":
        message = "syntax error: a tab character; YAML does not allow tabs for indentation"
    location = Location(filename, mark.line + 1, mark.column + 1) if mark else Location(filename)
    return YamlSyntaxError(_clean(message), location, documents)


class _Builder:
    """Turns composed nodes into plain data and a position tree."""

    def __init__(
        self, filename: str, yaml12: bool, keep_tags: frozenset[str], limits: Limits
    ) -> None:
        self.filename = filename
        self.yaml12 = yaml12
        self.keep_tags = keep_tags
        self.limits = limits
        self.problems: list[YamlProblem] = []
        self.nodes = 0
        # Collections reached again through an alias: (value, positions, expanded node count).
        self.seen: dict[int, tuple[Any, Any, int]] = {}
        self.retagged: list[yaml.Node] = []

    def take_problems(self) -> list[YamlProblem]:
        problems, self.problems = self.problems, []
        return problems

    def build(self, node: yaml.Node) -> tuple[Any, PosNode]:
        self.nodes = 0
        self.seen = {}
        self.retagged = []
        mark = node.start_mark
        value, children = self._value(node, 0)
        return value, pos_node(mark.line + 1, mark.column + 1, children)

    def _where(self, node: yaml.Node) -> Location:
        return Location(self.filename, node.start_mark.line + 1, node.start_mark.column + 1)

    def _count(self, count: int, node: yaml.Node) -> None:
        self.nodes += count
        if self.nodes > self.limits.max_nodes:
            raise InputError(
                f"document expands to more than {self.limits.max_nodes:,} nodes "
                "(an alias bomb?); refusing to load it (the limit: --max-yaml-nodes)",
                self._where(node),
            )

    def _value(self, node: yaml.Node, depth: int) -> tuple[Any, Any]:
        if isinstance(node, yaml.ScalarNode):
            self._count(1, node)
        else:
            seen = self.seen.get(id(node))
            if seen is not None:  # an alias: count its full expansion, copy the built value
                self._count(seen[2], node)
                return copy.deepcopy(seen[0]), seen[1]
            before = self.nodes
            self._count(1, node)
            value, children = self._any(node, depth)
            self.seen[id(node)] = (value, children, self.nodes - before)
            return value, children
        return self._any(node, depth)

    def _any(self, node: yaml.Node, depth: int) -> tuple[Any, Any]:
        if depth > self.limits.max_depth:
            raise InputError(
                f"nesting deeper than {self.limits.max_depth} levels (the limit: --max-yaml-depth)",
                self._where(node),
            )
        tag = node.tag
        if tag in self.keep_tags:
            untagged = _retag(node)
            self.retagged.append(untagged)  # keep it alive: `seen` is keyed by id()
            value, children = self._value(untagged, depth)
            return Tagged(tag, value), children
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node), None
        if tag not in _STANDARD_COLLECTION_TAGS:
            self._unknown_tag(node)
        if isinstance(node, yaml.SequenceNode):
            values: list[Any] = []
            positions: list[PosNode] = []
            for item in node.value:
                value, children = self._value(item, depth + 1)
                values.append(value)
                mark = item.start_mark
                positions.append(pos_node(mark.line + 1, mark.column + 1, children))
            return values, tuple(positions)
        return self._mapping(node, depth)

    def _mapping(self, node: yaml.MappingNode, depth: int) -> tuple[dict, tuple]:
        # YAML 1.1 string values one level deeper than this are built right here
        strings_fast = (
            not self.yaml12 and depth < self.limits.max_depth and _STR not in self.keep_tags
        )
        max_nodes = self.limits.max_nodes
        data: dict[str, Any] = {}
        positions: dict[str, PosNode] = {}
        key_nodes: dict[str, yaml.Node] = {}
        merged: list[tuple[yaml.Node, yaml.Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.extend(self._merge_sources(value_node))
                continue
            key = self._key(key_node)
            if key in key_nodes:
                first = self._where(key_nodes[key])
                self.problems.append(
                    YamlProblem(
                        "duplicate-key",
                        f'duplicate key "{key}" (first defined at line {first.line}, '
                        f"column {first.column}); the last value wins",
                        self._where(key_node),
                    )
                )
            key_nodes[key] = key_node
            mark = key_node.start_mark
            if (
                strings_fast
                and value_node.__class__ is _SCALAR_NODE
                and value_node.tag == _STR
                and self.nodes < max_nodes
            ):
                # the common case, a string (what `_value` would do, without the calls)
                self.nodes += 1
                data[key] = value_node.value
                positions[key] = pos_node(mark.line + 1, mark.column + 1)
                continue
            value, children = self._value(value_node, depth + 1)
            data[key] = value
            positions[key] = pos_node(mark.line + 1, mark.column + 1, children)
        # `<<` merge keys: explicit keys win; among merged mappings, earlier ones win.
        for key_node, value_node in merged:
            key = self._key(key_node)
            if key in data:
                continue
            value, children = self._value(value_node, depth + 1)
            data[key] = value
            mark = key_node.start_mark
            positions[key] = pos_node(mark.line + 1, mark.column + 1, children)
        # in the order of `data`'s keys (the same insertions): PositionIndex finds them there
        return data, tuple(positions.values())

    def _merge_sources(self, node: yaml.Node) -> list[tuple[yaml.Node, yaml.Node]]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        pairs: list[tuple[yaml.Node, yaml.Node]] = []
        for source in sources:
            if not isinstance(source, yaml.MappingNode):
                raise InputError(
                    "a '<<' merge key needs a mapping or a list of mappings", self._where(source)
                )
            for key_node, value_node in source.value:
                if key_node.tag == _MERGE:
                    pairs.extend(self._merge_sources(value_node))
                else:
                    pairs.append((key_node, value_node))
        return pairs

    def _key(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.ScalarNode):
            # one string object per distinct key, shared by every document: 10,000 manifests
            # peak at 120 MB instead of 133 MB, and their bodies travel smaller to other workers
            return sys.intern(str(node.value))
        raise InputError("a mapping key must be a scalar, not a mapping or list", self._where(node))

    def _unknown_tag(self, node: yaml.Node) -> None:
        tag = node.tag
        kind = "Python tag" if tag.startswith("tag:yaml.org,2002:python/") else "unknown tag"
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        self.problems.append(
            YamlProblem(
                "unknown-tag",
                f"{kind} {shown} is not allowed; the value is read as if untagged",
                self._where(node),
            )
        )

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        text = node.value
        if self.yaml12 and not node.style and tag in _IMPLICIT_TAGS:
            if tag == _STR and _resolve_yaml11(text) != _STR:
                return text  # an explicit !!str
            return _resolve_yaml12(text)
        if tag in _PLAIN_STRING_TAGS:
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() in ("yes", "true", "on", "y")
        if tag == _INT:
            return _yaml11_int(text)
        if tag == _FLOAT:
            return _float(text)
        self._unknown_tag(node)
        return text


def _retag(node: yaml.Node) -> yaml.Node:
    """A copy of a custom-tagged node with its default tag, so it builds as usual."""
    if isinstance(node, yaml.ScalarNode):
        tag = _resolve_yaml11(node.value)
        if node.value == "":
            tag = _NULL
        return yaml.ScalarNode(tag, node.value, node.start_mark, node.end_mark, node.style)
    if isinstance(node, yaml.SequenceNode):
        return yaml.SequenceNode(_SEQ, node.value, node.start_mark, node.end_mark)
    return yaml.MappingNode(_MAP, node.value, node.start_mark, node.end_mark)


def _resolve_yaml12(text: str) -> Any:
    """Resolve a plain scalar by the YAML 1.2 core schema (octal `0755` kept as in go-yaml)."""
    null, boolean, integer, floating = _yaml12()
    if null.match(text):
        return None
    if boolean.match(text):
        return text.lower() == "true"
    if integer.match(text):
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        if len(text.lstrip("+-")) > 1 and text.lstrip("+-").startswith("0"):
            return _yaml11_int(text)  # go-yaml still reads a leading 0 as octal
        return int(text)
    if floating.match(text):
        return _float(text)
    return text


def _yaml11_int(text: str) -> int | str:
    value = text.replace("_", "")
    sign = -1 if value.startswith("-") else 1
    value = value.lstrip("+-")
    try:
        if value == "0":
            return 0
        if value.startswith("0b"):
            return sign * int(value[2:], 2)
        if value.startswith("0x"):
            return sign * int(value[2:], 16)
        if value.startswith("0o"):
            return sign * int(value[2:], 8)
        if value.startswith("0"):
            return sign * int(value, 8)
        if ":" in value:
            total = 0
            for part in value.split(":"):
                total = total * 60 + int(part)
            return sign * total
        return sign * int(value)
    except ValueError:
        return text


def _float(text: str) -> float | str:
    value = text.replace("_", "").lower()
    if value in (".inf", "+.inf"):
        return math.inf
    if value == "-.inf":
        return -math.inf
    if value == ".nan":
        return math.nan
    try:
        if ":" in value:
            sign = -1.0 if value.startswith("-") else 1.0
            total = 0.0
            for part in value.lstrip("+-").split(":"):
                total = total * 60 + float(part)
            return sign * total
        return float(value)
    except ValueError:
        return text


# ---------------------------------------------------------------------------------------------
# Emitting

TOP_LEVEL_ORDER = ("apiVersion", "kind", "metadata", "spec")


def canonical_order(document: dict[str, Any]) -> dict[str, Any]:
    """apiVersion, kind, metadata, spec first, then the other keys as built."""
    ordered = {key: document[key] for key in TOP_LEVEL_ORDER if key in document}
    ordered.update((key, value) for key, value in document.items() if key not in ordered)
    return ordered


_RESOLVER = yaml.resolver.Resolver()


def _resolve_yaml11(text: str) -> str:
    """The tag a YAML 1.1 reader gives a plain scalar."""
    return _RESOLVER.resolve(yaml.ScalarNode, text, (True, False))


def _needs_quotes(value: str) -> bool:
    """True when a YAML 1.1 or 1.2 reader would read the plain scalar as something else."""
    if _resolve_yaml11(value) != _STR:
        return True
    null, boolean, integer, floating = _yaml12()
    return bool(
        integer.match(value) or floating.match(value) or boolean.match(value) or null.match(value)
    )


class _Dumper(_Dumper):  # type: ignore[misc, valid-type]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar(_STR, value, style="|")
    if _needs_quotes(value):
        return dumper.represent_scalar(_STR, value, style='"')
    return dumper.represent_scalar(_STR, value)


_Dumper.add_representer(str, _represent_str)


def dump_yaml(document: Any) -> str:
    """One document as block-style YAML, keys in the order built (top level canonical)."""
    if isinstance(document, dict):
        document = canonical_order(document)
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=1_000_000,
        indent=2,
    )


def dump_documents(documents: Iterable[Any]) -> str:
    """A multi-document YAML stream: documents separated by `---` lines."""
    return "---\n".join(dump_yaml(document) for document in documents)


def dump_json(document: Any) -> str:
    if isinstance(document, dict):
        document = canonical_order(document)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def iter_scalars(data: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every scalar of a data tree with its JSON pointer (for scans such as secret detection)."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield from iter_scalars(value, f"{pointer}/{escape_pointer_token(key)}")
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from iter_scalars(value, f"{pointer}/{index}")
    else:
        yield pointer, data
