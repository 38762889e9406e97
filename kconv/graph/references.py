"""The named references an object makes: pod specs to ConfigMaps, Secrets and PVCs, Ingresses
to Services (and TLS Secrets), autoscalers to their scale target."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from kconv.model.k8s import K8sObject
from kconv.model.location import join_pointer


@dataclass(frozen=True)
class Reference:
    """`kind`/`name` referenced at `pointer` of the referring object, with an edge label."""

    kind: str
    name: str
    label: str
    pointer: str
    optional: bool = False


def _items(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                yield index, item


def _named(value: Any, field: str = "name") -> str | None:
    if isinstance(value, dict):
        name = value.get(field)
        if isinstance(name, str) and name:
            return name
    return None


def _ref(kind: str, holder: Any, field: str, label: str, pointer: str) -> Reference | None:
    name = _named(holder, field)
    if name is None:
        return None
    optional = bool(holder.get("optional")) if isinstance(holder, dict) else False
    return Reference(kind, name, label, join_pointer(pointer, field), optional)


_ENV_REFS = (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret"))
_ENV_FROM_REFS = (("configMapRef", "ConfigMap"), ("secretRef", "Secret"))
# volume type -> (kind, field holding the name)
_VOLUME_REFS = {
    "configMap": ("ConfigMap", "name"),
    "secret": ("Secret", "secretName"),
    "persistentVolumeClaim": ("PersistentVolumeClaim", "claimName"),
}
_PROJECTED_REFS = (("configMap", "ConfigMap"), ("secret", "Secret"))


def _container_references(pointer: str, container: dict[str, Any]) -> Iterator[Reference | None]:
    for index, env in _items(container.get("env")):
        value_from = env.get("valueFrom")
        if not isinstance(value_from, dict):
            continue
        for field, kind in _ENV_REFS:
            base = join_pointer(pointer, "env", index, "valueFrom", field)
            yield _ref(kind, value_from.get(field), "name", "env", base)
    for index, source in _items(container.get("envFrom")):
        for field, kind in _ENV_FROM_REFS:
            base = join_pointer(pointer, "envFrom", index, field)
            yield _ref(kind, source.get(field), "name", "envFrom", base)


def _volume_references(pointer: str, spec: dict[str, Any]) -> Iterator[Reference | None]:
    for index, volume in _items(spec.get("volumes")):
        base = join_pointer(pointer, "volumes", index)
        for volume_type, (kind, field) in _VOLUME_REFS.items():
            yield _ref(
                kind, volume.get(volume_type), field, "volume", join_pointer(base, volume_type)
            )
        projected = volume.get("projected")
        if isinstance(projected, dict):
            for number, source in _items(projected.get("sources")):
                for field, kind in _PROJECTED_REFS:
                    where = join_pointer(base, "projected", "sources", number, field)
                    yield _ref(kind, source.get(field), "name", "volume", where)


def pod_references(obj: K8sObject) -> list[Reference]:
    """ConfigMaps, Secrets and PVCs the pods of `obj` use (env, envFrom, volumes, pull secrets)."""
    found = obj.pod_spec()
    if found is None:
        return []
    pointer, spec = found
    candidates: list[Reference | None] = []
    for container in obj.all_containers():
        candidates.extend(_container_references(container.pointer, container.data))
    candidates.extend(_volume_references(pointer, spec))
    for index, item in _items(spec.get("imagePullSecrets")):
        base = join_pointer(pointer, "imagePullSecrets", index)
        candidates.append(_ref("Secret", item, "name", "pull secret", base))
    return [reference for reference in candidates if reference is not None]


def _route(host: Any, path: Any) -> str:
    text = (str(host) if host else "") + (str(path) if path else "")
    return text or "*"


def _backend(backend: Any, pointer: str, label: str) -> Reference | None:
    """A Service backend, networking.k8s.io/v1 (`service.name`) or v1beta1 (`serviceName`)."""
    if not isinstance(backend, dict):
        return None
    service = backend.get("service")
    if isinstance(service, dict):
        return _ref("Service", service, "name", label, join_pointer(pointer, "service"))
    return _ref("Service", backend, "serviceName", label, pointer)


# Ingress annotations that make cert-manager (or kube-lego) create the TLS Secrets.
_ISSUER_ANNOTATIONS = (
    "cert-manager.io/issuer",
    "cert-manager.io/cluster-issuer",
    "kubernetes.io/tls-acme",
)


def _certificates_issued(obj: K8sObject) -> bool:
    return any(
        str(obj.annotations.get(key, "")).strip().lower() not in ("", "false")
        for key in _ISSUER_ANNOTATIONS
    )


def ingress_references(obj: K8sObject) -> list[Reference]:
    """Services an Ingress routes to (labelled host+path, `default` for the default backend)
    and the Secrets its TLS entries name (optional when cert-manager issues them)."""
    spec = obj.get("/spec")
    if not isinstance(spec, dict):
        return []
    candidates: list[Reference | None] = []
    for field in ("defaultBackend", "backend"):
        candidates.append(_backend(spec.get(field), join_pointer("/spec", field), "default"))
    for rule_index, rule in _items(spec.get("rules")):
        http = rule.get("http")
        if not isinstance(http, dict):
            continue
        for path_index, path in _items(http.get("paths")):
            pointer = join_pointer("/spec/rules", rule_index, "http", "paths", path_index)
            label = _route(rule.get("host"), path.get("path"))
            candidates.append(
                _backend(path.get("backend"), join_pointer(pointer, "backend"), label)
            )
    issued = _certificates_issued(obj)
    for index, tls in _items(spec.get("tls")):
        reference = _ref("Secret", tls, "secretName", "tls", join_pointer("/spec/tls", index))
        if reference is not None and issued:
            reference = replace(reference, optional=True)
        candidates.append(reference)
    return [reference for reference in candidates if reference is not None]


def scale_target(obj: K8sObject) -> Reference | None:
    """The object a HorizontalPodAutoscaler scales (`spec.scaleTargetRef`)."""
    target = obj.get("/spec/scaleTargetRef")
    kind = _named(target, "kind")
    if kind is None:
        return None
    return _ref(kind, target, "name", "scales", "/spec/scaleTargetRef")


__all__ = ["Reference", "ingress_references", "pod_references", "scale_target"]
