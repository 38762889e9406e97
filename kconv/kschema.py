"""Validate Kubernetes objects against the offline JSON schemas that kubernetes-validate ships.

kubernetes-validate carries one folder of JSON schemas (draft 2020-12) per Kubernetes minor
version, `v1.NN.0-local` and `v1.NN.0-local-strict` (unknown fields rejected). We only read
those files: importing `kubernetes_validate` itself is slow and not needed.

Each schema is compiled once per process and per (version, strict, apiVersion, kind). Before
compiling, the schemas are reduced to what validation needs: annotations (`description`,
`format`, `x-kubernetes-*`) are dropped, every `$ref` into `_definitions.json` is replaced by the
definition itself (so no reference is resolved while validating), and the `oneOf` of plain types
used for IntOrString and Quantity becomes one `type` list. The last step also makes `null`
acceptable there, as the API server does (the `oneOf` rejects it because both branches allow
null).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import threading
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from itertools import pairwise
from typing import Any, NamedTuple

from kconv.errors import ConfigError
from kconv.model.location import join_pointer, split_pointer

__all__ = [
    "MAX_ERRORS",
    "NoSchema",
    "SchemaError",
    "api_versions_serving",
    "available_versions",
    "first_version_serving",
    "has_schema",
    "is_built_in_group",
    "kinds_in",
    "nearest_version",
    "resolve_version",
    "schema_directory",
    "validate",
    "version_priority",
]

# At most this many errors are reported for one object; the rest are summed up in one more.
MAX_ERRORS = 100

_PACKAGE = "kubernetes_validate"
_DIR_NAME = re.compile(r"^v1\.(\d+)\.0-local$")
_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+][0-9A-Za-z.+-]+)?$")
_KIND = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_API_VERSION = re.compile(r"^(?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?/)?v[0-9]+(?:(?:alpha|beta)[0-9]+)?$")

# Keywords that validate; everything else in the schemas is an annotation and is dropped.
_SUBSCHEMA = ("items", "additionalProperties", "not", "contains", "propertyNames")
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "dependentSchemas", "$defs")
_SUBSCHEMA_LISTS = ("oneOf", "anyOf", "allOf", "prefixItems")
_VALUES = (
    "type",
    "enum",
    "const",
    "required",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "dependentRequired",
    "x-int-or-string",
)
_KEEP = frozenset((*_SUBSCHEMA, *_SUBSCHEMA_MAPS, *_SUBSCHEMA_LISTS, *_VALUES, "$ref"))

# IntOrString fields. The schemas type them "integer or string", but the API server reads a
# string there as a port name (fields named `port`, `targetPort`, ...) or as a percentage
# (`maxSurge`, `maxUnavailable`, `minAvailable`): a quoted number such as "8080" or "1" is
# rejected. `_reduce` gives each property that refers to IntOrString the keyword
# `x-int-or-string` ("port" or "percent"), checked by the quick check and by jsonschema alike.
_INT_OR_STRING_REF = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
_PORT_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
_PERCENT = re.compile(r"^[0-9]+%$")


def _int_or_string_role(name: str) -> str:
    return "port" if name.lower().endswith("port") else "percent"


def _int_or_string_ok(role: str, value: str) -> bool:
    """Would the API server accept this string in an IntOrString field of this role?"""
    if role == "port":  # IANA_SVC_NAME, as validation.IsValidPortName
        return (
            len(value) <= 15
            and _PORT_NAME.match(value) is not None
            and "--" not in value
            and any("a" <= char <= "z" for char in value)
        )
    return _PERCENT.match(value) is not None


def _int_or_string_property(name: str, sub: Any) -> Any:
    """The reduced property: IntOrString with its role, when `sub` refers to IntOrString."""
    if isinstance(sub, dict) and str(sub.get("$ref", "")).endswith("/" + _INT_OR_STRING_REF):
        return {"type": ["string", "integer", "null"], "x-int-or-string": _int_or_string_role(name)}
    return _reduce(sub)


class SchemaError(NamedTuple):
    """One schema violation: a JSON pointer into the object and a human message."""

    pointer: str
    message: str


class NoSchema(LookupError):
    """No schema for this apiVersion and kind (a custom resource, or a removed API)."""

    def __init__(self, api_version: str, kind: str, version: str) -> None:
        self.api_version = api_version
        self.kind = kind
        self.version = version
        super().__init__(f"no schema for {kind} {api_version} in Kubernetes {version}")


# -- versions --------------------------------------------------------------------------------


@cache
def schema_directory() -> str:
    """The folder holding kubernetes-validate's `v1.NN.0-local[-strict]` schema folders."""
    spec = importlib.util.find_spec(_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise ConfigError("kubernetes-validate is not installed; it provides kconv's schemas")
    return os.path.join(locations[0], "kubernetes-json-schema")


@cache
def _minors() -> tuple[int, ...]:
    try:
        names = os.listdir(schema_directory())
    except OSError as exc:
        raise ConfigError(f"cannot read kubernetes-validate's schemas: {exc}") from None
    minors = sorted(int(m.group(1)) for m in map(_DIR_NAME.match, names) if m)
    if not minors:
        raise ConfigError("kubernetes-validate ships no schemas in this installation")
    return tuple(minors)


def available_versions() -> list[str]:
    """The Kubernetes versions with schemas, oldest first: ["1.25", ..., "1.37"]."""
    return [f"1.{minor}" for minor in _minors()]


def _parse_minor(version: str) -> int:
    """The minor version of "1.30", "v1.30.2" or "1.29.3-gke.100"; other majors map outside
    the range (0 below it, a huge number above it)."""
    match = _VERSION.match(version.strip())
    if match is None:
        raise ConfigError(
            f"invalid Kubernetes version {version!r}: expected MAJOR.MINOR, for example 1.30"
        )
    major, minor = int(match.group(1)), int(match.group(2))
    if major != 1:
        return 0 if major < 1 else 10**6
    return minor


def _range_text() -> str:
    versions = available_versions()
    return f"{versions[0]} to {versions[-1]}"


@lru_cache(maxsize=64)
def resolve_version(version: str | None) -> str:
    """Normalise a Kubernetes version to "1.NN"; None means the newest with schemas.

    Accepts "1.30", "1.30.2", "v1.30". A version without schemas is a ConfigError that names
    the supported range.
    """
    if version is None:
        return available_versions()[-1]
    minor = _parse_minor(str(version))
    if minor not in _minors():
        raise ConfigError(
            f"no Kubernetes schemas for version {version}: kconv supports {_range_text()}"
        )
    return f"1.{minor}"


@lru_cache(maxsize=64)
def nearest_version(version: str | None) -> str:
    """Like `resolve_version`, but a version outside the range gets the closest one's schemas.

    Used by the linter, whose `--kubernetes-version` may be older than the schemas (deprecation
    rules still want the real target version).
    """
    if version is None:
        return available_versions()[-1]
    minor = _parse_minor(str(version))
    minors = _minors()
    if minor in minors:
        return f"1.{minor}"
    below = [m for m in minors if m <= minor]
    return f"1.{below[-1] if below else minors[0]}"


# -- schemas ---------------------------------------------------------------------------------


def _folder(version: str, strict: bool) -> str:
    name = f"v{version}.0-local" + ("-strict" if strict else "")
    return os.path.join(schema_directory(), name)


def _read_json(path: str) -> Any:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _ref_name(ref: str) -> str:
    """`/api/_definitions.json#/$defs/io.k8s...Pod` or `#/$defs/...` -> the definition name."""
    _, _, fragment = ref.partition("#")
    prefix = "/$defs/"
    if not fragment.startswith(prefix):
        raise ValueError(f"unexpected $ref {ref!r} in kubernetes-validate's schemas")
    return fragment[len(prefix) :].replace("~1", "/").replace("~0", "~")


def _reduce(node: Any) -> Any:
    """A copy of a schema with annotations dropped and plain-type oneOfs merged."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key not in _KEEP:
            continue
        if key in _SUBSCHEMA:
            out[key] = _reduce(value)
        elif key == "properties":
            out[key] = {name: _int_or_string_property(name, sub) for name, sub in value.items()}
        elif key in _SUBSCHEMA_MAPS:
            out[key] = {name: _reduce(sub) for name, sub in value.items()}
        elif key in _SUBSCHEMA_LISTS:
            out[key] = [_reduce(sub) for sub in value]
        else:
            out[key] = value
    branches = out.get("oneOf")
    if (
        branches
        and "type" not in out
        and all(isinstance(b, dict) and set(b) == {"type"} for b in branches)
    ):
        types: list[str] = []
        for branch in branches:
            for name in branch["type"] if isinstance(branch["type"], list) else [branch["type"]]:
                if name not in types:
                    types.append(name)
        del out["oneOf"]
        out["type"] = types
    return out


def _link(node: dict[str, Any], defs: _Definitions) -> dict[str, Any]:
    """Replace `$ref`s below `node` (in place) by the definitions they name; return the node.

    A node that is only a `$ref` becomes the definition object itself (shared, so recursive
    definitions become cycles, which validation follows lazily); one with other keywords too
    keeps them and gets the definition through `allOf`.
    """
    for key in _SUBSCHEMA:
        if isinstance(node.get(key), dict):
            node[key] = _linked(node[key], defs)
    for key in _SUBSCHEMA_MAPS:
        if key in node:
            node[key] = {name: _linked(sub, defs) for name, sub in node[key].items()}
    for key in _SUBSCHEMA_LISTS:
        if key in node:
            node[key] = [_linked(sub, defs) for sub in node[key]]
    return node


def _linked(node: Any, defs: _Definitions) -> Any:
    if not isinstance(node, dict):
        return node
    if "$ref" not in node:
        return _link(node, defs)
    target = defs[_ref_name(node["$ref"])]
    rest = {key: value for key, value in node.items() if key != "$ref"}
    if not rest:
        return target
    rest = _link(rest, defs)  # link the node's own subschemas, not the (shared) target
    rest["allOf"] = [*rest.get("allOf", ()), target]
    return rest


class _Definitions:
    """The definitions of `_definitions.json`, reduced and linked when first used.

    A kind reaches a few hundred of the ~860 definitions; preparing only those keeps the first
    validation of a run cheap.
    """

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self._done: dict[str, Any] = {}
        self._aliasing: set[str] = set()
        self._reduced: dict[str, Any] = {}

    def reduced(self, name: str) -> Any:
        """The definition reduced but not linked (what the quick check reads, one object per
        name for the process; safe to call from several threads)."""
        found = self._reduced.get(name)
        if found is None:
            found = self._reduced.setdefault(name, _reduce(self.raw[name]))
        return found

    def __getitem__(self, name: str) -> Any:
        done = self._done.get(name)
        if done is not None:
            return done
        reduced = _reduce(self.raw[name])
        if set(reduced) == {"$ref"}:  # an alias of another definition
            target = _ref_name(reduced["$ref"])
            if name in self._aliasing:
                return {}  # an alias cycle constrains nothing
            self._aliasing.add(name)
            node = self[target]
            self._aliasing.discard(name)
        else:
            node = {}
            self._done[name] = node  # before linking: recursive definitions find it
            node.update(reduced)
            _link(node, self)
        self._done[name] = node
        return node


@cache
def _definitions(version: str, strict: bool) -> _Definitions:
    """`_definitions.json` of one folder; read once per process."""
    path = os.path.join(_folder(version, strict), "_definitions.json")
    with open(path, "rb") as handle:
        data = handle.read()
    raw = _RawDefinitions.of(data)
    return _Definitions(raw if raw is not None else json.loads(data)["$defs"])


class _RawDefinitions(Mapping[str, Any]):
    """The `$defs` of a `_definitions.json` laid out as kubernetes-validate writes it (two
    spaces of indentation, `$defs` first), each definition decoded on first use: decoding the
    whole 1.8 MB file took 17 ms of every run, and a kind needs a fraction of its ~860
    definitions. In that layout, and only there, a line that starts with four spaces and a
    quote is the key of a definition (JSON strings hold no raw line breaks)."""

    _START = b'{\n  "$defs": {\n    "'
    _KEY = re.compile(rb'\n    "([^"\n]+)": ')

    def __init__(self, data: bytes, spans: dict[str, tuple[int, int]]) -> None:
        self._data = data
        self._spans = spans

    @classmethod
    def of(cls, data: bytes) -> _RawDefinitions | None:
        """The definitions of `data`, or None when it is laid out otherwise."""
        if not data.startswith(cls._START):
            return None
        keys = list(cls._KEY.finditer(data))
        spans = {
            key.group(1).decode(): (key.end(), following.start())
            for key, following in pairwise(keys)
        }
        if keys:
            spans[keys[-1].group(1).decode()] = (keys[-1].end(), len(data))
        return cls(data, spans)

    def __getitem__(self, name: str) -> Any:
        start, end = self._spans[name]
        value, _ = _DECODER.raw_decode(self._data[start:end].decode())
        if not isinstance(value, dict):
            raise ValueError(f"definition {name!r} of kubernetes-validate is not an object")
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)


_DECODER = json.JSONDecoder()


def _schema_filename(api_version: str, kind: str) -> str:
    group, _, group_version = api_version.rpartition("/")
    prefix = group.split(".", 1)[0] + "-" if group else ""
    return f"{kind.lower()}-{prefix}{group_version}.json"


def _declares(schema: dict[str, Any], api_version: str, kind: str) -> bool:
    group, _, group_version = api_version.rpartition("/")
    return any(
        isinstance(gvk, dict)
        and gvk.get("group") == group
        and gvk.get("version") == group_version
        and gvk.get("kind") == kind
        for gvk in schema.get("x-kubernetes-group-version-kind") or ()
    )


def _read_kind_schema(version: str, strict: bool, api_version: str, kind: str) -> Any:
    """The schema file of one kind as written, or None when there is none."""
    if not _KIND.match(kind) or not _API_VERSION.match(api_version):
        return None
    path = os.path.join(_folder(version, strict), _schema_filename(api_version, kind))
    try:
        raw = _read_json(path)
    except FileNotFoundError:
        return None
    if not isinstance(raw, dict) or not _declares(raw, api_version, kind):
        return None  # e.g. "apps.example.com/v1" maps to apps' file; or a non-object type
    return raw


class _Compiled:
    """A kind's schema compiled twice: a quick yes/no check and the jsonschema validator.

    The quick check reads the reduced schema and follows `$ref`s as it reaches them. The
    jsonschema validator, on the reduced schema with every `$ref` linked, is built on the first
    object the quick check cannot pass, so a run over valid objects never links the hundreds
    of definitions a kind reaches, nor imports jsonschema (about 0.1 s).
    """

    __slots__ = ("_defs", "_full", "_raw", "quick")

    def __init__(self, raw: dict[str, Any], defs: _Definitions, quick: _Quick) -> None:
        self._raw = raw
        self._defs = defs
        self.quick = quick
        self._full: Any = None

    @property
    def full(self) -> Any:
        if self._full is None:
            with _COMPILING:  # linking fills the definitions shared by every kind
                if self._full is None:
                    schema = _linked(_reduce(self._raw), self._defs)
                    self._full = _validator_class()(schema)
        return self._full


_VALIDATORS: dict[tuple[str, bool, str, str], _Compiled | None] = {}
_QUICK: dict[tuple[str, bool], _QuickNodes] = {}
_COMPILING = threading.Lock()


def _validator(version: str, strict: bool, api_version: str, kind: str) -> _Compiled | None:
    """The compiled validator for one kind (None: no schema); cached for the process."""
    key = (version, strict, api_version, kind)
    try:
        return _VALIDATORS[key]
    except KeyError:
        pass
    with _COMPILING:
        if key not in _VALIDATORS:
            raw = _read_kind_schema(version, strict, api_version, kind)
            compiled = None
            if raw is not None:
                defs = _definitions(version, strict)
                nodes = _QUICK.setdefault((version, strict), _QuickNodes(defs))
                compiled = _Compiled(raw, defs, _quick(_reduce(raw), nodes))
            _VALIDATORS[key] = compiled
    return _VALIDATORS[key]


@cache
def _validator_class() -> Any:
    """Draft 2020-12 without `format` (no format checks) and without reference keywords."""
    from jsonschema import Draft202012Validator, validators

    keywords = {
        name: function
        for name, function in Draft202012Validator.VALIDATORS.items()
        if name not in ("format", "$ref", "$dynamicRef")
    }
    keywords["x-int-or-string"] = _check_int_or_string
    # No `version=`: that would register this class as *the* 2020-12 validator process-wide
    # (jsonschema.validators.validator_for), changing other users of jsonschema.
    return validators.create(
        meta_schema=Draft202012Validator.META_SCHEMA,
        validators=keywords,
        type_checker=Draft202012Validator.TYPE_CHECKER,
    )


def _check_int_or_string(validator: Any, role: Any, instance: Any, schema: Any) -> Any:
    """The jsonschema keyword `x-int-or-string`: a string must be a port name or percentage."""
    from jsonschema.exceptions import ValidationError

    if isinstance(instance, str) and not _int_or_string_ok(role, instance):
        yield ValidationError(f"{instance!r} is not a valid {role}")


# Registered in every API group for the watch/delete machinery; they say nothing about which
# kinds a group version serves, and would make removed group versions look present.
_EVERYWHERE_KINDS = frozenset({"DeleteOptions", "WatchEvent"})


@cache
def _kinds_index(version: str) -> dict[str, frozenset[str]]:
    """apiVersion -> the kinds the schemas of `version` define in it."""
    index: dict[str, set[str]] = {}
    for schema in _definitions(version, False).raw.values():
        for gvk in schema.get("x-kubernetes-group-version-kind") or ():
            kind = gvk.get("kind")
            if kind in _EVERYWHERE_KINDS:
                continue
            group, group_version = gvk.get("group", ""), gvk.get("version", "")
            api_version = f"{group}/{group_version}" if group else group_version
            index.setdefault(api_version, set()).add(kind)
    return {api_version: frozenset(kinds) for api_version, kinds in index.items()}


def kinds_in(api_version: str, version: str | None = None) -> frozenset[str] | None:
    """The kinds that `apiVersion` serves in `version` (default: newest), or None when the
    schemas do not know the group version at all (a custom resource group, a removed version)."""
    return _kinds_index(resolve_version(version)).get(api_version)


_PRIORITY = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


def version_priority(api_version: str) -> tuple[int, int, int, str]:
    """Sort key of an apiVersion in Kubernetes' version priority, the preferred first: GA before
    beta before alpha, and within each the higher numbers first (v2 before v1, v1beta3 before
    v1beta2); a version not in Kubernetes' form sorts last."""
    match = _PRIORITY.match(api_version.rpartition("/")[2])
    if match is None:
        return (3, 0, 0, api_version)
    stage = {None: 0, "beta": 1, "alpha": 2}[match.group(2)]
    return (stage, -int(match.group(1)), -int(match.group(3) or 0), api_version)


def api_versions_serving(kind: str, version: str | None = None) -> list[str]:
    """The apiVersions that serve `kind` in `version` (default: newest), the preferred first:
    in Kubernetes' version priority (autoscaling/v2 before autoscaling/v1, v1beta1 before
    v1alpha1)."""
    index = _kinds_index(resolve_version(version))
    found = [api_version for api_version, kinds in index.items() if kind in kinds]
    return sorted(found, key=version_priority)


@cache
def _groups(version: str) -> frozenset[str]:
    return frozenset(api_version.rpartition("/")[0] for api_version in _kinds_index(version))


def is_built_in_group(group: str, version: str | None = None) -> bool:
    """Is `group` ("" for the core group) an API group of Kubernetes itself: one the schemas of
    `version` or of the newest version define kinds in? (No group has left Kubernetes within
    the versions kubernetes-validate ships, so the newest version lists them all.)"""
    return group in _groups(resolve_version(version)) or group in _groups(resolve_version(None))


def first_version_serving(api_version: str, kind: str, after: str) -> str | None:
    """The first Kubernetes version newer than `after` ("1.NN") whose schemas serve `kind` in
    `api_version`, or None."""
    minor = _parse_minor(after)
    for candidate in _minors():
        if candidate > minor and kind in (kinds_in(api_version, f"1.{candidate}") or ()):
            return f"1.{candidate}"
    return None


def has_schema(api_version: str, kind: str, version: str | None = None) -> bool:
    """Is there a schema for this apiVersion and kind in `version` (default: newest)?"""
    resolved = resolve_version(version)
    return _validator(resolved, False, api_version, kind) is not None


# -- the quick check ---------------------------------------------------------------------------
#
# Most objects are valid, and jsonschema spends most of its time building a validator per
# descent. The quick check walks the same (reduced, linked) schema with plain Python for the
# few keywords Kubernetes' schemas use. It only ever answers "valid"; on anything it is unsure
# of (another keyword, an enum of non-strings, a value that is not plain JSON) it answers "not
# sure" and jsonschema validates the object, so results never differ.

_QUICK_KEYWORDS = frozenset(
    ("type", "properties", "items", "required", "enum", "additionalProperties", "x-int-or-string")
)
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "boolean": (bool,),
    "null": (type(None),),
    "integer": (int,),
    "number": (int, float),
}
_ANY_JSON = frozenset(kind for kinds in _PYTHON_TYPES.values() for kind in kinds)


class _Quick:
    """One schema node for the quick check, prepared when the check first reaches it: an
    object visits a small part of its kind's schema (a Deployment's reaches 720 nodes, most of
    them volume and probe types it does not use), and preparing them all, with the `$ref`s
    linked, cost a run of one file about 8 ms."""

    __slots__ = (
        "additional",
        "closed",
        "enum",
        "int_or_string",
        "integral_float",
        "items",
        "nodes",
        "prepared",
        "properties",
        "pytypes",
        "required",
        "schema",
        "usable",
    )

    def __init__(self, schema: Any, nodes: _QuickNodes) -> None:
        self.schema = schema  # kept: `nodes` is keyed by its id()
        self.nodes = nodes
        self.prepared = False
        self.usable = True
        self.pytypes: frozenset[type] = _ANY_JSON  # the Python types the `type` keyword allows
        self.integral_float = False  # `integer` without `number`: floats like 2.0 pass
        self.properties: dict[str, _Quick] = {}
        self.items: _Quick | None = None
        self.required: tuple[str, ...] = ()
        self.enum: frozenset[str] | None = None
        self.closed = False  # additionalProperties: false
        self.additional: _Quick | None = None
        self.int_or_string: str | None = None  # x-int-or-string: "port" or "percent"


class _QuickNodes:
    """The quick-check nodes of one schema folder, by id() of their (reduced) schema node:
    definitions are shared, so kinds share their nodes, and recursive ones become cycles."""

    def __init__(self, defs: _Definitions) -> None:
        self.defs = defs
        self.by_id: dict[int, _Quick] = {}

    def target(self, schema: Any) -> Any:
        """The schema node itself, or for a bare `$ref` the definition it names (an alias
        chain followed; a cycle of aliases constrains nothing, as when linking)."""
        names: set[str] = set()
        while isinstance(schema, dict) and len(schema) == 1 and "$ref" in schema:
            name = _ref_name(schema["$ref"])
            if name in names:
                return _NOTHING
            names.add(name)
            schema = self.defs.reduced(name)
        return schema


_NOTHING: dict[str, Any] = {}


def _quick(schema: Any, nodes: _QuickNodes) -> _Quick:
    """The node of a schema node, not prepared yet when new."""
    schema = nodes.target(schema)
    node = nodes.by_id.get(id(schema))
    if node is None:
        node = nodes.by_id.setdefault(id(schema), _Quick(schema, nodes))
    return node


def _prepare(node: _Quick) -> None:
    """Read the node's schema. Its fields are set before it is marked prepared, so another
    thread sees either an unprepared node (and prepares it too, alike) or a prepared one. A
    `$ref` beside other keywords (linked through `allOf`) is not for the quick check."""
    schema, nodes = node.schema, node.nodes
    if not isinstance(schema, dict) or not _QUICK_KEYWORDS.issuperset(schema):
        node.usable = False
        node.prepared = True
        return
    types = schema.get("type")
    if types is not None:
        names = types if isinstance(types, list) else [types]
        if not all(name in _PYTHON_TYPES for name in names):
            node.usable = False
            node.prepared = True
            return
        node.pytypes = frozenset(kind for name in names for kind in _PYTHON_TYPES[name])
        node.integral_float = "integer" in names and "number" not in names
    node.properties = {
        name: _quick(sub, nodes) for name, sub in (schema.get("properties") or {}).items()
    }
    if "items" in schema:
        node.items = _quick(schema["items"], nodes)
    node.required = tuple(schema.get("required") or ())
    node.int_or_string = schema.get("x-int-or-string")
    if "enum" in schema:
        options = schema["enum"]
        if all(isinstance(option, str) or option is None for option in options):
            node.enum = frozenset(option for option in options if option is not None)
        else:
            node.usable = False
    additional = schema.get("additionalProperties", True)
    if additional is False:
        node.closed = True
    elif isinstance(additional, dict):
        node.additional = _quick(additional, nodes)
    elif additional is not True:
        node.usable = False
    node.prepared = True


def _surely_valid(node: _Quick, value: Any) -> bool:
    """True when `value` is certainly valid against `node`; False when unsure."""
    if not node.prepared:
        _prepare(node)
    if not node.usable:
        return False
    kind = type(value)
    # not allowed here, or not plain JSON data (2.0 for an integer is fine): let jsonschema decide
    if kind not in node.pytypes and not (
        node.integral_float and kind is float and value.is_integer()
    ):
        return False
    if node.enum is not None and value is not None and (kind is not str or value not in node.enum):
        return False
    if kind is str and node.int_or_string is not None:
        return _int_or_string_ok(node.int_or_string, value)
    if kind is dict:
        for name in node.required:
            if name not in value:
                return False
        properties = node.properties
        for name, item in value.items():
            sub = properties.get(name)
            if sub is None:
                if node.closed:
                    return False
                sub = node.additional
                if sub is None:
                    if type(item) not in _ANY_JSON:
                        return False
                    continue
            if not _surely_valid(sub, item):
                return False
    elif kind is list:
        items = node.items
        for item in value:
            if items is None:
                if type(item) not in _ANY_JSON:
                    return False
            elif not _surely_valid(items, item):
                return False
    return True


# -- validation ------------------------------------------------------------------------------


def validate(body: dict[str, Any], version: str | None, strict: bool = False) -> list[SchemaError]:
    """Every schema error of one object (`apiVersion` and `kind` pick the schema).

    `version` is a Kubernetes version ("1.30", "v1.30.2"; None: newest). With `strict`, unknown
    fields are errors. Raises NoSchema when there is no schema for the object's kind, and
    ConfigError for an unsupported version. At most MAX_ERRORS errors are listed, plus one that
    counts the rest.
    """
    resolved = resolve_version(version)
    api_version = body.get("apiVersion")
    kind = body.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str):
        raise NoSchema(str(api_version or ""), str(kind or ""), resolved)
    compiled = _validator(resolved, strict, api_version, kind)
    if compiled is None:
        raise NoSchema(api_version, kind, resolved)
    if _surely_valid(compiled.quick, body):
        return []
    errors: list[SchemaError] = []
    seen: set[SchemaError] = set()
    for error in compiled.full.iter_errors(body):
        for found in _describe(error, body):
            if found not in seen:
                seen.add(found)
                errors.append(found)
    errors.sort(key=lambda error: _document_order(body, error.pointer))
    if len(errors) > MAX_ERRORS:
        extra = len(errors) - MAX_ERRORS
        errors = [*errors[:MAX_ERRORS], SchemaError("", f"{extra} more schema errors not shown")]
    return errors


def _document_order(body: Any, pointer: str) -> tuple[int, ...]:
    """Sort key: the positions of the pointer's tokens in the object as written."""
    key = []
    data = body
    for token in split_pointer(pointer):
        if isinstance(data, dict):
            names = list(data)
            key.append(names.index(token) if token in data else len(names))
            data = data.get(token)
        elif isinstance(data, list) and token.isdigit():
            key.append(int(token))
            data = data[int(token)] if int(token) < len(data) else None
        else:
            key.append(0)
            data = None
    return tuple(key)


def _describe(error: Any, body: dict[str, Any]) -> Iterator[SchemaError]:
    """Turn one jsonschema error into SchemaErrors with readable, redacted messages."""
    if error.context:
        from jsonschema.exceptions import best_match

        error = best_match([error])
    path = list(error.absolute_path)
    pointer = join_pointer("", *path)
    keyword = error.validator
    value = error.instance
    if keyword == "additionalProperties" and error.validator_value is False:
        known = sorted(error.schema.get("properties") or ())
        for name in _unknown_fields(error.schema, value):
            message = f"{_where([*path, name])}unknown field {_q(name)}{_did_you_mean(name, known)}"
            yield SchemaError(join_pointer(pointer, name), message)
        return
    if keyword == "required":
        if isinstance(value, dict):
            for name in error.validator_value:
                if name not in value:
                    yield SchemaError(
                        pointer, f"{_where(path)}required field {_q(name)} is missing"
                    )
        return
    shown = _show(value, path, body)
    if keyword == "type":
        types = (
            error.validator_value
            if isinstance(error.validator_value, list)
            else [error.validator_value]
        )
        wanted = " or ".join(t for t in types if t != "null") or "null"
        message = f"{shown} is not of type {wanted}"
    elif keyword == "enum":
        options = [_show(option, [], {}) for option in error.validator_value if option is not None]
        if len(options) > 12:
            options = [*options[:12], "..."]
        message = f"{shown} is not one of {', '.join(options)}"
    elif keyword == "x-int-or-string":
        message = _int_or_string_message(error.validator_value, value, shown)
    elif keyword == "const":
        message = f"{shown} must be {_show(error.validator_value, [], {})}"
    else:
        message = f"{shown} is invalid ({keyword}: {error.validator_value!r})"
    yield SchemaError(pointer, f"{_where(path)}{message}")


def _int_or_string_message(role: str, value: Any, shown: str) -> str:
    text = str(value)
    number = text.strip()
    if role == "port":
        if number.isascii() and number.isdigit():
            return (
                f"{shown} is a string: the API server reads a string port as a port name, "
                f"which must contain a letter; write {int(number)} without quotes"
            )
        return (
            f"{shown} is not a valid port name: at most 15 lowercase letters, digits and '-', "
            "with at least one letter, and no '-' at either end or twice in a row"
        )
    if number.isascii() and number.isdigit():
        return (
            f"{shown} is a string: the API server reads a string here as a percentage, "
            f'like "25%"; write {int(number)} without quotes'
        )
    return f'{shown} is not a percentage: write a number, or digits and "%" like "25%"'


def _unknown_fields(schema: dict[str, Any], value: Any) -> list[str]:
    if not isinstance(value, dict):
        return []
    known = schema.get("properties") or {}
    patterns = [re.compile(p) for p in schema.get("patternProperties") or ()]
    return [
        str(name)
        for name in value
        if name not in known and not any(p.search(str(name)) for p in patterns)
    ]


def _did_you_mean(name: str, known: list[str]) -> str:
    """`; did you mean "readinessProbe"?` for a near miss among the known field names."""
    same = [field for field in known if field.lower() == name.lower()]
    if not same:
        import difflib

        same = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
    return f"; did you mean {_q(same[0])}?" if same else ""


_PLAIN_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")


def _where(path: list[Any]) -> str:
    """`spec.template.spec.containers[0].image: ` for a path; "" for the object itself."""
    text = ""
    for token in path:
        if isinstance(token, int):
            text += f"[{token}]"
        elif _PLAIN_KEY.match(token):
            text += f".{token}" if text else token
        else:
            text += f"[{json.dumps(token)}]"
    return f"{text}: " if text else ""


def _q(name: str) -> str:
    return json.dumps(name, ensure_ascii=False)


def _show(value: Any, path: list[Any], body: dict[str, Any]) -> str:
    """A short JSON-like rendering of a value, or `<redacted>` where it may be a secret."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if value is None or isinstance(value, bool | int | float):
        if _may_be_secret(value, path, body) and not isinstance(value, bool) and value is not None:
            return "<redacted>"
        return json.dumps(value)
    text = str(value)
    if _may_be_secret(text, path, body):
        return "<redacted>"
    if len(text) > 60:
        text = text[:57] + "..."
    return _q(text)


def _may_be_secret(value: Any, path: list[Any], body: dict[str, Any]) -> bool:
    """Is this value under a secret-looking name, in a Secret, or shaped like a credential?"""
    from kconv import secrets

    if body.get("kind") == "Secret" and path and path[0] in ("data", "stringData"):
        return True
    if secrets.looks_like_secret_value(value):
        return True
    names = [token for token in path if isinstance(token, str)]
    if any(secrets.is_secret_name(name) for name in names):
        return True
    if len(path) >= 2 and path[-1] == "value":
        # env entries: {name: DB_PASSWORD, value: ...}
        parent = _at(body, path[:-1])
        if isinstance(parent, dict) and secrets.is_secret_name(str(parent.get("name", ""))):
            return True
    return False


def _at(data: Any, path: list[Any]) -> Any:
    for token in path:
        try:
            data = data[token]
        except (KeyError, IndexError, TypeError):
            return None
    return data
