"""Conversion semantics that must not be lost silently: volume names, command lines, restart
policies, Job replicas, volume drivers, GPUs, StatefulSet Services and host names."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kconv.cli import cli
from kconv.convert.workload import restart_condition
from kconv.model.compose import Service


def _run(tmp_path: Path, compose: str, *options: str):
    """`kconv convert` (linted) of a compose file; the result of the CLI run."""
    path = tmp_path / "compose.yaml"
    path.write_text(compose, encoding="utf-8")
    return CliRunner().invoke(cli, ["convert", "-f", str(path), *options])


def _objects(result) -> list[dict]:
    """The converted objects; the run must succeed with no lint error."""
    assert result.exit_code == 0, result.output
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def _one(objects: list[dict], kind: str) -> dict:
    (found,) = [body for body in objects if body["kind"] == kind]
    return found


def _pod(objects: list[dict], kind: str) -> dict:
    return _one(objects, kind)["spec"]["template"]["spec"]


def _notes(result, severity: str) -> list[str]:
    return [line for line in result.stderr.splitlines() if f": {severity}: service" in line]


# -- 1. named volumes whose names normalise alike -------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [("app_data", "app-data"), ("v" * 63 + "_one", "v" * 63 + "_two")],
)
@pytest.mark.parametrize("mode", [(), ("--volumes", "emptyDir")])
def test_volumes_that_would_share_a_name_are_a_located_error(
    tmp_path: Path, first: str, second: str, mode: tuple[str, ...]
) -> None:
    compose = (
        "services:\n"
        "  app:\n"
        "    image: nginx:1.25\n"
        f'    volumes: ["{first}:/data1", "{second}:/data2"]\n'
        f"volumes: {{{first}: {{}}, {second}: {{}}}}\n"
    )
    result = _run(tmp_path, compose, *mode)
    assert result.exit_code == 2, result.output
    (line,) = [line for line in result.stderr.splitlines() if "error" in line]
    assert line.startswith(f"kconv: error: {tmp_path / 'compose.yaml'}:4:")
    assert repr(first) in line and repr(second) in line and "rename one of them" in line


def test_one_volume_shared_by_two_services_is_still_one_claim(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        '  a: {image: nginx:1.25, volumes: ["app_data:/data"]}\n'
        '  b: {image: nginx:1.25, volumes: ["app_data:/srv:ro"]}\n'
        "volumes: {app_data: {}}\n"
    )
    claims = [o for o in _objects(_run(tmp_path, compose)) if o["kind"] == "PersistentVolumeClaim"]
    assert [claim["metadata"]["name"] for claim in claims] == ["app-data"]


# -- 2. generated pod volume names never take a named volume's name -------------------------


def test_a_volume_named_dshm_keeps_the_shm_size_memory_volume(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        '  web: {image: nginx:1.25, shm_size: 64m, volumes: ["dshm:/data"]}\n'
        "volumes: {dshm: {}}\n"
    )
    pod = _pod(_objects(_run(tmp_path, compose)), "Deployment")
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in pod["containers"][0]["volumeMounts"]}
    assert volumes[mounts["/data"]]["persistentVolumeClaim"] == {"claimName": "dshm"}
    assert volumes[mounts["/dev/shm"]]["emptyDir"] == {"medium": "Memory", "sizeLimit": "64Mi"}


def test_a_volume_named_like_a_tmpfs_keeps_both_volumes(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  web:\n"
        "    image: nginx:1.25\n"
        '    volumes: [{type: tmpfs, target: /tmp}, "tmpfs-0:/data"]\n'
        "volumes: {tmpfs-0: {}}\n"
    )
    pod = _pod(_objects(_run(tmp_path, compose)), "Deployment")
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    mounts = {m["mountPath"]: m["name"] for m in pod["containers"][0]["volumeMounts"]}
    assert len(volumes) == 2 and mounts["/tmp"] != mounts["/data"]
    assert "persistentVolumeClaim" in volumes[mounts["/data"]]
    assert volumes[mounts["/tmp"]]["emptyDir"] == {"medium": "Memory"}


# -- 3. an empty entrypoint or command --------------------------------------------------------


@pytest.mark.parametrize("entrypoint", ["[]", '""'])
def test_empty_entrypoint_makes_the_command_the_whole_command_line(
    tmp_path: Path, entrypoint: str
) -> None:
    compose = (
        "services:\n"
        f"  a: {{image: python:3.12, entrypoint: {entrypoint}, command: [python, app.py]}}\n"
    )
    result = _run(tmp_path, compose)
    container = _pod(_objects(result), "Deployment")["containers"][0]
    assert container["command"] == ["python", "app.py"]
    assert "args" not in container
    assert not _notes(result, "warning")


def test_empty_entrypoint_without_command_is_warned_about(tmp_path: Path) -> None:
    result = _run(tmp_path, 'services:\n  a: {image: python:3.12, entrypoint: ""}\n')
    container = _pod(_objects(result), "Deployment")["containers"][0]
    assert "command" not in container and "args" not in container
    (warning,) = _notes(result, "warning")
    assert "empty entrypoint" in warning and "ENTRYPOINT still runs" in warning


def test_empty_command_without_entrypoint_is_warned_about(tmp_path: Path) -> None:
    result = _run(tmp_path, "services:\n  a: {image: python:3.12, command: []}\n")
    container = _pod(_objects(result), "Deployment")["containers"][0]
    assert "command" not in container and "args" not in container
    (warning,) = _notes(result, "warning")
    assert "empty command" in warning


def test_entrypoint_and_command_stay_command_and_args(tmp_path: Path) -> None:
    compose = "services:\n  a: {image: python:3.12, entrypoint: [python], command: [app.py]}\n"
    container = _pod(_objects(_run(tmp_path, compose)), "Deployment")["containers"][0]
    assert container["command"] == ["python"] and container["args"] == ["app.py"]


# -- 4. restart: on-failure:N ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("restart", "expected"),
    [
        ("on-failure:3", "on-failure"),
        ("on-failure", "on-failure"),
        ("no", "no"),
        ("always", "always"),
    ],
)
def test_restart_condition_reads_max_retries_suffix(restart: str, expected: str) -> None:
    assert restart_condition(Service(name="a", restart=restart)) == expected


def test_on_failure_with_max_retries_is_a_job_with_that_backoff_limit(tmp_path: Path) -> None:
    compose = 'services:\n  a: {image: busybox:1.36, restart: "on-failure:3"}\n'
    job = _one(_objects(_run(tmp_path, compose)), "Job")
    assert job["spec"]["backoffLimit"] == 3
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "OnFailure"


# -- 5. replicas of a Job ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "options"),
    [
        ('{image: busybox:1.36, restart: "no", deploy: {replicas: 4}}', ()),
        ('{image: busybox:1.36, restart: "no", x-kconv: {replicas: 4}}', ()),
        ('{image: busybox:1.36, restart: "no"}', ("--replicas", "4")),
    ],
    ids=["deploy", "x-kconv", "flag"],
)
def test_job_replicas_become_parallel_completions(
    tmp_path: Path, service: str, options: tuple[str, ...]
) -> None:
    result = _run(tmp_path, f"services:\n  a: {service}\n", *options)
    spec = _one(_objects(result), "Job")["spec"]
    assert (spec["parallelism"], spec["completions"]) == (4, 4)
    assert any("4 replicas" in note for note in _notes(result, "info"))


def test_a_single_replica_job_has_no_parallelism(tmp_path: Path) -> None:
    spec = _one(_objects(_run(tmp_path, 'services:\n  a: {image: b:1, restart: "no"}\n')), "Job")
    assert "parallelism" not in spec["spec"] and "completions" not in spec["spec"]


# -- 6. volume drivers -------------------------------------------------------------------------


def test_volume_driver_options_are_warned_about(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        '  a: {image: nginx:1.25, volumes: ["nfs:/data"]}\n'
        "volumes:\n"
        '  nfs: {driver: local, driver_opts: {type: nfs, o: "addr=10.0.0.1,rw", device: ":/x"}}\n'
    )
    result = _run(tmp_path, compose)
    _objects(result)
    (line,) = [line for line in result.stderr.splitlines() if "driver_opts" in line]
    assert ":4:3: warning: volume 'nfs'" in line and "(device, o, type)" in line
    assert "StorageClass" in line and "driver 'local'" not in line


def test_plain_local_driver_is_not_warned_about(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        '  a: {image: nginx:1.25, volumes: ["data:/data"]}\n'
        "volumes: {data: {driver: local}}\n"
    )
    assert "volume 'data'" not in _run(tmp_path, compose).stderr


# -- 7. GPUs -----------------------------------------------------------------------------------


def test_gpu_device_ids_count_and_other_devices_are_noted(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  a:\n"
        "    image: nginx:1.25\n"
        "    deploy:\n"
        "      resources:\n"
        "        reservations:\n"
        "          devices:\n"
        '            - {driver: nvidia, device_ids: ["0", "3"], capabilities: [gpu]}\n'
        "            - {driver: tpu, count: 1, capabilities: [tpu]}\n"
    )
    result = _run(tmp_path, compose)
    container = _pod(_objects(result), "Deployment")["containers"][0]
    assert container["resources"]["limits"] == {"nvidia.com/gpu": 2}
    warnings = _notes(result, "warning")
    assert any("device_ids" in w and "cannot pin" in w for w in warnings)
    assert any("['tpu']" in w and "left out" in w for w in warnings)


# -- 8. StatefulSet Service type ---------------------------------------------------------------


def test_statefulset_service_type_that_is_not_applied_is_warned_about(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  a:\n"
        "    image: nginx:1.25\n"
        '    ports: ["80"]\n'
        "    x-kconv: {controller: statefulset, service_type: LoadBalancer}\n"
    )
    result = _run(tmp_path, compose)
    service = _one(_objects(result), "Service")
    assert service["spec"]["clusterIP"] == "None" and "type" not in service["spec"]
    (warning,) = _notes(result, "warning")
    assert ":5:5: warning:" in warning and "LoadBalancer is not applied" in warning
    assert "headless" in warning


# -- 9. host names -----------------------------------------------------------------------------


def test_changed_host_names_are_noted(tmp_path: Path) -> None:
    compose = (
        "services:\n"
        "  a: {image: nginx:1.25, hostname: api.example.local, domainname: example.com}\n"
        "  b: {image: nginx:1.25, hostname: api}\n"
    )
    result = _run(tmp_path, compose)
    pods = [o["spec"]["template"]["spec"] for o in _objects(result)]
    assert [(p["hostname"], p.get("subdomain")) for p in pods] == [
        ("api-example-local", "example-com"),
        ("api", None),
    ]
    infos = [note for note in _notes(result, "info") if "becomes the pod" in note]
    assert len(infos) == 2
    assert "'api.example.local' becomes the pod hostname 'api-example-local'" in infos[0]
    assert "'example.com' becomes the pod subdomain 'example-com'" in infos[1]
