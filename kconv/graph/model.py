"""The object graph: nodes (objects, or objects that are referenced but missing) and edges."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kconv.model.location import Location

KIND_GROUP = {
    **dict.fromkeys(("Ingress", "Service"), "network"),
    **dict.fromkeys(
        (
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "ReplicationController",
            "Job",
            "CronJob",
            "Pod",
        ),
        "workload",
    ),
    **dict.fromkeys(("ConfigMap", "Secret", "PersistentVolumeClaim"), "config"),
    **dict.fromkeys(("NetworkPolicy", "HorizontalPodAutoscaler", "PodDisruptionBudget"), "policy"),
}


@dataclass(frozen=True)
class Node:
    """One object of the run, or a placeholder for a referenced object that is not there.

    `key` is unique and stable (`Kind/namespace/name`); `missing` nodes stand for a reference
    to an object the inputs do not contain, or for "no pods" when a selector matches nothing.
    """

    key: str
    kind: str
    name: str
    namespace: str | None
    missing: bool = False
    location: Location | None = None
    title: str | None = None  # shown instead of the default label (e.g. "no pods match ...")
    optional: bool = False  # missing, but only referenced with `optional: true`

    @property
    def label(self) -> str:
        if self.title is not None:
            return self.title
        name = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return " ".join([self.kind, name, *self.lines()[2:]])

    def lines(self) -> list[str]:
        """The node's text as lines: the kind, then the name (or the title's words)."""
        if self.title is not None:
            head, _, tail = self.title.partition(" match ")
            return [f"{head} match", tail] if tail else [head]
        if not self.missing:
            return [self.kind, self.name]
        return [self.kind, self.name, "(optional, absent)" if self.optional else "(missing)"]

    @property
    def group(self) -> str:
        """The colour group: network, workload, config, policy, other or missing."""
        if self.missing:
            return "absent" if self.optional else "missing"
        return KIND_GROUP.get(self.kind, "other")


@dataclass(frozen=True)
class Edge:
    """A relation: `source` uses, selects, routes to or scales `target` (node keys)."""

    source: str
    target: str
    label: str
    broken: bool = False
    optional: bool = False


@dataclass(frozen=True)
class Broken:
    """A broken relation, for the list on stderr: where it is written and what is wrong."""

    message: str
    location: Location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class Graph:
    """Nodes in a stable order, edges in a stable order, and the broken relations."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    broken: list[Broken] = field(default_factory=list)

    def ids(self) -> dict[str, str]:
        """A short identifier for every node key, safe in Mermaid and DOT (`Deployment_web`)."""
        result: dict[str, str] = {}
        taken: set[str] = set()
        for node in self.nodes:
            base = re.sub(r"[^A-Za-z0-9]+", "_", node.key).strip("_") or "node"
            candidate, number = base, 2
            while candidate in taken:
                candidate, number = f"{base}_{number}", number + 1
            taken.add(candidate)
            result[node.key] = candidate
        return result

    def namespaces(self) -> list[str | None]:
        """The namespaces of the nodes, None (no namespace written) first."""
        found = {node.namespace for node in self.nodes}
        return sorted(found, key=lambda value: (value is not None, value or ""))
