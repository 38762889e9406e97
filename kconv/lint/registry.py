"""The rule registry: read every spec in `rules/`, validate it, and bind it to its check.

A spec is invalid (ConfigError naming the spec file's line) when it does not match
`schemas/rule-spec.schema.json`, names a check nobody registered, has params its check rejects,
or reuses an id or a name. Binding validates a rule's effective params (spec params merged with
configuration) against the check's params schema and calls the check factory once per run.

The specs shipped in `rules/` are validated by the test suite (`tests/test_rule_specs.py`), so a
run reads them without validating them again, and validates params only where configuration
changed them: a lint of one file then never imports jsonschema. A run reads them from
`rules/index.json` (their data as JSON, written by `python -m kconv.lint.docgen`): parsing 52
YAML files took 10 ms, the index takes 1. The index records a digest of the spec files and is
used only when they still match it (else the YAML is read), so it can never be stale.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from kconv import yamlio
from kconv.errors import ConfigError, InputError
from kconv.lint.rule import CHECKS, CheckDef, CheckFn, RuleSpec, Severity
from kconv.model.location import Location, PositionIndex, join_pointer
from kconv.resources import data_dir, load_schema

if TYPE_CHECKING:
    from pathlib import Path

RULE_SPEC_SCHEMA = "rule-spec.schema.json"


def load_rules(extra_specs: Iterable[RuleSpec] = ()) -> list[RuleSpec]:
    """Every rule shipped in `rules/` (validated, sorted by id), plus `extra_specs`.

    `extra_specs` are custom rules (from configuration); their ids and names must not clash
    with shipped rules or with each other.
    """
    rules = list(_shipped_rules())
    extra = list(extra_specs)
    if extra:
        from kconv.lint import custom  # noqa: F401  (registers the `custom-schema` check)

        _check_unique(rules + extra)
        for spec in extra:
            validate_params(spec, spec.params, Location(spec.source or "<config>"))
        rules = sorted(rules + extra, key=lambda spec: spec.id)
    return rules


@cache
def _shipped_rules() -> tuple[RuleSpec, ...]:
    from kconv.lint import checks

    checks.load_all()
    paths = _spec_paths()
    specs = _indexed_specs(paths)
    if specs is None:
        specs = [read_spec(path, validate=False) for path in paths]
    _check_unique(specs)
    return tuple(sorted(specs, key=lambda spec: spec.id))


@cache
def _shipped_by_id() -> dict[str, RuleSpec]:
    return {spec.id: spec for spec in _shipped_rules()}


INDEX_FILE = "index.json"


def spec_digest(paths: Iterable[str | Path]) -> str:
    """A checksum of the spec files' names and contents. It tells a stale index from a
    current one, nothing more (no security rests on it): CRC-32 needs no hashlib, whose
    import would cost every run 4 ms."""
    import zlib

    checksum = 0
    for path in paths:
        with open(path, "rb") as handle:
            content = handle.read()
        name = os.path.basename(path).encode()
        checksum = zlib.crc32(name + b"\0" + content + b"\0", checksum)
    return f"crc32:{checksum:08x}"


def _indexed_specs(paths: Sequence[str | Path]) -> list[RuleSpec] | None:
    """The specs from `rules/index.json`, or None unless it was written from exactly the spec
    files `paths` and every check it names is registered."""
    import json

    try:
        with open(os.path.join(data_dir("rules"), INDEX_FILE), encoding="utf-8") as handle:
            index = json.loads(handle.read())
        if index.get("digest") != spec_digest(paths):
            return None
        entries = index["specs"]
    except (OSError, ValueError, AttributeError, KeyError):
        return None
    if [entry.get("file") for entry in entries] != [os.path.basename(path) for path in paths]:
        return None
    specs = [spec_from_data(entry["data"], str(path)) for entry, path in zip(entries, paths)]
    return specs if all(spec.check in CHECKS for spec in specs) else None


def index_text() -> str:
    """The text of `rules/index.json` for the current spec files (each read and validated)."""
    import json

    paths = rule_files()
    entries = []
    for path in paths:
        read_spec(path)  # a broken spec must not reach the index
        data = yamlio.load_documents(yamlio.read_text(str(path)), str(path))[0].data
        entries.append({"file": path.name, "data": data})
    index = {"digest": spec_digest(paths), "specs": entries}
    return json.dumps(index, indent=1, ensure_ascii=False) + "\n"


def rule_files() -> list[Path]:
    """The spec files shipped in `rules/`, sorted."""
    from pathlib import Path

    return [Path(path) for path in _spec_paths()]


def _spec_paths() -> list[str]:
    """The paths of the spec files shipped in `rules/`, sorted by name."""
    folder = data_dir("rules")
    return [
        os.path.join(folder, name) for name in sorted(os.listdir(folder)) if name.endswith(".yaml")
    ]


def read_spec(path: Path | str, *, validate: bool = True) -> RuleSpec:
    """Read and validate one spec file (`validate=False`: a shipped spec the tests validated;
    only what building it needs is checked)."""
    from kconv.lint import checks

    checks.load_all()
    filename = str(path)
    try:
        documents = yamlio.load_documents(yamlio.read_text(filename), filename)
    except InputError as exc:
        raise ConfigError(f"invalid rule spec: {exc.message}", exc.location) from None
    if len(documents) != 1:
        raise ConfigError(
            "a rule spec file must hold exactly one YAML document", Location(filename)
        )
    document = documents[0]
    if document.problems:
        problem = document.problems[0]
        raise ConfigError(f"invalid rule spec: {problem.message}", problem.location)
    data = document.data
    if validate:
        validate_with_schema(data, load_schema(RULE_SPEC_SCHEMA), document.positions, "rule spec")
    spec = spec_from_data(data, filename)
    expected = f"{spec.id}-{spec.name}.yaml"
    if os.path.basename(filename) != expected:
        raise ConfigError(
            f"rule spec file must be named {expected!r}", document.positions.nearest("/id")
        )
    checkdef = CHECKS.get(spec.check)
    if checkdef is None:
        raise ConfigError(
            f"rule {spec.id} uses unknown check {spec.check!r}" + _did_you_mean(spec.check, CHECKS),
            document.positions.nearest("/check"),
        )
    if validate:
        validate_params(spec, spec.params, document.positions.nearest("/params"))
    return spec


def spec_from_data(data: Mapping[str, Any], source: str) -> RuleSpec:
    """Build a RuleSpec from already validated spec data."""
    kinds = data.get("kinds")
    equivalents = data.get("equivalents") or {}
    return RuleSpec(
        id=str(data["id"]),
        name=str(data["name"]),
        severity=Severity.parse(str(data["severity"])),
        default=bool(data["default"]),
        kinds=frozenset(kinds) if kinds else None,
        summary=str(data["summary"]).strip(),
        rationale=str(data["rationale"]).strip(),
        fix=str(data["fix"]).strip(),
        check=str(data["check"]),
        params=dict(data.get("params") or {}),
        references=tuple(data.get("references") or ()),
        equivalents={tool: tuple(ids) for tool, ids in sorted(equivalents.items())},
        source=source,
    )


def validate_with_schema(
    data: Any, schema: Mapping[str, Any], positions: PositionIndex | None, what: str
) -> None:
    """Raise ConfigError for the first schema error (by position), located via `positions`."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors(data))
    if not errors:
        return
    best = jsonschema.exceptions.best_match(errors)
    path = list(best.absolute_path)  # `path` is relative to an anyOf branch
    message = _schema_message(best)
    if best.validator == "additionalProperties" and isinstance(best.instance, dict):
        allowed = sorted(best.schema.get("properties", {}))
        unknown = sorted(key for key in best.instance if key not in allowed)
        if unknown:
            path.append(unknown[0])
            message = f"unknown key {unknown[0]!r}" + _did_you_mean(unknown[0], allowed)
    pointer = join_pointer("", *path)
    location = positions.nearest(pointer) if positions is not None else None
    where = "/".join(str(part) for part in best.absolute_path)
    prefix = f"invalid {what}" + (f" at {where}" if where else "")
    raise ConfigError(f"{prefix}: {message}", location)


def _schema_message(error: Any) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown key")
    if error.validator == "enum":
        choices = ", ".join(str(choice) for choice in error.validator_value)
        return f"{error.instance!r} is not one of: {choices}"
    return error.message


def validate_params(
    spec: RuleSpec,
    params: Mapping[str, Any],
    location: Location | None,
    param_locations: Mapping[str, Location] | None = None,
) -> None:
    """Raise ConfigError when `params` do not satisfy the params schema of the rule's check
    (formats too: a `regex` must compile), located at the param when `param_locations` has
    it, else at `location`."""
    import jsonschema

    checkdef = _checkdef(spec)
    validator = jsonschema.Draft202012Validator(
        checkdef.params_schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    error = jsonschema.exceptions.best_match(validator.iter_errors(dict(params)))
    if error is not None:
        path = list(error.absolute_path)
        where = "/".join(str(part) for part in path)
        detail = f" ({where})" if where else ""
        if path and param_locations and path[0] in param_locations:
            location = param_locations[path[0]]
        raise ConfigError(
            f"invalid params for rule {spec.id} {spec.name}{detail}: {_schema_message(error)}",
            location,
        )


def bind(spec: RuleSpec, params: Mapping[str, Any] | None = None) -> CheckFn:
    """Validate the effective params of `spec` and return its check function."""
    effective = dict(spec.params if params is None else params)
    if effective != spec.params or spec != _shipped_by_id().get(spec.id):
        validate_params(spec, effective, Location(spec.source) if spec.source else None)
    return _checkdef(spec).factory(effective)


def _checkdef(spec: RuleSpec) -> CheckDef:
    checkdef = CHECKS.get(spec.check)
    if checkdef is None:
        raise ConfigError(
            f"rule {spec.id} uses unknown check {spec.check!r}" + _did_you_mean(spec.check, CHECKS),
            Location(spec.source) if spec.source else None,
        )
    return checkdef


def _check_unique(specs: Iterable[RuleSpec]) -> None:
    ids: dict[str, RuleSpec] = {}
    names: dict[str, RuleSpec] = {}
    for spec in specs:
        for key, seen in ((spec.id, ids), (spec.name, names)):
            other = seen.get(key)
            if other is not None:
                raise ConfigError(
                    f"rule {key!r} is defined twice (also in {other.source or '<config>'})",
                    Location(spec.source or "<config>"),
                )
            seen[key] = spec


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    from kconv.lint.selection import hint

    return hint(word, sorted(choices))


def find_rule(rules: Iterable[RuleSpec], key: str) -> RuleSpec:
    """The rule whose id or name is `key` (ids case-insensitive); ConfigError if none."""
    rules = list(rules)
    for spec in rules:
        if spec.id == key.upper() or spec.name == key:
            return spec
    choices = [spec.id for spec in rules] + [spec.name for spec in rules]
    raise ConfigError(f"unknown rule {key!r}" + _did_you_mean(key, choices))
