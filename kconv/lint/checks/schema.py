"""Schema validation: each object against the Kubernetes schema of the target version.

`kubernetes-schema` reports every schema error at the offending field. `unknown-kind` reports a
kind without a schema (a custom resource) once per run, on its first object, as skipped.
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
            return
        for error in errors:
            yield Violation(error.message, error.pointer)

    return run


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
