"""Duplicate objects: the same API group, kind, namespace and name twice in one run.

Objects of cluster-scoped kinds have no namespace: the API server ignores one written on them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.model.k8s import K8sObject
from kconv.model.scope import ClusterScope, group_kind

ObjectKey = tuple[str, str, str | None, str]

_BUILT_IN_SCOPE = ClusterScope()


def object_key(obj: K8sObject, scope: ClusterScope = _BUILT_IN_SCOPE) -> ObjectKey | None:
    """(API group, kind, namespace, name); None for objects without a kind or a fixed name.

    The version is left out: `apps/v1` and `apps/v1beta2` Deployments are the same object. The
    namespace is None for the kinds `scope` says are cluster-scoped.
    """
    name = obj.metadata.get("name")
    if not obj.kind or not isinstance(name, str) or not name:
        return None
    group, kind = group_kind(obj)
    return (group, kind, None if obj in scope else obj.namespace, name)


_SCOPE_KEY = "_kconv_cluster_scope"


def cluster_scope(ctx: LintContext) -> ClusterScope:
    """The run's cluster-scoped kinds (built in, and declared by its CRDs), made on first use
    and kept in the context like `run_index` (one per run, shared by the checks)."""
    scope = ctx.__dict__.get(_SCOPE_KEY)
    if scope is None:
        scope = ctx.__dict__[_SCOPE_KEY] = ClusterScope(ctx.of_kind("CustomResourceDefinition"))
    return scope


def _first_occurrences(ctx: LintContext, scope: ClusterScope) -> dict[ObjectKey, K8sObject]:
    first: dict[ObjectKey, K8sObject] = {}
    for obj in ctx.objects:
        key = object_key(obj, scope)
        if key is not None:
            first.setdefault(key, obj)
    return first


@check("duplicate-object", cross_object=True)
def duplicate_object(params: Mapping[str, Any]) -> CheckFn:
    """Objects defined again after an earlier one with the same identity (reported on the later)."""
    # The bound check lives for one run; the index is rebuilt whenever it sees another context.
    state: dict[str, Any] = {"ctx": None, "scope": _BUILT_IN_SCOPE, "first": {}}

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        if state["ctx"] is not ctx:
            scope = cluster_scope(ctx)
            state.update(ctx=ctx, scope=scope, first=_first_occurrences(ctx, scope))
        key = object_key(obj, state["scope"])
        first = None if key is None else state["first"].get(key)
        if first is None or first is obj:
            return
        where = first.location("")
        yield Violation(
            f'{obj.kind.lower()} "{obj.name}" is already defined at {where}',
            "/metadata/name",
        )

    return run
