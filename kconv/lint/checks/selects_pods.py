"""PodDisruptionBudgets and NetworkPolicies must select some pods of the run.

Full LabelSelector semantics apply (kconv.lint.selectors): `{}` selects every pod of the
namespace, a missing selector selects none. policy/v1beta1 PDBs are the exception: there an
empty selector selected nothing. Nothing is reported when the run is partial.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.lint.selectors import (
    describe_label_selector,
    is_empty_label_selector,
    pods_selected,
)
from kconv.model.k8s import K8sObject


def _describe(selector: Any) -> str:
    shown = describe_label_selector(selector)
    return shown if shown == "no selector" else f"selector {shown}"


@check("pdb-selects-pods", cross_object=True)
def pdb_selects_pods(params: Mapping[str, Any]) -> CheckFn:
    """PodDisruptionBudgets whose selector selects no pod template of the run."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        if ctx.partial:
            return
        selector = obj.get("/spec/selector")
        legacy_empty = obj.api_version == "policy/v1beta1" and is_empty_label_selector(selector)
        if legacy_empty or not pods_selected(ctx, obj.namespace, selector):
            pointer = "/spec/selector" if obj.has("/spec/selector") else "/spec"
            yield Violation(
                f'poddisruptionbudget "{obj.name}" selects no pods ({_describe(selector)})',
                pointer,
            )

    return run


@check("networkpolicy-selects-pods", cross_object=True)
def networkpolicy_selects_pods(params: Mapping[str, Any]) -> CheckFn:
    """NetworkPolicies whose podSelector selects no pod template of the run (`{}` selects all)."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        selector = obj.get("/spec/podSelector")
        if ctx.partial or selector is None or is_empty_label_selector(selector):
            return
        if not pods_selected(ctx, obj.namespace, selector):
            yield Violation(
                f'networkpolicy "{obj.name}" selects no pods ({_describe(selector)})',
                "/spec/podSelector",
            )

    return run
