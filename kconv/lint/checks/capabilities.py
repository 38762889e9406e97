"""Linux capability checks: capabilities added beyond a safe set, and capabilities not dropped.

Capability names are compared case-insensitively and without the `CAP_` prefix, as the
container runtimes accept both spellings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.model.k8s import ContainerRef, K8sObject

# What the Pod Security Standards "baseline" profile lets a container add.
BASELINE_CAPABILITIES = (
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
)

# What container runtimes grant by default: dropping all of these is as good as dropping ALL.
DEFAULT_CAPABILITIES = (*BASELINE_CAPABILITIES, "NET_RAW")

_NAMES = {"type": "array", "items": {"type": "string", "minLength": 1}, "uniqueItems": True}


def normalise(name: object) -> str:
    """`cap_sys_admin` -> `SYS_ADMIN`."""
    text = str(name).strip().upper()
    return text.removeprefix("CAP_")


def _capabilities(ref: ContainerRef) -> tuple[str, dict[str, Any]]:
    context = ref.data.get("securityContext")
    if not isinstance(context, dict):
        return ref.pointer, {}
    capabilities = context.get("capabilities")
    if not isinstance(capabilities, dict):
        return f"{ref.pointer}/securityContext", {}
    return f"{ref.pointer}/securityContext/capabilities", capabilities


@check(
    "added-capabilities",
    params={
        "type": "object",
        "properties": {"allowed": _NAMES},
        "additionalProperties": False,
    },
)
def added_capabilities(params: Mapping[str, Any]) -> CheckFn:
    """Capabilities added that are not in `allowed` (default: the PSS baseline set)."""
    allowed = {normalise(name) for name in params.get("allowed", BASELINE_CAPABILITIES)}

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for ref in obj.all_containers():
            pointer, capabilities = _capabilities(ref)
            added = capabilities.get("add")
            if not isinstance(added, list):
                continue
            for index, name in enumerate(added):
                capability = normalise(name)
                if capability in allowed:
                    continue
                what = "all capabilities" if capability == "ALL" else f'capability "{capability}"'
                yield Violation(f'container "{ref.name}" adds {what}', f"{pointer}/add/{index}")

    return run


@check(
    "drop-capabilities",
    params={
        "type": "object",
        "properties": {"defaults": _NAMES},
        "additionalProperties": False,
    },
)
def drop_capabilities(params: Mapping[str, Any]) -> CheckFn:
    """Containers that do not drop ALL capabilities (or every one of the runtime's defaults)."""
    defaults = {normalise(name) for name in params.get("defaults", DEFAULT_CAPABILITIES)}

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for ref in obj.all_containers():
            pointer, capabilities = _capabilities(ref)
            dropped = capabilities.get("drop")
            names = {normalise(n) for n in dropped} if isinstance(dropped, list) else set()
            if "ALL" in names or defaults <= names:
                continue
            if isinstance(dropped, list):
                pointer = f"{pointer}/drop"
            yield Violation(f'container "{ref.name}" does not drop all capabilities', pointer)

    return run
