"""The graph's broken relations agree with kube-linter's and kube-score's own test fixtures.

Rows of corpora/linters/INDEX.tsv for the checks about dangling Services, Ingresses,
autoscalers and NetworkPolicies: an object expected to fail must have a broken relation in
kconv's graph, an object expected to pass must have none.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from kconv.graph import build_graph, render
from kconv.graph.build import node_key
from kconv.manifests import load_paths

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "linters"

CHECK_KINDS = {
    "dangling-service": "Service",
    "service-targets-pod": "Service",
    "dangling-ingress": "Ingress",
    "ingress-targets-service": "Ingress",
    "dangling-horizontalpodautoscaler": "HorizontalPodAutoscaler",
    "horizontalpodautoscaler-has-target": "HorizontalPodAutoscaler",
    "dangling-networkpolicy": "NetworkPolicy",
    "networkpolicy-targets-pod": "NetworkPolicy",
}
# Rows the graph deliberately disagrees with, and why.
EXCLUDED = {
    (
        "kube-linter/tests/checks/dangling-ingress.yml",
        "Ingress/bad-port",
    ): "the Service exists; a port mismatch is a lint finding (KC403), not a missing relation",
    (
        "kube-score/score/testdata/ingress_issue363.yaml",
        "Ingress/testspace/app-ingress",
    ): "a v1 Ingress written with v1beta1 fields: the graph still follows serviceName",
}


def _rows() -> list[dict[str, str]]:
    if not CORPUS.is_dir():
        return []
    with open(CORPUS / "INDEX.tsv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [
        row
        for row in rows
        if row["check"] in CHECK_KINDS
        and row["expected"] in ("pass", "fail")
        and not row["reliability"].startswith("low")
        and row["object"].split("/")[0] == CHECK_KINDS[row["check"]]
        and (row["file"], row["object"]) not in EXCLUDED
    ]


ROWS = _rows()


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpora/linters is not available")
def test_corpus_has_rows() -> None:
    assert len(ROWS) >= 40


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpora/linters is not available")
@pytest.mark.parametrize(
    "row", ROWS, ids=[f"{row['file'].split('/')[-1]}:{row['object']}" for row in ROWS]
)
def test_broken_relations_match_the_other_linters(row: dict[str, str]) -> None:
    kind, *rest = row["object"].split("/")
    namespace, name = (rest[0], rest[1]) if len(rest) == 2 else (None, rest[0])
    graph = build_graph(load_paths([str(CORPUS / row["file"])]).objects)
    key = node_key(kind, namespace, name)
    assert key in {node.key for node in graph.nodes}
    broken = [edge for edge in graph.edges if edge.source == key and edge.broken]
    if row["expected"] == "fail":
        assert broken, row["detail"]
    else:
        assert not broken, row["detail"]


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpora/linters is not available")
def test_every_corpus_manifest_draws() -> None:
    files = sorted(CORPUS.rglob("*.yaml")) + sorted(CORPUS.rglob("*.yml"))
    assert len(files) > 500
    everything = []
    for file in files:
        objects = load_paths([str(file)]).objects
        everything.extend(objects)
        graph = build_graph(objects)
        for fmt in ("mermaid", "dot"):
            assert render(graph, fmt).endswith("\n")
    graph = build_graph(everything)
    assert len(graph.nodes) > 300  # same-named objects of different files are one node
    if shutil.which("dot") is not None:  # Graphviz accepts the DOT text of all of them at once
        assert render(graph, "svg").rstrip().endswith("</svg>")
