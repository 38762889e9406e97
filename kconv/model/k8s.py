"""The Kubernetes object model: one loaded object, where it came from, and its pod spec."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, NamedTuple, TypeVar

from kconv.model.location import Location, PositionIndex, join_pointer

# Where each pod-carrying kind keeps its pod spec.
POD_SPEC_POINTERS: dict[str, str] = {
    "Pod": "/spec",
    "Deployment": "/spec/template/spec",
    "ReplicaSet": "/spec/template/spec",
    "StatefulSet": "/spec/template/spec",
    "DaemonSet": "/spec/template/spec",
    "Job": "/spec/template/spec",
    "ReplicationController": "/spec/template/spec",
    "CronJob": "/spec/jobTemplate/spec/template/spec",
    "DeploymentConfig": "/spec/template/spec",  # OpenShift
}

# Named kind groups that rule specs may use in `kinds:` (besides plain kind names).
KIND_GROUPS: dict[str, frozenset[str]] = {
    "PodController": frozenset(POD_SPEC_POINTERS),
    "Workload": frozenset(POD_SPEC_POINTERS) - {"Pod"},
    "DeploymentLike": frozenset(
        {
            "Deployment",
            "StatefulSet",
            "DaemonSet",
            "ReplicaSet",
            "ReplicationController",
            "DeploymentConfig",
        }
    ),
}

CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")

_T = TypeVar("_T")


class once(Generic[_T]):  # lower case: used like `property`
    """`functools.cached_property` without its lock: Python 3.11 takes a lock on every first
    access, which costs more than computing the values here. The value is stored in the
    instance, where it shadows this (non-data) descriptor."""

    def __init__(self, function: Callable[[Any], _T]) -> None:
        self.function = function
        self.name = function.__name__
        self.__doc__ = function.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> _T:
        if instance is None:
            return self  # type: ignore[return-value]
        value = self.function(instance)
        instance.__dict__[self.name] = value
        return value


def _get(data: Any, pointer: str) -> Any:
    """The value at a JSON pointer in plain data, or None."""
    value = data
    for token in pointer.split("/")[1:]:
        if isinstance(value, dict):
            value = value.get(token)
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return None
    return value


class ContainerRef(NamedTuple):
    """A container of a pod spec: its JSON pointer, its list name, and its data."""

    pointer: str
    list_name: str  # "containers", "initContainers" or "ephemeralContainers"
    data: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.data.get("name", "?"))


class K8sObject:
    """One Kubernetes object read from a file, with the positions of its values.

    `pointer_prefix` is "" for a top-level document and e.g. "/items/3" for an item of a
    `kind: List`; `positions` is the index of the whole document, so pointers passed to
    `location()` are relative to the object and the prefix is added here.

    The body is never changed once loaded. What every rule asks for (`kind`, `name`,
    `namespace`: the one written, or None, which objects without one share; `metadata`,
    `labels`, `annotations`: {} when not a mapping) is read when the object is made, the rest
    once per object on first use; what they return must not be modified. Two objects are equal
    only when they are the same object.
    """

    def __init__(
        self,
        body: dict[str, Any],
        file: str,
        positions: PositionIndex,
        document_index: int = 0,
        pointer_prefix: str = "",
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.body = body
        self.file = file
        self.positions = positions
        self.document_index = document_index
        self.pointer_prefix = pointer_prefix
        self.extra: dict[str, Any] = {} if extra is None else extra
        self._containers: dict[tuple[str, ...], list[ContainerRef]] = {}
        # plain attributes, not `once`: a descriptor call per first read cost 3 µs an object
        metadata = body.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        self.api_version = str(body.get("apiVersion", ""))
        self.kind = str(body.get("kind", ""))
        self.metadata: dict[str, Any] = metadata
        self.name = str(metadata.get("name") or metadata.get("generateName") or "")
        namespace = metadata.get("namespace")
        self.namespace = str(namespace) if namespace else None
        labels = metadata.get("labels")
        self.labels: dict[str, Any] = labels if isinstance(labels, dict) else {}
        annotations = metadata.get("annotations")
        self.annotations: dict[str, Any] = annotations if isinstance(annotations, dict) else {}

    def __repr__(self) -> str:
        return f"<K8sObject {self.ref} in {self.file}, document {self.document_index}>"

    @property
    def ref(self) -> str:
        """A short human reference: `Deployment web` or `Deployment prod/web`."""
        name = f"{self.namespace}/{self.name}" if self.namespace else self.name
        return f"{self.kind} {name}"

    def get(self, pointer: str) -> Any:
        """The value at a JSON pointer inside this object, or None."""
        return _get(self.body, pointer)

    def location(self, pointer: str = "") -> Location:
        """Where the value at `pointer` (or its nearest written ancestor) is in the source."""
        return self.positions.nearest(self.pointer_prefix + pointer)

    def has(self, pointer: str) -> bool:
        return (self.pointer_prefix + pointer) in self.positions

    # -- pod-carrying kinds -------------------------------------------------------------------

    @once
    def pod_spec_pointer(self) -> str | None:
        return POD_SPEC_POINTERS.get(self.kind)

    def pod_spec(self) -> tuple[str, dict[str, Any]] | None:
        """(pointer, pod spec) for pod-carrying kinds, None for others or a missing spec."""
        return self._pod_spec

    @once
    def _pod_spec(self) -> tuple[str, dict[str, Any]] | None:
        pointer = self.pod_spec_pointer
        if pointer is None:
            return None
        spec = self.get(pointer)
        return (pointer, spec) if isinstance(spec, dict) else None

    def pod_template_pointer(self) -> str | None:
        """The pointer of the pod template (`/spec/template`), "" for a bare Pod."""
        pointer = self.pod_spec_pointer
        if pointer is None:
            return None
        return pointer.removesuffix("/spec")

    def pod_labels(self) -> dict[str, Any]:
        """Labels the pods of this object get (the template's, or a Pod's own)."""
        template = self.pod_template_pointer()
        if template is None:
            return {}
        labels = self.get(join_pointer(template, "metadata", "labels"))
        return labels if isinstance(labels, dict) else {}

    def containers(self, *lists: str) -> list[ContainerRef]:
        """Containers of the pod spec; by default the regular `containers` only."""
        key = lists or ("containers",)
        found = self._containers.get(key)
        if found is None:
            found = self._containers[key] = self._find_containers(key)
        return found

    def _find_containers(self, lists: tuple[str, ...]) -> list[ContainerRef]:
        found = self._pod_spec
        if found is None:
            return []
        pointer, spec = found
        result = []
        for list_name in lists:
            items = spec.get(list_name)
            if not isinstance(items, list):
                continue
            for index, container in enumerate(items):
                if isinstance(container, dict):
                    result.append(
                        ContainerRef(join_pointer(pointer, list_name, index), list_name, container)
                    )
        return result

    def all_containers(self) -> list[ContainerRef]:
        """Init, regular and ephemeral containers."""
        return self.containers(*CONTAINER_LISTS)


def kind_matches(kind: str, selectors: frozenset[str] | None) -> bool:
    """Does `kind` match a rule's `kinds` (kind names or group names; None means any)?"""
    if selectors is None or "Any" in selectors:
        return True
    if kind in selectors:
        return True
    return any(kind in KIND_GROUPS.get(selector, ()) for selector in selectors)
