"""`.kconv.yaml`: the lint configuration, found by walking up from the current directory.

The file is validated against `schemas/kconv-config.schema.json`; every error is a ConfigError
naming the configuration file's line and column. Rule ids and names it mentions are checked
against the registry when linting starts (see `engine.lint`), with a "did you mean".
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from kconv import yamlio
from kconv.errors import ConfigError, InputError
from kconv.lint.rule import RuleSpec, Severity
from kconv.lint.selection import split_selectors
from kconv.model.location import Location, join_pointer
from kconv.model.record import Record

CONFIG_NAMES = (".kconv.yaml", ".kconv.yml")
CONFIG_SCHEMA = "kconv-config.schema.json"


class RuleOverride(NamedTuple):
    """Per-rule settings from `rules: {ID-or-name: {...}}`."""

    key: str
    severity: Severity | None = None
    params: Mapping[str, Any] | None = None
    enabled: bool | None = None
    location: Location | None = None
    # where each param is written (its key), for errors about its value
    param_locations: Mapping[str, Location] | None = None


class PathIgnore(NamedTuple):
    """`per-path-ignores: {glob: [rules]}`: findings in matching files are dropped."""

    pattern: str
    rules: tuple[str, ...]
    location: Location | None = None


class LintConfig(Record):
    """Lint settings; the default instance is the behaviour without any configuration.
    Treated as immutable: use `replace` for a changed copy."""

    __slots__ = (
        "custom_rules",
        "fail_on",
        "ignore",
        "kubernetes_version",
        "locations",
        "path",
        "per_path_ignores",
        "rules",
        "select",
        "suppressions",
    )

    def __init__(
        self,
        path: str | None = None,
        select: tuple[str, ...] = (),
        ignore: tuple[str, ...] = (),
        rules: tuple[RuleOverride, ...] = (),
        per_path_ignores: tuple[PathIgnore, ...] = (),
        kubernetes_version: str | None = None,
        fail_on: Severity | None = None,
        suppressions: bool = True,
        custom_rules: tuple[RuleSpec, ...] = (),
        locations: Mapping[str, Location] | None = None,
    ) -> None:
        self.path = path
        self.select = select
        self.ignore = ignore
        self.rules = rules
        self.per_path_ignores = per_path_ignores
        self.kubernetes_version = kubernetes_version
        self.fail_on = fail_on
        self.suppressions = suppressions
        self.custom_rules = custom_rules
        self.locations: Mapping[str, Location] = {} if locations is None else locations

    @property
    def base_dir(self) -> str:
        """The directory of the config file (per-path globs are relative to it)."""
        return os.path.dirname(os.path.abspath(self.path)) if self.path else os.getcwd()

    def location_of(self, key: str) -> Location | None:
        """Where a top-level key was written (for error messages)."""
        return self.locations.get(key) or (Location(self.path) if self.path else None)

    def with_rule_params(self, rule_id: str, params: Mapping[str, Any]) -> LintConfig:
        """A copy where `params` are merged into the params of rule `rule_id`."""
        overrides = list(self.rules)
        for index, override in enumerate(overrides):
            if override.key == rule_id:
                merged = {**(override.params or {}), **params}
                overrides[index] = override._replace(params=merged)
                break
        else:
            overrides.append(RuleOverride(rule_id, params=dict(params)))
        return self.replace(rules=tuple(overrides))


def find_config(start_dir: str = ".") -> str | None:
    """The nearest `.kconv.yaml` in `start_dir` or one of its parents."""
    directory = os.path.realpath(start_dir)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load_config(path: str | None = None, start_dir: str = ".") -> LintConfig:
    """Load `path`, or the nearest `.kconv.yaml` above `start_dir`, or the defaults."""
    if path is None:
        path = find_config(start_dir)
        if path is None:
            return LintConfig()
    try:
        text = yamlio.read_text(path)
    except InputError as exc:
        raise ConfigError(f"cannot read config: {exc.message}", exc.location) from None
    return parse_config(text, path)


def parse_config(text: str, filename: str) -> LintConfig:
    """Parse and validate configuration text (`filename` is used in messages)."""
    from kconv.lint.registry import validate_with_schema
    from kconv.resources import load_schema

    try:
        documents = yamlio.load_documents(text, filename)
    except InputError as exc:
        raise ConfigError(f"invalid config: {exc.message}", exc.location) from None
    if not documents:
        return LintConfig(path=filename)
    if len(documents) > 1:
        raise ConfigError("a config file must hold one YAML document", documents[1].location)
    document = documents[0]
    if document.problems:
        problem = document.problems[0]
        raise ConfigError(f"invalid config: {problem.message}", problem.location)
    data = document.data
    positions = document.positions
    validate_with_schema(data, load_schema(CONFIG_SCHEMA), positions, "config")

    def where(*tokens: str | int) -> Location:
        return positions.nearest(join_pointer("", *tokens))

    overrides = []
    for key, settings in (data.get("rules") or {}).items():
        severity = settings.get("severity")
        overrides.append(
            RuleOverride(
                key=key,
                severity=Severity.parse(severity) if severity else None,
                params=settings.get("params"),
                enabled=settings.get("enabled"),
                location=where("rules", key),
                param_locations={
                    name: where("rules", key, "params", name)
                    for name in settings.get("params") or {}
                },
            )
        )
    path_ignores = tuple(
        PathIgnore(
            pattern, tuple(split_selectors(_as_list(rules))), where("per-path-ignores", pattern)
        )
        for pattern, rules in (data.get("per-path-ignores") or {}).items()
    )
    from kconv.lint.custom import custom_rule_spec

    custom = tuple(
        custom_rule_spec(item, filename, where("custom-rules", index))
        for index, item in enumerate(data.get("custom-rules") or [])
    )
    fail_on = data.get("fail-on")
    version = _version_as_written(data.get("kubernetes-version"), text, where("kubernetes-version"))
    return LintConfig(
        path=filename,
        select=tuple(split_selectors(_as_list(data.get("select")))),
        ignore=tuple(split_selectors(_as_list(data.get("ignore")))),
        rules=tuple(overrides),
        per_path_ignores=path_ignores,
        kubernetes_version=version,
        fail_on=Severity.parse(fail_on) if fail_on else None,
        suppressions=bool(data.get("suppressions", True)),
        custom_rules=custom,
        locations={key: where(key) for key in data},
    )


# the key and the number after it, as written
_VERSION_ENTRY = re.compile(r"[\"']?kubernetes-version[\"']?\s*:\s*([0-9][0-9.]*)")


def _version_as_written(version: Any, text: str, key: Location) -> str | None:
    """The Kubernetes version as written. YAML reads an unquoted `1.30` as the number 1.3, so
    a number is read again from the config's text, after its key (at `key`); a number that is
    no version (`1`) is an error."""
    if version is None or isinstance(version, str):
        return version
    lines = text.splitlines(keepends=True)
    start = sum(map(len, lines[: (key.line or 1) - 1])) + (key.column or 1) - 1
    written = _VERSION_ENTRY.match(text, start)
    if written is None or not re.fullmatch(r"[0-9]+\.[0-9]+(\.[0-9]+)?", written.group(1)):
        raise ConfigError(
            f'kubernetes-version must be a version such as "1.30", not {version!r}', key
        )
    return written.group(1)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]
