"""Schema validation: each object against the Kubernetes schema of the target version.

`kubernetes-schema` reports every schema error at the offending field, and a kind that a built-in
API group version does not serve (`apps/v1` `Deploymnet`: a typo, or a kind newer than the target
version). `unknown-kind` reports a kind without a schema (a custom resource) once per run, on its
first object, as skipped.
A removed apiVersion (e.g. extensions/v1beta1 Deployment) has no schema either; the deprecated-
API rules report it, so neither check adds noise about it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from kconv import kschema
from kconv.lint.rule import CheckFn, Violation, check

if TYPE_CHECKING:
    from kconv.lint.context import LintContext
    from kconv.model.k8s import K8sObject

_STRICT_PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"strict": {"type": "boolean"}},
}


@check("kubernetes-schema", params=_STRICT_PARAMS)
def kubernetes_schema(params: Mapping[str, Any]) -> CheckFn:
    """Validate the object against the Kubernetes schema of the target version."""
    strict = bool(params.get("strict", False))

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        version = kschema.nearest_version(ctx.kubernetes_version)
        try:
            errors = kschema.validate(obj.body, version, strict)
        except kschema.NoSchema:
            if _not_served(obj, version) is not None:
                yield _unknown_kind_violation(obj, version)
            return
        for error in errors:
            if error.pointer == "/status" or error.pointer.startswith("/status/"):
                continue  # the API server discards status written in a manifest
            yield Violation(error.message, error.pointer)

    return run


# OpenShift's own kinds, which OpenShift 3 served (and kompose still writes) under `apiVersion: v1`.
# They are extensions like custom resources: skipped (KC011), not errors.
OPENSHIFT_LEGACY_V1_KINDS = frozenset(
    {
        "AppliedClusterResourceQuota",
        "BrokerTemplateInstance",
        "Build",
        "BuildConfig",
        "ClusterNetwork",
        "ClusterResourceQuota",
        "DeploymentConfig",
        "EgressNetworkPolicy",
        "Group",
        "HostSubnet",
        "Identity",
        "Image",
        "ImageStream",
        "ImageStreamImage",
        "ImageStreamImport",
        "ImageStreamMapping",
        "ImageStreamTag",
        "ImageTag",
        "NetNamespace",
        "OAuthAccessToken",
        "OAuthAuthorizeToken",
        "OAuthClient",
        "OAuthClientAuthorization",
        "Project",
        "ProjectRequest",
        "RoleBindingRestriction",
        "Route",
        "SecurityContextConstraints",
        "Template",
        "TemplateInstance",
        "User",
        "UserIdentityMapping",
    }
)


def _not_served(obj: K8sObject, version: str) -> frozenset[str] | None:
    """The kinds of the object's built-in group version when it does not serve this kind."""
    kinds = kschema.kinds_in(obj.api_version, version)
    if kinds is None or obj.kind in kinds or _known_removed(obj):
        return None
    if obj.api_version == "v1" and obj.kind in OPENSHIFT_LEGACY_V1_KINDS:
        return None
    return kinds


def _unknown_kind_violation(obj: K8sObject, version: str) -> Violation:
    import difflib

    kinds = _not_served(obj, version) or frozenset()
    names = sorted(kind for kind in kinds if not kind.endswith("List"))
    close = difflib.get_close_matches(obj.kind, names, n=1, cutoff=0.6)
    if not close:
        close = [name for name in names if name.lower() == obj.kind.lower()]
    hint = f'; did you mean "{close[0]}"?' if close else ""
    homes = kschema.api_versions_serving(obj.kind, version)
    if homes:
        hint = f"; it is served by apiVersion {homes[0]}"
    since = _first_serving_version(obj, version)
    if since is not None:
        hint = f"; it is served from Kubernetes {since} on"
    return Violation(
        f'kind "{obj.kind}" does not exist in {obj.api_version} (Kubernetes {version}){hint}',
        "/kind",
    )


@check("unknown-kind", cross_object=True)
def unknown_kind(params: Mapping[str, Any]) -> CheckFn:
    """Report, once per kind, objects that have no schema and so are not validated."""
    cache: list[Any] = [None, {}]  # [the run's context, {(apiVersion, kind): (first, count)}]

    def firsts(ctx: LintContext) -> dict[tuple[str, str], tuple[K8sObject, int]]:
        if cache[0] is not ctx:
            found: dict[tuple[str, str], tuple[K8sObject, int]] = {}
            for other in ctx.objects:
                key = (other.api_version, other.kind)
                first, count = found.get(key, (other, 0))
                found[key] = (first, count + 1)
            cache[0], cache[1] = ctx, found
        return cache[1]

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        version = kschema.nearest_version(ctx.kubernetes_version)
        if kschema.has_schema(obj.api_version, obj.kind, version) or _known_removed(obj):
            return
        if _not_served(obj, version) is not None:
            return  # a built-in group that lacks the kind: kubernetes-schema reports it
        first, count = firsts(ctx).get((obj.api_version, obj.kind), (obj, 1))
        if first is not obj:
            return
        objects = "1 object" if count == 1 else f"{count} objects"
        yield Violation(
            f"no schema for kind {obj.kind} ({obj.api_version}) in Kubernetes {version}: "
            f"{objects} not schema-validated",
            "/kind",
        )

    return run


def _first_serving_version(obj: K8sObject, version: str) -> str | None:
    """The first Kubernetes version after `version` whose schemas have this kind, if any."""
    versions = kschema.available_versions()
    if obj.kind not in (kschema.kinds_in(obj.api_version, versions[-1]) or ()):
        return None
    minor = int(version.split(".")[1])
    for candidate in versions:
        if int(candidate.split(".")[1]) > minor and obj.kind in (
            kschema.kinds_in(obj.api_version, candidate) or ()
        ):
            return candidate
    return None


def _known_removed(obj: K8sObject) -> bool:
    """Is this apiVersion of the kind in the deprecation table (reported by those rules)?"""
    try:
        from kconv.lint import deprecations
    except ImportError:  # pragma: no cover - the table ships with kconv
        return False
    return deprecations.lookup(obj.api_version, obj.kind) is not None
