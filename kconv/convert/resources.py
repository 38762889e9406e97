"""Container `resources` from `deploy.resources`, `mem_limit`, `cpus` (canonical quantities)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kconv.convert.context import ServiceBuild
from kconv.convert.kompose_labels import read_deploy_labels
from kconv.convert.quantities import cpu, memory
from kconv.model.compose import ResourceSpec


def _amounts(build: ServiceBuild, spec: ResourceSpec | None, gpus: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if spec is None:
        return out
    if spec.cpus:
        out["cpu"] = cpu(spec.cpus)
    if spec.memory:
        out["memory"] = memory(spec.memory)
    if spec.pids:
        build.warn("deploy", "a pids limit has no per-container equivalent; left out")
    if gpus:
        count = sum(_gpu_count(build, device) for device in spec.devices)
        if count:
            out["nvidia.com/gpu"] = count
    return out


def _gpu_count(build: ServiceBuild, device: Mapping[str, Any]) -> int:
    """How many GPUs a device reservation asks for (0 and a warning: not a GPU)."""
    capabilities = device.get("capabilities") or []
    flat = {c for group in capabilities for c in (group if isinstance(group, list) else [group])}
    if "gpu" not in flat:
        build.warn(
            "deploy",
            f"device reservation with capabilities {sorted(map(str, flat))} has no Kubernetes "
            "resource kconv knows; left out (request the device plugin's resource by hand)",
        )
        return 0
    ids = device.get("device_ids") or []
    if ids:
        build.warn(
            "deploy",
            f"GPU device_ids {[str(i) for i in ids]} become {len(ids)} nvidia.com/gpu: "
            "Kubernetes cannot pin specific devices",
        )
        return len(ids)
    wanted = device.get("count", 1)
    if wanted == "all":
        build.warn("deploy", "GPU count 'all' becomes 1 nvidia.com/gpu")
        return 1
    return int(wanted)


def resources(build: ServiceBuild) -> dict[str, Any]:
    """`requests` and `limits`; empty when compose gives none (then an info note)."""
    deploy = build.service.deploy
    out: dict[str, Any] = {}
    if deploy is not None:
        requests = _amounts(build, deploy.reservations, gpus=False)
        limits = _amounts(build, deploy.limits, gpus=False)
        gpus = _amounts(build, deploy.reservations, gpus=True).get("nvidia.com/gpu")
        if gpus:
            limits["nvidia.com/gpu"] = gpus
        ephemeral = read_deploy_labels(deploy.labels)
        if "request" in ephemeral:
            requests["ephemeral-storage"] = ephemeral["request"]
        if "limit" in ephemeral:
            limits["ephemeral-storage"] = ephemeral["limit"]
        if limits:
            out["limits"] = limits
        if requests:
            out["requests"] = requests
    for key in ("mem_limit", "mem_reservation", "cpus"):
        if key in build.service.raw:
            build.handled.add(key)
    if not out:
        build.info(
            "deploy" if deploy is not None else "image",
            "no CPU or memory given (deploy.resources); set requests and limits before production",
        )
    return out
