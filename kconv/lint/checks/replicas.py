"""Availability of replicated workloads: enough replicas behind a Service, and a
PodDisruptionBudget for workloads that run several replicas."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.lint.selectors import hpas_targeting, services_selecting, workloads_selecting
from kconv.model.k8s import K8sObject

MIN_REPLICAS_PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "min-replicas": {"type": "integer", "minimum": 1, "default": 2},
    },
}


def _replicas(obj: K8sObject) -> int | None:
    """spec.replicas (1 when unset, as the API server defaults it); None when not a number."""
    value = obj.get("/spec/replicas")
    if value is None:
        return 1
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _replicas_pointer(obj: K8sObject) -> str:
    return "/spec/replicas" if obj.has("/spec/replicas") else "/spec"


@check("min-replicas", params=MIN_REPLICAS_PARAMS, cross_object=True)
def min_replicas(params: Mapping[str, Any]) -> CheckFn:
    """Workloads behind a Service that run fewer replicas than the minimum (no HPA)."""
    minimum = int(params.get("min-replicas", 2))

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        replicas = _replicas(obj)
        # replicas: 0 is a workload parked on purpose; an HPA owns the replica count (and in a
        # partial run the HPA may be in a file this run did not see).
        if replicas is None or replicas == 0 or replicas >= minimum or ctx.partial:
            return
        if hpas_targeting(ctx, obj):
            return
        services = sorted(service.name for service in services_selecting(ctx, obj))
        if not services:
            return
        noun = "replica" if replicas == 1 else "replicas"
        yield Violation(
            f'{obj.kind.lower()} "{obj.name}" runs {replicas} {noun} behind service '
            f'"{services[0]}"; at least {minimum} are needed to stay available during rollouts',
            _replicas_pointer(obj),
        )

    return run


def _hpa_min_replicas(ctx: LintContext, obj: K8sObject) -> int | None:
    values = [hpa.get("/spec/minReplicas") for hpa in hpas_targeting(ctx, obj)]
    numbers = [value if isinstance(value, int) else 1 for value in values]
    return max(numbers) if numbers else None


PDB_PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "min-replicas": {
            "type": "integer",
            "minimum": 1,
            "default": 2,
            "description": "Require a budget from this many replicas on (unset replicas = 1).",
        },
    },
}


@check("pod-disruption-budget", params=PDB_PARAMS, cross_object=True)
def pod_disruption_budget(params: Mapping[str, Any]) -> CheckFn:
    """Replicated workloads (2 or more replicas) that no PodDisruptionBudget covers."""
    minimum = int(params.get("min-replicas", 2))

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        if ctx.partial:
            return
        replicas = _hpa_min_replicas(ctx, obj)
        if replicas is None:
            replicas = _replicas(obj)  # unset means 1 (kube-score #536)
        if replicas is None or replicas == 0 or replicas < minimum:
            return
        if workloads_selecting(ctx, "PodDisruptionBudget", obj):
            return
        noun = "replica" if replicas == 1 else "replicas"
        yield Violation(
            f'{obj.kind.lower()} "{obj.name}" runs {replicas} {noun} but no '
            "PodDisruptionBudget selects its pods",
            _replicas_pointer(obj) if obj.has("/spec/replicas") else "/metadata/name",
        )

    return run
