"""The resolved project as plain data: what `kconv config` prints (like `docker compose config`).

Services are sorted by name and their keys alphabetically; every service is in long syntax;
`environment` is one mapping with the `env_file` values merged under it. As in docker compose,
a service without `networks` (or `network_mode`) is on the `default` network, which is then
listed, and every network, volume, secret and config gets its engine name
(`<project>_<key>`, or the key itself when it is external). Values of variables
whose name or value looks secret are replaced by "<redacted>", and so is every other occurrence
of such a value (in a command line, a URL...).

Every `$` of a string value is written `$$`, as docker compose does in YAML and JSON alike:
the values are interpolated already, and the output must parse back to the same project
(`kconv config -f` it again, or `kconv convert` it). Keys are never interpolated, so they are
printed as they are. A project loaded with `--no-interpolate` (`Project.interpolated` false)
is printed as written: `${VAR}` stays `${VAR}`.
"""

from __future__ import annotations

from typing import Any

from kconv.model.compose import Project, Service

SECTIONS = ("networks", "volumes", "secrets", "configs")


def project_to_dict(project: Project) -> dict:
    """The project as a mapping ready for YAML or JSON output (secrets redacted, `$` escaped
    unless the project was loaded without interpolation)."""
    from kconv.secrets import REDACTED, is_secret, redact

    secrets = set(project.secret_values)

    def scrub(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: scrub(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [scrub(item) for item in value]
        if isinstance(value, str) and secrets:
            return redact(value, secrets)
        return value

    out: dict[str, Any] = {"name": project.name}
    services: dict[str, Any] = {}
    on_default = False
    for name in sorted(project.services):
        service = _service(project.services[name])
        if "networks" not in service and "network_mode" not in service:
            service["networks"] = {"default": None}
            service = {key: service[key] for key in sorted(service)}
        on_default = on_default or "default" in (service.get("networks") or {})
        environment = service.get("environment")
        if isinstance(environment, dict):
            service["environment"] = {
                key: REDACTED if value is not None and is_secret(key, value) else value
                for key, value in environment.items()
            }
        services[name] = service
    out["services"] = services
    for section in SECTIONS:
        resources: dict[str, Any] = {
            name: _plain(resource.raw) for name, resource in getattr(project, section).items()
        }
        if section == "networks" and on_default and "default" not in resources:
            resources["default"] = {}
        if resources:
            out[section] = {
                name: _named(resources[name], name, project.name) for name in sorted(resources)
            }
    for key in sorted(project.extensions):
        out[key] = _plain(project.extensions[key])
    out = scrub(out)
    return escaped_dollars(out) if project.interpolated else out


def escaped_dollars(value: Any) -> Any:
    """A copy with every `$` of every string value (not of keys) doubled, so that compose's
    interpolation gives the value back."""
    if isinstance(value, dict):
        return {key: escaped_dollars(item) for key, item in value.items()}
    if isinstance(value, list):
        return [escaped_dollars(item) for item in value]
    if isinstance(value, str):
        return value.replace("$", "$$")
    return value


def _named(resource: Any, key: str, project_name: str) -> Any:
    """A top-level network, volume, secret or config with its engine name, as docker compose
    prints it: `<project>_<key>`, or the key for an external one."""
    resource = dict(resource) if isinstance(resource, dict) else {}
    if not resource.get("name"):
        external = resource.get("external")
        resource["name"] = key if external else f"{project_name}_{key}"
        resource = {"name": resource.pop("name"), **resource}
    return resource


def _service(service: Service) -> dict[str, Any]:
    raw = {key: _plain(value) for key, value in service.raw.items()}
    environment: dict[str, str | None] = {}
    for env_file in service.env_files:
        for variable in env_file.variables:
            environment[variable.name] = variable.value
    for variable in service.environment:
        environment[variable.name] = variable.value
    if environment or "environment" in raw:
        raw["environment"] = {key: environment[key] for key in sorted(environment)}
    for key, order in _ITEM_ORDER.items():
        if isinstance(raw.get(key), list):
            raw[key] = [_ordered(item, order) for item in raw[key]]
    return {key: raw[key] for key in sorted(raw)}


_ITEM_ORDER = {
    "ports": ("name", "target", "published", "host_ip", "protocol", "app_protocol", "mode"),
    "volumes": ("type", "source", "target", "read_only"),
    "secrets": ("source", "target", "uid", "gid", "mode"),
    "configs": ("source", "target", "uid", "gid", "mode"),
}


def _ordered(item: Any, order: tuple[str, ...]) -> Any:
    """A long-syntax entry with its usual keys first, in docker compose's order."""
    if not isinstance(item, dict):
        return item
    out = {key: item[key] for key in order if key in item}
    out.update((key, item[key]) for key in sorted(item) if key not in out)
    return out


def _plain(value: Any) -> Any:
    """A copy with only dicts, lists and scalars (tuples become lists)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
