"""HorizontalPodAutoscalers must scale an object of the run."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.lint.selectors import run_index
from kconv.model.k8s import K8sObject


@check("hpa-target", cross_object=True)
def hpa_target(params: Mapping[str, Any]) -> CheckFn:
    """HorizontalPodAutoscalers whose scaleTargetRef names no object of the run."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        target = obj.get("/spec/scaleTargetRef")
        if ctx.partial or not isinstance(target, dict):
            return
        kind, name = target.get("kind"), target.get("name")
        if not kind or not name:
            return  # a schema error, reported by schema validation
        if run_index(ctx).find(str(kind), str(name), obj.namespace) is None:
            yield Violation(
                f'scaleTargetRef of horizontalpodautoscaler "{obj.name}" names {kind} '
                f'"{name}", which is not in the run',
                "/spec/scaleTargetRef/name",
            )

    return run
