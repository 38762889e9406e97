"""Ingresses (networking.k8s.io/v1) from x-kconv, kompose.service.expose or --ingress-host."""

from __future__ import annotations

from typing import Any

from kconv.convert.context import ServiceBuild
from kconv.convert.settings import EXTENSION
from kconv.errors import InputError


def ingress(
    build: ServiceBuild, service_body: dict[str, Any] | None, default_host: str | None
) -> dict[str, Any] | None:
    """The Ingress of a service when exposure was asked for (None otherwise)."""
    rules_wanted: list[tuple[str | None, str]] = list(build.settings.get("expose") or [])
    if not rules_wanted and default_host:
        rules_wanted = [(default_host, "/")]
    if not rules_wanted:
        return None
    ports = (service_body or {}).get("spec", {}).get("ports") or []
    if not ports:
        build.warn("labels", "exposure asked for, but the service has no ports: no Ingress")
        return None
    wanted_port = build.settings.get("ingress_port")
    if wanted_port and all(port["port"] != wanted_port for port in ports):
        offered = ", ".join(str(port["port"]) for port in ports)
        raise InputError(
            f"service {build.service.name!r}: x-kconv.ingress.port {wanted_port} is not a port "
            f"of its Service (its ports: {offered})",
            build.where(EXTENSION),
        )
    number = wanted_port if wanted_port else ports[0]["port"]
    backend = {"service": {"name": build.name, "port": {"number": number}}}
    by_host: dict[str | None, list[str]] = {}
    for host, path in rules_wanted:
        by_host.setdefault(host, []).append(path or "/")
    rules = []
    for host, paths in by_host.items():
        rule: dict[str, Any] = {}
        if host:
            rule["host"] = host
        rule["http"] = {
            "paths": [{"path": p, "pathType": "Prefix", "backend": backend} for p in paths]
        }
        rules.append(rule)
    spec: dict[str, Any] = {}
    ingress_class = build.settings.get("ingress_class") or build.options.ingress_class
    if ingress_class:
        spec["ingressClassName"] = ingress_class
    tls_secret = build.settings.get("tls_secret")
    if tls_secret:
        tls: dict[str, Any] = {"hosts": sorted(h for h in by_host if h)}
        if str(tls_secret).lower() != "true":
            tls["secretName"] = tls_secret
        spec["tls"] = [tls]
    spec["rules"] = rules
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": build.metadata(),
        "spec": spec,
    }
