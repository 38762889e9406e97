"""`kconv graph` and kconv.graph: golden Mermaid/DOT drawings and broken-relation lists."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kconv.cli import cli
from kconv.graph import build_graph, render
from kconv.graph.build import label_selector_text, map_selector_text
from kconv.manifests import load_paths

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted(path.name for path in (ROOT / "fixtures" / "graph").iterdir() if path.is_dir())
MANIFEST_CASES = [
    case for case in CASES if (ROOT / "fixtures" / "graph" / case / "expected.mmd").exists()
]
HAS_DOT = shutil.which("dot") is not None


@pytest.fixture(autouse=True)
def _at_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["graph", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def _expected(case: str, name: str) -> str:
    return (ROOT / "fixtures" / "graph" / case / name).read_text(encoding="utf-8")


def test_every_case_has_golden_files() -> None:
    assert set(MANIFEST_CASES) >= {"shop", "broken", "namespaces", "legacy", "tls"}
    for case in MANIFEST_CASES:
        for name in ("expected.mmd", "expected.dot", "expected.broken"):
            assert (ROOT / "fixtures" / "graph" / case / name).is_file(), (case, name)


@pytest.mark.parametrize("case", MANIFEST_CASES)
def test_mermaid_golden(case: str) -> None:
    code, out, err = _run(f"fixtures/graph/{case}")
    assert code == 0
    assert out == _expected(case, "expected.mmd")
    assert err == _expected(case, "expected.broken")


@pytest.mark.parametrize("case", MANIFEST_CASES)
def test_dot_golden(case: str) -> None:
    code, out, err = _run(f"fixtures/graph/{case}", "--format", "dot", "--quiet")
    assert code == 0
    assert out == _expected(case, "expected.dot")
    assert err == ""


@pytest.mark.parametrize("case", MANIFEST_CASES)
@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
def test_object_order_does_not_change_the_drawing(case: str, fmt: str) -> None:
    objects = load_paths([f"fixtures/graph/{case}"]).objects
    expected = render(build_graph(objects), fmt)
    shuffled = list(objects)
    random.Random(7).shuffle(shuffled)
    assert render(build_graph(shuffled), fmt) == expected
    assert render(build_graph(list(reversed(objects))), fmt) == expected


def test_same_bytes_under_different_hash_seeds() -> None:
    outputs = set()
    for seed in ("0", "1", "4242"):
        done = subprocess.run(
            [sys.executable, "-m", "kconv", "graph", "fixtures/graph", "--format", "dot"],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outputs.add((done.stdout, done.stderr))
    assert len(outputs) == 1


def test_healthy_project_has_every_relation_kind() -> None:
    graph = build_graph(load_paths(["fixtures/graph/shop"]).objects)
    assert graph.broken == []
    edges = {(edge.source, edge.target, edge.label) for edge in graph.edges}
    assert ("Ingress//shop", "Service//api", "shop.example.com/api") in edges
    assert ("Ingress//shop", "Secret//shop-tls", "tls") in edges
    assert ("Service//web", "Deployment//web", "selects") in edges
    assert ("Deployment//web", "ConfigMap//web-config", "envFrom") in edges
    assert ("Deployment//web", "Secret//registry", "pull secret") in edges
    assert ("Deployment//api", "Secret//db", "env") in edges
    assert ("Deployment//api", "PersistentVolumeClaim//uploads", "volume") in edges
    assert ("CronJob//cleanup", "ConfigMap//web-config", "volume") in edges
    assert ("HorizontalPodAutoscaler//api", "Deployment//api", "scales") in edges
    assert ("PodDisruptionBudget//api", "Deployment//api", "selects") in edges
    assert ("NetworkPolicy//backend-only", "Deployment//api", "selects") in edges
    # the empty podSelector selects every workload of the namespace
    assert sum(1 for edge in graph.edges if edge.source == "NetworkPolicy//default-deny") == 4


def test_broken_relations_are_listed_with_locations() -> None:
    graph = build_graph(load_paths(["fixtures/graph/broken"]).objects)
    listed = [str(item) for item in graph.broken]
    assert listed == [
        "fixtures/graph/broken/app.yaml:8:7: "
        "Ingress front routes to Service gone, which is missing",
        "fixtures/graph/broken/app.yaml:28:3: Service web selects no pods (app=wbe)",
        "fixtures/graph/broken/app.yaml:61:19: "
        "Deployment web uses Secret api-keys, which is missing",
        "fixtures/graph/broken/app.yaml:71:17: "
        "Deployment web uses ConfigMap web-settings, which is missing",
        "fixtures/graph/broken/app.yaml:75:13: "
        "Deployment web uses PersistentVolumeClaim web-data, which is missing",
        "fixtures/graph/broken/app.yaml:85:5: "
        "HorizontalPodAutoscaler worker scales Deployment worker, which is missing",
        "fixtures/graph/broken/app.yaml:94:3: PodDisruptionBudget web selects no pods "
        "(app=web,tier=front)",
        "fixtures/graph/broken/app.yaml:104:3: NetworkPolicy db-access selects no pods (role=db)",
    ]
    broken_edges = sorted(edge.target for edge in graph.edges if edge.broken)
    assert len(broken_edges) == len(listed)
    optional = [edge for edge in graph.edges if edge.optional]
    assert [(edge.target, edge.broken) for edge in optional] == [("ConfigMap//features", False)]


def test_broken_edges_are_red_in_both_formats() -> None:
    mermaid = _expected("broken", "expected.mmd")
    assert "linkStyle 0,2,3,4,5,7,8,9 stroke:#d00000" in mermaid
    assert 'Service_web -.->|"selects"| Pods_app_wbe' in mermaid
    dot = _expected("broken", "expected.dot")
    red = [line for line in dot.splitlines() if "->" in line and 'color="#d00000"' in line]
    assert len(red) == 8
    assert not any("ConfigMap_features" in line for line in red)


def test_certificates_issued_by_cert_manager_are_not_broken() -> None:
    graph = build_graph(load_paths(["fixtures/graph/tls"]).objects)
    tls = {edge.source: edge for edge in graph.edges if edge.label == "tls"}
    assert (tls["Ingress//issued"].optional, tls["Ingress//issued"].broken) == (True, False)
    assert (tls["Ingress//manual"].optional, tls["Ingress//manual"].broken) == (False, True)
    assert [item.message for item in graph.broken] == [
        "Ingress manual uses Secret b-tls, which is missing"
    ]
    # an ExternalName Service selects nothing and is not broken
    assert not any(edge.source == "Service//site" for edge in graph.edges)


def test_relations_stay_inside_a_namespace() -> None:
    graph = build_graph(load_paths(["fixtures/graph/namespaces"]).objects)
    edges = {(edge.source, edge.target) for edge in graph.edges}
    assert ("Service/prod/web", "Deployment/prod/web") in edges
    assert ("Deployment/prod/web", "Secret/prod/web-env") in edges
    assert ("Pod//debug", "Secret//web-env") in edges
    assert [str(item) for item in graph.broken] == [
        "fixtures/graph/namespaces/all.yaml:51:3: Service staging/web selects no pods (app=web)"
    ]
    assert all(node.kind != "Namespace" for node in graph.nodes)


def test_selector_texts() -> None:
    assert map_selector_text({"tier": "front", "app": True}) == "app=true,tier=front"
    assert label_selector_text({}) == "all pods"
    assert label_selector_text({"matchLabels": "nope"}) == "an invalid selector"
    selector = {
        "matchLabels": {"b": 1, "a": "x"},
        "matchExpressions": [
            {"key": "k", "operator": "NotIn", "values": ["z", "y"]},
            {"key": "e", "operator": "Exists"},
            {"key": "d", "operator": "DoesNotExist"},
        ],
    }
    assert label_selector_text(selector) == "a=x,b=1,k notin (y,z),e,!d"


def test_fail_on_broken_sets_exit_code_1() -> None:
    assert _run("fixtures/graph/broken", "-q", "--fail-on-broken")[0] == 1
    assert _run("fixtures/graph/shop", "-q", "--fail-on-broken")[0] == 0


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.dot"
    code, out, _ = _run("fixtures/graph/shop", "--format", "dot", "-o", str(target))
    assert code == 0
    assert out == ""
    assert target.read_text(encoding="utf-8") == _expected("shop", "expected.dot")


def test_unwritable_output_is_exit_2(tmp_path: Path) -> None:
    code, _, err = _run("fixtures/graph/shop", "-o", str(tmp_path / "missing" / "g.mmd"))
    assert code == 2
    assert err.startswith("kconv: error: ")
    assert "g.mmd: cannot write" in err


def test_stdin() -> None:
    text = (ROOT / "fixtures/graph/broken/app.yaml").read_text(encoding="utf-8")
    code, out, err = _run("-", input=text)
    assert code == 0
    assert out == _expected("broken", "expected.mmd")
    assert err.startswith("<stdin>:8:7: broken relation: Ingress front routes to Service gone")


def test_secret_values_never_appear() -> None:
    for fmt in ("mermaid", "dot"):
        code, out, err = _run("fixtures/graph/shop", "--format", fmt)
        assert code == 0
        assert "not-shown-anywhere" not in out + err


def test_usage_errors() -> None:
    code, _, err = _run()
    assert code == 2
    assert "give manifest PATHS" in err
    code, _, err = _run("fixtures/graph/does-not-exist")
    assert code == 2
    assert err == "kconv: error: fixtures/graph/does-not-exist: no such file or directory\n"
    code, _, err = _run("fixtures/graph/shop", "--format", "png")
    assert code == 2


def test_unparseable_file_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("kind: [unclosed\n", encoding="utf-8")
    code, out, err = _run(str(tmp_path))
    assert code == 0
    assert out == "flowchart LR\n"
    assert f"kconv: warning: {tmp_path / 'bad.yaml'}:" in err
    assert "kconv: warning: no Kubernetes objects found" in err


def test_compose_is_converted_first() -> None:
    code, out, err = _run("--compose", "fixtures/graph/compose/compose.yaml")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "flowchart LR"
    assert '  Service_web -->|"selects"| Deployment_web' in lines
    assert any(line.startswith("  PersistentVolumeClaim_data[") for line in lines)
    assert any("-->" in line and line.endswith("PersistentVolumeClaim_data") for line in lines)
    assert "broken relation" not in err
    assert "example-only" not in out + err


def test_compose_from_stdin_with_manifests() -> None:
    compose = (ROOT / "fixtures/graph/compose/compose.yaml").read_text(encoding="utf-8")
    compose = compose.replace("    env_file: web.env\n", "")
    code, out, err = _run(
        "--compose", "-", "fixtures/graph/namespaces", "--format", "dot", input=compose
    )
    assert code == 0, err
    assert '  Service_web -> Deployment_web [label="selects"];' in out
    assert '  Service_prod_web -> Deployment_prod_web [label="selects"];' in out
    assert "Service staging/web selects no pods" in err
    assert _run("--compose", "-", "-", input=compose)[0] == 2


def test_compose_problems_are_exit_2(tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text("services:\n  web:\n    image: [\n", encoding="utf-8")
    code, _, err = _run("--compose", str(compose))
    assert code == 2
    assert err.startswith(f"kconv: error: {compose}:")


@pytest.mark.skipif(not HAS_DOT, reason="graphviz `dot` is not installed")
def test_svg_with_graphviz(tmp_path: Path) -> None:
    target = tmp_path / "graph.svg"
    code, _, err = _run("fixtures/graph/broken", "--format", "svg", "-o", str(target))
    assert code == 0
    svg = target.read_text(encoding="utf-8")
    assert "<svg" in svg and svg.rstrip().endswith("</svg>")
    assert "no pods match" in svg
    assert "web&#45;settings" in svg or "web-settings" in svg
    assert 'stroke="#d00000"' in svg
    assert "broken relation" in err


def test_svg_without_graphviz_is_a_clear_exit_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, out, err = _run("fixtures/graph/shop", "--format", "svg")
    assert code == 2
    assert out == ""
    assert err.startswith("kconv: error: the svg format needs Graphviz's `dot` program")
    assert "install graphviz" in err


def test_selections_are_those_the_rules_see(tmp_path: Path) -> None:
    """A v1beta1 PDB's empty selector selects nothing; a Service selecting a StatefulSet's
    pod-name label (added by the controller) selects the StatefulSet."""
    (tmp_path / "all.yaml").write_text(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: kafka}\n"
        "spec:\n  replicas: 3\n  serviceName: kafka\n  selector: {matchLabels: {app: kafka}}\n"
        "  template:\n    metadata: {labels: {app: kafka}}\n"
        "    spec: {containers: [{name: k, image: 'kafka:3'}]}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: kafka-0}\n"
        "spec: {selector: {statefulset.kubernetes.io/pod-name: kafka-0}, ports: [{port: 9094}]}\n"
        "---\napiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: old}\n"
        "spec: {minAvailable: 1, selector: {}}\n"
    )
    graph = build_graph(load_paths([str(tmp_path / "all.yaml")]).objects)
    edges = {(edge.source, edge.target, edge.broken) for edge in graph.edges}
    assert ("Service//kafka-0", "StatefulSet//kafka", False) in edges
    assert not any(
        source == "PodDisruptionBudget//old" and not broken for source, _, broken in edges
    )
    assert any("PodDisruptionBudget old selects no pods" in str(item) for item in graph.broken)
