"""Label-selector semantics (kconv.lint.selectors) and the per-run pod index."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kconv import yamlio
from kconv.lint.context import LintContext
from kconv.lint.selectors import (
    hpas_targeting,
    is_empty_label_selector,
    is_valid_label_selector,
    label_selector_matches,
    map_selector_matches,
    pod_templates,
    pods_selected,
    pods_selected_by_map,
    services_selecting,
    workloads_selecting,
)
from kconv.manifests import ManifestSet, load_text

LABELS = {"app": "web", "tier": "frontend", "version": "3"}


def _expr(key: str, operator: str, *values: str) -> dict:
    expression: dict = {"key": key, "operator": operator}
    if values:
        expression["values"] = list(values)
    return {"matchExpressions": [expression]}


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ({}, True),
        ({"matchLabels": {}}, True),
        ({"matchLabels": {"app": "web"}}, True),
        ({"matchLabels": {"app": "web", "tier": "frontend"}}, True),
        ({"matchLabels": {"app": "api"}}, False),
        ({"matchLabels": {"missing": "x"}}, False),
        ({"matchLabels": {"version": 3}}, True),  # YAML read 3 as an int
        (_expr("tier", "In", "a", "frontend"), True),
        (_expr("tier", "In", "backend"), False),
        (_expr("nope", "In", "x"), False),
        (_expr("tier", "NotIn", "backend"), True),
        (_expr("tier", "NotIn", "frontend"), False),
        (_expr("nope", "NotIn", "x"), True),
        (_expr("app", "Exists"), True),
        (_expr("nope", "Exists"), False),
        (_expr("nope", "DoesNotExist"), True),
        (_expr("app", "DoesNotExist"), False),
        (
            {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["backend"]}],
            },
            False,
        ),
        (_expr("app", "Matches", "web"), False),
        (None, False),
        ("app=web", False),
        ({"matchLabels": ["app"]}, False),
    ],
)
def test_label_selector_matches(selector: object, expected: bool) -> None:
    assert label_selector_matches(selector, LABELS) is expected


def test_boolean_label_values_compare_as_kubernetes_strings() -> None:
    assert label_selector_matches({"matchLabels": {"canary": True}}, {"canary": "true"})
    assert map_selector_matches({"canary": "false"}, {"canary": False})


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ({"app": "web"}, True),
        ({"app": "web", "tier": "frontend"}, True),
        ({"app": "web", "tier": "backend"}, False),
        ({}, False),  # a Service without selector manages no endpoints
        (None, False),
    ],
)
def test_map_selector_matches(selector: object, expected: bool) -> None:
    assert map_selector_matches(selector, LABELS) is expected


def test_validity_and_emptiness() -> None:
    assert is_empty_label_selector({}) and is_empty_label_selector({"matchLabels": {}})
    assert not is_empty_label_selector(None)
    assert not is_empty_label_selector({"matchLabels": {"a": "b"}})
    assert is_valid_label_selector(_expr("a", "Exists"))
    assert not is_valid_label_selector(_expr("a", "Like"))
    assert not is_valid_label_selector({"matchExpressions": "a"})


label_maps = st.dictionaries(
    st.sampled_from(["app", "tier", "team", "zone"]), st.sampled_from(["a", "b", "c"]), max_size=4
)


@given(labels=label_maps, selector=label_maps)
def test_match_labels_is_subset_semantics(labels: dict, selector: dict) -> None:
    expected = all(labels.get(key) == value for key, value in selector.items())
    assert label_selector_matches({"matchLabels": selector}, labels) is expected
    # a matchLabels pair is the same requirement as `In` with one value
    expressions = [{"key": k, "operator": "In", "values": [v]} for k, v in selector.items()]
    assert label_selector_matches({"matchExpressions": expressions}, labels) is expected


@given(labels=label_maps, key=st.sampled_from(["app", "tier", "x"]), values=st.lists(st.text()))
def test_not_in_is_the_negation_of_in(labels: dict, key: str, values: list) -> None:
    in_ = {"matchExpressions": [{"key": key, "operator": "In", "values": values}]}
    not_in = {"matchExpressions": [{"key": key, "operator": "NotIn", "values": values}]}
    assert label_selector_matches(in_, labels) is not label_selector_matches(not_in, labels)


RUN = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: frontend}}
    spec: {containers: [{name: web, image: web:1}]}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, labels: {app: web}}
spec: {containers: [{name: debug, image: busybox:1}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report, namespace: shop}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        metadata: {labels: {app: report}}
        spec: {containers: [{name: report, image: report:1}]}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: canary, namespace: shop}
spec:
  template:
    metadata: {labels: {app: canary}}
    spec: {containers: [{name: canary, image: canary:1}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: external, namespace: shop}
spec: {type: ExternalName, externalName: x.example.com, selector: {app: web}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: all, namespace: shop}
spec: {selector: {}, maxUnavailable: 1}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: none, namespace: shop}
spec: {maxUnavailable: 1}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, maxReplicas: 3}
"""


@pytest.fixture
def ctx() -> LintContext:
    manifests = ManifestSet()
    load_text(manifests, RUN, "run.yaml")
    assert not manifests.problems
    return LintContext(objects=manifests.objects)


def _names(templates: list) -> list[str]:
    return sorted(template.owner.name for template in templates)


def test_pod_templates_per_namespace(ctx: LintContext) -> None:
    assert _names(pod_templates(ctx, "shop")) == ["canary", "report", "web"]
    assert _names(pod_templates(ctx, None)) == ["debug"]
    assert pod_templates(ctx, "nowhere") == []


def test_template_pointers_and_containers(ctx: LintContext) -> None:
    by_name = {template.owner.name: template for template in pod_templates(ctx, "shop")}
    assert by_name["report"].pointer == "/spec/jobTemplate/spec/template"
    assert by_name["canary"].pointer == "/spec/template"
    assert [c["name"] for c in by_name["web"].containers()] == ["web"]


def test_pods_selected_respects_namespaces_and_empty_selector(ctx: LintContext) -> None:
    assert _names(pods_selected(ctx, "shop", {"matchLabels": {"app": "web"}})) == ["web"]
    assert _names(pods_selected(ctx, None, {"matchLabels": {"app": "web"}})) == ["debug"]
    assert _names(pods_selected(ctx, "shop", {})) == ["canary", "report", "web"]
    assert pods_selected(ctx, "shop", None) == []
    assert _names(pods_selected_by_map(ctx, "shop", {"app": "report"})) == ["report"]


def test_objects_selecting_a_workload(ctx: LintContext) -> None:
    web = ctx.find("Deployment", "web", "shop")
    assert web is not None
    assert [service.name for service in services_selecting(ctx, web)] == ["web"]
    assert [pdb.name for pdb in workloads_selecting(ctx, "PodDisruptionBudget", web)] == ["all"]
    assert [hpa.name for hpa in hpas_targeting(ctx, web)] == ["web"]
    debug = ctx.find("Pod", "debug", None)
    assert debug is not None and services_selecting(ctx, debug) == []


def test_index_is_built_once_per_context(ctx: LintContext) -> None:
    first = pod_templates(ctx, "shop")
    cached = [value for key, value in vars(ctx).items() if "selector" in key]
    assert len(cached) == 1
    assert pod_templates(ctx, "shop") == first
    # a new context of other objects does not see the old index
    assert pod_templates(LintContext(objects=[]), "shop") == []


expressions = st.lists(
    st.builds(
        lambda key, operator, values: {"key": key, "operator": operator, "values": values},
        st.sampled_from(["app", "tier", "team", "zone"]),
        st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"]),
        st.lists(st.sampled_from(["a", "b", "c"]), max_size=2),
    ),
    max_size=2,
)


@given(
    pods=st.lists(st.tuples(st.sampled_from([None, "ns"]), label_maps), max_size=8),
    namespace=st.sampled_from([None, "ns"]),
    match_labels=label_maps,
    match_expressions=expressions,
)
def test_indexed_selection_equals_brute_force(
    pods: list, namespace: str | None, match_labels: dict, match_expressions: list
) -> None:
    documents = []
    for number, (pod_namespace, labels) in enumerate(pods):
        metadata = {"name": f"p{number}", "labels": labels}
        if pod_namespace:
            metadata["namespace"] = pod_namespace
        documents.append({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": {}})
    manifests = ManifestSet()
    load_text(manifests, yamlio.dump_documents(documents) if documents else "", "pods.yaml")
    ctx = LintContext(objects=manifests.objects)
    selector = {"matchLabels": match_labels, "matchExpressions": match_expressions}
    expected = [
        obj.name
        for obj in manifests.objects
        if obj.namespace == namespace and label_selector_matches(selector, obj.labels)
    ]
    assert [t.owner.name for t in pods_selected(ctx, namespace, selector)] == expected
    expected_map = [
        obj.name
        for obj in manifests.objects
        if obj.namespace == namespace and map_selector_matches(match_labels, obj.labels)
    ]
    assert [
        t.owner.name for t in pods_selected_by_map(ctx, namespace, match_labels)
    ] == expected_map
