"""Render the object graph in Graphviz DOT (what `dot -Tsvg` turns into a picture)."""

from __future__ import annotations

from kconv.graph.model import Graph, Node

_FILL = {
    "network": "#e6f4ea",
    "workload": "#e8f0fe",
    "config": "#fef7e0",
    "policy": "#f3e8fd",
    "other": "#f1f3f4",
    "absent": "#ffffff",
    "missing": "#fce8e6",
}
_RED = "#d00000"


def quote(value: str) -> str:
    """A DOT double-quoted string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _node(node: Node, node_id: str, indent: str) -> str:
    attributes = [f"label={quote(chr(10).join(node.lines()))}", f'fillcolor="{_FILL[node.group]}"']
    if node.optional:
        attributes.append('color="#9aa0a6", fontcolor="#5f6368", style="rounded,filled,dashed"')
    elif node.missing:
        attributes.append(f'color="{_RED}", fontcolor="{_RED}", style="rounded,filled,dashed"')
    return f"{indent}{node_id} [{', '.join(attributes)}];"


def render(graph: Graph) -> str:
    """The graph as a `digraph` laid out left to right; one cluster per written namespace."""
    ids = graph.ids()
    lines = [
        "digraph kconv {",
        "  rankdir=LR;",
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for number, namespace in enumerate(graph.namespaces()):
        members = [node for node in graph.nodes if node.namespace == namespace]
        if namespace is None:
            lines.extend(_node(node, ids[node.key], "  ") for node in members)
            continue
        lines.append(f"  subgraph cluster_{number} {{")
        lines.append(f'    label={quote("namespace " + namespace)}; style=dashed; color="#9aa0a6";')
        lines.extend(_node(node, ids[node.key], "    ") for node in members)
        lines.append("  }")
    for edge in graph.edges:
        attributes = [f"label={quote(edge.label)}"]
        if edge.broken:
            attributes.append(f'color="{_RED}", fontcolor="{_RED}", style=dashed, penwidth=2')
        elif edge.optional:
            attributes.append('color="#9aa0a6", style=dashed')
        lines.append(f"  {ids[edge.source]} -> {ids[edge.target]} [{', '.join(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
