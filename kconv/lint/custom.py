"""Custom rules written as data in `.kconv.yaml` (`custom-rules:`).

A custom rule names a target (the whole object, its pod spec, or each container) and a JSON
Schema the target must satisfy. Each schema error is one violation, located at the failing
path. The message may use `{kind}`, `{name}`, `{container}` and `{error}` (the schema error).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.errors import ConfigError
from kconv.lint.rule import CheckFn, RuleSpec, Severity, Violation, check
from kconv.model.location import Location, join_pointer

CUSTOM_CHECK = "custom-schema"
TARGETS = ("object", "pod-spec", "container")


PLACEHOLDERS = ("kind", "name", "container", "error")


def check_message(message: str) -> str | None:
    """Why `message` is not a valid template (None when it is)."""
    import string

    try:
        fields = [
            field for _, field, _, _ in string.Formatter().parse(message) if field is not None
        ]
    except ValueError as exc:
        return f"invalid message template: {exc}"
    for field in fields:
        if field not in PLACEHOLDERS:
            allowed = ", ".join("{" + name + "}" for name in PLACEHOLDERS)
            return f"unknown placeholder {{{field}}} in message (use {allowed}, or {{{{ }}}})"
    return None


def custom_rule_spec(item: Mapping[str, Any], source: str, location: Location) -> RuleSpec:
    """Turn one validated `custom-rules` entry into a RuleSpec bound to `custom-schema`."""
    import jsonschema

    # Validate against the metaschema with the Draft 2020-12 class itself: `check_schema` looks
    # the class up in jsonschema's global registry, which other code may have re-registered.
    # Formats are checked too: a `pattern` that is no regular expression is an error here,
    # not a crash on every object.
    meta = jsonschema.Draft202012Validator(
        jsonschema.Draft202012Validator.META_SCHEMA,
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    error = jsonschema.exceptions.best_match(meta.iter_errors(item["schema"]))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path)
        at = f" at schema/{where}" if where else ""
        raise ConfigError(
            f"custom rule {item['id']}: invalid JSON Schema{at}: {error.message}", location
        )
    problem = check_message(str(item["message"]))
    if problem is not None:
        raise ConfigError(f"custom rule {item['id']}: {problem}", location)
    kinds = item.get("kinds")
    return RuleSpec(
        id=str(item["id"]),
        name=str(item["name"]),
        severity=Severity.parse(str(item["severity"])),
        default=bool(item.get("default", True)),
        kinds=frozenset(kinds) if kinds else None,
        summary=str(item.get("summary") or item["message"]),
        rationale=str(item.get("rationale") or "Defined in the project configuration."),
        fix=str(item.get("fix") or "See the project configuration."),
        check=CUSTOM_CHECK,
        params={
            "target": item.get("target", "object"),
            "schema": item["schema"],
            "message": item["message"],
        },
        references=tuple(item.get("references") or ()),
        source=f"{location}" if location.line else source,
    )


@check(
    CUSTOM_CHECK,
    params={
        "type": "object",
        "properties": {
            "target": {"enum": list(TARGETS)},
            "schema": {"type": "object"},
            "message": {"type": "string"},
        },
        "required": ["target", "schema", "message"],
        "additionalProperties": False,
    },
)
def custom_schema(params: Mapping[str, Any]) -> CheckFn:
    """The target (object, pod spec or each container) must satisfy a JSON Schema."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(params["schema"])
    target = params["target"]
    template = params["message"]

    def targets(obj: Any) -> Iterable[tuple[str, Any, str]]:
        if target == "object":
            yield "", obj.body, ""
        elif target == "pod-spec":
            found = obj.pod_spec()
            if found is not None:
                yield found[0], found[1], ""
        else:
            for container in obj.all_containers():
                yield container.pointer, container.data, container.name

    def run(obj: Any, ctx: Any) -> Iterable[Violation]:
        for base, data, container in targets(obj):
            errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))
            for error in errors:
                message = template.format(
                    kind=obj.kind, name=obj.name, container=container, error=error.message
                )
                yield Violation(message, join_pointer(base, *error.path))

    return run
