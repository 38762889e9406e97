"""Which kinds are cluster-scoped: the API server ignores `metadata.namespace` on their objects.

The Kubernetes JSON schemas that kconv validates with (kubernetes-validate) do not say whether
a kind is namespaced, so the built-in cluster-scoped kinds are listed here by API group, as
`kubectl api-resources --namespaced=false` gives them (Kubernetes 1.25 and later, plus kinds
removed since that old manifests still carry). A run's CustomResourceDefinitions add the kinds
they declare with `scope: Cluster`.
"""

from __future__ import annotations

from collections.abc import Iterable

from kconv.model.k8s import K8sObject

GroupKind = tuple[str, str]  # (API group, "" for the core group; kind)

_BUILT_IN: dict[str, tuple[str, ...]] = {
    "": ("ComponentStatus", "Namespace", "Node", "PersistentVolume"),
    "admissionregistration.k8s.io": (
        "MutatingAdmissionPolicy",
        "MutatingAdmissionPolicyBinding",
        "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "ValidatingWebhookConfiguration",
    ),
    "apiextensions.k8s.io": ("CustomResourceDefinition",),
    "apiregistration.k8s.io": ("APIService",),
    "authentication.k8s.io": ("SelfSubjectReview", "TokenReview"),
    "authorization.k8s.io": (
        "SelfSubjectAccessReview",
        "SelfSubjectRulesReview",
        "SubjectAccessReview",
    ),
    "certificates.k8s.io": ("CertificateSigningRequest", "ClusterTrustBundle"),
    "extensions": ("PodSecurityPolicy",),
    "flowcontrol.apiserver.k8s.io": ("FlowSchema", "PriorityLevelConfiguration"),
    "internal.apiserver.k8s.io": ("StorageVersion",),
    "networking.k8s.io": ("ClusterCIDR", "IPAddress", "IngressClass", "ServiceCIDR"),
    "node.k8s.io": ("RuntimeClass",),
    "policy": ("PodSecurityPolicy",),
    "rbac.authorization.k8s.io": ("ClusterRole", "ClusterRoleBinding"),
    "resource.k8s.io": ("DeviceClass", "DeviceTaintRule", "ResourceClass", "ResourceSlice"),
    "scheduling.k8s.io": ("PriorityClass",),
    "storage.k8s.io": (
        "CSIDriver",
        "CSINode",
        "StorageClass",
        "VolumeAttachment",
        "VolumeAttributesClass",
    ),
    "storagemigration.k8s.io": ("StorageVersionMigration",),
}

BUILT_IN_CLUSTER_SCOPED: frozenset[GroupKind] = frozenset(
    (group, kind) for group, kinds in _BUILT_IN.items() for kind in kinds
)


def api_group(api_version: str) -> str:
    """The API group of an apiVersion: "apps/v1" -> "apps"; "v1" (the core group) -> ""."""
    return api_version.rpartition("/")[0]


def group_kind(obj: K8sObject) -> GroupKind:
    """(API group, kind) of an object; its version does not change what it is."""
    return (api_group(obj.api_version), obj.kind)


def declared_cluster_scoped(crd: K8sObject) -> GroupKind | None:
    """The (group, kind) a CustomResourceDefinition declares with `scope: Cluster`, else None."""
    if group_kind(crd) != ("apiextensions.k8s.io", "CustomResourceDefinition"):
        return None
    group, kind = crd.get("/spec/group"), crd.get("/spec/names/kind")
    if crd.get("/spec/scope") != "Cluster" or not isinstance(group, str):
        return None
    return (group, kind) if isinstance(kind, str) and kind else None


class ClusterScope:
    """The cluster-scoped kinds of one run: the built-in ones, and those its CRDs declare."""

    def __init__(self, crds: Iterable[K8sObject] = ()) -> None:
        """`crds`: the run's CustomResourceDefinitions (other objects are skipped)."""
        declared = (declared_cluster_scoped(crd) for crd in crds)
        self.kinds = BUILT_IN_CLUSTER_SCOPED.union(kind for kind in declared if kind is not None)

    def __contains__(self, obj: K8sObject) -> bool:
        """Is `obj` of a cluster-scoped kind (so that a namespace written on it is ignored)?"""
        return group_kind(obj) in self.kinds
