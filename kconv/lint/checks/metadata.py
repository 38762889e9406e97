"""Object metadata checks: the `default` namespace and required labels."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from kconv.errors import ConfigError
from kconv.lint.checks.duplicates import cluster_scope
from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.model.k8s import K8sObject
from kconv.model.location import join_pointer


@check("default-namespace", cross_object=True)
def default_namespace(params: Mapping[str, Any]) -> CheckFn:
    """Objects explicitly placed in the `default` namespace, unless of a cluster-scoped kind.

    The API server ignores the namespace of a cluster-scoped kind (a built-in one, or one that a
    CustomResourceDefinition of the run declares with `scope: Cluster`)."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        if obj.namespace == "default" and obj not in cluster_scope(ctx):
            yield Violation(
                f'{obj.kind.lower()} "{obj.name}" is in the "default" namespace',
                "/metadata/namespace",
            )

    return run


@check(
    "required-label",
    params={
        "type": "object",
        "properties": {
            "key": {"type": "string", "minLength": 1},
            "value": {"type": "string", "format": "regex"},
        },
        "required": ["key"],
        "additionalProperties": False,
    },
)
def required_label(params: Mapping[str, Any]) -> CheckFn:
    """Objects without the label `key` (whose value, when `value` is given, must match it)."""
    key = str(params["key"])
    try:
        pattern = re.compile(params["value"]) if params.get("value") else None
    except re.error as exc:
        raise ConfigError(
            f"required-label: invalid value pattern {params['value']!r}: {exc}"
        ) from exc

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        labels = obj.labels
        if key not in labels:
            pointer = "/metadata/labels" if obj.has("/metadata/labels") else "/metadata"
            yield Violation(f'{obj.kind.lower()} "{obj.name}" has no label "{key}"', pointer)
        elif pattern is not None and not pattern.fullmatch(str(labels[key] or "")):
            kind = obj.kind.lower()
            yield Violation(
                f'label "{key}" of {kind} "{obj.name}" does not match "{pattern.pattern}"',
                join_pointer("/metadata/labels", key),
            )

    return run
