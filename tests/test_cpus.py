"""`--jobs`'s default: the CPUs this process may use, capped by its control group's CPU quota
(kconv.lint.cpus), read from fake /proc/self/cgroup files and cgroup trees."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kconv.lint import cpus


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _limit(tmp_path: Path, proc: str, files: dict[str, str]) -> float | None:
    (tmp_path / "cgroup").write_text(proc)
    root = tmp_path / "sys"
    root.mkdir()
    _tree(root, {"cgroup.controllers": "cpu memory\n", **files})
    return cpus.cgroup_cpu_limit(str(tmp_path / "cgroup"), str(root))


def test_v2_quota_of_the_container(tmp_path: Path) -> None:
    """A container with its own cgroup namespace: the group is the mount's root."""
    assert _limit(tmp_path, "0::/\n", {"cpu.max": "200000 100000\n"}) == 2.0
    (tmp_path / "b").mkdir()
    assert _limit(tmp_path / "b", "0::/\n", {"cpu.max": "max 100000\n"}) is None


def test_v2_the_lowest_quota_on_the_way_up(tmp_path: Path) -> None:
    files = {
        "kubepods/cpu.max": "150000 100000",
        "kubepods/pod1/cpu.max": "max 100000",
        "kubepods/pod1/app/cpu.max": "400000 100000",
    }
    assert _limit(tmp_path, "0::/kubepods/pod1/app\n", files) == 1.5


def test_v2_group_path_of_the_host_inside_a_container(tmp_path: Path) -> None:
    """Without a cgroup namespace the path names the host's hierarchy, which the container
    does not see: its own group is mounted at the root, where the walk ends."""
    files = {"cpu.max": "50000 100000"}
    assert _limit(tmp_path, "0::/docker/0123abc\n", files) == 0.5


def test_v1_cfs_quota(tmp_path: Path) -> None:
    proc = "4:memory:/x\n3:cpu,cpuacct:/docker/abc\n0::/\n"
    files = {
        "cpu,cpuacct/docker/abc/cpu.cfs_quota_us": "300000",
        "cpu,cpuacct/docker/abc/cpu.cfs_period_us": "100000",
        "cpu,cpuacct/cpu.cfs_quota_us": "-1",
        "cpu,cpuacct/cpu.cfs_period_us": "100000",
    }
    assert _limit(tmp_path, proc, files) == 3.0


def test_v1_unlimited_as_on_this_kind_of_machine(tmp_path: Path) -> None:
    proc = "1:cpu:/\n0::/\n"
    files = {"cpu/cpu.cfs_quota_us": "-1", "cpu/cpu.cfs_period_us": "100000", "unified/x": ""}
    assert _limit(tmp_path, proc, files) is None


def test_v2_beside_v1_is_found_under_unified(tmp_path: Path) -> None:
    """Hybrid hosts mount v1 hierarchies under /sys/fs/cgroup and v2 at .../unified."""
    (tmp_path / "cgroup").write_text("1:cpu:/\n0::/app\n")
    files = {
        "cpu/cpu.cfs_quota_us": "-1",
        "cpu/cpu.cfs_period_us": "100000",
        "cpu.max": "100000 100000",  # not a v2 group: no cgroup.controllers beside it
        "unified/cgroup.controllers": "cpu\n",
        "unified/app/cpu.max": "300000 100000",
    }
    _tree(tmp_path / "sys", files)
    assert cpus.cgroup_cpu_limit(str(tmp_path / "cgroup"), str(tmp_path / "sys")) == 3.0


@pytest.mark.parametrize("text", ["", "garbage\n", "0::/\n", "1:cpu:/\n", "0::/\n1:cpuset:/\n"])
def test_nothing_readable_is_no_limit(tmp_path: Path, text: str) -> None:
    files = {"cgroup.controllers": "cpu", "cpu.max": "abc 100000", "cpu/cpu.cfs_quota_us": "x"}
    _tree(tmp_path / "sys", files)
    (tmp_path / "cgroup").write_text(text)
    assert cpus.cgroup_cpu_limit(str(tmp_path / "cgroup"), str(tmp_path / "sys")) is None


def test_no_cgroup_file_no_limit(tmp_path: Path) -> None:
    assert cpus.cgroup_cpu_limit(str(tmp_path / "missing"), str(tmp_path)) is None


def test_usable_cpus_is_affinity_capped_by_the_quota_rounded_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(64)), raising=False)
    (tmp_path / "cgroup").write_text("0::/\n")
    _tree(tmp_path / "sys", {"cgroup.controllers": "cpu\n", "cpu.max": "250000 100000"})
    proc, root = str(tmp_path / "cgroup"), str(tmp_path / "sys")
    assert cpus.usable_cpus(proc, root) == 3
    (tmp_path / "sys" / "cpu.max").write_text("10000 100000")  # a tenth of a CPU: one worker
    assert cpus.usable_cpus(proc, root) == 1
    (tmp_path / "sys" / "cpu.max").write_text("max 100000")
    assert cpus.usable_cpus(proc, root) == 64
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    (tmp_path / "sys" / "cpu.max").write_text("800000 100000")  # more quota than CPUs
    assert cpus.usable_cpus(proc, root) == 2
    monkeypatch.delattr(os, "sched_getaffinity")  # as on macOS
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    assert cpus.usable_cpus(str(tmp_path / "missing"), root) == 8


def test_default_jobs_follows_usable_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    from kconv.lint import parallel

    monkeypatch.setattr(cpus, "usable_cpus", lambda: 3)
    assert parallel.default_jobs() == 3
