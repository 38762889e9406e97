"""Container security context checks: privileged, privilege escalation, root user, root filesystem.

Every container of the pod is checked (init, regular and ephemeral): an init container running
privileged is as dangerous as a regular one. Pod-level `securityContext` values are inherited by
containers that do not set them (Kubernetes semantics for runAsUser, runAsGroup, runAsNonRoot).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.model.k8s import ContainerRef, K8sObject


def _security_context(data: Mapping[str, Any]) -> dict[str, Any]:
    context = data.get("securityContext")
    return context if isinstance(context, dict) else {}


def _container_field(ref: ContainerRef, field: str) -> tuple[str, Any]:
    """(pointer, value) of a container securityContext field; pointer names the nearest part."""
    context = _security_context(ref.data)
    if field in context:
        return f"{ref.pointer}/securityContext/{field}", context[field]
    return ref.pointer, None


@check("privileged")
def privileged(params: Mapping[str, Any]) -> CheckFn:
    """Containers that run privileged."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for ref in obj.all_containers():
            pointer, value = _container_field(ref, "privileged")
            if value is True:
                yield Violation(f'container "{ref.name}" runs privileged', pointer)

    return run


@check("privilege-escalation")
def privilege_escalation(params: Mapping[str, Any]) -> CheckFn:
    """Containers whose allowPrivilegeEscalation is not false."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for ref in obj.all_containers():
            pointer, value = _container_field(ref, "allowPrivilegeEscalation")
            if value is False:
                continue
            if value is None:
                message = f'container "{ref.name}" does not set allowPrivilegeEscalation to false'
            else:
                message = f'container "{ref.name}" allows privilege escalation'
            yield Violation(message, pointer)

    return run


@check("read-only-root-filesystem")
def read_only_root_filesystem(params: Mapping[str, Any]) -> CheckFn:
    """Containers whose root filesystem is writable."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for ref in obj.all_containers():
            pointer, value = _container_field(ref, "readOnlyRootFilesystem")
            if value is True:
                continue
            if value is None:
                message = f'container "{ref.name}" does not set readOnlyRootFilesystem to true'
            else:
                message = f'container "{ref.name}" has a writable root filesystem'
            yield Violation(message, pointer)

    return run


def _effective(
    ref: ContainerRef, pod_pointer: str, pod_context: Mapping[str, Any], field: str
) -> tuple[str | None, Any, bool]:
    """(pointer of the written value, value, set at pod level) for an inherited field."""
    context = _security_context(ref.data)
    if context.get(field) is not None:
        return f"{ref.pointer}/securityContext/{field}", context[field], False
    if pod_context.get(field) is not None:
        return f"{pod_pointer}/securityContext/{field}", pod_context[field], True
    return None, None, False


def _is_root_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == 0


def _is_user_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


@check(
    "run-as-root",
    params={
        "type": "object",
        "properties": {"check_group": {"type": "boolean"}},
        "additionalProperties": False,
    },
)
def run_as_root(params: Mapping[str, Any]) -> CheckFn:
    """Containers that may run as root (user 0), honouring pod-level inheritance.

    A container passes when its effective runAsUser is a non-zero id, or when its effective
    runAsNonRoot is true and runAsUser is not 0. With `check_group` (default true), an
    effective runAsGroup of 0 is reported too (kube-linter does the same).
    """
    check_group = bool(params.get("check_group", True))

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        found = obj.pod_spec()
        if found is None:
            return
        pod_pointer, spec = found
        pod_context = _security_context(spec)
        for ref in obj.all_containers():
            yield from _root_violations(ref, pod_pointer, pod_context, check_group)

    return run


def _root_violations(
    ref: ContainerRef, pod_pointer: str, pod_context: Mapping[str, Any], check_group: bool
) -> Iterable[Violation]:
    name = ref.name
    user_ptr, user, user_at_pod = _effective(ref, pod_pointer, pod_context, "runAsUser")
    nonroot_ptr, nonroot, nonroot_at_pod = _effective(ref, pod_pointer, pod_context, "runAsNonRoot")
    where = "the pod's " if user_at_pod else ""
    if _is_root_id(user):
        pointer = ref.pointer if user_at_pod else user_ptr
        yield Violation(f'container "{name}" runs as root ({where}runAsUser is 0)', pointer or "")
    elif not _is_user_id(user) and nonroot is not True:
        if nonroot is None:
            message = f'container "{name}" may run as root (neither runAsNonRoot nor runAsUser set)'
            pointer = ref.pointer
        else:
            source = "the pod's " if nonroot_at_pod else ""
            message = f'container "{name}" may run as root ({source}runAsNonRoot is not true)'
            pointer = ref.pointer if nonroot_at_pod else (nonroot_ptr or ref.pointer)
        yield Violation(message, pointer)
    if check_group:
        group_ptr, group, group_at_pod = _effective(ref, pod_pointer, pod_context, "runAsGroup")
        if _is_root_id(group):
            source = "the pod's " if group_at_pod else ""
            pointer = ref.pointer if group_at_pod else (group_ptr or ref.pointer)
            yield Violation(
                f'container "{name}" runs with group 0 ({source}runAsGroup is 0)', pointer
            )
