"""Services and the pods they route to: a selector that selects no pod of the run, and a
named targetPort that no selected container declares.

A named targetPort is resolved as Kubernetes' FindPort does: by a port of that name and of the
Service port's protocol (TCP when unset, on both sides), among the regular containers and the
native sidecars (init containers with `restartPolicy: Always`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.lint.selectors import (
    PodTemplate,
    describe_labels,
    pods_selected_by,
    service_selector,
)
from kconv.model.k8s import K8sObject


@check("service-selects-pods", cross_object=True)
def service_selects_pods(params: Mapping[str, Any]) -> CheckFn:
    """Services whose selector selects no pod template of the run (same namespace)."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        selector = service_selector(obj)
        if ctx.partial or selector is None:
            return
        if not pods_selected_by(ctx, obj):
            shown = describe_labels(selector)
            yield Violation(
                f'service "{obj.name}" selects no pods (selector {shown})', "/spec/selector"
            )

    return run


def _protocol(port: Mapping[str, Any]) -> str:
    """A port's protocol, TCP when unset (as the API server defaults it)."""
    return str(port.get("protocol") or "TCP").upper()


def _serving_containers(template: PodTemplate) -> Iterator[dict[str, Any]]:
    """The containers whose ports a Service can target: regular ones and native sidecars."""
    yield from template.containers()
    init = template.spec.get("initContainers")
    for container in init if isinstance(init, list) else ():
        if isinstance(container, dict) and container.get("restartPolicy") == "Always":
            yield container


def _named_ports(templates: Iterable[PodTemplate]) -> dict[str, set[str]]:
    """The protocols of each named container port of `templates`."""
    named: dict[str, set[str]] = {}
    for template in templates:
        for container in _serving_containers(template):
            ports = container.get("ports")
            for port in ports if isinstance(ports, list) else ():
                if isinstance(port, dict) and port.get("name"):
                    named.setdefault(str(port["name"]), set()).add(_protocol(port))
    return named


def _target_problem(target: str, protocol: str, named: Mapping[str, set[str]]) -> str | None:
    """What keeps `target` from resolving in the selected pods, or None when it resolves."""
    protocols = named.get(target)
    if protocols is None and target.isascii() and target.isdigit():
        # a quoted number is a port name to the API server (kubernetes-schema reports it too)
        return (
            "matches no container port of the selected pods: a string targetPort is a port "
            f"name; write {int(target)} without quotes"
        )
    if protocols is None:
        return "matches no container port of the selected pods"
    if protocol in protocols:
        return None
    shown = "/".join(sorted(protocols))
    return (
        f'matches no {protocol} container port of the selected pods (they declare "{target}" '
        f"as {shown})"
    )


@check("service-target-port", cross_object=True)
def service_target_port(params: Mapping[str, Any]) -> CheckFn:
    """Service ports whose named targetPort no container of the selected pods declares (with
    the Service port's protocol)."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        selector = service_selector(obj)
        ports = obj.get("/spec/ports")
        if ctx.partial or selector is None or not isinstance(ports, list):
            return  # in a partial run, selected pods may declare the port in unseen files
        targets = [
            (index, port["targetPort"], _protocol(port))
            for index, port in enumerate(ports)
            if isinstance(port, dict) and isinstance(port.get("targetPort"), str)
        ]
        if not targets:
            return  # numbers only: nothing to look up (a quoted number is a name)
        templates = pods_selected_by(ctx, obj)
        if not templates:
            return  # nothing selected: service-selects-pods reports that
        named = _named_ports(templates)
        for index, target, protocol in targets:
            problem = _target_problem(target, protocol, named)
            if problem is not None:
                yield Violation(
                    f'targetPort "{target}" of service "{obj.name}" {problem}',
                    f"/spec/ports/{index}/targetPort",
                )

    return run
