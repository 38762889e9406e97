"""Build the object graph from loaded objects: who routes to, selects, uses or scales whom."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from kconv.graph.model import Broken, Edge, Graph, Node
from kconv.graph.references import Reference, ingress_references, pod_references, scale_target
from kconv.lint.context import LintContext
from kconv.lint.selectors import (
    is_valid_label_selector,
    label_value,
    pods_selected_by,
    service_selector,
)
from kconv.model.k8s import K8sObject

# Left to right: what traffic reaches first, then what runs, then what it uses.
KIND_RANK = {
    kind: rank
    for rank, kind in enumerate(
        (
            "Ingress",
            "Service",
            "NetworkPolicy",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "CronJob",
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "ReplicationController",
            "Job",
            "Pod",
            "Pods",
            "ConfigMap",
            "Secret",
            "PersistentVolumeClaim",
        )
    )
}
PODS_KIND = "Pods"  # the placeholder kind for "no pods match this selector"
_SKIPPED_KINDS = frozenset({"Namespace"})


def node_key(kind: str, namespace: str | None, name: str) -> str:
    return f"{kind}/{namespace or ''}/{name}"


def _sort_key(node: Node) -> tuple[bool, str, int, str, str, str]:
    return (
        node.namespace is not None,
        node.namespace or "",
        KIND_RANK.get(node.kind, len(KIND_RANK)),
        node.kind,
        node.name,
        node.key,
    )


def map_selector_text(selector: Mapping[str, Any]) -> str:
    """`app=web,tier=front` (sorted by key)."""
    return ",".join(f"{key}={label_value(selector[key])}" for key in sorted(selector, key=str))


def label_selector_text(selector: Any) -> str:
    """A LabelSelector as kubectl's `-l` syntax; `{}` is "all pods"."""
    if not is_valid_label_selector(selector):
        return "an invalid selector"
    parts = [
        f"{key}={label_value(value)}"
        for key, value in sorted((selector.get("matchLabels") or {}).items(), key=str)
    ]
    for expression in selector.get("matchExpressions") or ():
        key, operator = expression.get("key", ""), expression.get("operator")
        values = ",".join(sorted(label_value(v) for v in expression.get("values") or ()))
        if operator == "Exists":
            parts.append(str(key))
        elif operator == "DoesNotExist":
            parts.append(f"!{key}")
        else:
            parts.append(f"{key} {'in' if operator == 'In' else 'notin'} ({values})")
    return ",".join(parts) if parts else "all pods"


class _Builder:
    def __init__(self, objects: Sequence[K8sObject]) -> None:
        self.objects = [obj for obj in objects if obj.kind and obj.kind not in _SKIPPED_KINDS]
        self.ctx = LintContext(self.objects)
        self.nodes: dict[str, Node] = {}
        self.edges: dict[tuple[str, str], list[Edge]] = {}
        self.broken: list[Broken] = []

    def build(self) -> Graph:
        for obj in self.objects:
            key = self.key(obj)
            if key not in self.nodes:
                self.nodes[key] = Node(
                    key, obj.kind, obj.name, obj.namespace, location=obj.location()
                )
        for obj in self.objects:
            self.relate(obj)
        self.mark_optional()
        order = {
            node.key: rank for rank, node in enumerate(sorted(self.nodes.values(), key=_sort_key))
        }
        nodes = sorted(self.nodes.values(), key=lambda node: order[node.key])
        edges = [
            _merged(group)
            for _, group in sorted(
                self.edges.items(), key=lambda item: (order[item[0][0]], order[item[0][1]])
            )
        ]
        broken = sorted(
            set(self.broken),
            key=lambda item: (
                item.location.file,
                item.location.line or 0,
                item.location.column or 0,
                item.message,
            ),
        )
        return Graph(nodes, edges, broken)

    def mark_optional(self) -> None:
        """Missing nodes that only optional references lead to are absent, not broken."""
        required = {
            key[1] for key, edges in self.edges.items() if not all(e.optional for e in edges)
        }
        for key, node in self.nodes.items():
            if node.missing and key not in required:
                self.nodes[key] = replace(node, optional=True)

    @staticmethod
    def key(obj: K8sObject) -> str:
        return node_key(obj.kind, obj.namespace, obj.name)

    def edge(self, source: K8sObject, target: str, label: str, **flags: bool) -> None:
        edge = Edge(self.key(source), target, label, **flags)
        self.edges.setdefault((edge.source, edge.target), []).append(edge)

    def relate(self, obj: K8sObject) -> None:
        kind = obj.kind
        for reference in pod_references(obj):
            self.reference(obj, reference, "uses")
        if kind == "Ingress":
            for reference in ingress_references(obj):
                verb = "uses" if reference.kind == "Secret" else "routes to"
                self.reference(obj, reference, verb)
        elif kind == "Service":
            selector = service_selector(obj)
            if selector is not None:
                pods = pods_selected_by(self.ctx, obj)
                self.selects(
                    obj, [p.owner for p in pods], map_selector_text(selector), "/spec/selector"
                )
        elif kind == "HorizontalPodAutoscaler":
            target = scale_target(obj)
            if target is not None:
                self.reference(obj, target, "scales")
        elif kind in ("PodDisruptionBudget", "NetworkPolicy"):
            field = "/spec/podSelector" if kind == "NetworkPolicy" else "/spec/selector"
            selector = obj.get(field)
            if selector is not None:
                # as the rules see it (a policy/v1beta1 PDB's empty selector selects nothing)
                pods = pods_selected_by(self.ctx, obj)
                self.selects(obj, [p.owner for p in pods], label_selector_text(selector), field)

    def reference(self, obj: K8sObject, reference: Reference, verb: str) -> None:
        target = self.ctx.find(reference.kind, reference.name, obj.namespace)
        if target is not None:
            self.edge(obj, self.key(target), reference.label)
            return
        key = node_key(reference.kind, obj.namespace, reference.name)
        self.nodes.setdefault(
            key, Node(key, reference.kind, reference.name, obj.namespace, missing=True)
        )
        if reference.optional:
            self.edge(obj, key, reference.label, optional=True)
            return
        self.edge(obj, key, reference.label, broken=True)
        message = f"{obj.ref} {verb} {reference.kind} {reference.name}, which is missing"
        self.broken.append(Broken(message, obj.location(reference.pointer)))

    def selects(self, obj: K8sObject, owners: list[K8sObject], text: str, pointer: str) -> None:
        if owners:
            for owner in owners:
                self.edge(obj, self.key(owner), "selects")
            return
        key = node_key(PODS_KIND, obj.namespace, text)
        self.nodes.setdefault(
            key,
            Node(key, PODS_KIND, text, obj.namespace, missing=True, title=f"no pods match {text}"),
        )
        self.edge(obj, key, "selects", broken=True)
        message = f"{obj.ref} selects no pods ({text})"
        self.broken.append(Broken(message, obj.location(pointer)))


def _merged(edges: list[Edge]) -> Edge:
    """One edge per (source, target): labels joined, broken if any part is."""
    labels = sorted({edge.label for edge in edges})
    first = edges[0]
    return Edge(
        first.source,
        first.target,
        ", ".join(labels),
        broken=any(edge.broken for edge in edges),
        optional=all(edge.optional for edge in edges),
    )


def build_graph(objects: Sequence[K8sObject]) -> Graph:
    """The graph of `objects` (Namespace objects are drawn as groups, not nodes)."""
    return _Builder(objects).build()


__all__ = [
    "KIND_RANK",
    "PODS_KIND",
    "build_graph",
    "label_selector_text",
    "map_selector_text",
    "node_key",
]
