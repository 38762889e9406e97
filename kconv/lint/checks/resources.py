"""CPU and memory requests and limits of containers.

A request is set when written, or when only the limit is (the API server then defaults the
request to the limit).

A LimitRange of the run in the same namespace that gives containers defaults for the resource
counts as setting them. Its defaults are those the API server fills in when it stores the
LimitRange (SetDefaults_LimitRangeItem, type Container): a missing `default` (limit) is `max`,
and a missing `defaultRequest` is the `default` so found, else `min`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.lint.selectors import run_index
from kconv.model.k8s import K8sObject

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "required": ["resource"],
    "properties": {
        "resource": {"enum": ["cpu", "memory", "ephemeral-storage"]},
        "requests": {"type": "boolean", "default": True, "description": "Require a request."},
        "limits": {"type": "boolean", "default": True, "description": "Require a limit."},
        "init-containers": {
            "type": "boolean",
            "default": True,
            "description": "Check init containers too (their requests count for scheduling).",
        },
    },
}


def _value(section: Any, resource: str) -> Any:
    """The value `section` (a resource list) gives `resource`, None when it has none."""
    return section.get(resource) if isinstance(section, dict) else None


def _given(value: Any) -> bool:
    """Does a quantity count as set? (Missing, empty and zero do not.)"""
    return value not in (None, "", 0, "0")


def _is_set(section: Any, resource: str) -> bool:
    return _given(_value(section, resource))


def _item_defaults(item: dict[str, Any], resource: str) -> tuple[Any, Any]:
    """The (default request, default limit) of a Container LimitRange item for `resource`, once
    the API server has filled in `default` from `max` and `defaultRequest` from `default`, then
    from `min`."""
    limit = _value(item.get("default"), resource)
    if limit is None:
        limit = _value(item.get("max"), resource)
    request = _value(item.get("defaultRequest"), resource)
    if request is None:
        request = limit if limit is not None else _value(item.get("min"), resource)
    return request, limit


def _limit_range_defaults(ctx: LintContext, namespace: str | None, resource: str) -> set[str]:
    """Which of "requests"/"limits" a LimitRange in `namespace` defaults for `resource`."""
    covered: set[str] = set()
    for limit_range in run_index(ctx).objects("LimitRange", namespace):
        limits = limit_range.get("/spec/limits")
        for item in limits if isinstance(limits, list) else ():
            if not isinstance(item, dict) or item.get("type", "Container") != "Container":
                continue
            request, limit = _item_defaults(item, resource)
            if _given(request):
                covered.add("requests")
            if _given(limit):
                covered.add("limits")
    return covered


@check("resource-requirements", params=PARAMS, cross_object=True)
def resource_requirements(params: Mapping[str, Any]) -> CheckFn:
    """Containers without a request or limit for a resource (cpu, memory, ephemeral-storage)."""
    resource = str(params["resource"])
    wanted = [section for section in ("requests", "limits") if params.get(section, True)]
    lists = ("initContainers", "containers") if params.get("init-containers", True) else ()

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        if ctx.partial and not run_index(ctx).objects("LimitRange", obj.namespace):
            # a partial run (--shard) cannot tell "no LimitRange" from "in another shard"
            return
        required = [
            s for s in wanted if s not in _limit_range_defaults(ctx, obj.namespace, resource)
        ]
        if not required:
            return
        for ref in obj.containers(*lists):
            resources = ref.data.get("resources")
            resources = resources if isinstance(resources, dict) else {}
            has_limit = _is_set(resources.get("limits"), resource)
            missing = [
                section.removesuffix("s")
                for section in required
                if not _is_set(resources.get(section), resource)
                # the API server defaults a missing request to the limit
                and not (section == "requests" and has_limit)
            ]
            if not missing:
                continue
            what = " and no ".join(f"{resource} {item}" for item in missing)
            pointer = f"{ref.pointer}/resources" if "resources" in ref.data else ref.pointer
            yield Violation(f'container "{ref.name}" has no {what}', pointer)

    return run
