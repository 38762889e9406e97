"""API version lifecycle: apiVersions removed or deprecated in the target Kubernetes version."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import DEFAULT_KUBERNETES_VERSION, LintContext
from kconv.lint.deprecations import format_version, lookup, parse_version
from kconv.lint.rule import CheckFn, Violation, check
from kconv.model.k8s import K8sObject


def _target(ctx: LintContext) -> tuple[int, int]:
    try:
        return parse_version(ctx.kubernetes_version or DEFAULT_KUBERNETES_VERSION)
    except ValueError:
        return parse_version(DEFAULT_KUBERNETES_VERSION)


@check(
    "api-version-lifecycle",
    params={
        "type": "object",
        "properties": {"status": {"enum": ["removed", "deprecated"]}},
        "required": ["status"],
        "additionalProperties": False,
    },
)
def api_version_lifecycle(params: Mapping[str, Any]) -> CheckFn:
    """apiVersions that are `removed` (or only `deprecated`) in ctx.kubernetes_version."""
    wanted = str(params["status"])

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        entry = lookup(obj.api_version, obj.kind)
        if entry is None:
            return
        target = _target(ctx)
        if entry.status(target) != wanted:
            return
        if wanted == "removed":
            removed = entry.removed_in or entry.deprecated_in
            when = f"was removed in Kubernetes {format_version(removed)}"
        else:
            when = f"is deprecated since Kubernetes {format_version(entry.deprecated_in)}"
            if entry.removed_in is not None:
                when += f" and is removed in {format_version(entry.removed_in)}"
        yield Violation(
            f'apiVersion "{obj.api_version}" of {obj.kind} {when} ({entry.advice(target)})',
            "/apiVersion",
        )

    return run
