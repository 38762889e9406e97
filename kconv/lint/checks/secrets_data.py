"""Secret-looking data in ConfigMaps (key names, private keys, cloud credentials, tokens).

Values are never part of a message: messages name the key and the reason only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.checks._secret_hits import secret_reason
from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.model.k8s import K8sObject
from kconv.model.location import join_pointer


@check(
    "configmap-secrets",
    params={
        "type": "object",
        "properties": {
            "allowed_keys": {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
        },
        "additionalProperties": False,
    },
)
def configmap_secrets(params: Mapping[str, Any]) -> CheckFn:
    """ConfigMap `data` entries that hold a secret, by key name or by value shape."""
    allowed = set(params.get("allowed_keys", ()))

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        data = obj.body.get("data")
        if not isinstance(data, dict):
            return
        for key, value in data.items():
            key = str(key)
            reason = None if key in allowed else secret_reason(key, value)
            if reason is None:
                continue
            if reason == "value":
                what = "holds a credential-like value"
            else:
                what = "is named like a secret and has a value"
            yield Violation(
                f'key "{key}" of configmap "{obj.name}" {what}', join_pointer("/data", key)
            )

    return run
