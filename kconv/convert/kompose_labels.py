"""kompose's `kompose.*` service labels, read with kompose's meaning (kompose.md §1.5).

`read_kompose_labels` turns the labels of a service into a dict of settings keyed like the
`x-kconv` block (see `settings.py`), so both sources are handled by the same code.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping
from typing import Any

from kconv.convert.cron import HINT as SCHEDULE_HINT
from kconv.convert.cron import schedule_problem
from kconv.convert.names import HOST_HINT, is_ingress_host, is_object_name
from kconv.convert.quantities import parse_duration
from kconv.errors import InputError
from kconv.model.location import Location

PREFIX = "kompose."
_SERVICE_TYPES = {
    "clusterip": "ClusterIP",
    "nodeport": "NodePort",
    "loadbalancer": "LoadBalancer",
    "headless": "Headless",
}
_PULL_POLICIES = {"always": "Always", "ifnotpresent": "IfNotPresent", "never": "Never"}
_CONCURRENCY = {"allow": "Allow", "forbid": "Forbid", "replace": "Replace"}
_VOLUME_TYPES = {
    v.lower(): v for v in ("persistentVolumeClaim", "emptyDir", "hostPath", "configMap")
}
_IGNORED = {
    "kompose.cmd",
    "kompose.version",
    "kompose.service.group",
    "kompose.service.expose.path",
}


def _choice(label: str, value: str, table: dict[str, str], where: Location) -> str:
    try:
        return table[value.strip().lower()]
    except KeyError:
        allowed = ", ".join(sorted(table))
        raise InputError(f"label {label}: {value!r} is not one of {allowed}", where) from None


def _integer(label: str, value: str, where: Location) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise InputError(f"label {label}: {value!r} is not a whole number", where) from None


def _port(label: str, value: str, where: Location) -> int:
    number = _integer(label, value, where)
    if not 0 < number <= 65535:
        raise InputError(f"label {label}: {value!r} is not a valid port (1-65535)", where)
    return number


def _schedule(label: str, value: str, where: Location) -> str:
    problem = schedule_problem(value) if "$" not in value else None  # "$": --no-interpolate
    if problem:
        raise InputError(
            f"label {label}: {value!r} is not a CronJob schedule: {problem}; use {SCHEDULE_HINT}",
            where,
        )
    return value


def _probe_seconds(label: str, value: str, where: Location) -> float:
    parsed = parse_duration(value)
    if parsed is None:
        raise InputError(f"label {label}: {value!r} is not a duration such as 10s", where)
    return parsed


def _test(value: str) -> tuple[str, ...]:
    words = shlex.split(value)
    if words and words[0] == "NONE":
        return ()
    if words and words[0] == "CMD-SHELL":
        return ("CMD-SHELL", " ".join(words[1:]))
    if words and words[0] == "CMD":
        words = words[1:]
    return ("CMD", *words)


def _init_command(value: str) -> list[str]:
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        return [part.strip().strip("'\"") for part in text[1:-1].split(",") if part.strip()]
    return [text]


def _expose(label: str, value: str, where: Location) -> list[tuple[str | None, str]]:
    if value.strip().lower() == "true":
        return [(None, "/")]
    rules = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        host, _, path = item.partition("/")
        if host and "$" not in host and not is_ingress_host(host):
            raise InputError(
                f"label {label}: {host!r} is not a valid host name; use {HOST_HINT}", where
            )
        rules.append((host or None, "/" + path))
    return rules


def read_kompose_labels(
    labels: Mapping[str, str], where: Location, unknown: list[str]
) -> dict[str, Any]:
    """Settings from `kompose.*` labels; unknown `kompose.*` label names are appended to unknown."""
    out: dict[str, Any] = {}
    probes: dict[str, dict[str, Any]] = {"liveness": {}, "readiness": {}}
    init: dict[str, Any] = {}
    hpa: dict[str, int] = {}
    for label in sorted(labels):
        if not label.startswith(PREFIX) or label in _IGNORED:
            continue
        value = str(labels[label])
        if label == "kompose.service.type":
            out["service_type"] = _choice(label, value, _SERVICE_TYPES, where)
        elif label == "kompose.service.nodeport.port":
            out["node_port"] = _port(label, value, where)
        elif label == "kompose.service.external-traffic-policy":
            policy = {"cluster": "Cluster", "local": "Local"}
            out["external_traffic_policy"] = _choice(label, value, policy, where)
        elif label == "kompose.service.expose":
            out["expose"] = _expose(label, value, where)
        elif label == "kompose.service.expose.tls-secret":
            out["tls_secret"] = value
        elif label == "kompose.service.expose.ingress-class-name":
            if "$" not in value and not is_object_name(value):
                raise InputError(
                    f"label {label}: {value!r} cannot name an IngressClass; use a lower-case "
                    'DNS name such as "nginx"',
                    where,
                )
            out["ingress_class"] = value
        elif label == "kompose.service.name_override":
            out["name"] = value
        elif label == "kompose.controller.type":
            table = {"deployment": "deployment", "daemonset": "daemonset"}
            table["statefulset"] = "statefulset"
            out["controller"] = _choice(label, value, table, where)
        elif label == "kompose.controller.port.expose":
            out["host_ports"] = value.strip().lower() == "true"
        elif label == "kompose.image-pull-policy":
            out["image_pull_policy"] = _choice(label, value, _PULL_POLICIES, where)
        elif label == "kompose.image-pull-secret":
            out["image_pull_secret"] = value
        elif label == "kompose.serviceaccount-name":
            out["service_account"] = value
        elif label == "kompose.security-context.fsgroup":
            out["fs_group"] = _integer(label, value, where)
        elif label == "kompose.volume.size":
            out["volume_size"] = value
        elif label == "kompose.volume.storage-class-name":
            out["storage_class"] = value
        elif label == "kompose.volume.type":
            out["volume_type"] = _choice(label, value, _VOLUME_TYPES, where)
        elif label == "kompose.volume.subpath":
            out["volume_subpath"] = value
        elif label == "kompose.cronjob.schedule":
            out["schedule"] = _schedule(label, value, where)
        elif label == "kompose.cronjob.concurrency_policy":
            out["concurrency_policy"] = _choice(label, value, _CONCURRENCY, where)
        elif label == "kompose.cronjob.backoff_limit":
            out["backoff_limit"] = _integer(label, value, where)
        elif label.startswith("kompose.init.containers."):
            field = label.removeprefix("kompose.init.containers.")
            if field not in ("name", "image", "command"):
                unknown.append(label)
                continue
            init[field] = _init_command(value) if field == "command" else value
        elif label.startswith("kompose.hpa."):
            field = label.removeprefix("kompose.hpa.")
            if field not in ("cpu", "memory", "replicas.min", "replicas.max"):
                unknown.append(label)
                continue
            try:
                hpa[field.removeprefix("replicas.")] = int(value.strip().rstrip("%"))
            except ValueError:
                unknown.append(label)
        elif label.startswith("kompose.service.healthcheck."):
            rest = label.removeprefix("kompose.service.healthcheck.")
            kind, _, field = rest.partition(".")
            if kind not in probes:
                unknown.append(label)
            elif field in ("interval", "timeout", "start_period"):
                probes[kind][field] = _probe_seconds(label, value, where)
            elif field == "retries":
                probes[kind][field] = _integer(label, value, where)
            elif field in ("http_get_port", "tcp_port"):
                probes[kind][field] = _port(label, value, where)
            elif field == "http_get_path":
                probes[kind][field] = value
            elif field == "test":
                probes[kind][field] = _test(value)
            elif field == "disable":
                probes[kind][field] = value.strip().lower() == "true"
            else:
                unknown.append(label)
        else:
            unknown.append(label)
    for kind, fields in probes.items():
        if fields:
            out[f"{kind}_probe"] = fields
    if init:
        if "image" not in init:
            raise InputError("label kompose.init.containers.image is required", where)
        out["init_container"] = init
    if hpa:
        out["autoscale"] = hpa
    if ("tls_secret" in out or "ingress_class" in out) and "expose" not in out:
        raise InputError("kompose.service.expose.* labels need kompose.service.expose", where)
    return out


def read_deploy_labels(labels: Mapping[str, str]) -> dict[str, str]:
    """`kompose.ephemeral-storage.{request,limit}` from `deploy.labels`."""
    out = {}
    for field in ("request", "limit"):
        value = labels.get(f"kompose.ephemeral-storage.{field}")
        if value:
            out[field] = str(value)
    return out
