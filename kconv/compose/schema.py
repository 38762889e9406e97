"""Check one compose file against the Compose Specification JSON schema kconv ships.

jsonschema's errors are turned into one message a person understands, placed at the
file:line:col of the offending key (`services.web: unknown key "iamge"`).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from kconv.compose.loctree import LocTree, at
from kconv.errors import InputError
from kconv.yamlio import Tagged

SCHEMA_FILE = "compose-spec.json"
_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


@cache
def _validator() -> Any:
    import jsonschema

    from kconv.resources import load_schema

    schema = load_schema(SCHEMA_FILE)
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def untag(value: Any) -> Any:
    """The data with `!reset`/`!override` tags removed (the tagged value is still checked)."""
    if isinstance(value, Tagged):
        return untag(value.value)
    if isinstance(value, dict):  # `key: !reset` may have no value: nothing to check
        return {
            key: untag(item)
            for key, item in value.items()
            if not (isinstance(item, Tagged) and item.tag == "!reset")
        }
    if isinstance(value, list):
        return [untag(item) for item in value]
    return value


@cache
def _structure_validator() -> Any:
    """The schema's validator with `required` checking nothing (see `validate`)."""
    import jsonschema

    def anything(*_: Any) -> Any:
        return iter(())

    validator = _validator()
    cls = jsonschema.validators.extend(type(validator), {"required": anything})
    return cls(validator.schema)


def validate(data: dict[str, Any], tree: LocTree, *, required: bool = True) -> None:
    """Raise InputError for the first schema violation (in file order) of a compose file.

    `required=False` leaves out the schema's required keys but those of `include` and
    `extends` (resolved within the file): one file of several may hold part of a mapping
    (`depends_on.db: {required: false}`), which `validate_required` checks once the files are
    merged."""
    plain = untag(data)
    if required:
        _raise_first(list(_validator().iter_errors(plain)), tree)
        return
    errors = list(_structure_validator().iter_errors(plain))
    if not errors and _resolves_in_file(plain):
        errors = [e for e in _validator().iter_errors(plain) if _resolved_in_file(e)]
    _raise_first(errors, tree)


def _resolves_in_file(data: dict[str, Any]) -> bool:
    """Does the file have an `include` or `extends`, resolved before any merge?"""
    services = data.get("services")
    return "include" in data or (
        isinstance(services, dict)
        and any(isinstance(s, dict) and "extends" in s for s in services.values())
    )


def _resolved_in_file(error: Any) -> bool:
    """Is the error under `include` or a service's `extends` (whose required keys a file
    needs on its own)?"""
    path = list(error.absolute_path)
    return path[:1] == ["include"] or (
        len(path) >= 3 and path[0] == "services" and path[2] == "extends"
    )


def validate_required(data: dict[str, Any], tree: LocTree) -> None:
    """Raise InputError for the first required key missing from a merged project."""
    errors = [
        e for e in _validator().iter_errors(untag(data)) if _deepest(e).validator == "required"
    ]
    _raise_first(errors, tree)


def _raise_first(errors: list[Any], tree: LocTree) -> None:
    """Raise the first of `errors` in file order, counting the others."""
    if not errors:
        return
    located = []
    for error in errors:
        path, message, where = _describe(error, tree)
        located.append(((where.line or 0, where.column or 0, path), message, where))
    located.sort(key=lambda item: item[0])
    (_, message, where) = located[0]
    if len(located) > 1:
        message += f" (and {len(located) - 1} more schema error{'s' if len(located) > 2 else ''})"
    raise InputError(message, where)


def dotted(path: list[Any]) -> str:
    """`["services", "web", "ports", 0]` -> `services.web.ports[0]`."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or "(top level)"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return str(value)


def _deepest(error: Any) -> Any:
    """For oneOf/anyOf, the branch error that went deepest (what the user most likely meant)."""
    while error.context:
        best = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
        if len(best.absolute_path) <= len(error.absolute_path) and best.validator == "type":
            break
        error = best
    return error


def _describe(error: Any, tree: LocTree) -> tuple[str, str, Any]:
    error = _deepest(error)
    path = list(error.absolute_path)
    name = dotted(path)
    where = at(tree, *path)
    validator = error.validator
    if validator == "additionalProperties":
        extras = _unexpected(error.instance, error.schema)
        if extras:
            key = extras[0]
            where = at(tree, *path, key)
            if not path:
                return name, f'unknown top-level key "{key}"', where
            if error.schema.get("patternProperties") and not error.schema.get("properties"):
                patterns = ", ".join(error.schema["patternProperties"])
                return name, f'{name}: "{key}" is not a valid name (must match {patterns})', where
            return name, f'{name}: unknown key "{key}"', where
    if validator == "type":
        expected = error.validator_value
        names = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in names)
        return name, f"{name} must be {wanted}, not {_show(error.instance)}", where
    if validator in ("oneOf", "anyOf"):
        types = _branch_types(error)
        if types:
            wanted = " or ".join(_TYPE_NAMES.get(n, n) for n in types)
            return name, f"{name} must be {wanted}, not {_show(error.instance)}", where
        return name, f"{name}: {_show(error.instance)} is not a valid value here", where
    if validator == "enum":
        allowed = ", ".join(_show(v) for v in error.validator_value)
        return name, f"{name}: {_show(error.instance)} is not one of {allowed}", where
    if validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        key = missing[0] if missing else "?"
        return name, f'{name}: the key "{key}" is required', where
    if validator == "propertyNames" or validator == "pattern":
        return name, f"{name}: {_show(error.instance)} is not a valid name", where
    if validator == "uniqueItems":
        return name, f"{name} has duplicate entries", where
    return name, f"{name}: {error.message}", where


def _branch_types(error: Any) -> list[str]:
    """The types a oneOf/anyOf accepts when every branch failed only on its type."""
    types: list[str] = []
    for branch in error.context:
        if branch.validator != "type" or list(branch.relative_path):
            continue
        expected = branch.validator_value
        for item in [expected] if isinstance(expected, str) else expected:
            if item not in types:
                types.append(item)
    branches = {tuple(b.schema_path)[:1] for b in error.context}
    typed = {tuple(b.schema_path)[:1] for b in error.context if b.validator == "type"}
    return types if types and branches == typed else []


def _unexpected(instance: Any, schema: dict[str, Any]) -> list[str]:
    if not isinstance(instance, dict):
        return []
    properties = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    return [
        key
        for key in instance
        if key not in properties and not any(re.search(p, key) for p in patterns)
    ]
