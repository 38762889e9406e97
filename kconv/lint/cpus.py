"""How many CPUs this process may use: `--jobs`'s default.

Two things limit it on Linux: the CPU affinity (the CPUs it may run on, which is what
`os.sched_getaffinity` gives) and the CPU quota of its control group: the time it may use per
period, in CPUs' worth (`docker run --cpus 2`, a Kubernetes CPU limit). A container on a
64-CPU host with a 2-CPU limit sees 64 CPUs in its affinity; starting 64 workers there would
run them at 1/32 of a CPU each and hold 64 copies of the run's objects. So the quota of the
process's control group, and of each group above it, caps the count, rounded up.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable

PROC_CGROUP = "/proc/self/cgroup"
CGROUP_ROOT = "/sys/fs/cgroup"


def usable_cpus(proc_cgroup: str = PROC_CGROUP, cgroup_root: str = CGROUP_ROOT) -> int:
    """The number of CPUs this process may use (at least 1)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # no affinity here (macOS, Windows)
        cpus = os.cpu_count() or 1
    limit = cgroup_cpu_limit(proc_cgroup, cgroup_root)
    if limit is not None:
        cpus = min(cpus, math.ceil(limit))
    return max(1, cpus)


def cgroup_cpu_limit(
    proc_cgroup: str = PROC_CGROUP, cgroup_root: str = CGROUP_ROOT
) -> float | None:
    """The lowest CPU quota, in CPUs, of this process's control groups and the groups above
    them (cgroup v2 `cpu.max`, v1 `cpu.cfs_quota_us` / `cpu.cfs_period_us`); None when there
    is none or it cannot be read (not Linux, no cgroup file system)."""
    try:
        with open(proc_cgroup, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    limits: list[float] = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        hierarchy, controllers, path = parts
        if hierarchy == "0" and not controllers:  # the v2 hierarchy (alone, or beside v1's)
            candidates = [cgroup_root, os.path.join(cgroup_root, "unified")]
            # where v1 hierarchies are mounted too, the cgroup root is a plain directory
            mounts = [
                mount
                for mount in candidates
                if os.path.isfile(os.path.join(mount, "cgroup.controllers"))
            ]
            limits += _limits(mounts, path, _v2_limit)
        elif "cpu" in controllers.split(","):
            mounts = [os.path.join(cgroup_root, controllers), os.path.join(cgroup_root, "cpu")]
            limits += _limits(mounts, path, _v1_limit)
    return min(limits) if limits else None


def _limits(mounts: list[str], path: str, read: Callable[[str], float | None]) -> list[float]:
    """The limits `read(directory)` finds in the group at `path` and every group above it,
    under the first of `mounts` that exists. Inside a container the group's own directory
    is often the mount itself (its path names the host's hierarchy): the walk reaches it."""
    for mount in mounts:
        if not os.path.isdir(mount):
            continue
        found = []
        parts = [part for part in path.split("/") if part]
        for depth in range(len(parts), -1, -1):
            limit = read(os.path.join(mount, *parts[:depth]))
            if limit is not None:
                found.append(limit)
        return found
    return []


def _v2_limit(directory: str) -> float | None:
    fields = (_read(os.path.join(directory, "cpu.max")) or "").split()
    # "200000 100000": two CPUs' worth of time per period; "max 100000": no quota
    return _ratio(fields[0], fields[1]) if len(fields) == 2 else None


def _v1_limit(directory: str) -> float | None:
    quota = _read(os.path.join(directory, "cpu.cfs_quota_us"))
    period = _read(os.path.join(directory, "cpu.cfs_period_us"))
    if quota is None or period is None:
        return None
    return _ratio(quota, period)


def _ratio(quota: str, period: str) -> float | None:
    try:
        quota_us, period_us = int(quota), int(period)
    except ValueError:  # "max"
        return None
    if quota_us <= 0 or period_us <= 0:  # -1: no quota (v1)
        return None
    return quota_us / period_us


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as handle:
            return handle.read().strip()
    except (OSError, ValueError):
        return None
