"""Per-service and per-volume settings: the `x-kconv` block, then `kompose.*` labels."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kconv.convert.cron import HINT as SCHEDULE_HINT
from kconv.convert.cron import schedule_problem
from kconv.convert.kompose_labels import read_kompose_labels
from kconv.convert.names import HOST_HINT, is_ingress_host, is_object_name
from kconv.errors import ConfigError
from kconv.model.compose import Resource, Service
from kconv.model.location import Location

EXTENSION = "x-kconv"


@dataclass(frozen=True)
class ServiceSettings:
    """Everything x-kconv and kompose labels can say about one service (a plain mapping)."""

    values: Mapping[str, Any] = field(default_factory=dict)
    unknown_labels: tuple[str, ...] = ()

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)


def _validate(block: Any, definition: str, where: Location) -> dict[str, Any]:
    import jsonschema

    from kconv.resources import load_schema

    schema = load_schema("x-kconv.schema.json")
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"#/$defs/{definition}", "$defs": schema["$defs"]}
    )
    errors = sorted(validator.iter_errors(block), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        path = ".".join(str(part) for part in first.absolute_path)
        at = f"{EXTENSION}.{path}" if path else EXTENSION
        raise ConfigError(f"{at}: {first.message}", where)
    return dict(block)


def _check_values(own: Mapping[str, Any], where: Location) -> None:
    """What the schema cannot say: a schedule and an Ingress host Kubernetes accepts."""
    schedule = own.get("schedule")
    problem = schedule_problem(schedule) if schedule and "$" not in schedule else None
    if problem:
        raise ConfigError(
            f'{EXTENSION}.schedule: "{schedule}" is not a CronJob schedule: {problem}; '
            f"use {SCHEDULE_HINT}",
            where,
        )
    ingress_class = (own.get("ingress") or {}).get("class")
    if ingress_class is not None and "$" not in ingress_class and not is_object_name(ingress_class):
        raise ConfigError(
            f'{EXTENSION}.ingress.class: "{ingress_class}" cannot name an IngressClass; use a '
            'lower-case DNS name such as "nginx"',
            where,
        )
    host = (own.get("ingress") or {}).get("host")
    if host is not None and "$" not in host and not is_ingress_host(host):
        raise ConfigError(
            f'{EXTENSION}.ingress.host: "{host}" is not a valid host name; use {HOST_HINT}', where
        )


def service_settings(service: Service) -> ServiceSettings:
    """Settings of a service: x-kconv wins over kompose labels."""
    unknown: list[str] = []
    values = read_kompose_labels(service.labels, service.where("labels"), unknown)
    block = service.extensions.get(EXTENSION)
    if block is not None:
        own = _validate(block, "service", service.where(EXTENSION))
        _check_values(own, service.where(EXTENSION))
        if "ingress" in own:
            ingress = own.pop("ingress")
            values["expose"] = [(ingress.get("host"), ingress.get("path", "/"))]
            for key, target in (("tls_secret", "tls_secret"), ("class", "ingress_class")):
                if key in ingress:
                    values[target] = ingress[key]
            if "port" in ingress:
                values["ingress_port"] = ingress["port"]
        if "service_type" in own:
            values["service_type"] = own.pop("service_type")
        values.update(own)
    return ServiceSettings(values, tuple(unknown))


def volume_settings(volume: Resource | None) -> dict[str, Any]:
    """Settings of a top-level volume: x-kconv, then its `kompose.volume.*` labels."""
    if volume is None:
        return {}
    out: dict[str, Any] = {}
    if volume.labels.get("kompose.volume.size"):
        out["size"] = str(volume.labels["kompose.volume.size"])
    if volume.labels.get("kompose.volume.selector"):
        out["selector"] = str(volume.labels["kompose.volume.selector"])
    block = volume.raw.get(EXTENSION) if isinstance(volume.raw, Mapping) else None
    if block is not None:
        out.update(_validate(block, "volume", volume.origin))
    return out
