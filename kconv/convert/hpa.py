"""Availability: HorizontalPodAutoscalers (x-kconv.autoscale, kompose.hpa.*) and
PodDisruptionBudgets for services that run more than one replica."""

from __future__ import annotations

from typing import Any

from kconv.convert.context import ServiceBuild

DEFAULT_MIN = 1
DEFAULT_MAX = 3
DEFAULT_CPU = 50


def hpa(build: ServiceBuild, workload: dict[str, Any]) -> dict[str, Any] | None:
    settings = build.settings.get("autoscale")
    if not settings:
        return None
    if build.kind not in ("Deployment", "StatefulSet"):
        build.warn("labels", f"autoscaling needs a Deployment or StatefulSet, not a {build.kind}")
        return None
    low = max(1, int(settings.get("min", DEFAULT_MIN)))
    high = max(low, int(settings.get("max", DEFAULT_MAX)))
    metrics = []
    targets = {"cpu": settings.get("cpu"), "memory": settings.get("memory")}
    if targets["cpu"] is None and targets["memory"] is None:
        targets["cpu"] = DEFAULT_CPU
    for resource in ("cpu", "memory"):
        if targets[resource] is not None:
            metrics.append(
                {
                    "type": "Resource",
                    "resource": {
                        "name": resource,
                        "target": {
                            "type": "Utilization",
                            "averageUtilization": int(targets[resource]),
                        },
                    },
                }
            )
    container = workload["spec"]["template"]["spec"]["containers"][0]
    if "requests" not in container.get("resources", {}) and "limits" not in container.get(
        "resources", {}
    ):
        build.warn(
            "labels",
            "autoscaling on utilization needs resource requests (deploy.resources.reservations)",
        )
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": build.metadata(),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": build.kind, "name": build.name},
            "minReplicas": low,
            "maxReplicas": high,
            "metrics": metrics,
        },
    }


def disruption_budget(
    build: ServiceBuild, workload: dict[str, Any], autoscaler: dict[str, Any] | None
) -> dict[str, Any] | None:
    """A PodDisruptionBudget (maxUnavailable 1) when the workload runs two or more replicas."""
    if build.kind not in ("Deployment", "StatefulSet"):
        return None
    replicas = workload["spec"].get("replicas", 1)
    if autoscaler is not None:
        replicas = autoscaler["spec"]["minReplicas"]
    if replicas < 2:
        return None
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": build.metadata(),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": build.selector}},
    }
