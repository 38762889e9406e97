"""`kconv convert` refuses input that would give manifests Kubernetes rejects: one located
error, exit code 2, no traceback (ports, protocols, Service names, schedules, Ingress hosts)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kconv.cli import cli
from kconv.convert.cron import schedule_problem
from kconv.convert.names import is_ingress_host


def _compose(tmp_path: Path, body: str, name: str = "web") -> Path:
    """A compose file with one nginx service; `body` is its fourth line on (indented)."""
    path = tmp_path / "compose.yaml"
    path.write_text(f"services:\n  {name}:\n    image: nginx:1\n{body}\n", encoding="utf-8")
    return path


def _convert(path: Path, *options: str):
    return CliRunner().invoke(cli, ["convert", "-f", str(path), "--no-lint", *options])


def _assert_error(result, where: str, *texts: str) -> None:
    """Exit code 2 and one `kconv: error:` line at `where` that quotes `texts`."""
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"kconv: error: {where}"), lines[0]
    for text in texts:
        assert text in lines[0]
    assert "Traceback" not in result.output


def _objects(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def _one(objects: list[dict], kind: str) -> dict:
    (found,) = [body for body in objects if body["kind"] == kind]
    return found


# -- ports ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "column", "texts"),
    [
        ('    ports: ["80:0"]', 13, ('"80:0"', "container port 0")),
        ('    ports: ["0"]', 13, ('"0"', "container port 0")),
        ('    expose: ["0"]', 14, ('"0"', "container port 0")),
        ("    ports: [{target: 80, published: 70000}]", 26, (".published", '"70000"')),
        ('    ports: [{target: 80, published: "8000-70000"}]', 26, ('"8000-70000"',)),
        ("    ports: [{target: 80, protocol: bogus}]", 26, (".protocol", '"bogus"')),
        ('    ports: ["80/tcp/udp"]', 13, ('"80/tcp/udp"', '"tcp/udp"')),
        ('    expose: ["80/bogus"]', 14, ('"80/bogus"', '"bogus"')),
    ],
)
def test_invalid_ports_are_located_errors(
    tmp_path: Path, body: str, column: int, texts: tuple[str, ...]
) -> None:
    path = _compose(tmp_path, body)
    _assert_error(_convert(path), f"{path}:4:{column}:", "services.web.", *texts)


@pytest.mark.parametrize(
    ("body", "protocol"),
    [
        ('    ports: ["53:53/UDP"]', "UDP"),
        ("    ports: [{target: 53, published: 53, protocol: Udp}]", "UDP"),
        ('    ports: ["9000/sctp"]', "SCTP"),
        ('    ports: ["8080:80"]', None),
    ],
)
def test_valid_protocols_still_convert(tmp_path: Path, body: str, protocol: str | None) -> None:
    objects = _objects(_convert(_compose(tmp_path, body)))
    (port,) = _one(objects, "Service")["spec"]["ports"]
    assert port.get("protocol") == protocol
    assert 0 < port["port"] <= 65535


def test_published_range_and_zero_still_convert(tmp_path: Path) -> None:
    body = '    ports: [{target: 80, published: "8000-8001"}, {target: 81, published: 0}]'
    objects = _objects(_convert(_compose(tmp_path, body)))
    ports = _one(objects, "Service")["spec"]["ports"]
    assert [p["port"] for p in ports] == [80, 81]  # no single host port: the container port


# -- healthcheck ------------------------------------------------------------------------------


@pytest.mark.parametrize("port", ["99999", "0"])
def test_healthcheck_url_with_impossible_port_stays_an_exec_probe(
    tmp_path: Path, port: str
) -> None:
    command = f"wget --spider http://127.0.0.1:{port}/"
    body = f'    healthcheck: {{test: ["CMD-SHELL", "{command}"]}}'
    objects = _objects(_convert(_compose(tmp_path, body)))
    container = _one(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert "ports" not in container
    for probe in ("livenessProbe", "readinessProbe"):
        assert container[probe]["exec"]["command"] == ["sh", "-c", command]


def test_healthcheck_url_with_valid_port_is_still_an_http_probe(tmp_path: Path) -> None:
    body = '    healthcheck: {test: ["CMD-SHELL", "wget --spider http://127.0.0.1:8080/"]}'
    objects = _objects(_convert(_compose(tmp_path, body)))
    container = _one(objects, "Deployment")["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"] == {"path": "/", "port": 8080}


@pytest.mark.parametrize(
    "label",
    [
        "kompose.service.healthcheck.liveness.tcp_port",
        "kompose.service.healthcheck.readiness.http_get_port",
        "kompose.service.nodeport.port",
    ],
)
def test_port_labels_out_of_range_are_located_errors(tmp_path: Path, label: str) -> None:
    labels = f'      kompose.service.type: nodeport\n      {label}: "99999"'
    body = f'    ports: ["80"]\n    labels:\n{labels}'
    path = _compose(tmp_path, body)
    _assert_error(_convert(path), f"{path}:5:5:", label, "'99999'", "1-65535")


# -- Service names ----------------------------------------------------------------------------


def test_service_name_starting_with_a_digit_is_a_located_error(tmp_path: Path) -> None:
    path = _compose(tmp_path, '    ports: ["80"]', name="1web")
    _assert_error(_convert(path), f"{path}:2:3:", "'1web'", "start with a letter", "x-kconv.name")


def test_name_override_starting_with_a_digit_is_located_at_x_kconv(tmp_path: Path) -> None:
    path = _compose(tmp_path, '    ports: ["80"]\n    x-kconv: {name: 2web}')
    _assert_error(_convert(path), f"{path}:5:5:", "'2web'")


def test_digit_names_without_a_service_still_convert(tmp_path: Path) -> None:
    objects = _objects(_convert(_compose(tmp_path, "    command: [sleep, '1']", name="1web")))
    assert _one(objects, "Deployment")["metadata"]["name"] == "1web"
    assert not [body for body in objects if body["kind"] == "Service"]


def test_digit_service_name_renamed_with_x_kconv_converts(tmp_path: Path) -> None:
    body = '    ports: ["80"]\n    x-kconv: {name: web1}'
    objects = _objects(_convert(_compose(tmp_path, body, name="1web")))
    assert _one(objects, "Service")["metadata"]["name"] == "web1"


# -- CronJob schedules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "texts"),
    [
        ('    x-kconv: {schedule: "not a cron"}', ('x-kconv.schedule: "not a cron"', "3 fields")),
        ('    x-kconv: {schedule: "60 * * * *"}', ('"60 * * * *"', "minute")),
        ('    x-kconv: {schedule: "@sometimes"}', ('"@sometimes"', "@daily")),
    ],
)
def test_invalid_x_kconv_schedule_is_a_located_error(
    tmp_path: Path, body: str, texts: tuple[str, ...]
) -> None:
    path = _compose(tmp_path, body)
    _assert_error(_convert(path), f"{path}:4:5:", *texts)


def test_invalid_kompose_schedule_label_is_a_located_error(tmp_path: Path) -> None:
    path = _compose(tmp_path, '    labels:\n      kompose.cronjob.schedule: "every day"')
    _assert_error(_convert(path), f"{path}:4:5:", "kompose.cronjob.schedule", "'every day'")


@pytest.mark.parametrize(
    "schedule",
    [
        "0 3 * * *",
        "*/5 * * * *",
        "0 0 1,15 * mon-fri",
        "0 9 ? JAN-jun SUN",
        "@hourly",
        "@every 90m",
    ],
)
def test_valid_schedules_make_a_cronjob(tmp_path: Path, schedule: str) -> None:
    objects = _objects(_convert(_compose(tmp_path, f'    x-kconv: {{schedule: "{schedule}"}}')))
    assert _one(objects, "CronJob")["spec"]["schedule"] == schedule


@pytest.mark.parametrize(
    ("schedule", "problem"),
    [
        ("not a cron", "3 fields"),
        ("* * * * * *", "6 fields"),
        ("0 24 * * *", "hour"),
        ("0 0 0 * *", "day of month"),
        ("0 0 * 13 *", "month"),
        ("0 0 * * 7", "day of week"),
        ("*/0 * * * *", "minute"),
        ("5-1 * * * *", "minute"),
        ("0 0 * * sat-sun", "day of week"),
        ("@HOURLY", "macro"),
        ("CRON_TZ=UTC 0 3 * * *", "6 fields"),
    ],
)
def test_schedule_problem(schedule: str, problem: str) -> None:
    assert problem in (schedule_problem(schedule) or "")


# -- Ingress hosts ----------------------------------------------------------------------------


def test_invalid_x_kconv_ingress_host_is_a_located_error(tmp_path: Path) -> None:
    path = _compose(tmp_path, '    ports: ["80"]\n    x-kconv: {ingress: {host: "Bad_Host!"}}')
    _assert_error(_convert(path), f"{path}:5:5:", 'x-kconv.ingress.host: "Bad_Host!"')


def test_invalid_kompose_expose_host_is_a_located_error(tmp_path: Path) -> None:
    path = _compose(
        tmp_path, '    ports: ["80"]\n    labels:\n      kompose.service.expose: "Bad_Host!"'
    )
    _assert_error(_convert(path), f"{path}:5:5:", "kompose.service.expose", "'Bad_Host!'")


def test_invalid_ingress_host_option_is_an_error_naming_the_option(tmp_path: Path) -> None:
    path = _compose(tmp_path, '    ports: ["8080:80"]')
    result = _convert(path, "--ingress-host", "Bad_Host!")
    assert result.exit_code == 2, result.output
    assert "Invalid value for --ingress-host: 'Bad_Host!' is not a valid host" in result.stderr
    assert result.stdout == ""


def test_library_callers_get_the_same_check(tmp_path: Path) -> None:
    from kconv.convert.options import ConvertOptions
    from kconv.errors import ConfigError

    with pytest.raises(ConfigError, match="--ingress-host: 'Bad_Host!' is not a valid host"):
        ConvertOptions(ingress_host="Bad_Host!")


def test_wildcard_ingress_host_option_is_shared_out_by_service(tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text(
        "services:\n"
        "  web: {image: nginx:1, ports: ['8080:80']}\n"
        "  api: {image: nginx:1, ports: ['8081:80']}\n",
        encoding="utf-8",
    )
    objects = _objects(_convert(path, "--ingress-host", "*.example.com"))
    hosts = sorted(
        rule["host"]
        for body in objects
        if body["kind"] == "Ingress"
        for rule in body["spec"]["rules"]
    )
    assert hosts == ["api.example.com", "web.example.com"]


@pytest.mark.parametrize(
    ("host", "valid"),
    [
        ("shop.example.com", True),
        ("*.example.com", True),
        ("localhost", True),
        ("Bad_Host!", False),
        ("Shop.example.com", False),
        ("10.0.0.1", False),
        ("*.", False),
        ("a..b", False),
        ("-a.example.com", False),
        ("*.*.example.com", False),
        ("a" * 254, False),
    ],
)
def test_is_ingress_host(host: str, valid: bool) -> None:
    assert is_ingress_host(host) is valid


def test_ingress_port_that_the_service_does_not_have_is_a_located_error(tmp_path: Path) -> None:
    """Not a dangling Ingress reported by lint at the service: the cause, where it is written."""
    body = '    ports: ["8080:80"]\n    x-kconv: {ingress: {host: a.example.com, port: 9999}}'
    path = _compose(tmp_path, body)
    _assert_error(_convert(path), f"{path}:5:5:", "x-kconv.ingress.port 9999", "ports: 8080")
    fixed = _compose(tmp_path, body.replace("9999", "8080"))
    ingress = _one(_objects(_convert(fixed)), "Ingress")
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    assert backend["service"]["port"] == {"number": 8080}


def test_ingress_class_must_name_an_object(tmp_path: Path) -> None:
    path = _compose(tmp_path, '    ports: ["8080:80"]')
    option = _convert(path, "--ingress-class", "Bad Class")
    assert option.exit_code == 2
    assert "Invalid value for --ingress-class: 'Bad Class' cannot name an IngressClass" in (
        option.stderr
    )
    fine = _objects(_convert(path, "--ingress-host", "a.example.com", "--ingress-class", "nginx"))
    assert _one(fine, "Ingress")["spec"]["ingressClassName"] == "nginx"
    body = '    ports: ["8080:80"]\n    x-kconv: {ingress: {host: a.example.com, class: "Bad_C"}}'
    _assert_error(_convert(_compose(tmp_path, body)), f"{path}:5:5:", 'ingress.class: "Bad_C"')
