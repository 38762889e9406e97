"""Finished Jobs are cleaned up: standalone Jobs set ttlSecondsAfterFinished, and CronJobs
leave cleanup to their history limits (kube-linter's job-ttl-seconds-after-finished)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.model.k8s import K8sObject


def _owned_by_cronjob(obj: K8sObject) -> bool:
    owners = obj.metadata.get("ownerReferences")
    return isinstance(owners, list) and any(
        isinstance(owner, dict) and owner.get("kind") == "CronJob" for owner in owners
    )


@check("job-ttl")
def job_ttl(params: Mapping[str, Any]) -> CheckFn:
    """Standalone Jobs without ttlSecondsAfterFinished; CronJob job templates that set it."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        if obj.kind == "CronJob":
            pointer = "/spec/jobTemplate/spec/ttlSecondsAfterFinished"
            if obj.get(pointer) is not None:
                yield Violation(
                    f'cronjob "{obj.name}" sets ttlSecondsAfterFinished in its jobTemplate, '
                    "which conflicts with successfulJobsHistoryLimit and failedJobsHistoryLimit",
                    pointer,
                )
            return
        if _owned_by_cronjob(obj):
            return
        if obj.get("/spec/ttlSecondsAfterFinished") is None:
            pointer = "/spec" if obj.has("/spec") else ""
            yield Violation(f'job "{obj.name}" has no ttlSecondsAfterFinished', pointer)

    return run
