"""A workload's selector must select the pods of its own template, or the controller can
never see the pods it creates (the API server rejects it for apps/v1, older shapes slip by)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.lint.selectors import (
    describe_labels,
    is_empty_label_selector,
    label_selector_matches,
    map_selector_matches,
)
from kconv.model.k8s import K8sObject

# Kinds whose spec.selector is a plain map instead of a LabelSelector.
MAP_SELECTOR_KINDS = frozenset({"ReplicationController", "DeploymentConfig"})


@check("selector-matches-template")
def selector_matches_template(params: Mapping[str, Any]) -> CheckFn:
    """Workloads whose spec.selector does not select their pod template's labels."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        selector = obj.get("/spec/selector")
        template = obj.get("/spec/template")
        if selector is None or not isinstance(template, dict):
            return  # no selector: defaulted (RC, Job) or a schema error reported elsewhere
        labels = obj.get("/spec/template/metadata/labels")
        labels = labels if isinstance(labels, dict) else {}
        if obj.kind in MAP_SELECTOR_KINDS or (
            isinstance(selector, dict)
            and selector
            and not {"matchLabels", "matchExpressions"} & set(selector)
        ):
            matches = not selector or map_selector_matches(selector, labels)
        elif is_empty_label_selector(selector):
            yield Violation(
                f'selector of {obj.kind.lower()} "{obj.name}" is empty and would select every '
                "pod of the namespace",
                "/spec/selector",
            )
            return
        else:
            matches = label_selector_matches(selector, labels)
        if matches:
            return
        shown = describe_labels(labels) or "none"
        yield Violation(
            f'selector of {obj.kind.lower()} "{obj.name}" does not match its pod template '
            f"labels ({shown})",
            "/spec/selector",
        )

    return run
