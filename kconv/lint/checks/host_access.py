"""Host access checks: host namespaces, hostPath volumes, container runtime sockets, hostPort."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.model.k8s import K8sObject

HOST_NAMESPACE_FIELDS = ("hostNetwork", "hostPID", "hostIPC")

# Host directories whose mount (or the mount of anything below them) exposes the node.
SENSITIVE_HOST_PATHS = (
    "/",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib64",
    "/proc",
    "/root",
    "/sys",
    "/usr",
    "/var/lib/kubelet",
    "/var/lib/docker",
    "/var/lib/containerd",
    "/var/lib/etcd",
)

# Container runtime sockets, and the directories that hold them.
RUNTIME_SOCKETS = (
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
    "/var/run/dockershim.sock",
    "/run/dockershim.sock",
    "/var/run/podman/podman.sock",
    "/run/podman/podman.sock",
    "/var/run",
    "/run",
    "/var/run/containerd",
    "/run/containerd",
    "/var/run/crio",
    "/run/crio",
    "/var/run/docker",
    "/run/docker",
)

_PATH_LIST = {"type": "array", "items": {"type": "string", "pattern": "^/"}, "uniqueItems": True}


@check(
    "host-namespace",
    params={
        "type": "object",
        "properties": {"field": {"enum": list(HOST_NAMESPACE_FIELDS)}},
        "required": ["field"],
        "additionalProperties": False,
    },
)
def host_namespace(params: Mapping[str, Any]) -> CheckFn:
    """Pods that share a host namespace (param `field`: hostNetwork, hostPID or hostIPC)."""
    field = str(params["field"])

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        found = obj.pod_spec()
        if found is None:
            return
        pointer, spec = found
        if spec.get(field) is True:
            yield Violation(f"pod sets {field} to true", f"{pointer}/{field}")

    return run


def _host_paths(obj: K8sObject) -> Iterable[tuple[str, str, str]]:
    """(pointer of hostPath.path, volume name, normalised path) for each hostPath volume."""
    found = obj.pod_spec()
    if found is None:
        return
    pointer, spec = found
    volumes = spec.get("volumes")
    if not isinstance(volumes, list):
        return
    for index, volume in enumerate(volumes):
        if not isinstance(volume, dict):
            continue
        host_path = volume.get("hostPath")
        if not isinstance(host_path, dict) or not isinstance(host_path.get("path"), str):
            continue
        raw = host_path["path"].strip()
        if not raw.startswith("/"):
            continue
        path = posixpath.normpath(raw)
        if path.startswith("//"):
            path = "/" + path.lstrip("/")
        name = str(volume.get("name", "?"))
        yield f"{pointer}/volumes/{index}/hostPath/path", name, path


def _is_within(path: str, base: str) -> bool:
    if base == "/":
        return path == "/"
    return path == base or path.startswith(base + "/")


@check(
    "sensitive-host-path",
    params={
        "type": "object",
        "properties": {"paths": _PATH_LIST, "allowed": _PATH_LIST},
        "additionalProperties": False,
    },
)
def sensitive_host_path(params: Mapping[str, Any]) -> CheckFn:
    """hostPath volumes of sensitive host directories (or anything below them).

    `paths` lists the sensitive directories ("/" matches only the root itself); `allowed`
    lists exact paths that are accepted anyway.
    """
    paths = tuple(posixpath.normpath(p) for p in params.get("paths", SENSITIVE_HOST_PATHS))
    allowed = {posixpath.normpath(p) for p in params.get("allowed", ())}

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for pointer, name, path in _host_paths(obj):
            if path in allowed:
                continue
            if any(_is_within(path, base) for base in paths):
                yield Violation(f'volume "{name}" mounts the sensitive host path "{path}"', pointer)

    return run


@check(
    "runtime-socket",
    params={
        "type": "object",
        "properties": {"paths": _PATH_LIST},
        "additionalProperties": False,
    },
)
def runtime_socket(params: Mapping[str, Any]) -> CheckFn:
    """hostPath volumes of a container runtime socket (docker, containerd, CRI-O) or its folder."""
    sockets = {posixpath.normpath(p) for p in params.get("paths", RUNTIME_SOCKETS)}

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for pointer, name, path in _host_paths(obj):
            if path in sockets:
                yield Violation(
                    f'volume "{name}" mounts the container runtime socket path "{path}"', pointer
                )

    return run


@check("host-port")
def host_port(params: Mapping[str, Any]) -> CheckFn:
    """Container ports bound to a port of the node (hostPort)."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for ref in obj.all_containers():
            ports = ref.data.get("ports")
            if not isinstance(ports, list):
                continue
            for index, port in enumerate(ports):
                if not isinstance(port, dict):
                    continue
                value = port.get("hostPort")
                if value in (None, 0, "0", ""):
                    continue
                yield Violation(
                    f'container "{ref.name}" binds host port {value}',
                    f"{ref.pointer}/ports/{index}/hostPort",
                )

    return run
