"""Ingress backends must name a Service of the run and one of that Service's ports.

Both shapes are read: networking.k8s.io/v1 (`backend.service.name`, `backend.service.port.number`
or `.name`, `spec.defaultBackend`) and the older extensions / networking.k8s.io/v1beta1
(`backend.serviceName`, `backend.servicePort`, `spec.backend`). Resource backends are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.lint.selectors import run_index
from kconv.model.k8s import K8sObject


class Backend(NamedTuple):
    """One Service backend of an Ingress: the service name, its port and their pointers."""

    service: str
    service_pointer: str
    port: str | int | None
    port_pointer: str


def _backend(data: Any, pointer: str) -> Backend | None:
    if not isinstance(data, dict):
        return None
    service = data.get("service")
    if isinstance(service, dict) and isinstance(service.get("name"), str) and service["name"]:
        port = service.get("port")
        port = port if isinstance(port, dict) else {}
        key = "number" if port.get("number") is not None else "name"
        return Backend(
            str(service["name"]),
            f"{pointer}/service/name",
            port.get(key),
            f"{pointer}/service/port/{key}",
        )
    if isinstance(data.get("serviceName"), str) and data["serviceName"]:
        return Backend(
            str(data["serviceName"]),
            f"{pointer}/serviceName",
            data.get("servicePort"),
            f"{pointer}/servicePort",
        )
    return None


def backends(obj: K8sObject) -> Iterator[Backend]:
    """Every Service backend of an Ingress, default backend first."""
    for key in ("defaultBackend", "backend"):
        found = _backend(obj.get(f"/spec/{key}"), f"/spec/{key}")
        if found:
            yield found
    rules = obj.get("/spec/rules")
    for rule_index, rule in enumerate(rules if isinstance(rules, list) else ()):
        http = rule.get("http") if isinstance(rule, dict) else None
        paths = http.get("paths") if isinstance(http, dict) else None
        if not isinstance(paths, list):
            continue
        for path_index, path in enumerate(paths):
            if isinstance(path, dict):
                pointer = f"/spec/rules/{rule_index}/http/paths/{path_index}/backend"
                found = _backend(path.get("backend"), pointer)
                if found:
                    yield found


def _service_has_port(service: K8sObject, port: str | int) -> bool:
    ports = service.get("/spec/ports")
    for item in ports if isinstance(ports, list) else ():
        if not isinstance(item, dict):
            continue
        if isinstance(port, int) or (isinstance(port, str) and port.isdigit()):
            if str(item.get("port")) == str(port):
                return True
        elif item.get("name") == port:
            return True
    return False


@check("ingress-backend", cross_object=True)
def ingress_backend(params: Mapping[str, Any]) -> CheckFn:
    """Ingress backends naming a Service that is not in the run, or a port it does not have."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for backend in backends(obj):
            service = run_index(ctx).find("Service", backend.service, obj.namespace)
            if service is None:
                if not ctx.partial:
                    yield Violation(
                        f'backend service "{backend.service}" of ingress "{obj.name}" '
                        "is not in the run",
                        backend.service_pointer,
                    )
                continue
            if backend.port is None or service.get("/spec/type") == "ExternalName":
                continue
            if not _service_has_port(service, backend.port):
                port = backend.port
                shown = str(port) if isinstance(port, int) else f'"{port}"'
                yield Violation(
                    f'service "{backend.service}" has no port {shown} '
                    f'(backend of ingress "{obj.name}")',
                    backend.port_pointer,
                )

    return run
