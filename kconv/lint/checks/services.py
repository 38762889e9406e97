"""Services and the pods they route to: a selector that selects no pod of the run, and a
named targetPort that no selected container declares."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.lint.selectors import (
    PodTemplate,
    describe_labels,
    pods_selected_by_map,
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
        if not pods_selected_by_map(ctx, obj.namespace, selector):
            shown = describe_labels(selector)
            yield Violation(
                f'service "{obj.name}" selects no pods (selector {shown})', "/spec/selector"
            )

    return run


def _port_names(templates: Iterable[PodTemplate]) -> set[str]:
    names: set[str] = set()
    for template in templates:
        for container in template.containers():
            ports = container.get("ports")
            for port in ports if isinstance(ports, list) else ():
                if isinstance(port, dict) and port.get("name"):
                    names.add(str(port["name"]))
    return names


@check("service-target-port", cross_object=True)
def service_target_port(params: Mapping[str, Any]) -> CheckFn:
    """Service ports whose named targetPort no container of the selected pods declares."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        selector = service_selector(obj)
        ports = obj.get("/spec/ports")
        if ctx.partial or selector is None or not isinstance(ports, list):
            return  # in a partial run, selected pods may declare the port in unseen files
        named = [
            (index, port["targetPort"])
            for index, port in enumerate(ports)
            if isinstance(port, dict)
            and isinstance(port.get("targetPort"), str)
            and not port["targetPort"].isdigit()
        ]
        if not named:
            return  # numbers only: nothing to look up
        templates = pods_selected_by_map(ctx, obj.namespace, selector)
        if not templates:
            return  # nothing selected: service-selects-pods reports that
        names = _port_names(templates)
        for index, target in named:
            if target in names:
                continue
            yield Violation(
                f'targetPort "{target}" of service "{obj.name}" matches no container port '
                "of the selected pods",
                f"/spec/ports/{index}/targetPort",
            )

    return run
