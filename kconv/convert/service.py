"""Services from `ports` and `expose` (headless for StatefulSets)."""

from __future__ import annotations

from typing import Any

from kconv.convert.context import ServiceBuild
from kconv.convert.names import is_service_name, port_name
from kconv.convert.settings import EXTENSION
from kconv.errors import InputError
from kconv.model.location import Location


def service_ports(build: ServiceBuild) -> list[dict[str, Any]]:
    """Service ports: the published port (or the container port) to the container port."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[int, str]] = set()
    for port in (*build.service.ports, *build.service.expose):
        number = int(port.published) if port.published and port.published.isdigit() else None
        number = number or port.target
        key = (number, port.protocol)
        if key in seen:
            continue
        seen.add(key)
        name = port_name(port.name, port.protocol, number)
        if any(existing["name"] == name for existing in out):
            name = port_name(None, port.protocol, number)
        entry: dict[str, Any] = {"name": name, "port": number, "targetPort": port.target}
        if port.protocol != "tcp":
            entry["protocol"] = port.protocol.upper()
        out.append(entry)
    return out


def _setting_origin(build: ServiceBuild, key: str) -> Location:
    """Where a setting (`name`, `service_type`) was chosen: x-kconv, a label, or (not set, or
    set by a flag) the service key."""
    if build.settings.get(key) is None:
        return build.service.origin
    block = build.service.extensions.get(EXTENSION)
    return build.where(EXTENSION if isinstance(block, dict) and key in block else "labels")


def _check_name(build: ServiceBuild) -> None:
    """Service names are DNS-1035 labels: unlike other objects', they start with a letter."""
    if not is_service_name(build.name):
        raise InputError(
            f"service {build.service.name!r}: {build.name!r} cannot name a Kubernetes Service "
            "(it must start with a letter); rename the service or set x-kconv.name",
            _setting_origin(build, "name"),
        )


def _note_headless(build: ServiceBuild, wanted: str) -> None:
    """Warn that a StatefulSet's Service stays headless whatever type was asked for."""
    build.notes.warn(
        f"service {build.service.name!r}: service type {wanted} is not applied: the "
        "governing Service of a StatefulSet must be headless (clusterIP: None); add a second "
        f"{wanted} Service with the same selector for access from outside",
        _setting_origin(build, "service_type"),
    )


def service(build: ServiceBuild, selector: dict[str, str]) -> dict[str, Any] | None:
    """The Service of a compose service, or None when it has no ports (and is not stateful)."""
    ports = service_ports(build)
    wanted = build.settings.get("service_type") or build.options.service_type or "ClusterIP"
    headless = wanted == "Headless" or build.kind == "StatefulSet"
    if not ports and not headless:
        if build.kind not in ("Job", "CronJob"):
            build.info("image", "no ports or expose: no Service is created")
        return None
    _check_name(build)
    if build.kind == "StatefulSet" and wanted not in ("ClusterIP", "Headless"):
        _note_headless(build, wanted)
    spec: dict[str, Any] = {}
    kind_of_service = "ClusterIP" if headless else wanted
    if kind_of_service != "ClusterIP":
        spec["type"] = kind_of_service
    if headless:
        spec["clusterIP"] = "None"
    spec["selector"] = dict(selector)
    if ports:
        spec["ports"] = ports
    node_port = build.settings.get("node_port")
    if node_port is not None:
        if kind_of_service != "NodePort" or len(ports) != 1:
            raise InputError(
                "kompose.service.nodeport.port needs service type NodePort and exactly one port",
                build.where("labels"),
            )
        ports[0]["nodePort"] = int(node_port)
    policy = build.settings.get("external_traffic_policy")
    if policy:
        if kind_of_service in ("NodePort", "LoadBalancer"):
            spec["externalTrafficPolicy"] = policy
        else:
            build.warn("labels", "external-traffic-policy needs a NodePort or LoadBalancer Service")
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": build.metadata(),
        "spec": spec,
    }
