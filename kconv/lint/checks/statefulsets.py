"""A StatefulSet's governing Service: `spec.serviceName` must name a headless Service of the run
that selects the StatefulSet's pods, or the pods get no stable DNS names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.lint.selectors import run_index, workloads_selecting
from kconv.model.k8s import K8sObject


@check("statefulset-service", cross_object=True)
def statefulset_service(params: Mapping[str, Any]) -> CheckFn:
    """StatefulSets whose serviceName is not a headless Service of the run selecting their pods."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        name = obj.get("/spec/serviceName")
        if not isinstance(name, str) or not name:
            return  # no governing Service wanted (the field is optional in recent versions)
        pointer = "/spec/serviceName"
        service = run_index(ctx).find("Service", name, obj.namespace)
        if service is None:
            if not ctx.partial:
                yield Violation(f'governing service "{name}" is not in the run', pointer)
            return
        if service.get("/spec/clusterIP") != "None":
            yield Violation(
                f'governing service "{name}" is not headless (it needs clusterIP: None)', pointer
            )
        elif service not in workloads_selecting(ctx, "Service", obj):
            yield Violation(
                f'governing service "{name}" does not select the pods of statefulset "{obj.name}"',
                pointer,
            )

    return run
