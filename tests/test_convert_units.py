"""Unit tests of the converter's helpers: names, quantities, probes, variables, kompose labels."""

from __future__ import annotations

import pytest

from kconv.convert.expansion import kubernetes_literal
from kconv.convert.kompose_labels import read_kompose_labels
from kconv.convert.names import NameRegistry, child_name, dns_label, port_name
from kconv.convert.options import ConvertOptions
from kconv.convert.probes import http_check
from kconv.convert.quantities import cpu, memory, normalise_quantity, parse_duration, parse_size
from kconv.convert.settings import ServiceSettings
from kconv.convert.workload import restart_condition, workload_kind
from kconv.errors import InputError
from kconv.model.compose import Deploy, Service
from kconv.model.location import Location

HERE = Location("compose.yaml", 3, 5)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("web", "web"),
        ("My_App.v2", "my-app-v2"),
        ("--x__y--", "x-y"),
        ("a" * 80, "a" * 63),
        ("ünïcode", "n-code"),
    ],
)
def test_dns_label(name: str, expected: str) -> None:
    assert dns_label(name) == expected


def test_child_name_keeps_the_suffix_within_63() -> None:
    name = child_name("s" * 70, "env")
    assert name.endswith("-env") and len(name) == 63


def test_port_names_are_iana_service_names() -> None:
    assert port_name("HTTP_Admin", "tcp", 8080) == "http-admin"
    assert port_name(None, "udp", 53) == "udp-53"
    assert port_name("12345", "tcp", 80) == "tcp-80"  # needs a letter
    assert len(port_name("a-very-long-port-name", "tcp", 1)) <= 15


def test_name_registry_reports_collisions() -> None:
    registry = NameRegistry()
    registry.claim("service", "my-app", "my_app", HERE)
    with pytest.raises(InputError, match=r"'my\.app' and 'my_app'"):
        registry.claim("service", "my-app", "my.app", Location("compose.yaml", 9, 3))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (512 * 1024**2, "512Mi"),
        (10**9, "1000000000"),
        (1024**3, "1Gi"),
        (1536, "1536"),
        (2048, "2Ki"),
    ],
)
def test_memory_quantities(value: int, expected: str) -> None:
    assert memory(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"), [(0.5, "500m"), (2.0, "2"), (1.25, "1250m"), (0.0001, "1m")]
)
def test_cpu_quantities(value: float, expected: str) -> None:
    assert cpu(value) == expected


def test_sizes_and_durations() -> None:
    assert parse_size("512m") == 512 * 1024**2
    assert parse_size("1gb") == 1024**3
    assert parse_size("lots") is None
    assert parse_duration("1m30s") == 90
    assert parse_duration("250ms") == 0.25
    assert parse_duration("soon") is None
    assert normalise_quantity("5Gi") == "5Gi"
    assert normalise_quantity("512m") == "512m"  # a valid quantity stays as written
    assert normalise_quantity("2gb") == "2Gi"
    assert normalise_quantity("big") is None


def test_dollars_are_escaped_not_turned_into_kubernetes_references() -> None:
    assert kubernetes_literal("$HOME/${APP_DIR}/x") == "$HOME/${APP_DIR}/x"
    assert kubernetes_literal("costs $5, $$ and $(date)") == "costs $5, $$$$ and $$(date)"


@pytest.mark.parametrize(
    ("test", "expected"),
    [
        (
            ("CMD", "curl", "-f", "http://localhost:8080/healthz"),
            {"path": "/healthz", "port": 8080},
        ),
        (("CMD-SHELL", "curl -fsS http://127.0.0.1/ || exit 1"), {"path": "/", "port": 80}),
        (
            ("CMD", "wget", "--spider", "-q", "https://localhost/ready?x=1"),
            {"path": "/ready?x=1", "port": 443, "scheme": "HTTPS"},
        ),
        (("CMD", "curl", "http://localhost:8080/"), None),  # no -f: HTTP errors would pass
        (("CMD", "curl", "-f", "http://db:5432/"), None),  # another host
        (("CMD-SHELL", "curl -f http://localhost/ | grep ok"), None),
        (("CMD", "pg_isready"), None),
    ],
)
def test_http_check_detection(test: tuple[str, ...], expected: dict | None) -> None:
    assert http_check(test) == expected


def test_kompose_labels_are_read_with_kompose_meaning() -> None:
    unknown: list[str] = []
    settings = read_kompose_labels(
        {
            "kompose.service.type": "NodePort",
            "kompose.service.expose": "a.example.com/api,b.example.com",
            "kompose.service.expose.tls-secret": "tls",
            "kompose.image-pull-policy": "ifnotpresent",
            "kompose.hpa.memory": "512Mi",
            "kompose.service.healthcheck.readiness.test": "CMD-SHELL echo ok",
            "kompose.service.healthcheck.readiness.interval": "10s",
            "kompose.typo": "x",
        },
        HERE,
        unknown,
    )
    assert settings["service_type"] == "NodePort"
    assert settings["expose"] == [("a.example.com", "/api"), ("b.example.com", "/")]
    assert settings["tls_secret"] == "tls"
    assert settings["image_pull_policy"] == "IfNotPresent"
    assert settings["readiness_probe"] == {"test": ("CMD-SHELL", "echo ok"), "interval": 10.0}
    assert unknown == ["kompose.hpa.memory", "kompose.typo"]  # memory must be a percentage


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        ({"kompose.service.type": "magic"}, "is not one of"),
        ({"kompose.cronjob.backoff_limit": "many"}, "is not a whole number"),
        ({"kompose.service.expose.tls-secret": "x"}, "need kompose.service.expose"),
        ({"kompose.init.containers.name": "x"}, "image is required"),
    ],
)
def test_bad_kompose_labels_are_errors(labels: dict[str, str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        read_kompose_labels(labels, HERE, [])


@pytest.mark.parametrize(
    ("service", "options", "expected"),
    [
        (Service("a"), ConvertOptions(), "Deployment"),
        (Service("a", restart="no"), ConvertOptions(), "Job"),
        (Service("a", restart="on-failure"), ConvertOptions(controller="deployment"), "Deployment"),
        (Service("a", deploy=Deploy(mode="global")), ConvertOptions(), "DaemonSet"),
        (
            Service("a", deploy=Deploy(restart_policy={"condition": "none"})),
            ConvertOptions(),
            "Job",
        ),
        (Service("a"), ConvertOptions(controller="statefulset"), "StatefulSet"),
    ],
)
def test_workload_kind(service: Service, options: ConvertOptions, expected: str) -> None:
    assert workload_kind(service, ServiceSettings(), options) == expected


def test_settings_beat_flags_and_schedules_make_cronjobs() -> None:
    service = Service("a", restart="no")
    assert workload_kind(service, ServiceSettings({"schedule": "@hourly"}), ConvertOptions()) == (
        "CronJob"
    )
    statefulset = ServiceSettings({"controller": "statefulset"})
    assert workload_kind(service, statefulset, ConvertOptions(controller="daemonset")) == (
        "StatefulSet"
    )
    assert restart_condition(Service("a", restart="unless-stopped")) == "always"


def test_pipeline_on_a_hand_built_project() -> None:
    from kconv.convert import ConvertOptions, convert
    from kconv.model.compose import EnvVar, Mount, Port, Project, Resource

    web = Service(
        "web",
        image="nginx:1.27",
        ports=(Port(80, published="8080"),),
        environment=(EnvVar("MODE", "prod"), EnvVar("ADMIN_TOKEN", "t0k3n")),
        volumes=(Mount("volume", "/data", source="data"),),
        origin=HERE,
    )
    project = Project(
        "demo", "/nonexistent", services={"web": web}, volumes={"data": Resource("data")}
    )
    result = convert(project, ConvertOptions(namespace="prod"))
    summary = [(o["kind"], o["metadata"]["name"]) for o in result.objects]
    assert summary == [
        ("Namespace", "prod"),
        ("Secret", "web-env"),
        ("PersistentVolumeClaim", "data"),
        ("Deployment", "web"),
        ("Service", "web"),
    ]
    assert all(o["metadata"].get("namespace") == "prod" for o in result.objects[1:])
    assert result.origins[3] == HERE
    deployment = result.objects[3]
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    env = deployment["spec"]["template"]["spec"]["containers"][0]["env"]
    assert env[0] == {"name": "MODE", "value": "prod"}
    assert env[1]["valueFrom"]["secretKeyRef"] == {"name": "web-env", "key": "ADMIN_TOKEN"}
    assert all("t0k3n" not in note.message for note in result.notes)
