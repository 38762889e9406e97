"""NetworkPolicies from compose `networks` (with --network-policies)."""

from __future__ import annotations

from typing import Any

from kconv.convert import labels as labels_mod
from kconv.convert.names import dns_label
from kconv.model.compose import Project, Service

LABEL_PREFIX = "network.kconv.io/"


def networks_of(service: Service) -> list[str]:
    return sorted(service.networks) or ["default"]


def network_label(network: str) -> str:
    return LABEL_PREFIX + dns_label(network)


def pod_labels(service: Service) -> dict[str, str]:
    return {network_label(n): "true" for n in networks_of(service)}


def policies(project: Project, namespace: str | None) -> list[dict[str, Any]]:
    """One policy per network: pods on a network accept traffic from pods on it."""
    names = sorted({n for s in project.services.values() for n in networks_of(s)})
    out = []
    for network in names:
        match = {"matchLabels": {network_label(network): "true"}}
        labels = {labels_mod.MANAGED_BY: "kconv"}
        part_of = labels_mod.label_value(project.name)
        if part_of:
            labels = {labels_mod.PART_OF: part_of, **labels}
        out.append(
            {
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": labels_mod.metadata(
                    dns_label(f"{project.name}-{network}"), namespace, labels
                ),
                "spec": {
                    "podSelector": match,
                    "policyTypes": ["Ingress"],
                    "ingress": [{"from": [{"podSelector": match}]}],
                },
            }
        )
    return out


def published_policy(
    name: str,
    namespace: str | None,
    labels: dict[str, str],
    selector: dict[str, str],
    ports: list[dict[str, Any]],
) -> dict[str, Any]:
    """Lets any client reach a service's published ports (they were reachable from outside)."""
    allowed = [{"protocol": p.get("protocol", "TCP"), "port": p["targetPort"]} for p in ports]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": labels_mod.metadata(f"{name}-published"[:63], namespace, labels),
        "spec": {
            "podSelector": {"matchLabels": selector},
            "policyTypes": ["Ingress"],
            "ingress": [{"ports": allowed}],
        },
    }
