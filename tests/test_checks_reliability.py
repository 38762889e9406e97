"""Reliability and resource checks (KC2xx): params, edge cases and the CLI path.

The fixture pairs in fixtures/rules/KC2*/ are run by tests/test_rules.py; these tests cover what
one fixture pair per rule cannot: non-default params, partial runs and Kubernetes defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kconv import yamlio
from kconv.cli import cli
from kconv.lint.checks import load_all
from kconv.lint.context import LintContext
from kconv.lint.registry import load_rules
from kconv.lint.rule import CHECKS
from kconv.manifests import ManifestSet, load_text
from kconv.model.k8s import kind_matches

load_all()
# the kinds each check is applied to, as the engine does (from the rule specs that use it)
KINDS = {spec.check: spec.kinds for spec in load_rules() if spec.id[:3] in ("KC2", "KC4")}


def run_check(
    key: str, text: str, params: Mapping[str, Any] | None = None, *, partial: bool = False
) -> list[tuple[str, int, str]]:
    """(object name, line, message) of every violation of check `key` over all objects."""
    manifests = ManifestSet()
    load_text(manifests, text, "input.yaml")
    assert not manifests.problems, manifests.problems
    ctx = LintContext(objects=manifests.objects, partial=partial)
    run = CHECKS[key].factory(dict(params or {}))
    kinds = KINDS[key]
    found = []
    for obj in (obj for obj in manifests.objects if kind_matches(obj.kind, kinds)):
        for violation in run(obj, ctx):
            found.append((obj.name, obj.location(violation.pointer).line, violation.message))
    return found


def deployment(name: str, containers: str, *, extra_spec: str = "", labels: str = "") -> str:
    labels = labels or f"app: {name}"
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
{extra_spec}  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{{labels}}}}}
    spec:
      containers:
{containers}"""


TWO = """\
        - {name: app, image: example/app:1}
        - {name: worker, image: example/worker:1}
"""


def test_sidecar_allow_list_is_a_param() -> None:
    text = deployment("web", TWO)
    assert [m for _, _, m in run_check("single-container", text)] == [
        'pod runs 2 main containers: "app", "worker"'
    ]
    assert run_check("single-container", text, {"allowed-names": ["worker"]}) == []
    assert run_check("single-container", text, {"allowed-images": [r"^example/worker:"]}) == []
    # replacing the list drops the defaults
    mesh = "        - {name: app, image: a:1}\n        - {name: istio-proxy, image: b:1}\n"
    assert run_check("single-container", deployment("web", mesh)) == []
    assert len(run_check("single-container", deployment("web", mesh), {"allowed-names": []})) == 1


def test_shipped_sidecar_images_are_compiled_only_for_pods_with_two_containers() -> None:
    from kconv.lint.checks import containers

    containers._default_images.cache_clear()
    one = deployment("web", "        - {name: app, image: a:1}\n")
    assert run_check("single-container", one) == []
    assert containers._default_images.cache_info().misses == 0  # a pre-commit run's usual case
    mesh = (
        "        - {name: app, image: a:1}\n        - {name: p, image: docker.io/istio/proxyv2:1}\n"
    )
    assert run_check("single-container", deployment("web", mesh)) == []  # the image is known
    assert containers._default_images.cache_info().misses == 1


@pytest.mark.parametrize(
    "image",
    [
        "docker.io/istio/proxyv2:1.20",
        "istio/proxyv2",
        "cr.l5d.io/linkerd/proxy@sha256:abc",
        "envoyproxy/envoy-distroless:v1.29",
        "gcr.io/cloudsql-docker/gce-proxy:1.33",
        "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2",
        "hashicorp/vault:1.15",
        "hashicorp/consul-dataplane:1.3",
        "daprio/daprd:1.12",
        "example/istio/proxyv2x:1",  # not a known image: a longer name
        "myistio/proxyv2:1",
        "hashicorp/vault-k8s:1",
        "nginx:1.27",
        "",
    ],
)
def test_shipped_sidecar_images_match_as_each_pattern_alone(image: str) -> None:
    """The shipped patterns are searched as one union: it matches exactly the images that
    one of them matches."""
    import re

    from kconv.lint.checks import containers

    alone = any(re.search(source, image) for source in containers.DEFAULT_SIDECAR_IMAGES)
    (union,) = containers._default_images()
    assert (union.search(image) is not None) == alone


def test_native_sidecars_in_init_containers_do_not_count() -> None:
    text = deployment("web", "        - {name: app, image: a:1}\n").replace(
        "      containers:",
        "      initContainers:\n        - {name: log, image: l:1, restartPolicy: Always}\n"
        "      containers:",
    )
    assert run_check("single-container", text) == []


def test_bad_sidecar_image_pattern_is_rejected() -> None:
    with pytest.raises(ValueError, match="allowed-images"):
        CHECKS["single-container"].factory({"allowed-images": ["("]})


SERVICE = """\
---
apiVersion: v1
kind: Service
metadata: {name: %s}
spec: {selector: {app: web}, ports: [{port: 80}]}
"""


def test_readiness_services_only_param() -> None:
    alone = deployment("web", "        - {name: app, image: a:1}\n")
    assert run_check("readiness-probe", alone, {"services-only": True}) == []
    assert [m for _, _, m in run_check("readiness-probe", alone)] == [
        'container "app" has no readinessProbe'
    ]
    behind = alone + SERVICE % "front" + SERVICE % "admin"
    assert [m for _, _, m in run_check("readiness-probe", behind, {"services-only": True})] == [
        'container "app" has no readinessProbe although services "admin", "front" send '
        "traffic to it"
    ]


def test_probe_port_reads_digit_strings_as_port_names() -> None:
    # the API server reads a string port as a port name: "8080" is not port 8080
    container = """\
        - name: app
          image: a:1
          ports: [{containerPort: 8080, name: http}]
          livenessProbe: {httpGet: {port: "8080"}}
          readinessProbe: {httpGet: {port: http}}
          startupProbe: {tcpSocket: {port: 8080}}
"""
    found = run_check("probe-port", deployment("web", container))
    assert found == [
        (
            "web",
            13,
            'livenessProbe of container "app" uses port "8080", which the container does not '
            "declare (a string port is a port name; write 8080 without quotes)",
        )
    ]


def test_identical_probes_needs_both() -> None:
    container = "        - {name: app, image: a:1, livenessProbe: {exec: {command: [x]}}}\n"
    assert run_check("identical-probes", deployment("web", container)) == []


def test_resource_requirements_params() -> None:
    container = """\
        - name: app
          image: a:1
          resources: {requests: {cpu: 100m, memory: 64Mi}}
"""
    init = "      initContainers:\n        - {name: init, image: i:1}\n      containers:"
    text = deployment("web", container).replace("      containers:", init)
    found = run_check("resource-requirements", text, {"resource": "memory", "requests": True})
    assert [m for _, _, m in found] == [
        'container "init" has no memory request and no memory limit',
        'container "app" has no memory limit',
    ]
    found = run_check(
        "resource-requirements", text, {"resource": "memory", "init-containers": False}
    )
    assert [m for _, _, m in found] == ['container "app" has no memory limit']
    found = run_check("resource-requirements", text, {"resource": "ephemeral-storage"})
    assert len(found) == 2


def test_limit_range_only_counts_in_its_namespace() -> None:
    limit_range = """\
---
apiVersion: v1
kind: LimitRange
metadata: {name: defaults, namespace: %s}
spec: {limits: [{type: Container, default: {memory: 1Gi}}]}
"""
    text = deployment("web", "        - {name: app, image: a:1}\n")
    params = {"resource": "memory"}
    assert run_check("resource-requirements", text + limit_range % "other", params) != []
    no_namespace = limit_range.replace(", namespace: %s", "")
    assert run_check("resource-requirements", text + no_namespace, params) == []


HPA = """\
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web%s}
spec: {scaleTargetRef: {kind: Deployment, name: web}, minReplicas: 3, maxReplicas: 9}
"""


def test_min_replicas_param_and_hpa_namespace() -> None:
    two = deployment("web", "        - {name: a, image: a:1}\n", extra_spec="  replicas: 2\n")
    behind = two + SERVICE % "web"
    assert run_check("min-replicas", behind) == []
    assert [m for _, _, m in run_check("min-replicas", behind, {"min-replicas": 3})] == [
        'deployment "web" runs 2 replicas behind service "web"; at least 3 are needed to stay '
        "available during rollouts"
    ]
    assert run_check("min-replicas", behind + HPA % "", {"min-replicas": 3}) == []
    assert run_check("min-replicas", behind, {"min-replicas": 3}, partial=True) == []
    other_namespace = HPA.replace("name: web%s}", "name: web, namespace: x}")
    assert run_check("min-replicas", behind + other_namespace, {"min-replicas": 3}) != []


def test_pod_disruption_budget_params_and_partial_runs() -> None:
    one = deployment("web", "        - {name: a, image: a:1}\n")
    three = deployment("web", "        - {name: a, image: a:1}\n", extra_spec="  replicas: 3\n")
    assert run_check("pod-disruption-budget", one) == []
    assert [m for _, _, m in run_check("pod-disruption-budget", one, {"min-replicas": 1})] == [
        'deployment "web" runs 1 replica but no PodDisruptionBudget selects its pods'
    ]
    assert len(run_check("pod-disruption-budget", three)) == 1
    assert run_check("pod-disruption-budget", three, partial=True) == []
    # an HPA's minReplicas replaces spec.replicas
    assert len(run_check("pod-disruption-budget", one + HPA % "")) == 1


def test_job_without_spec_is_located_at_the_object() -> None:
    text = "apiVersion: batch/v1\nkind: Job\nmetadata: {name: bare}\n"
    assert run_check("job-ttl", text) == [("bare", 1, 'job "bare" has no ttlSecondsAfterFinished')]


def test_cli_reports_reliability_findings(tmp_path: Path) -> None:
    manifest = tmp_path / "web.yaml"
    manifest.write_text(deployment("web", "        - {name: app, image: a:1}\n"))
    result = CliRunner().invoke(
        cli, ["lint", "--select", "KC202,KC206", "--fail-on", "warning", str(manifest)]
    )
    assert result.exit_code == 1, result.output
    assert f"{manifest}:10:11: warning KC202" in result.output
    assert f"{manifest}:10:11: warning KC206" in result.output
    result = CliRunner().invoke(cli, ["lint", "--select", "KC202", str(manifest)])
    assert result.exit_code == 0, result.output  # warnings do not fail by default


# -- robustness: malformed objects never crash a check --------------------------------------------

MY_CHECKS = sorted(KINDS)
junk = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 70000) | st.sampled_from(["", "x", "http", "80"]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "port",
                    "ports",
                    "selector",
                    "matchLabels",
                    "matchExpressions",
                    "key",
                    "operator",
                    "values",
                    "labels",
                    "containers",
                    "env",
                    "valueFrom",
                    "replicas",
                    "template",
                    "spec",
                    "metadata",
                    "service",
                    "backend",
                    "rules",
                    "http",
                    "paths",
                    "scaleTargetRef",
                    "kind",
                    "resources",
                    "requests",
                    "limits",
                    "readinessProbe",
                    "httpGet",
                    "targetPort",
                    "configMapKeyRef",
                    "secretRef",
                    "volumes",
                    "items",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)
BASE_POINTERS = [
    "/spec",
    "/spec/template",
    "/spec/template/spec",
    "/spec/selector",
    "/spec/template/spec/containers",
    "/spec/template/metadata/labels",
    "/spec/ports",
    "/spec/rules",
    "/spec/scaleTargetRef",
    "/spec/podSelector",
]


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(
        [
            "Deployment",
            "Pod",
            "CronJob",
            "Job",
            "StatefulSet",
            "ReplicationController",
            "Service",
            "Ingress",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "NetworkPolicy",
            "LimitRange",
            "ConfigMap",
        ]
    ),
    pointer=st.sampled_from(BASE_POINTERS),
    value=junk,
)
def test_checks_survive_malformed_objects(kind: str, pointer: str, value: object) -> None:
    body: dict = {"apiVersion": "v1", "kind": kind, "metadata": {"name": "x"}}
    node = body
    tokens = pointer.strip("/").split("/")
    for token in tokens[:-1]:
        node = node.setdefault(token, {})
    node[tokens[-1]] = value
    text = yamlio.dump_yaml(body)
    manifests = ManifestSet()
    load_text(manifests, text + "---\n" + text.replace("name: x", "name: y"), "fuzz.yaml")
    ctx = LintContext(objects=manifests.objects)
    for key in MY_CHECKS:
        params = {"resource": "cpu"} if key == "resource-requirements" else {}
        run = CHECKS[key].factory(params)
        for obj in manifests.objects:
            for violation in run(obj, ctx):
                assert violation.message and violation.message[0].islower()
                obj.location(violation.pointer)  # every pointer resolves to a location
