"""What a check may know beyond its own object: every object of the run and the target version."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import cached_property

from kconv.model.k8s import K8sObject

DEFAULT_KUBERNETES_VERSION = "1.37"


class LintContext:
    """All objects of one run, indexed for cross-object checks.

    Objects without a namespace are treated as being in the same namespace as each other
    (as when they are all applied with `kubectl apply -n NS`).
    `partial` is True when the run saw only part of the file set (e.g. `--shard`), so
    cross-object checks should be careful about reporting absences.
    """

    def __init__(
        self,
        objects: Sequence[K8sObject] | None = None,
        kubernetes_version: str = DEFAULT_KUBERNETES_VERSION,
        partial: bool = False,
    ) -> None:
        self.objects: Sequence[K8sObject] = [] if objects is None else objects
        self.kubernetes_version = kubernetes_version
        self.partial = partial

    @cached_property
    def by_kind(self) -> dict[str, list[K8sObject]]:
        index: dict[str, list[K8sObject]] = defaultdict(list)
        for obj in self.objects:
            index[obj.kind].append(obj)
        return dict(index)

    def of_kind(self, kind: str, namespace: str | object | None = ...) -> list[K8sObject]:
        """Objects of `kind`; when `namespace` is given, only those in that namespace."""
        objects = self.by_kind.get(kind, [])
        if namespace is ...:
            return list(objects)
        return [obj for obj in objects if obj.namespace == namespace]

    def find(self, kind: str, name: str, namespace: str | None) -> K8sObject | None:
        """The object of `kind` named `name` in `namespace`, if the run has it."""
        for obj in self.by_kind.get(kind, ()):
            if obj.name == name and obj.namespace == namespace:
                return obj
        return None
