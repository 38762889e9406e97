"""The Kubernetes API removal table: which apiVersion of which kind is deprecated or removed, when.

Source: Kubernetes' "Deprecated API Migration Guide" (kubernetes.io/docs/reference/using-api/
deprecation-guide/) and the release notes for the alpha versions it does not list. Versions are
(major, minor) tuples; `removed_in` is the first release that no longer serves the API.
"""

from __future__ import annotations

import re
from typing import NamedTuple

Version = tuple[int, int]

_VERSION = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+].*)?$")


class ApiLifecycle(NamedTuple):
    """When an apiVersion of a kind was deprecated and removed, and what replaces it."""

    api_version: str
    kind: str
    deprecated_in: Version
    removed_in: Version | None
    replacement: str | None  # apiVersion to use instead; None when the kind itself is gone
    note: str = ""
    replacement_kind: str | None = None  # set when the replacement is another kind

    def advice(self, target: Version | None = None) -> str:
        """What to use instead, for messages: `use "apps/v1"` or the note. With `target`, the
        replacement is the newest one that version serves (see `replacement_at`)."""
        replacement = self.replacement if target is None else self.replacement_at(target)
        if replacement and self.replacement_kind:
            return f'use {self.replacement_kind} of "{replacement}"'
        if replacement:
            return f'use "{replacement}"'
        return self.note or "the kind has no replacement"

    def replacement_at(self, target: Version) -> str | None:
        """The replacement apiVersion the target version serves: the table's replacement when
        served, else the preferred other version of its group that serves the kind then
        (flowcontrol v1beta3 before 1.29, networking.k8s.io/v1beta1 Ingress before 1.19)."""
        if self.replacement is None:
            return None
        kind = self.replacement_kind or self.kind
        served = _served_at(kind, target)
        if served is None:  # older than kconv's schemas
            for since, api_version in _INTERIM.get((self.api_version, self.kind), ()):
                if target >= since:
                    return api_version
            return self.replacement
        if self.replacement in served:
            return self.replacement
        group = self.replacement.rpartition("/")[0]
        for api_version in served:
            if api_version.rpartition("/")[0] == group and api_version != self.api_version:
                return api_version
        return self.replacement

    def status(self, target: Version) -> str | None:
        """'removed', 'deprecated' or None for the target Kubernetes version."""
        if self.removed_in is not None and target >= self.removed_in:
            return "removed"
        if target >= self.deprecated_in:
            return "deprecated"
        return None


def _served_at(kind: str, target: Version) -> list[str] | None:
    """The apiVersions serving `kind` in the target version, preferred first, from kconv's
    schemas; None when the target is older than them (a newer target gets the newest)."""
    from kconv import kschema

    versions = kschema.available_versions()
    if target < parse_version(versions[0]):
        return None
    return kschema.api_versions_serving(kind, kschema.nearest_version(format_version(target)))


def parse_version(text: str) -> Version:
    """`1.29`, `v1.29.3` -> (1, 29); ValueError for anything else."""
    match = _VERSION.match(str(text).strip())
    if not match:
        raise ValueError(f"not a Kubernetes version: {text!r}")
    return int(match.group(1)), int(match.group(2))


def format_version(version: Version) -> str:
    return f"{version[0]}.{version[1]}"


# (apiVersion, kinds, deprecated in, removed in, replacement apiVersion, note)
_TABLE: tuple[tuple[str, tuple[str, ...], Version, Version | None, str | None, str], ...] = (
    # removed in 1.16
    (
        "extensions/v1beta1",
        ("Deployment", "DaemonSet", "ReplicaSet"),
        (1, 9),
        (1, 16),
        "apps/v1",
        "",
    ),
    ("extensions/v1beta1", ("NetworkPolicy",), (1, 9), (1, 16), "networking.k8s.io/v1", ""),
    (
        "extensions/v1beta1",
        ("PodSecurityPolicy",),
        (1, 11),
        (1, 16),
        None,
        "PodSecurityPolicy was removed in Kubernetes 1.25; use Pod Security Admission",
    ),
    (
        "apps/v1beta1",
        ("Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "ControllerRevision"),
        (1, 9),
        (1, 16),
        "apps/v1",
        "",
    ),
    (
        "apps/v1beta2",
        ("Deployment", "StatefulSet", "ReplicaSet", "DaemonSet", "ControllerRevision"),
        (1, 9),
        (1, 16),
        "apps/v1",
        "",
    ),
    # removed in 1.22
    ("extensions/v1beta1", ("Ingress",), (1, 14), (1, 22), "networking.k8s.io/v1", ""),
    (
        "networking.k8s.io/v1beta1",
        ("Ingress", "IngressClass"),
        (1, 19),
        (1, 22),
        "networking.k8s.io/v1",
        "",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"),
        (1, 16),
        (1, 22),
        "admissionregistration.k8s.io/v1",
        "",
    ),
    (
        "apiextensions.k8s.io/v1beta1",
        ("CustomResourceDefinition",),
        (1, 16),
        (1, 22),
        "apiextensions.k8s.io/v1",
        "",
    ),
    (
        "apiregistration.k8s.io/v1beta1",
        ("APIService",),
        (1, 19),
        (1, 22),
        "apiregistration.k8s.io/v1",
        "",
    ),
    (
        "authentication.k8s.io/v1beta1",
        ("TokenReview",),
        (1, 19),
        (1, 22),
        "authentication.k8s.io/v1",
        "",
    ),
    (
        "authorization.k8s.io/v1beta1",
        ("SubjectAccessReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview"),
        (1, 19),
        (1, 22),
        "authorization.k8s.io/v1",
        "",
    ),
    (
        "certificates.k8s.io/v1beta1",
        ("CertificateSigningRequest",),
        (1, 19),
        (1, 22),
        "certificates.k8s.io/v1",
        "",
    ),
    ("coordination.k8s.io/v1beta1", ("Lease",), (1, 19), (1, 22), "coordination.k8s.io/v1", ""),
    (
        "rbac.authorization.k8s.io/v1beta1",
        ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
        (1, 17),
        (1, 22),
        "rbac.authorization.k8s.io/v1",
        "",
    ),
    (
        "rbac.authorization.k8s.io/v1alpha1",
        ("ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"),
        (1, 17),
        (1, 22),
        "rbac.authorization.k8s.io/v1",
        "",
    ),
    ("scheduling.k8s.io/v1beta1", ("PriorityClass",), (1, 14), (1, 22), "scheduling.k8s.io/v1", ""),
    (
        "scheduling.k8s.io/v1alpha1",
        ("PriorityClass",),
        (1, 14),
        (1, 22),
        "scheduling.k8s.io/v1",
        "",
    ),
    (
        "storage.k8s.io/v1beta1",
        ("CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"),
        (1, 19),
        (1, 22),
        "storage.k8s.io/v1",
        "",
    ),
    # removed in 1.25
    ("batch/v1beta1", ("CronJob",), (1, 21), (1, 25), "batch/v1", ""),
    ("batch/v2alpha1", ("CronJob",), (1, 21), (1, 21), "batch/v1", ""),
    ("discovery.k8s.io/v1beta1", ("EndpointSlice",), (1, 21), (1, 25), "discovery.k8s.io/v1", ""),
    ("events.k8s.io/v1beta1", ("Event",), (1, 19), (1, 25), "events.k8s.io/v1", ""),
    ("autoscaling/v2beta1", ("HorizontalPodAutoscaler",), (1, 22), (1, 25), "autoscaling/v2", ""),
    ("policy/v1beta1", ("PodDisruptionBudget",), (1, 21), (1, 25), "policy/v1", ""),
    (
        "policy/v1beta1",
        ("PodSecurityPolicy",),
        (1, 21),
        (1, 25),
        None,
        "PodSecurityPolicy was removed in Kubernetes 1.25; use Pod Security Admission",
    ),
    ("node.k8s.io/v1beta1", ("RuntimeClass",), (1, 20), (1, 25), "node.k8s.io/v1", ""),
    # removed in 1.26
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        ("FlowSchema", "PriorityLevelConfiguration"),
        (1, 23),
        (1, 26),
        "flowcontrol.apiserver.k8s.io/v1",
        "",
    ),
    ("autoscaling/v2beta2", ("HorizontalPodAutoscaler",), (1, 23), (1, 26), "autoscaling/v2", ""),
    # removed in 1.27
    ("storage.k8s.io/v1beta1", ("CSIStorageCapacity",), (1, 24), (1, 27), "storage.k8s.io/v1", ""),
    # removed in 1.29
    (
        "flowcontrol.apiserver.k8s.io/v1beta2",
        ("FlowSchema", "PriorityLevelConfiguration"),
        (1, 26),
        (1, 29),
        "flowcontrol.apiserver.k8s.io/v1",
        "",
    ),
    # removed in 1.32
    (
        "flowcontrol.apiserver.k8s.io/v1beta3",
        ("FlowSchema", "PriorityLevelConfiguration"),
        (1, 29),
        (1, 32),
        "flowcontrol.apiserver.k8s.io/v1",
        "",
    ),
    # dynamic resource allocation alphas (not in the guide; from the release notes)
    (
        "resource.k8s.io/v1alpha2",
        ("ResourceClaim", "ResourceClaimTemplate", "ResourceClass", "PodSchedulingContext"),
        (1, 31),
        (1, 31),
        "resource.k8s.io/v1",
        "",
    ),
    (
        "resource.k8s.io/v1alpha3",
        ("ResourceClaim", "ResourceClaimTemplate", "DeviceClass", "ResourceSlice"),
        (1, 32),
        (1, 33),
        "resource.k8s.io/v1",
        "",
    ),
)

# Replacements for targets older than kconv's schemas (1.25), when the table's replacement was
# not served yet: (first version serving it, apiVersion), the newest first.
_INTERIM: dict[tuple[str, str], tuple[tuple[Version, str], ...]] = {
    ("extensions/v1beta1", "Ingress"): (
        ((1, 19), "networking.k8s.io/v1"),
        ((1, 14), "networking.k8s.io/v1beta1"),
    ),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): (
        ((1, 23), "autoscaling/v2"),
        ((1, 12), "autoscaling/v2beta2"),
    ),
    **{
        ("flowcontrol.apiserver.k8s.io/v1beta1", kind): (
            ((1, 29), "flowcontrol.apiserver.k8s.io/v1"),
            ((1, 23), "flowcontrol.apiserver.k8s.io/v1beta2"),
        )
        for kind in ("FlowSchema", "PriorityLevelConfiguration")
    },
}

# Kinds deprecated in the core API without a removal date.
_DEPRECATED_KINDS = (
    ApiLifecycle("v1", "Endpoints", (1, 33), None, "discovery.k8s.io/v1", "", "EndpointSlice"),
    ApiLifecycle(
        "v1",
        "ComponentStatus",
        (1, 19),
        None,
        None,
        "ComponentStatus has no replacement; query the components' health endpoints",
    ),
)

API_LIFECYCLES: dict[tuple[str, str], ApiLifecycle] = {
    (api_version, kind): ApiLifecycle(api_version, kind, deprecated, removed, replacement, note)
    for api_version, kinds, deprecated, removed, replacement, note in _TABLE
    for kind in kinds
}
API_LIFECYCLES.update({(entry.api_version, entry.kind): entry for entry in _DEPRECATED_KINDS})


def lookup(api_version: str, kind: str) -> ApiLifecycle | None:
    """The lifecycle entry of `apiVersion` + `kind`, or None when it is current."""
    return API_LIFECYCLES.get((api_version, kind))
