"""Duplicate objects: the same API group, kind, namespace and name twice in one run."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.model.k8s import K8sObject

ObjectKey = tuple[str, str, str | None, str]


def object_key(obj: K8sObject) -> ObjectKey | None:
    """(API group, kind, namespace, name); None for objects without a kind or a fixed name.

    The version is left out: `apps/v1` and `apps/v1beta2` Deployments are the same object.
    """
    name = obj.metadata.get("name")
    if not obj.kind or not isinstance(name, str) or not name:
        return None
    # "apps/v1" -> "apps"; "v1" (the core group) -> ""
    return (obj.api_version.rpartition("/")[0], obj.kind, obj.namespace, name)


def _first_occurrences(ctx: LintContext) -> dict[ObjectKey, K8sObject]:
    first: dict[ObjectKey, K8sObject] = {}
    for obj in ctx.objects:
        key = object_key(obj)
        if key is not None:
            first.setdefault(key, obj)
    return first


@check("duplicate-object", cross_object=True)
def duplicate_object(params: Mapping[str, Any]) -> CheckFn:
    """Objects defined again after an earlier one with the same identity (reported on the later)."""
    # The bound check lives for one run; the index is rebuilt whenever it sees another context.
    state: dict[str, Any] = {"ctx": None, "first": {}}

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        key = object_key(obj)
        if key is None:
            return
        if state["ctx"] is not ctx:
            state["ctx"], state["first"] = ctx, _first_occurrences(ctx)
        first = state["first"].get(key)
        if first is None or first is obj:
            return
        where = first.location("")
        yield Violation(
            f'{obj.kind.lower()} "{obj.name}" is already defined at {where}',
            "/metadata/name",
        )

    return run
