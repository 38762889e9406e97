"""Render the object graph as a Mermaid flowchart (GitHub and GitLab render it in Markdown)."""

from __future__ import annotations

from kconv.graph.model import Graph, Node

_CLASSES = {
    "network": "fill:#e6f4ea,stroke:#188038,color:#0d652d",
    "workload": "fill:#e8f0fe,stroke:#1a73e8,color:#174ea6",
    "config": "fill:#fef7e0,stroke:#f9ab00,color:#8c5e00",
    "policy": "fill:#f3e8fd,stroke:#9334e6,color:#681da8",
    "other": "fill:#f1f3f4,stroke:#5f6368,color:#3c4043",
    "absent": "fill:#f1f3f4,stroke:#9aa0a6,color:#5f6368,stroke-dasharray:4 3",
    "missing": "fill:#fce8e6,stroke:#d00000,color:#d00000,stroke-dasharray:4 3",
}
_RED = "stroke:#d00000,color:#d00000,stroke-width:2px"
_GREY = "stroke:#9aa0a6,color:#5f6368"


def _text(value: str) -> str:
    """Text inside `"..."` in Mermaid: quotes and angle brackets as entity codes."""
    return (
        value.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")
    )


def _node(node: Node, node_id: str, indent: str) -> str:
    label = "<br/>".join(_text(line) for line in node.lines())
    return f'{indent}{node_id}["{label}"]:::{node.group}'


def render(graph: Graph) -> str:
    """The graph as a `flowchart LR`; one subgraph per namespace when namespaces are written."""
    ids = graph.ids()
    lines = ["flowchart LR"]
    namespaces = graph.namespaces()
    for number, namespace in enumerate(namespaces):
        members = [node for node in graph.nodes if node.namespace == namespace]
        if namespace is None:
            lines.extend(_node(node, ids[node.key], "  ") for node in members)
            continue
        lines.append(f'  subgraph ns_{number}["namespace {_text(namespace)}"]')
        lines.extend(_node(node, ids[node.key], "    ") for node in members)
        lines.append("  end")
    red: list[str] = []
    grey: list[str] = []
    for index, edge in enumerate(graph.edges):
        arrow = "-.->" if edge.broken or edge.optional else "-->"
        lines.append(f'  {ids[edge.source]} {arrow}|"{_text(edge.label)}"| {ids[edge.target]}')
        if edge.broken:
            red.append(str(index))
        elif edge.optional:
            grey.append(str(index))
    used = sorted({node.group for node in graph.nodes})
    lines.extend(f"  classDef {group} {_CLASSES[group]}" for group in used)
    if red:
        lines.append(f"  linkStyle {','.join(red)} {_RED}")
    if grey:
        lines.append(f"  linkStyle {','.join(grey)} {_GREY}")
    return "\n".join(lines) + "\n"
