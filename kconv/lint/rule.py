"""The vocabulary of the linter: severities, rule specs, violations, findings, checks.

A *rule* is a spec file in `rules/` (identity, severity, docs, scope, params) bound to a *check*:
a small function registered here with `@check`. A check factory receives the rule's validated
params and returns a function `(obj, ctx) -> Iterable[Violation]`. Checks never test the kind
(the engine filters by the spec's `kinds`), never read configuration, never format output, and
report only on the object they are given (they may read every object through `ctx`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import IntEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from kconv.model.location import Location
from kconv.model.record import Record

if TYPE_CHECKING:
    from kconv.lint.context import LintContext
    from kconv.model.k8s import K8sObject


class Severity(IntEnum):
    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]

    def __str__(self) -> str:
        return self.name.lower()


class Violation(NamedTuple):
    """What a check yields: a message about one part of the object, and where that part is.

    `pointer` is a JSON pointer relative to the object ("" = the object itself); the engine
    turns it into file:line:col, falling back to the nearest written ancestor.
    """

    message: str
    pointer: str = ""


_new_tuple = tuple.__new__

CheckFn = Callable[["K8sObject", "LintContext"], Iterable[Violation]]


class CheckDef(NamedTuple):
    """A registered check: its key, the JSON schema of its params, and its factory."""

    key: str
    factory: Callable[[Mapping[str, Any]], CheckFn]
    params_schema: Mapping[str, Any]
    cross_object: bool  # reads other objects through ctx (runs after all files are loaded)
    summary: str


CHECKS: dict[str, CheckDef] = {}


def check(
    key: str,
    *,
    params: Mapping[str, Any] | None = None,
    cross_object: bool = False,
) -> Callable[[Callable[[Mapping[str, Any]], CheckFn]], Callable[[Mapping[str, Any]], CheckFn]]:
    """Register a check factory under `key`.

    `params` is a JSON schema for the params mapping (an object schema); the registry
    validates each rule's params against it before calling the factory.
    """

    def register(
        factory: Callable[[Mapping[str, Any]], CheckFn],
    ) -> Callable[[Mapping[str, Any]], CheckFn]:
        if key in CHECKS:
            raise ValueError(f"check {key!r} registered twice")
        schema = dict(params or {"type": "object", "additionalProperties": False})
        doc = (factory.__doc__ or "").strip().splitlines()
        CHECKS[key] = CheckDef(key, factory, schema, cross_object, doc[0] if doc else "")
        return factory

    return register


class RuleSpec(Record):
    """A rule as written in `rules/<id>-<name>.yaml` (or a config's custom rules). Treated
    as immutable: use `replace` for a changed copy."""

    __slots__ = (
        "check",
        "default",
        "equivalents",
        "fix",
        "id",
        "kinds",
        "name",
        "params",
        "rationale",
        "references",
        "severity",
        "source",
        "summary",
    )

    def __init__(
        self,
        id: str,  # "KC101"
        name: str,  # "privileged-container"
        severity: Severity,
        default: bool,
        kinds: frozenset[str] | None,  # kind or group names; None = any kind
        summary: str,
        rationale: str,
        fix: str,
        check: str,
        params: Mapping[str, Any] | None = None,
        references: tuple[str, ...] = (),
        equivalents: Mapping[str, tuple[str, ...]] | None = None,
        source: str = "",  # the spec file
    ) -> None:
        self.id = id
        self.name = name
        self.severity = severity
        self.default = default
        self.kinds = kinds
        self.summary = summary
        self.rationale = rationale
        self.fix = fix
        self.check = check
        self.params: Mapping[str, Any] = {} if params is None else params
        self.references = references
        self.equivalents: Mapping[str, tuple[str, ...]] = {} if equivalents is None else equivalents
        self.source = source


class Finding(NamedTuple):
    """One problem found, ready for reporters."""

    rule: str  # rule id, e.g. "KC101"
    name: str  # rule name, e.g. "privileged-container"
    severity: Severity
    message: str
    location: Location
    kind: str | None = None
    namespace: str | None = None
    object_name: str | None = None
    fix: str | None = None

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (
            self.location.file,
            self.location.line or 0,
            self.location.column or 0,
            self.rule,
            self.message,
        )


def quick_finding(
    rule: str,
    name: str,
    severity: Severity,
    message: str,
    location: Location,
    kind: str | None = None,
    namespace: str | None = None,
    object_name: str | None = None,
    fix: str | None = None,
) -> Finding:
    """`Finding(...)` without the keyword handling of its constructor (a run makes tens of
    thousands)."""
    return _new_tuple(
        Finding, (rule, name, severity, message, location, kind, namespace, object_name, fix)
    )
