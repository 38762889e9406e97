"""PodDisruptionBudgets, NetworkPolicies and NetworkPolicy peers must select pods of the run.

Full LabelSelector semantics apply (kconv.lint.selectors): `{}` selects every pod of the
namespace, a missing selector selects none. policy/v1beta1 PDBs are the exception: there an
empty selector selected nothing (`pdb_selector`, which missing-pod-disruption-budget shares).
Labels the controllers add to their pods count. Nothing is reported when the run is partial.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.lint.selectors import (
    describe_label_selector,
    is_empty_label_selector,
    pdb_selector,
    pods_selected,
    pods_selected_by,
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
        if not pods_selected_by(ctx, obj):
            selector = obj.get("/spec/selector")
            pointer = "/spec/selector" if obj.has("/spec/selector") else "/spec"
            shown = _describe(selector)
            if pdb_selector(obj) is None and selector is not None:
                shown += f"; in {obj.api_version} an empty selector selects none"
            yield Violation(f'poddisruptionbudget "{obj.name}" selects no pods ({shown})', pointer)

    return run


@check("networkpolicy-selects-pods", cross_object=True)
def networkpolicy_selects_pods(params: Mapping[str, Any]) -> CheckFn:
    """NetworkPolicies whose podSelector selects no pod template of the run (`{}` selects all)."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        selector = obj.get("/spec/podSelector")
        if ctx.partial or selector is None or is_empty_label_selector(selector):
            return
        if not pods_selected_by(ctx, obj):
            yield Violation(
                f'networkpolicy "{obj.name}" selects no pods ({_describe(selector)})',
                "/spec/podSelector",
            )

    return run


def _peers(obj: K8sObject) -> list[tuple[str, str, Any]]:
    """(direction, pointer, podSelector) of every ingress `from` / egress `to` peer that selects
    pods of the policy's own namespace (peers with a namespaceSelector select other namespaces)."""
    found = []
    for direction, field in (("ingress", "from"), ("egress", "to")):
        rules = obj.get(f"/spec/{direction}")
        for rule_index, rule in enumerate(rules if isinstance(rules, list) else ()):
            peers = rule.get(field) if isinstance(rule, dict) else None
            for peer_index, peer in enumerate(peers if isinstance(peers, list) else ()):
                if not isinstance(peer, dict) or "namespaceSelector" in peer:
                    continue
                selector = peer.get("podSelector")
                if selector is not None and not is_empty_label_selector(selector):
                    pointer = f"/spec/{direction}/{rule_index}/{field}/{peer_index}/podSelector"
                    found.append((direction, pointer, selector))
    return found


@check("networkpolicy-peers-select-pods", cross_object=True)
def networkpolicy_peers_select_pods(params: Mapping[str, Any]) -> CheckFn:
    """NetworkPolicy ingress/egress peers whose podSelector selects no pod of the run."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        if ctx.partial:
            return
        for direction, pointer, selector in _peers(obj):
            if not pods_selected(ctx, obj.namespace, selector):
                yield Violation(
                    f'{direction} peer of networkpolicy "{obj.name}" selects no pods '
                    f"({_describe(selector)})",
                    pointer,
                )

    return run
