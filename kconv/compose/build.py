"""Build the typed model (`kconv.model.compose`) from the merged, normalised project data."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from kconv.compose.interpolation import utf8_value
from kconv.compose.loctree import LocTree, at, child
from kconv.compose.normalize import parse_port, scalar_text
from kconv.errors import InputError
from kconv.model.compose import (
    Dependency,
    Deploy,
    EnvFile,
    EnvVar,
    FileReference,
    Healthcheck,
    Mount,
    Port,
    Project,
    Resource,
    ResourceSpec,
    Service,
)
from kconv.model.location import Location
from kconv.secrets import scrub

_SECTIONS = ("networks", "volumes", "secrets", "configs")


def build_project(
    data: dict[str, Any],
    tree: LocTree,
    *,
    name: str,
    working_dir: str,
    files: tuple[str, ...],
    environment: Mapping[str, str],
    profiles: frozenset[str],
    warnings: list[str],
    interpolated_secrets: Iterable[str] = (),
    interpolated: bool = True,
) -> Project:
    """The Project: services filtered by profiles, every value in long syntax, located.

    `interpolated_secrets`: secret values the files got from the interpolation environment;
    with those of the services, they are redacted in every output and in `warnings`.
    `interpolated=False`: the data was not interpolated (`Project.interpolated`)."""
    services_data = data.get("services") or {}
    stree = child(tree, "services")
    enabled, disabled = _apply_profiles(services_data, profiles)
    _check_dependencies(services_data, stree, enabled, disabled)
    _check_cycles(services_data, stree, enabled)
    _check_references(data, stree, enabled, warnings)
    services = {
        svc: build_service(svc, services_data[svc] or {}, child(stree, svc), environment)
        for svc in sorted(enabled)
    }
    resources = {
        section: {
            key: _resource(key, value, child(child(tree, section), key))
            for key, value in sorted((data.get(section) or {}).items())
        }
        for section in _SECTIONS
    }
    secret_values = _secret_values(services, resources["secrets"], environment)
    secret_values |= frozenset(interpolated_secrets)
    return Project(
        name=name,
        working_dir=working_dir,
        services=services,
        networks=resources["networks"],
        volumes=resources["volumes"],
        secrets=resources["secrets"],
        configs=resources["configs"],
        extensions={k: v for k, v in data.items() if k.startswith("x-")},
        files=files,
        environment=dict(environment),
        secret_values=secret_values,
        disabled_services=tuple(sorted(disabled)),
        warnings=tuple(scrub(warning, secret_values) for warning in warnings),
        interpolated=interpolated,
    )


# -- profiles and dependencies ----------------------------------------------------------------


def _apply_profiles(services: Mapping[str, Any], active: frozenset[str]) -> tuple[set, set]:
    enabled, disabled = set(), set()
    for name, service in services.items():
        wanted = (service or {}).get("profiles") or []
        if not wanted or "*" in active or active.intersection(wanted):
            enabled.add(name)
        else:
            disabled.add(name)
    return enabled, disabled


def _check_dependencies(
    services: Mapping[str, Any], stree: LocTree, enabled: set, disabled: set
) -> None:
    for name in sorted(enabled):
        service = services[name] or {}
        for dep, spec in (service.get("depends_on") or {}).items():
            where = at(stree, name, "depends_on", dep)
            required = not isinstance(spec, dict) or spec.get("required", True) is not False
            if dep in disabled and required:
                profiles = ", ".join(services[dep].get("profiles") or [])
                raise InputError(
                    f'services.{name}.depends_on: service "{dep}" is disabled by its profiles '
                    f"({profiles}); enable one with --profile or COMPOSE_PROFILES",
                    where,
                )
            if dep not in services and required:
                raise InputError(f'services.{name}.depends_on: there is no service "{dep}"', where)
        for key, target in _service_references(service):
            where = at(stree, name, key)
            if target in disabled:
                raise InputError(
                    f'services.{name}.{key}: service "{target}" is disabled by its profiles',
                    where,
                )
            if target not in services:
                raise InputError(f'services.{name}.{key}: there is no service "{target}"', where)


def _service_references(service: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(key, service) for links, volumes_from and `service:` network_mode/ipc/pid."""
    found = [("links", str(link).split(":", 1)[0]) for link in service.get("links") or []]
    for entry in service.get("volumes_from") or []:
        text = str(entry)
        if not text.startswith("container:"):
            found.append(("volumes_from", text.split(":", 1)[0]))
    for key in ("network_mode", "ipc", "pid"):
        value = service.get(key)
        if isinstance(value, str) and value.startswith("service:"):
            found.append((key, value[len("service:") :]))
    return found


def _check_cycles(services: Mapping[str, Any], stree: LocTree, enabled: set) -> None:
    """A depends_on cycle (a service waiting for itself, directly or not) is an error."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in sorted(enabled):
        if root in state:
            continue
        path = [root]
        state[root] = 1
        stack = [iter(_dependencies(services, root, enabled))]
        while stack:
            dep = next(stack[-1], None)
            if dep is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(dep) == 1:
                cycle = " -> ".join([*path[path.index(dep) :], dep])
                raise InputError(
                    f"services.{path[-1]}.depends_on: dependency cycle: {cycle}",
                    at(stree, path[-1], "depends_on", dep),
                )
            elif dep not in state:
                state[dep] = 1
                path.append(dep)
                stack.append(iter(_dependencies(services, dep, enabled)))


def _dependencies(services: Mapping[str, Any], name: str, enabled: set) -> list[str]:
    return [dep for dep in (services[name] or {}).get("depends_on") or {} if dep in enabled]


def _check_references(
    data: Mapping[str, Any], stree: LocTree, enabled: set, warnings: list[str]
) -> None:
    """Secrets, configs and networks a service uses must be declared (volumes: a warning)."""
    declared = {section: set(data.get(section) or {}) for section in _SECTIONS}
    declared["networks"].add("default")
    services = data.get("services") or {}
    for name in sorted(enabled):
        service = services[name] or {}
        for section in ("secrets", "configs"):
            for i, ref in enumerate(service.get(section) or []):
                source = ref.get("source") if isinstance(ref, dict) else ref
                if source is None or "$" in str(source):
                    continue
                if source not in declared[section]:
                    raise InputError(
                        f'services.{name}.{section}[{i}]: "{source}" is not defined in the '
                        f"top-level {section}",
                        at(stree, name, section, i),
                    )
        if isinstance(service.get("network_mode"), str) and service.get("networks"):
            raise InputError(
                f"services.{name}: network_mode and networks cannot be used together",
                at(stree, name, "networks"),
            )
        for network in service.get("networks") or {}:
            if network not in declared["networks"] and "$" not in network:
                raise InputError(
                    f'services.{name}.networks: "{network}" is not defined in the top-level '
                    "networks",
                    at(stree, name, "networks", network),
                )
        for i, mount in enumerate(service.get("volumes") or []):
            if not isinstance(mount, dict) or mount.get("type", "volume") != "volume":
                continue
            source = mount.get("source")
            if source and source not in declared["volumes"]:
                warnings.append(
                    f'{at(stree, name, "volumes", i)}: services.{name}.volumes[{i}]: "{source}" '
                    "is not defined in the top-level volumes (docker compose refuses this; a "
                    "host path must start with ., / or ~)"
                )


# -- services ---------------------------------------------------------------------------------


def _uninterpolated(value: Any) -> bool:
    """A value still holding `${VAR}` (--no-interpolate): typed fields leave it unset."""
    return isinstance(value, str) and "$" in value


def _duration(value: Any, where: Location, label: str = "") -> float | None:
    if value is None:
        return None
    if _uninterpolated(value):
        return None
    from kconv.compose.units import parse_duration

    try:
        return parse_duration(value, where)
    except InputError as exc:
        raise _labelled(exc, label) from None


def _labelled(exc: InputError, label: str) -> InputError:
    return InputError(f"{label}: {exc.message}" if label else exc.message, exc.location)


def _bytes(value: Any, where: Location, label: str = "") -> int | None:
    if value is None:
        return None
    if _uninterpolated(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    from kconv.compose.units import parse_bytes

    try:
        return parse_bytes(str(value), where)
    except InputError as exc:
        raise _labelled(exc, label) from None


def _as_bool(value: Any, label: str, where: Location) -> bool:
    if isinstance(value, bool):
        return value
    if _uninterpolated(value):
        return False
    text = str(value).strip().lower()
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no", ""):
        return False
    raise InputError(f'{label}: "{value}" is not a boolean (true or false)', where)


def _as_int(value: Any, label: str, where: Location) -> int | None:
    if value is None:
        return None
    if _uninterpolated(value):
        return None
    try:
        return int(str(value), 0) if isinstance(value, str) else int(value)
    except ValueError:
        raise InputError(f'{label}: "{value}" is not an integer', where) from None


def _as_float(value: Any, label: str, where: Location) -> float | None:
    if value is None:
        return None
    if _uninterpolated(value):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        raise InputError(f'{label}: "{value}" is not a number', where) from None


def _strings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): "" if v is None else scalar_text(v) for k, v in value.items()}


def _words(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(scalar_text(item) for item in value)


def build_service(
    name: str, raw: dict[str, Any], tree: LocTree, environment: Mapping[str, str]
) -> Service:
    """One Service from its normalised mapping."""
    label = f"services.{name}"
    environ = tuple(
        EnvVar(
            key,
            utf8_value(key, environment.get(key), at(tree, "environment", key))
            if value is None
            else scalar_text(value),
            at(tree, "environment", key),
        )
        for key, value in (raw.get("environment") or {}).items()
    )
    return Service(
        name=name,
        image=None if raw.get("image") is None else str(raw["image"]),
        build=raw.get("build"),
        command=_words(raw.get("command")),
        entrypoint=_words(raw.get("entrypoint")),
        environment=environ,
        env_files=tuple(
            _env_file(entry, child(child(tree, "env_file"), i), environment)
            for i, entry in enumerate(raw.get("env_file") or [])
        ),
        ports=_ports(raw.get("ports"), child(tree, "ports"), label),
        expose=tuple(
            port
            for i, entry in enumerate(raw.get("expose") or [])
            for port in _expose(entry, at(tree, "expose", i), f"{label}.expose[{i}]")
        ),
        volumes=_mounts(raw, tree, label),
        secrets=_refs(raw.get("secrets"), child(tree, "secrets"), "/run/secrets/", label),
        configs=_refs(raw.get("configs"), child(tree, "configs"), "/", label),
        healthcheck=_healthcheck(
            raw.get("healthcheck"), child(tree, "healthcheck"), f"{label}.healthcheck"
        ),
        deploy=_deploy(raw, tree, label),
        depends_on=tuple(
            Dependency(
                dep,
                str(spec.get("condition", "service_started")),
                _as_bool(spec.get("restart", False), f"{label}.depends_on", tree[0]),
                _as_bool(spec.get("required", True), f"{label}.depends_on", tree[0]),
                at(tree, "depends_on", dep),
            )
            for dep, spec in (raw.get("depends_on") or {}).items()
        ),
        labels=_strings(raw.get("labels")),
        annotations=_strings(raw.get("annotations")),
        networks=dict(raw.get("networks") or {}),
        profiles=tuple(str(p) for p in raw.get("profiles") or ()),
        restart=None if raw.get("restart") is None else str(raw["restart"]),
        extensions={k: v for k, v in raw.items() if k.startswith("x-")},
        raw=raw,
        locations={key: at(tree, key) for key in raw},
        origin=tree[0],
    )


def _env_file(entry: dict[str, Any], tree: LocTree, environment: Mapping[str, str]) -> EnvFile:
    from kconv.compose.dotenv import read_env_file

    path = str(entry["path"])
    required = _as_bool(entry.get("required", True), "env_file.required", tree[0])
    fmt = entry.get("format")
    variables: tuple[EnvVar, ...] = ()
    if os.path.isfile(path):
        variables = tuple(
            read_env_file(path, environment.get, raw=fmt == "raw", display=_shown(path))
        )
    elif os.path.exists(path):
        raise InputError(f'env_file "{_shown(path)}" is not a file', tree[0])
    elif required:
        raise InputError(f'env_file "{_shown(path)}" not found', tree[0])
    return EnvFile(path, required, fmt, variables, tree[0])


def _shown(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


def _ports(value: Any, tree: LocTree, label: str) -> tuple[Port, ...]:
    """The published/exposed ports (entries left as `${...}` by --no-interpolate skipped)."""
    ports = []
    for i, entry in enumerate(value or []):
        if isinstance(entry, dict):
            port = _port(entry, child(tree, i), f"{label}.ports[{i}]")
            if port is not None:
                ports.append(port)
    return tuple(ports)


def _port(entry: dict[str, Any], tree: LocTree, label: str) -> Port | None:
    target = entry.get("target")
    if target is None:
        raise InputError(f"{label}: a port needs a target", tree[0])
    published = entry.get("published")
    if _uninterpolated(target):
        return None
    return Port(
        target=int(target),
        protocol=str(entry.get("protocol") or "tcp").lower(),
        published=None if published in (None, "") else str(published),
        host_ip=entry.get("host_ip") or None,
        mode=str(entry.get("mode") or "ingress"),
        name=entry.get("name"),
        app_protocol=entry.get("app_protocol"),
        origin=tree[0],
    )


def _expose(entry: Any, where: Location, label: str) -> list[Port]:
    if "$" in str(entry):  # not interpolated (--no-interpolate)
        return []
    return [
        Port(target=p["target"], protocol=p["protocol"], origin=where)
        for p in parse_port(scalar_text(entry), label, where)
    ]


def _mounts(raw: dict[str, Any], tree: LocTree, label: str) -> tuple[Mount, ...]:
    mounts: list[Mount] = []
    for i, entry in enumerate(raw.get("volumes") or []):
        sub = child(child(tree, "volumes"), i)
        if isinstance(entry, str):  # left as written by --no-interpolate
            continue
        if not isinstance(entry, dict) or "target" not in entry:
            raise InputError(f"{label}.volumes[{i}]: a volume needs a target", sub[0])
        bind = entry.get("bind") or {}
        volume = entry.get("volume") or {}
        tmpfs = entry.get("tmpfs") or {}
        mounts.append(
            Mount(
                type=str(entry.get("type") or "volume"),
                target=str(entry["target"]),
                source=entry.get("source") or None,
                read_only=_as_bool(entry.get("read_only", False), label, sub[0]),
                bind_propagation=bind.get("propagation"),
                bind_create_host_path=bind.get("create_host_path"),
                bind_selinux=bind.get("selinux"),
                volume_nocopy=_as_bool(volume.get("nocopy", False), label, sub[0]),
                volume_subpath=volume.get("subpath"),
                tmpfs_size=_bytes(tmpfs.get("size"), sub[0], f"{label}.volumes[{i}].tmpfs.size"),
                tmpfs_mode=_as_int(tmpfs.get("mode"), label, sub[0]),
                origin=sub[0],
            )
        )
    for i, entry in enumerate(raw.get("tmpfs") or []):
        where = at(tree, "tmpfs", i)
        target, _, options = str(entry).partition(":")
        size = None
        for option in options.split(","):
            if option.startswith("size="):
                size = _bytes(option[5:], where, f"{label}.tmpfs[{i}]")
        mounts.append(Mount(type="tmpfs", target=target, tmpfs_size=size, origin=where))
    return tuple(mounts)


def _refs(value: Any, tree: LocTree, prefix: str, label: str) -> tuple[FileReference, ...]:
    refs = []
    for i, entry in enumerate(value or []):
        where = at(tree, i)
        source = str(entry.get("source", ""))
        target = str(entry.get("target") or source)
        if not target.startswith("/") and not (len(target) > 1 and target[1] == ":"):
            target = prefix + target
        mode = entry.get("mode")
        refs.append(
            FileReference(
                source=source,
                target=target,
                uid=None if entry.get("uid") is None else str(entry["uid"]),
                gid=None if entry.get("gid") is None else str(entry["gid"]),
                mode=_file_mode(mode, f"{label}.secrets[{i}].mode", where),
                origin=where,
            )
        )
    return tuple(refs)


def _file_mode(value: Any, label: str, where: Location) -> int | None:
    """A file mode: an integer, or a string read as octal ("0440")."""
    if value is None or _uninterpolated(value):
        return None
    if isinstance(value, str):
        try:
            return int(value, 8)
        except ValueError:
            raise InputError(f'{label}: "{value}" is not an octal file mode', where) from None
    return _as_int(value, label, where)


def _healthcheck(value: Any, tree: LocTree, label: str) -> Healthcheck | None:
    if not isinstance(value, dict):
        return None
    test = value.get("test")
    if isinstance(test, str):
        test_tuple: tuple[str, ...] = ("CMD-SHELL", test)
    else:
        test_tuple = tuple(scalar_text(item) for item in test or ())
    disable = _as_bool(value.get("disable", False), "healthcheck.disable", tree[0])
    if test_tuple[:1] == ("NONE",):
        disable, test_tuple = True, ()
    return Healthcheck(
        test=test_tuple,
        interval=_duration(value.get("interval"), at(tree, "interval"), f"{label}.interval"),
        timeout=_duration(value.get("timeout"), at(tree, "timeout"), f"{label}.timeout"),
        start_period=_duration(
            value.get("start_period"), at(tree, "start_period"), f"{label}.start_period"
        ),
        start_interval=_duration(
            value.get("start_interval"), at(tree, "start_interval"), f"{label}.start_interval"
        ),
        retries=_as_int(value.get("retries"), "healthcheck.retries", at(tree, "retries")),
        disable=disable,
        origin=tree[0],
    )


def _spec(value: Any, tree: LocTree, label: str) -> ResourceSpec | None:
    if not isinstance(value, dict):
        return None
    return ResourceSpec(
        cpus=_as_float(value.get("cpus"), f"{label}.cpus", at(tree, "cpus")),
        memory=_bytes(value.get("memory"), at(tree, "memory"), f"{label}.memory"),
        pids=_as_int(value.get("pids"), f"{label}.pids", at(tree, "pids")),
        devices=tuple(value.get("devices") or ()),
        origin=tree[0],
    )


def _deploy(raw: dict[str, Any], tree: LocTree, label: str) -> Deploy | None:
    deploy = raw.get("deploy")
    folded = {k: raw[k] for k in ("mem_limit", "cpus", "mem_reservation") if k in raw}
    if deploy is None and not folded:
        return None
    deploy = deploy or {}
    dtree = child(tree, "deploy")
    resources = deploy.get("resources") or {}
    rtree = child(dtree, "resources")
    limits = dict(resources.get("limits") or {})
    ltree = child(rtree, "limits") if "limits" in resources else _folded_tree(raw, tree)
    reservations = dict(resources.get("reservations") or {})
    vtree = (
        child(rtree, "reservations")
        if "reservations" in resources
        else _folded_tree(raw, tree, ("mem_reservation",))
    )
    children_l = dict(ltree[1] or {})
    children_r = dict(vtree[1] or {})
    for key, target, children, field in (
        ("mem_limit", limits, children_l, "memory"),
        ("cpus", limits, children_l, "cpus"),
        ("mem_reservation", reservations, children_r, "memory"),
    ):
        if key in folded and field == "memory" and folded[key] is not None:
            _bytes(folded[key], at(tree, key), f"{label}.{key}")  # report it under its own name
        if key in folded and folded[key] is not None and target.get(field) is None:
            target[field] = folded[key]
            children[field] = child(tree, key)
    if raw.get("pids_limit") is not None and limits.get("pids") is None:
        limits["pids"] = raw["pids_limit"]
        children_l["pids"] = child(tree, "pids_limit")
    replicas = deploy.get("replicas")
    if replicas is None and raw.get("scale") is not None:
        replicas = raw["scale"]
    return Deploy(
        mode=str(deploy.get("mode") or "replicated"),
        replicas=_as_int(replicas, f"{label}.deploy.replicas", at(dtree, "replicas")),
        labels=_strings(deploy.get("labels")),
        limits=_spec(limits, (ltree[0], children_l), f"{label}.deploy.resources.limits")
        if limits
        else None,
        reservations=_spec(
            reservations, (vtree[0], children_r), f"{label}.deploy.resources.reservations"
        )
        if reservations
        else None,
        restart_policy=_with_durations(
            deploy.get("restart_policy"), child(dtree, "restart_policy")
        ),
        update_config=_with_durations(deploy.get("update_config"), child(dtree, "update_config")),
        rollback_config=_with_durations(
            deploy.get("rollback_config"), child(dtree, "rollback_config")
        ),
        placement=deploy.get("placement"),
        endpoint_mode=deploy.get("endpoint_mode"),
        origin=dtree[0],
    )


def _folded_tree(
    raw: dict[str, Any], tree: LocTree, keys: tuple[str, ...] = ("mem_limit", "cpus", "pids_limit")
) -> LocTree:
    """Where resources given outside `deploy` were written (the first such key)."""
    for key in keys:
        if key in raw:
            return child(tree, key)[0], {}
    return tree[0], {}


def _with_durations(value: Any, tree: LocTree) -> Mapping[str, Any] | None:
    if not isinstance(value, dict):
        return None
    out = dict(value)
    for key in ("delay", "window", "monitor"):
        if key in out and out[key] is not None:
            out[key] = _duration(out[key], at(tree, key), key)
    return out


# -- resources and secrets --------------------------------------------------------------------


def _resource(name: str, value: Any, tree: LocTree) -> Resource:
    raw = value if isinstance(value, dict) else {}
    external = raw.get("external", False)
    external_name = raw.get("name")
    if isinstance(external, dict):  # legacy `external: {name: x}`
        external_name = external.get("name", external_name)
        external = True
    return Resource(
        name=name,
        external=_as_bool(external, f"{name}.external", tree[0]),
        external_name=None if external_name is None else str(external_name),
        file=raw.get("file"),
        environment=raw.get("environment"),
        content=raw.get("content"),
        labels=_strings(raw.get("labels")),
        raw=raw,
        origin=tree[0],
    )


def _secret_values(
    services: Mapping[str, Service],
    secrets: Mapping[str, Resource],
    environment: Mapping[str, str],
) -> frozenset[str]:
    from kconv.secrets import is_secret_name, looks_like_secret_value

    values: set[str] = set()
    for service in services.values():
        variables = [v for f in service.env_files for v in f.variables]
        variables.extend(service.environment)
        for variable in variables:
            if variable.value and (
                is_secret_name(variable.name) or looks_like_secret_value(variable.value)
            ):
                values.add(variable.value)
        args = (service.build or {}).get("args") if isinstance(service.build, dict) else None
        for name, value in (args or {}).items():
            if (
                isinstance(value, str)
                and value
                and (is_secret_name(name) or looks_like_secret_value(value))
            ):
                values.add(value)
    for secret in secrets.values():
        if secret.environment and environment.get(secret.environment):
            values.add(environment[secret.environment])
    return frozenset(values)
