"""Load a compose project: files, interpolation, schema, include, extends, merge, profiles.

The phases follow compose-go: each file is parsed (YAML 1.2, `!reset`/`!override` kept),
interpolated, checked against the schema, has its `include`s and `extends` resolved and its
services normalised to long syntax; the files are then merged in order, profiles applied and
the typed model built (`kconv.compose.build`). Every value keeps the file:line:col it came from.

No error, warning or output quotes a secret value: errors hide every secret value of the
interpolation environment (the process environment, `.env` or `--env-file`, an include's
`env_file`), outputs those the files interpolate (`_Secrets`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from kconv.compose import discovery
from kconv.compose.loctree import LocTree, at, child, fit, from_index
from kconv.compose.merge import clean, merge_documents, untag_items
from kconv.compose.normalize import DEPENDENCY_DEFAULTS, normalize_service
from kconv.compose.unicity import enforce_unicity
from kconv.errors import InputError
from kconv.model.compose import Project
from kconv.model.location import Location
from kconv.secrets import is_secret, is_secret_name, scrubbed
from kconv.yamlio import Tagged

KEEP_TAGS = ("!reset", "!override")
RESOURCE_SECTIONS = ("networks", "volumes", "secrets", "configs", "models")


@dataclass
class _Secrets:
    """The secret values met while loading a project (see `kconv.secrets.is_secret`)."""

    known: set[str] = field(default_factory=set)  # in an environment: hidden in errors
    interpolated: set[str] = field(default_factory=set)  # used by the files: hidden everywhere
    _verdicts: dict[tuple[str, str], bool] = field(default_factory=dict)

    def learn(self, environment: Mapping[str, str]) -> None:
        """Hide the secret values of an interpolation environment in errors."""
        self.known.update(value for name, value in environment.items() if self._secret(name, value))

    def used(self, name: str, value: str) -> None:
        """A variable was interpolated: hide its value in every output if it is a secret."""
        if self._secret(name, value):
            self.interpolated.add(value)
            self.known.add(value)

    def _secret(self, name: str, value: str) -> bool:
        """`is_secret`, decided once per variable (a value may be used many times)."""
        verdict = self._verdicts.get((name, value))
        if verdict is None:
            verdict = self._verdicts[name, value] = is_secret(name, value)
        return verdict


@dataclass
class _Context:
    """What every file of one (sub-)project is loaded with."""

    environment: dict[str, str]
    interpolate: bool
    stdin_text: str | None
    warnings: list[str] = field(default_factory=list)
    secrets: _Secrets = field(default_factory=_Secrets)  # shared with included projects
    cache: dict[tuple[str, str, bool, bool], tuple[dict, LocTree]] = field(default_factory=dict)
    parsed: dict[str, tuple[dict, LocTree]] = field(default_factory=dict)  # by path
    including: tuple[str, ...] = ()  # files being included (cycle detection)
    extending: tuple[str, ...] = ()  # files being loaded for `extends` (cycle detection)

    def __post_init__(self) -> None:
        self.secrets.learn(self.environment)

    def lookup(self, name: str) -> str | None:
        value = self.environment.get(name)
        if value:
            self.secrets.used(name, value)
        return value


def load_project(
    files: Sequence[str] = (),
    *,
    working_dir: str | None = None,
    project_name: str | None = None,
    profiles: Sequence[str] = (),
    env_files: Sequence[str] | None = None,
    interpolate: bool = True,
    environ: Mapping[str, str] | None = None,
    stdin_text: str | None = None,
) -> Project:
    """Load, merge and normalise a compose project. Raises InputError on any problem; it
    never quotes a secret value."""
    secrets = _Secrets()
    secrets.learn(os.environ if environ is None else environ)
    try:
        return _load(
            files,
            working_dir,
            project_name,
            profiles,
            env_files,
            interpolate,
            environ,
            stdin_text,
            secrets,
        )
    except InputError as exc:
        raise scrubbed(exc, secrets.known) from None


def _load(
    files: Sequence[str],
    working_dir: str | None,
    project_name: str | None,
    profiles: Sequence[str],
    env_files: Sequence[str] | None,
    interpolate: bool,
    environ: Mapping[str, str] | None,
    stdin_text: str | None,
    secrets: _Secrets,
) -> Project:
    from kconv.compose.build import build_project

    process_env = dict(os.environ if environ is None else environ)
    lookup_env: Mapping[str, str] = process_env
    if not files:  # COMPOSE_FILE may come from the .env of the working directory
        lookup_env = project_environment(working_dir or os.getcwd(), env_files, process_env)
        secrets.learn(lookup_env)
    paths = discovery.choose_files(files, working_dir, lookup_env)
    first = paths[0]
    if working_dir is not None:
        project_dir = os.path.abspath(working_dir)
    elif first == "-":
        project_dir = os.getcwd()
    else:
        project_dir = os.path.dirname(os.path.abspath(first))
    environment = project_environment(project_dir, env_files, process_env)
    context = _Context(environment, interpolate, stdin_text, secrets=secrets)
    name = _project_name(project_name, paths, context, project_dir)
    # as docker compose: the project name is what `${COMPOSE_PROJECT_NAME}` gives
    environment["COMPOSE_PROJECT_NAME"] = name
    data, tree = load_files(paths, project_dir, context)
    active = _active_profiles(profiles, environment)
    return build_project(
        data,
        tree,
        name=name,
        working_dir=project_dir,
        files=tuple(_display(path) for path in paths),
        environment=environment,
        profiles=active,
        warnings=context.warnings,
        interpolated_secrets=secrets.interpolated,
        interpolated=interpolate,
    )


def project_environment(
    project_dir: str, env_files: Sequence[str] | None, process_env: Mapping[str, str]
) -> dict[str, str]:
    """The interpolation environment: the process environment over the env files' values."""
    from kconv.compose.dotenv import read_env_file

    if env_files is None:
        default = os.path.join(project_dir, ".env")
        chosen = [default] if os.path.isfile(default) else []
    else:
        chosen = [path if os.path.isabs(path) else os.path.abspath(path) for path in env_files]
    values: dict[str, str] = {}
    for path in chosen:
        if os.path.isdir(path):
            raise InputError("is a directory, not an env file", Location(path))

        def lookup(name: str, _values: dict[str, str] = values) -> str | None:
            if name in process_env:
                return process_env[name]
            return _values.get(name)

        for variable in read_env_file(path, lookup, display=_display(path)):
            if variable.value is not None:
                values[variable.name] = variable.value
            elif variable.name in process_env:
                values[variable.name] = process_env[variable.name]
    values.update(process_env)
    return values


def _display(path: str) -> str:
    """How a file is named in messages: relative to the current directory when inside it."""
    if path == "-":
        return "<stdin>"
    relative = os.path.relpath(path) if os.path.isabs(path) else path
    return path if relative.startswith("..") else relative


def _active_profiles(profiles: Sequence[str], environment: Mapping[str, str]) -> frozenset[str]:
    if profiles:
        return frozenset(profiles)
    value = environment.get("COMPOSE_PROFILES", "")
    return frozenset(item.strip() for item in value.split(",") if item.strip())


def _project_name(
    explicit: str | None, paths: Sequence[str], context: _Context, project_dir: str
) -> str:
    """The project name, by docker compose's precedence: `-p`, `COMPOSE_PROJECT_NAME`, the
    last top-level `name:` of the files (interpolated), the project directory's name."""
    environment = context.environment
    declared = None
    if explicit:
        candidate, where = explicit, Location("--project-name")
    elif environment.get("COMPOSE_PROJECT_NAME"):
        candidate, where = environment["COMPOSE_PROJECT_NAME"], Location("COMPOSE_PROJECT_NAME")
    elif (declared := _declared_name(paths, context)) is not None:
        candidate, where = declared
    else:
        name = discovery.normalize_project_name(os.path.basename(project_dir.rstrip(os.sep)))
        if not name:
            raise InputError(
                "cannot derive a project name from the directory name; set `name:` or "
                "COMPOSE_PROJECT_NAME",
                Location(project_dir),
            )
        return name
    if "$" not in candidate and not discovery.valid_project_name(candidate):
        raise InputError(
            f'"{candidate}" is not a valid project name: use lower-case letters, digits, '
            '"-" and "_", starting with a letter or digit',
            where,
        )
    return candidate


def _declared_name(paths: Sequence[str], context: _Context) -> tuple[str, Location] | None:
    """The last non-empty top-level `name:` of the files, interpolated, and where it is."""
    found = None
    for path in paths:
        data, tree = _parse(path, context)
        value = data.get("name")
        if not isinstance(value, str) or not value:
            continue
        where = child(tree, "name")
        if context.interpolate:
            value = _interpolate(value, where, context)
        if value:
            found = (value, where[0])
    return found


# -- files ------------------------------------------------------------------------------------


def load_files(paths: Sequence[str], project_dir: str, context: _Context) -> tuple[dict, LocTree]:
    """Load every file, merge them in order, and check the required keys of the result."""
    from kconv.compose.schema import validate_required

    data: dict[str, Any] = {}
    tree: LocTree = (Location(_display(paths[0])), {})
    # one file is whole: its own check covers the required keys (a second pass over the
    # schema cost a third of loading 200 services)
    whole = len(paths) == 1
    for path in paths:
        file_data, file_tree = load_file(path, project_dir, context, whole=whole)
        data, tree = merge_documents(data, tree, file_data, file_tree)
    if not whole:
        validate_required(data, tree)
    return apply_defaults(data, tree, project_dir)


def apply_defaults(data: dict, tree: LocTree, project_dir: str) -> tuple[dict, LocTree]:
    """Fill the defaults of partial mappings once every file is merged (as compose-go), so an
    override or `extends` child that leaves a key out keeps the base's: a `build` without
    `context` gets the project directory, a `depends_on` entry `condition: service_started`
    and `required: true`."""
    services = data.get("services")
    if not isinstance(services, dict):
        return data, tree
    stree = child(tree, "services")
    out, trees = dict(services), dict(stree[1]) if isinstance(stree[1], dict) else {}
    for name, service in services.items():
        if isinstance(service, dict):
            out[name], trees[name] = _service_defaults(service, child(stree, name), project_dir)
    data = {**data, "services": out}
    return data, (tree[0], {**(tree[1] or {}), "services": (stree[0], trees)})


def _service_defaults(service: dict, tree: LocTree, project_dir: str) -> tuple[dict, LocTree]:
    build = service.get("build")
    if isinstance(build, dict) and "context" not in build:
        service = {**service, "build": {"context": project_dir, **build}}
    depends_on = service.get("depends_on")
    if isinstance(depends_on, dict):
        service = {
            **service,
            "depends_on": {
                name: {**DEPENDENCY_DEFAULTS, **spec} if isinstance(spec, dict) else spec
                for name, spec in depends_on.items()
            },
        }
    return service, fit(service, tree)


def _parse(path: str, context: _Context) -> tuple[dict, LocTree]:
    """Parse one file into data and locations (documents of a stream are merged); each file
    is parsed once per project (the project name is read before the files are loaded)."""
    key = os.path.abspath(path) if path != "-" else "-"
    if key not in context.parsed:
        context.parsed[key] = _parse_text(path, context)
    return context.parsed[key]


def _parse_text(path: str, context: _Context) -> tuple[dict, LocTree]:
    from kconv.yamlio import load_documents, read_text

    display = _display(path)
    if path == "-":
        if context.stdin_text is None:
            raise InputError("no compose file on standard input", Location(display))
        text = context.stdin_text
    else:
        text = read_text(path, display)
    documents = load_documents(text, display, yaml12=True, keep_tags=KEEP_TAGS)
    if not documents:  # as docker compose: an empty file is an error, not an empty project
        raise InputError("empty compose file", Location(display))
    data: dict[str, Any] = {}
    tree: LocTree = (Location(display, 1, 1), {})
    for number, document in enumerate(documents):
        for problem in document.problems:
            raise InputError(problem.message, problem.location)
        if not isinstance(document.data, dict):
            raise InputError(
                "a compose file must be a mapping (services:, networks:, ...)",
                document.location,
            )
        # keep `!reset`/`!override` on values of mapping keys for the merge with earlier
        # files; on list items they mean nothing there and are resolved here
        body, body_tree = untag_items(document.data, from_index(document.positions))
        if number == 0:
            data, tree = body, body_tree
        else:
            data, tree = merge_documents(data, tree, body, body_tree)
    return data, tree


def load_file(
    path: str, base_dir: str, context: _Context, *, keep_tags: bool = True, whole: bool = False
) -> tuple[dict, LocTree]:
    """One file, interpolated, validated, with include and extends resolved, normalised.
    `whole`: the file is the whole project, so its required keys are checked here too."""
    from kconv.compose.schema import validate

    key = (os.path.abspath(path) if path != "-" else "-", base_dir, keep_tags, whole)
    if key in context.cache:
        return context.cache[key]
    data, tree = _parse(path, context)
    if context.interpolate:
        data = _interpolate(data, tree, context)
    data = _fill_empty(data)
    data, tree = enforce_unicity(data, tree)  # before the schema's uniqueItems, as compose-go
    validate(data, tree, required=whole)  # else required keys once the files are merged
    if "version" in data:
        context.warnings.append(
            f"{at(tree, 'version')}: the top-level `version` is obsolete and ignored"
        )
        data = {k: v for k, v in data.items() if k != "version"}
    services = data.get("services") or {}
    # `services: !override {...}` and `web: !override {...}` (or `!reset`) act on earlier
    # files: here they are read untagged, and tagged again at the end for the merge
    section_tag = None
    if isinstance(services, Tagged):
        section_tag, services = services.tag, services.value or {}
    service_tags: dict[str, str] = {}
    stree = child(tree, "services")
    normalised: dict[str, Any] = {}
    trees: dict[str, LocTree] = {}
    for name, service in services.items():
        sub = child(stree, name)
        if isinstance(service, Tagged):
            service_tags[name], service = service.tag, service.value
        if service is None and service_tags.get(name) != "!reset":
            service = {}
        if isinstance(service, dict):
            service, sub = normalize_service(name, service, sub, base_dir)
        normalised[name] = service
        trees[name] = sub
    data = dict(data)
    if services or "services" in data:
        data["services"] = normalised
        tree = (tree[0], {**tree[1], "services": (stree[0], trees)})
        data, tree = enforce_unicity(data, tree)  # long syntax: `80:80` is `{target: 80, ...}`
    data = _resolve_resource_files(data, base_dir)
    data, tree = _untag_directives(data, tree)
    from kconv.compose.extends import resolve_extends

    data, tree = resolve_extends(data, tree, path, base_dir, context, load_file)
    if "include" in data:
        from kconv.compose.include import apply_include

        data, tree = apply_include(data, tree, path, base_dir, context, load_file)
    if service_tags:
        untagged = data.get("services") or {}
        data = {
            **data,
            "services": {
                name: Tagged(service_tags[name], value) if name in service_tags else value
                for name, value in untagged.items()
            },
        }
    if section_tag is not None:
        data = {**data, "services": Tagged(section_tag, data.get("services") or {})}
    if not keep_tags:
        data, tree = clean(data, tree)
    context.cache[key] = (data, tree)
    return data, tree


def _untag_directives(data: dict, tree: LocTree) -> tuple[dict, LocTree]:
    """`include` and each service's `extends` without `!reset`/`!override` tags, which only
    matter when files are merged: they are resolved within their own file first, where a
    `!reset` value is absent and an `!override` value is the value (as compose-go reads
    them)."""
    from kconv.compose.merge import without_tags

    def untag(mapping: dict, sub: LocTree, key: str) -> tuple[dict, LocTree]:
        kept = without_tags(mapping[key], child(sub, key))
        values = {k: v for k, v in mapping.items() if k != key}
        trees = {k: v for k, v in (sub[1] or {}).items() if k != key}
        if kept is not None:
            values[key], trees[key] = kept
        return values, (sub[0], trees)

    if "include" in data:
        data, tree = untag(data, tree, "include")
    services = data.get("services")
    if isinstance(services, dict) and any(
        isinstance(service, dict) and "extends" in service for service in services.values()
    ):
        stree = child(tree, "services")
        out, trees = dict(services), dict(stree[1] or {})
        for name, service in services.items():
            if isinstance(service, dict) and "extends" in service:
                out[name], trees[name] = untag(service, child(stree, name), "extends")
        data = {**data, "services": out}
        tree = (tree[0], {**(tree[1] or {}), "services": (stree[0], trees)})
    return data, tree


def _fill_empty(data: dict) -> dict:
    """Empty entries (`web:` with nothing under it) are empty mappings, as in compose-go."""
    data = dict(data)
    for section in ("services", *RESOURCE_SECTIONS):
        if section in data and data[section] is None:
            data[section] = {}
        entries = data.get(section)
        if isinstance(entries, dict) and None in entries.values():
            data[section] = {k: {} if v is None else v for k, v in entries.items()}
    return data


def _resolve_resource_files(data: dict, base_dir: str) -> dict:
    """Make the `file:` of top-level secrets and configs absolute."""
    for section in ("secrets", "configs"):
        entries = data.get(section)
        if not isinstance(entries, dict):
            continue
        resolved = {}
        for name, entry in entries.items():
            if isinstance(entry, dict) and isinstance(entry.get("file"), str):
                entry = dict(entry)
                path = os.path.expanduser(entry["file"])
                entry["file"] = os.path.normpath(os.path.join(base_dir, path))
            resolved[name] = entry
        data = {**data, section: resolved}
    return data


def _interpolate(data: Any, tree: LocTree, context: _Context) -> Any:
    """Interpolate every string value (never keys), keeping `!reset`/`!override` tags."""
    from kconv.compose.interpolation import interpolate
    from kconv.yamlio import Tagged

    def walk(value: Any, sub: LocTree, under_key: str = "") -> Any:
        if isinstance(value, Tagged):
            return Tagged(value.tag, walk(value.value, sub, under_key))
        if isinstance(value, dict):
            return {key: walk(item, child(sub, key), str(key)) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item, child(sub, index)) for index, item in enumerate(value)]
        if isinstance(value, str) and "$" in value:
            secret = _secret_text(under_key, value)
            result, unset = interpolate(value, context.lookup, sub[0], secret=secret)
            for variable in unset:
                name = getattr(variable, "name", variable)
                message = f'{sub[0]}: the variable "{name}" is not set; using an empty string'
                if message not in context.warnings:
                    context.warnings.append(message)
            return result
        return value

    return walk(data, tree)


def _secret_text(under_key: str, value: str) -> bool:
    """Is a string, the value of mapping key `under_key` ("" for a list item), a secret that an
    interpolation error must not quote? (`DB_PASSWORD: ...`, or an item `DB_PASSWORD=...`)"""
    if under_key:
        return is_secret_name(under_key)
    name, separator, _ = value.partition("=")
    return bool(separator) and is_secret_name(name)
