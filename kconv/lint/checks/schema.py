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
            if _not_served(obj, version, ctx.kubernetes_version) is not None:
                yield _unknown_kind_violation(obj, version, ctx.kubernetes_version)
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


def _not_served(obj: K8sObject, version: str, target: str | None = None) -> frozenset[str] | None:
    """When the object's apiVersion is a built-in one that does not serve its kind in `version`:
    the kinds that apiVersion serves (empty when the version of the group does not exist).

    A group without a dot (the core group, `apps`, `Apps`, ...) cannot be a custom resource's
    (CRD validation requires a dot), and neither can a group kconv has schemas for; an unknown
    version of such a group is not served. `target` is the version asked for: when it is older
    than the schemas, an unknown group version may have been served then, and is left alone.
    """
    if _known_removed(obj) or not obj.api_version:
        return None
    kinds = kschema.kinds_in(obj.api_version, version)
    if kinds is not None:
        if obj.kind in kinds:
            return None
        if obj.api_version == "v1" and obj.kind in OPENSHIFT_LEGACY_V1_KINDS:
            return None
        return kinds
    group = obj.api_version.rpartition("/")[0]
    if "." in group and not kschema.is_built_in_group(group, version):
        return None  # a custom resource group
    if _older_than_schemas(target):
        return None
    return frozenset()


def _older_than_schemas(target: str | None) -> bool:
    """Is the target Kubernetes version older than the oldest one kconv has schemas for?"""
    if target is None:
        return False
    from kconv.lint.deprecations import parse_version

    try:
        wanted = parse_version(target)
    except ValueError:
        return False
    return wanted < parse_version(kschema.available_versions()[0])


def _unknown_kind_violation(obj: K8sObject, version: str, target: str | None = None) -> Violation:
    import difflib

    kinds = _not_served(obj, version, target) or frozenset()
    names = sorted(kind for kind in kinds if not kind.endswith("List"))
    close = difflib.get_close_matches(obj.kind, names, n=1, cutoff=0.6)
    if not close:
        close = [name for name in names if name.lower() == obj.kind.lower()]
    hint = f'; did you mean "{close[0]}"?' if close else ""
    homes = kschema.api_versions_serving(obj.kind, version)
    if homes:
        hint = f"; it is served by apiVersion {homes[0]}"
    since = kschema.first_version_serving(obj.api_version, obj.kind, version)
    if since is not None:
        hint = f"; it is served from Kubernetes {since} on"
        if homes:
            hint += f" (Kubernetes {version} serves it as {homes[0]})"
    if kschema.kinds_in(obj.api_version, version) is None:
        return Violation(
            f'apiVersion "{obj.api_version}" of kind "{obj.kind}" does not exist in '
            f"Kubernetes {version}{hint}",
            "/apiVersion",
        )
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
        if _not_served(obj, version, ctx.kubernetes_version) is not None:
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


def _known_removed(obj: K8sObject) -> bool:
    """Is this apiVersion of the kind in the deprecation table (reported by those rules)?"""
    try:
        from kconv.lint import deprecations
    except ImportError:  # pragma: no cover - the table ships with kconv
        return False
    return deprecations.lookup(obj.api_version, obj.kind) is not None
