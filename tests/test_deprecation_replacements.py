"""The replacement a deprecation entry advises is one the target Kubernetes version serves."""

from __future__ import annotations

from pathlib import Path

import pytest

from kconv.lint.deprecations import lookup


@pytest.mark.parametrize(
    ("api_version", "kind", "target", "advice"),
    [
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", (1, 24), "v1beta2"),
        ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", (1, 26), "v1beta3"),
        ("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", (1, 28), "v1beta3"),
        ("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", (1, 29), "v1"),
        ("autoscaling/v2beta1", "HorizontalPodAutoscaler", (1, 22), "autoscaling/v2beta2"),
        ("autoscaling/v2beta1", "HorizontalPodAutoscaler", (1, 23), "autoscaling/v2"),
        ("extensions/v1beta1", "Ingress", (1, 15), "networking.k8s.io/v1beta1"),
        ("extensions/v1beta1", "Ingress", (1, 18), "networking.k8s.io/v1beta1"),
        ("extensions/v1beta1", "Ingress", (1, 19), "networking.k8s.io/v1"),
        ("resource.k8s.io/v1alpha3", "ResourceClaim", (1, 32), "resource.k8s.io/v1beta1"),
        ("resource.k8s.io/v1alpha3", "DeviceClass", (1, 33), "resource.k8s.io/v1beta2"),
        ("resource.k8s.io/v1alpha3", "ResourceClaim", (1, 34), "resource.k8s.io/v1"),
        ("extensions/v1beta1", "Deployment", (1, 16), "apps/v1"),
        ("policy/v1beta1", "PodDisruptionBudget", (1, 40), "policy/v1"),
    ],
)
def test_advice_names_a_replacement_the_target_serves(
    api_version: str, kind: str, target: tuple[int, int], advice: str
) -> None:
    entry = lookup(api_version, kind)
    assert entry is not None
    expected = advice if "/" in advice else f"flowcontrol.apiserver.k8s.io/{advice}"
    assert entry.advice(target) == f'use "{expected}"'


def test_advice_without_a_target_and_for_kinds_without_replacement() -> None:
    entry = lookup("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema")
    assert entry is not None and entry.advice() == 'use "flowcontrol.apiserver.k8s.io/v1"'
    endpoints = lookup("v1", "Endpoints")
    assert endpoints is not None
    assert endpoints.advice((1, 33)) == 'use EndpointSlice of "discovery.k8s.io/v1"'
    psp = lookup("policy/v1beta1", "PodSecurityPolicy")
    assert psp is not None and "Pod Security Admission" in psp.advice((1, 21))


def test_the_findings_name_the_replacement_the_target_serves(tmp_path: Path) -> None:
    from kconv.lint.engine import lint
    from kconv.manifests import load_paths

    path = tmp_path / "flow.yaml"
    path.write_text(
        "apiVersion: flowcontrol.apiserver.k8s.io/v1beta2\nkind: FlowSchema\n"
        "metadata: {name: x}\nspec: {priorityLevelConfiguration: {name: y}}\n"
    )

    def message(version: str) -> str:
        found = lint(load_paths([str(path)]), select=["KC306", "KC307"], kubernetes_version=version)
        (finding,) = found.findings
        return finding.message

    assert '(use "flowcontrol.apiserver.k8s.io/v1beta3")' in message("1.28")
    assert '(use "flowcontrol.apiserver.k8s.io/v1")' in message("1.30")
