"""Container environment checks: duplicate variable names and literal secret values.

Secret values are never part of a message: messages name the variable and the reason only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.checks._secret_hits import secret_reason
from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.model.k8s import ContainerRef, K8sObject


def _env(ref: ContainerRef) -> Iterable[tuple[int, dict[str, Any]]]:
    env = ref.data.get("env")
    if not isinstance(env, list):
        return
    for index, item in enumerate(env):
        if isinstance(item, dict):
            yield index, item


@check("duplicate-env")
def duplicate_env(params: Mapping[str, Any]) -> CheckFn:
    """Environment variables defined more than once in one container (the last one wins)."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for ref in obj.all_containers():
            first: dict[str, str] = {}
            for index, item in _env(ref):
                name = item.get("name")
                if not isinstance(name, str):
                    continue
                pointer = f"{ref.pointer}/env/{index}/name"
                if name not in first:
                    first[name] = pointer
                    continue
                where = obj.location(first[name])
                yield Violation(
                    f'container "{ref.name}" defines environment variable "{name}" again '
                    f"(first at line {where.line})",
                    pointer,
                )

    return run


@check(
    "env-secret-literal",
    params={
        "type": "object",
        "properties": {
            "allowed_names": {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
        },
        "additionalProperties": False,
    },
)
def env_secret_literal(params: Mapping[str, Any]) -> CheckFn:
    """Literal env values that are secrets, by the variable's name or by the value's shape.

    `valueFrom` (a Secret reference) is the fix and never reported; empty values, flags and
    `$(VAR)` references are not secrets; `allowed_names` lists variable names to accept anyway.
    """
    allowed = set(params.get("allowed_names", ()))

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for ref in obj.all_containers():
            for index, item in _env(ref):
                name = item.get("name")
                if not isinstance(name, str) or name in allowed or "value" not in item:
                    continue
                reason = secret_reason(name, item["value"])
                if reason is None:
                    continue
                if reason == "value":
                    what = f'sets environment variable "{name}" to a credential-like literal'
                else:
                    what = f'sets environment variable "{name}", named like a secret, literally'
                yield Violation(
                    f'container "{ref.name}" {what}', f"{ref.pointer}/env/{index}/value"
                )

    return run
