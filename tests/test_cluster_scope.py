"""Cluster-scoped kinds (kconv/model/scope.py): the API server ignores a namespace written on
their objects, so KC305 (duplicate-object) and KC303 (default-namespace) must too."""

from __future__ import annotations

import textwrap

import pytest

from kconv import kschema
from kconv.lint.config import LintConfig
from kconv.lint.deprecations import API_LIFECYCLES
from kconv.lint.engine import lint
from kconv.manifests import ManifestSet, load_text
from kconv.model.scope import BUILT_IN_CLUSTER_SCOPED, ClusterScope, api_group

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: %s
  names: {kind: Widget, plural: widgets}
  versions: [{name: v1, served: true, storage: true}]
---
"""


def load(text: str) -> ManifestSet:
    manifests = ManifestSet()
    load_text(manifests, textwrap.dedent(text), "test.yaml")
    assert not manifests.problems, manifests.problems
    return manifests


def findings(text: str, rule: str) -> list[tuple[int | None, str]]:
    result = lint(load(text), config=LintConfig(), select=[rule])
    return [(finding.location.line, finding.message) for finding in result.findings]


def twice(api_version: str, kind: str, namespace: str) -> str:
    """Two objects named `x` of a kind, the first with a namespace and the second without."""
    first = (
        f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x, namespace: {namespace}}}"
    )
    return f"{first}\n---\napiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x}}\n"


def test_the_built_in_table_names_kinds_that_kconv_knows() -> None:
    """Each entry is a kind of its group in some shipped schema, or a removed one (PSP)."""
    known = {(api_group(api_version), kind) for api_version, kind in API_LIFECYCLES}
    for version in kschema.available_versions():
        for group, kind in BUILT_IN_CLUSTER_SCOPED:
            if any(api_group(av) == group for av in kschema.api_versions_serving(kind, version)):
                known.add((group, kind))
    assert known >= BUILT_IN_CLUSTER_SCOPED, sorted(BUILT_IN_CLUSTER_SCOPED - known)


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("v1", "Namespace"),
        ("v1", "Node"),
        ("v1", "PersistentVolume"),
        ("rbac.authorization.k8s.io/v1", "ClusterRole"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"),
        ("storage.k8s.io/v1", "StorageClass"),
        ("apiextensions.k8s.io/v1", "CustomResourceDefinition"),
        ("scheduling.k8s.io/v1", "PriorityClass"),
        ("networking.k8s.io/v1", "IngressClass"),
        ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding"),
        ("apiregistration.k8s.io/v1", "APIService"),
        ("node.k8s.io/v1", "RuntimeClass"),
        ("flowcontrol.apiserver.k8s.io/v1", "FlowSchema"),
        ("certificates.k8s.io/v1", "CertificateSigningRequest"),
    ],
)
def test_cluster_scoped_kinds_have_no_namespace(api_version: str, kind: str) -> None:
    (obj,) = load(f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x}}\n").objects
    assert obj in ClusterScope()
    dupe = findings(twice(api_version, kind, "default"), "KC305")
    assert dupe == [(7, f'{kind.lower()} "x" is already defined at test.yaml:1:1')]
    assert findings(twice(api_version, kind, "default"), "KC303") == []


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("rbac.authorization.k8s.io/v1", "Role"),
        ("example.com/v1", "ClusterRole"),  # not the built-in group: no scope known
        ("storage.k8s.io/v1", "CSIStorageCapacity"),
        ("v1", "ConfigMap"),
    ],
)
def test_namespaced_kinds_keep_their_namespace(api_version: str, kind: str) -> None:
    assert findings(twice(api_version, kind, "prod"), "KC305") == []
    reported = findings(twice(api_version, kind, "default"), "KC303")
    assert reported == [(3, f'{kind.lower()} "x" is in the "default" namespace')]


@pytest.mark.parametrize(("scope", "cluster"), [("Cluster", True), ("Namespaced", False)])
def test_crds_of_the_run_declare_the_scope_of_their_kinds(scope: str, cluster: bool) -> None:
    text = CRD % scope + twice("example.com/v1", "Widget", "default")
    assert bool(findings(text, "KC305")) is cluster
    assert bool(findings(text, "KC303")) is not cluster
    widget = load(text).objects[1]
    assert (widget in ClusterScope(load(CRD % scope).objects)) is cluster


def test_crd_declarations_apply_to_their_group_only() -> None:
    text = CRD % "Cluster" + twice("other.example.com/v1", "Widget", "default")
    assert findings(text, "KC305") == []
    assert len(findings(text, "KC303")) == 1
