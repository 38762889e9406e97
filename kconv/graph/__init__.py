"""The object graph: Kubernetes objects and their relations, drawn as Mermaid, DOT or SVG.

`build_graph(objects)` relates Ingresses to Services, Services to the workloads they select,
workloads to the ConfigMaps, Secrets and PVCs they use, and NetworkPolicies,
HorizontalPodAutoscalers and PodDisruptionBudgets to what they select or scale. References
that lead nowhere are kept as red edges to placeholder nodes and listed in `Graph.broken`.
"""

from __future__ import annotations

from collections.abc import Callable

from kconv.graph.build import build_graph
from kconv.graph.model import Broken, Edge, Graph, Node

GRAPH_FORMATS = ("mermaid", "dot", "svg")


def renderer(name: str) -> Callable[[Graph], str]:
    """The render function of format `name` (one of GRAPH_FORMATS)."""
    if name == "mermaid":
        from kconv.graph.mermaid import render
    elif name == "dot":
        from kconv.graph.dot import render
    elif name == "svg":
        from kconv.graph.svg import render
    else:
        raise ValueError(f"unknown graph format {name!r}")
    return render


def render(graph: Graph, name: str) -> str:
    """`graph` in format `name`."""
    return renderer(name)(graph)


__all__ = ["GRAPH_FORMATS", "Broken", "Edge", "Graph", "Node", "build_graph", "render", "renderer"]
