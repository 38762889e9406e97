"""The compose loader on one file: normalisation to the long-syntax model, with locations."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kconv.compose.loader import load_project
from kconv.errors import InputError
from kconv.model.compose import Project
from kconv.model.location import Location


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, **kwargs) -> Project:
    path = write(tmp_path, "compose.yaml", text)
    kwargs.setdefault("environ", {})
    return load_project([str(path)], **kwargs)


def error(tmp_path: Path, text: str, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        load(tmp_path, text, **kwargs)
    return info.value


# -- ports ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("80", [(80, None, None, "tcp")]),
        ("8080:80", [(80, "8080", None, "tcp")]),
        ("53:53/udp", [(53, "53", None, "udp")]),
        ("127.0.0.1:8080:80", [(80, "8080", "127.0.0.1", "tcp")]),
        ("127.0.0.1::80", [(80, None, "127.0.0.1", "tcp")]),
        ("[::1]:6001:6001", [(6001, "6001", "::1", "tcp")]),
        ("3000-3001", [(3000, None, None, "tcp"), (3001, None, None, "tcp")]),
        ("9090-9091:8080-8081", [(8080, "9090", None, "tcp"), (8081, "9091", None, "tcp")]),
        ("8000-9000:80", [(80, "8000-9000", None, "tcp")]),
        ("6060:6060/UDP", [(6060, "6060", None, "udp")]),
    ],
)
def test_short_port_syntax(tmp_path: Path, spec: str, expected: list) -> None:
    project = load(tmp_path, f'services:\n  web:\n    image: x\n    ports: ["{spec}"]\n')
    ports = project.services["web"].ports
    assert [(p.target, p.published, p.host_ip, p.protocol) for p in ports] == expected
    assert all(p.mode == "ingress" for p in ports)


def test_numeric_and_long_port_syntax(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        services:
          web:
            image: x
            ports:
              - 8080
              - target: 443
                published: 8443
                protocol: TCP
                host_ip: 0.0.0.0
                mode: host
                name: https
                app_protocol: https
        """,
    )
    first, second = project.services["web"].ports
    assert (first.target, first.published) == (8080, None)
    assert (second.target, second.published, second.protocol) == (443, "8443", "tcp")
    assert (second.host_ip, second.mode, second.name, second.app_protocol) == (
        "0.0.0.0",
        "host",
        "https",
        "https",
    )
    assert second.origin.line == 6


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ("abc", '"abc" is not a valid port'),
        ("8080-8081:80-82", "differ in size"),
        ("70000", "not a valid port range"),
        ("80:", "no container port"),
    ],
)
def test_invalid_port_is_located(tmp_path: Path, spec: str, fragment: str) -> None:
    exc = error(tmp_path, f'services:\n  web:\n    image: x\n    ports:\n      - "{spec}"\n')
    assert "services.web.ports[0]" in exc.message
    assert fragment in exc.message
    assert (exc.location.line, exc.location.column) == (5, 9)


def test_expose_as_ports(tmp_path: Path) -> None:
    project = load(tmp_path, "services:\n  a:\n    image: x\n    expose: [3000, '4000-4001/udp']\n")
    assert [(p.target, p.protocol, p.published) for p in project.services["a"].expose] == [
        (3000, "tcp", None),
        (4000, "udp", None),
        (4001, "udp", None),
    ]


# -- volumes ----------------------------------------------------------------------------------


def test_short_volume_syntax(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        services:
          web:
            image: x
            volumes:
              - ./data:/data:ro
              - ../up:/up
              - /abs:/abs:rw,z
              - named:/var/lib/x:nocopy
              - /anonymous
            tmpfs: /run
        volumes:
          named: {}
        """,
    )
    mounts = project.services["web"].volumes
    got = [(m.type, m.source, m.target, m.read_only) for m in mounts]
    assert got == [
        ("bind", str(tmp_path / "data"), "/data", True),
        ("bind", str(tmp_path.parent / "up"), "/up", False),
        ("bind", "/abs", "/abs", False),
        ("volume", "named", "/var/lib/x", False),
        ("volume", None, "/anonymous", False),
        ("tmpfs", None, "/run", False),
    ]
    assert mounts[0].bind_create_host_path is True
    assert mounts[2].bind_selinux == "z"
    assert mounts[3].volume_nocopy is True
    assert mounts[1].origin.line == 6


def test_long_volume_syntax_resolves_bind_and_tmpfs_size(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        services:
          web:
            image: x
            volumes:
              - type: bind
                source: ./conf
                target: /etc/conf
                read_only: true
                bind: {propagation: rshared, create_host_path: false}
              - type: tmpfs
                target: /cache
                tmpfs: {size: 64m, mode: 1777}
        """,
    )
    bind, tmpfs = project.services["web"].volumes
    assert (bind.source, bind.read_only, bind.bind_propagation) == (
        str(tmp_path / "conf"),
        True,
        "rshared",
    )
    assert bind.bind_create_host_path is False
    assert (tmpfs.type, tmpfs.tmpfs_size, tmpfs.tmpfs_mode) == ("tmpfs", 64 * 1024**2, 1777)


def test_unknown_volume_mode(tmp_path: Path) -> None:
    exc = error(tmp_path, "services:\n  a:\n    image: x\n    volumes: ['./a:/a:bogus']\n")
    assert 'unknown volume mode "bogus"' in exc.message
    assert exc.location.line == 4


# -- environment, commands, healthcheck, deploy ----------------------------------------------


def test_environment_list_and_mapping(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        services:
          a:
            image: x
            environment:
              - A=1
              - FROM_ENV
              - MISSING
              - EMPTY=
          b:
            image: x
            environment:
              NUM: 5
              BOOL: true
              NULL_FROM_ENV:
        """,
        environ={"FROM_ENV": "yes", "NULL_FROM_ENV": "z"},
    )
    a = project.services["a"].environment
    assert [(v.name, v.value) for v in a] == [
        ("A", "1"),
        ("FROM_ENV", "yes"),
        ("MISSING", None),
        ("EMPTY", ""),
    ]
    assert a[1].origin == Location(a[1].origin.file, 6, 9)
    b = project.services["b"].environment
    assert [(v.name, v.value) for v in b] == [
        ("NUM", "5"),
        ("BOOL", "true"),
        ("NULL_FROM_ENV", "z"),
    ]


def test_command_shell_form_is_split(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        services:
          a:
            image: x
            command: sh -c 'echo "hello world"'
            entrypoint: ["/bin/tini", "--"]
        """,
    )
    service = project.services["a"]
    assert service.command == ("sh", "-c", 'echo "hello world"')
    assert service.entrypoint == ("/bin/tini", "--")


def test_healthcheck_durations_in_seconds(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        services:
          a:
            image: x
            healthcheck:
              test: ["CMD", "curl", "-f", "http://localhost"]
              interval: 1m30s
              timeout: 500ms
              start_period: 10s
              retries: 3
          b:
            image: x
            healthcheck:
              test: curl localhost
          c:
            image: x
            healthcheck:
              test: ["NONE"]
        """,
    )
    a = project.services["a"].healthcheck
    assert a is not None
    assert a.test == ("CMD", "curl", "-f", "http://localhost")
    assert (a.interval, a.timeout, a.start_period, a.retries) == (90.0, 0.5, 10.0, 3)
    assert project.services["b"].healthcheck.test == ("CMD-SHELL", "curl localhost")
    assert project.services["c"].healthcheck.disable is True


def test_mem_limit_and_cpus_fold_into_deploy(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        services:
          a:
            image: x
            mem_limit: 512m
            cpus: 0.5
            mem_reservation: 128mb
          b:
            image: x
            mem_limit: 1g
            deploy:
              replicas: 3
              resources:
                limits: {memory: 256M}
                reservations: {cpus: "0.25"}
              restart_policy: {condition: on-failure, delay: 5s}
        """,
    )
    a = project.services["a"].deploy
    assert a.limits.memory == 512 * 1024**2 and a.limits.cpus == 0.5
    assert a.reservations.memory == 128 * 1024**2
    assert a.limits.origin.line == 4  # cpus/mem_limit are located where written
    b = project.services["b"].deploy
    assert b.replicas == 3
    assert b.limits.memory == 256 * 1024**2  # deploy wins over mem_limit
    assert b.reservations.cpus == 0.25
    assert b.restart_policy == {"condition": "on-failure", "delay": 5.0}


def test_depends_on_secrets_configs_networks(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        services:
          db:
            image: x
          web:
            image: x
            depends_on:
              db: {condition: service_healthy, restart: true}
            secrets:
              - token
              - source: cert
                target: server.pem
                mode: 0400
            configs: [app]
            networks: [front]
        secrets:
          token: {file: ./token.txt}
          cert: {environment: CERT}
        configs:
          app: {content: "x=1"}
        networks:
          front: {}
        """,
    )
    web = project.services["web"]
    assert [(d.service, d.condition, d.restart, d.required) for d in web.depends_on] == [
        ("db", "service_healthy", True, True)
    ]
    assert [(s.source, s.target, s.mode) for s in web.secrets] == [
        ("token", "/run/secrets/token", None),
        ("cert", "/run/secrets/server.pem", 0o400),
    ]
    assert [(c.source, c.target) for c in web.configs] == [("app", "/app")]
    assert dict(web.networks) == {"front": None}
    assert project.secrets["token"].file == str(tmp_path / "token.txt")
    assert project.secrets["cert"].environment == "CERT"
    assert project.configs["app"].content == "x=1"


def test_depends_on_list_defaults(tmp_path: Path) -> None:
    project = load(tmp_path, "services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x}\n")
    (dep,) = project.services["a"].depends_on
    assert (dep.service, dep.condition, dep.required) == ("b", "service_started", True)


def test_depends_on_unknown_service_and_cycles(tmp_path: Path) -> None:
    exc = error(tmp_path, "services:\n  a:\n    image: x\n    depends_on: [nope]\n")
    assert 'there is no service "nope"' in exc.message
    assert exc.location.line == 4
    exc = error(
        tmp_path, "services:\n  a: {image: x, depends_on: [b]}\n  b: {image: x, depends_on: [a]}\n"
    )
    assert "dependency cycle: a -> b -> a" in exc.message


def test_build_string_and_mapping(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        services:
          a:
            build: ./app
          b:
            build:
              context: https://github.com/docker/compose.git
              args: [A=1, B]
        """,
    )
    assert project.services["a"].build == {"context": str(tmp_path / "app")}
    build_b = project.services["b"].build
    assert build_b["context"] == "https://github.com/docker/compose.git"
    assert build_b["args"] == {"A": "1", "B": None}


def test_labels_and_extensions(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        x-common: &common
          image: busybox
          labels: [team=core]
        services:
          a:
            <<: *common
            x-kconv: {expose: true}
            annotations: {note: 1}
        """,
    )
    a = project.services["a"]
    assert a.image == "busybox"
    assert dict(a.labels) == {"team": "core"}
    assert dict(a.annotations) == {"note": "1"}
    assert a.extensions == {"x-kconv": {"expose": True}}
    assert project.extensions["x-common"]["image"] == "busybox"
    assert a.where("x-kconv").line == 7


def test_yaml12_scalars(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        "services:\n  a:\n    image: x\n    environment:\n      ON: on\n      YES: yes\n",
    )
    assert [(v.name, v.value) for v in project.services["a"].environment] == [
        ("ON", "on"),
        ("YES", "yes"),
    ]


def test_service_location_and_where(tmp_path: Path) -> None:
    project = load(tmp_path, "services:\n  web:\n    image: x\n    restart: always\n")
    web = project.services["web"]
    assert (web.origin.line, web.origin.column) == (2, 3)
    assert (web.where("restart").line, web.where("restart").column) == (4, 5)
    assert web.restart == "always"


def test_secret_values_collected(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        services:
          a:
            image: x
            environment:
              DB_PASSWORD: hunter2hunter2
              LOG_LEVEL: debug
        """,
    )
    assert "hunter2hunter2" in project.secret_values
    assert "debug" not in project.secret_values


def test_empty_file_and_null_service(tmp_path: Path) -> None:
    exc = error(tmp_path, "# nothing\n")
    assert exc.message == "empty compose file"
    project = load(tmp_path, "services:\n  a:\n")
    assert list(project.services) == ["a"]


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    exc = error(tmp_path, "services:\n  a:\n    image: x\n    image: y\n")
    assert "duplicate key" in exc.message
    assert exc.location.line == 4


def test_not_a_mapping(tmp_path: Path) -> None:
    exc = error(tmp_path, "- a\n- b\n")
    assert "must be a mapping" in exc.message


def test_yaml_syntax_error(tmp_path: Path) -> None:
    exc = error(tmp_path, "services:\n  a: [\n")
    assert "syntax error" in exc.message
    assert exc.location.line is not None


def test_services_are_sorted(tmp_path: Path) -> None:
    project = load(tmp_path, "services:\n  zeta: {image: x}\n  alpha: {image: x}\n")
    assert list(project.services) == ["alpha", "zeta"]


# -- project name and discovery ---------------------------------------------------------------


def test_project_name_precedence(tmp_path: Path) -> None:
    folder = tmp_path / "My App_1"
    folder.mkdir()
    write(folder, "compose.yaml", "services: {}\n")
    assert load_project(working_dir=str(folder), environ={}).name == "myapp_1"
    assert (
        load_project(working_dir=str(folder), environ={"COMPOSE_PROJECT_NAME": "env"}).name == "env"
    )
    write(folder, "compose.yaml", "name: fromfile\nservices: {}\n")
    assert load_project(working_dir=str(folder), environ={}).name == "fromfile"
    # docker compose: -p, then COMPOSE_PROJECT_NAME, then `name:`, then the directory
    assert (
        load_project(working_dir=str(folder), environ={"COMPOSE_PROJECT_NAME": "env"}).name == "env"
    )
    assert load_project(working_dir=str(folder), environ={}, project_name="cli").name == "cli"


IMAGE_FROM_NAME = "services:\n  web:\n    image: ${COMPOSE_PROJECT_NAME}-web\n"


@pytest.mark.parametrize(
    ("header", "environ", "explicit", "image"),
    [
        ("name: shop\n", {}, None, "shop-web"),
        ("name: ${APP:-demo}\n", {}, None, "demo-web"),
        ("name: ${APP:-demo}\n", {"APP": "store"}, None, "store-web"),
        ("name: shop\n", {"COMPOSE_PROJECT_NAME": "fromenv"}, None, "fromenv-web"),
        ("name: shop\n", {"COMPOSE_PROJECT_NAME": "fromenv"}, "cli", "cli-web"),
        ("", {}, None, "my-dir-web"),
    ],
)
def test_project_name_is_exposed_to_interpolation(
    tmp_path: Path, header: str, environ: dict[str, str], explicit: str | None, image: str
) -> None:
    folder = tmp_path / "my-dir"
    folder.mkdir()
    write(folder, "compose.yaml", header + IMAGE_FROM_NAME)
    project = load_project(working_dir=str(folder), environ=environ, project_name=explicit)
    assert project.services["web"].image == image
    assert project.name == image.removesuffix("-web")


def test_the_last_files_name_wins(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "name: first\n" + IMAGE_FROM_NAME)
    write(tmp_path, "b.yaml", "name: second\n")
    project = load_project([str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")], environ={})
    assert project.name == "second"
    assert project.services["web"].image == "second-web"


def test_invalid_project_name(tmp_path: Path) -> None:
    exc = error(tmp_path, "name: Bad Name\nservices: {}\n")
    assert "not a valid project name" in exc.message
    assert exc.location.line == 1


def test_discovery_with_override(tmp_path: Path) -> None:
    write(tmp_path, "docker-compose.yml", "services:\n  a: {image: one}\n")
    write(tmp_path, "docker-compose.override.yml", "services:\n  a: {image: two}\n")
    project = load_project(working_dir=str(tmp_path), environ={})
    assert project.services["a"].image == "two"
    assert len(project.files) == 2


def test_discovery_prefers_compose_yaml(tmp_path: Path) -> None:
    write(tmp_path, "compose.yaml", "services:\n  a: {image: one}\n")
    write(tmp_path, "docker-compose.yml", "services:\n  a: {image: two}\n")
    assert load_project(working_dir=str(tmp_path), environ={}).services["a"].image == "one"


def test_compose_file_variable(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", "services:\n  a: {image: one}\n")
    write(tmp_path, "b.yml", "services:\n  b: {image: two}\n")
    project = load_project(working_dir=str(tmp_path), environ={"COMPOSE_FILE": "a.yml:b.yml"})
    assert sorted(project.services) == ["a", "b"]


def test_no_compose_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no compose file found"):
        load_project(working_dir=str(tmp_path), environ={})


def test_stdin(tmp_path: Path) -> None:
    project = load_project(
        ["-"], working_dir=str(tmp_path), environ={}, stdin_text="services:\n  a: {image: x}\n"
    )
    assert project.services["a"].origin.file == "<stdin>"


def test_errors_redact_secret_looking_values(tmp_path: Path) -> None:
    token = "ghp_" + "A1b2C3d4E5" * 3 + "abcdef"
    exc = error(tmp_path, f"services:\n  a:\n    image: x\n    mem_limit: {token}\n")
    assert token not in str(exc)
    assert "<redacted>" in exc.message and exc.location.line == 4
    exc = error(
        tmp_path,
        "services:\n  a:\n    image: x\n    mem_limit: ${DB_PASSWORD}\n",
        environ={"DB_PASSWORD": "correct-horse-battery"},
    )
    assert "correct-horse-battery" not in str(exc)


def test_compose_file_and_project_name_from_dotenv(tmp_path: Path) -> None:
    write(tmp_path, "custom.yaml", "services:\n  a: {image: one}\n")
    write(tmp_path, ".env", "COMPOSE_FILE=custom.yaml\nCOMPOSE_PROJECT_NAME=from_dotenv\n")
    project = load_project(working_dir=str(tmp_path), environ={})
    assert list(project.services) == ["a"]
    assert project.name == "from_dotenv"
    assert project.files[0].endswith("custom.yaml")


@pytest.mark.parametrize(
    ("section", "reference", "line"),
    [("secrets", "secrets: [nope]", 4), ("configs", "configs: [{source: nope}]", 4)],
)
def test_undefined_secret_or_config(tmp_path: Path, section: str, reference: str, line: int):
    exc = error(tmp_path, f"services:\n  a:\n    image: x\n    {reference}\n")
    assert f'"nope" is not defined in the top-level {section}' in exc.message
    assert exc.location.line == line


def test_undefined_network_is_an_error(tmp_path: Path) -> None:
    exc = error(tmp_path, "services:\n  a:\n    image: x\n    networks: [back]\n")
    assert '"back" is not defined in the top-level networks' in exc.message
    assert load(tmp_path, "services:\n  a:\n    image: x\n    networks: [default]\n")


def test_undefined_named_volume_is_a_warning(tmp_path: Path) -> None:
    project = load(tmp_path, "services:\n  a:\n    image: x\n    volumes: ['data:/d']\n")
    assert project.services["a"].volumes[0].source == "data"
    assert any('"data" is not defined in the top-level volumes' in w for w in project.warnings)


def test_secret_build_args_and_environment_secrets(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        services:
          a:
            build:
              context: .
              args: {NPM_TOKEN: tok-123456789, VERSION: "1.2"}
        secrets:
          s: {environment: API_SECRET}
        """,
        environ={"API_SECRET": "from-the-environment"},
    )
    assert {"tok-123456789", "from-the-environment"} <= project.secret_values
    assert "1.2" not in project.secret_values


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("links: [db:database]", "links"),
        ("volumes_from: ['db:ro']", "volumes_from"),
        ("network_mode: service:db", "network_mode"),
        ("ipc: service:db", "ipc"),
    ],
)
def test_references_to_other_services(tmp_path: Path, line: str, key: str) -> None:
    assert load(tmp_path, f"services:\n  a:\n    image: x\n    {line}\n  db:\n    image: y\n")
    exc = error(tmp_path, f"services:\n  a:\n    image: x\n    {line}\n")
    assert exc.message == f'services.a.{key}: there is no service "db"'
    assert exc.location.line == 4
    exc = error(
        tmp_path,
        f"services:\n  a:\n    image: x\n    {line}\n  db:\n    image: y\n    profiles: [p]\n",
    )
    assert "disabled by its profiles" in exc.message


def test_string_or_list_keys_are_those_of_the_schema(tmp_path: Path) -> None:
    """`dns`, `dns_search` and `tmpfs` may be one string (a one-item list); `cap_add`,
    `cap_drop` and `dns_opt` may not, as in the Compose Specification's schema."""
    from kconv.compose import normalize
    from kconv.resources import load_schema

    service = load_schema("compose-spec.json")["$defs"]["service"]["properties"]
    one_or_many = {k for k, v in service.items() if v.get("$ref", "").endswith("string_or_list")}
    assert set(normalize._STRING_OR_LIST) == one_or_many
    raw = load(tmp_path, "services:\n  a:\n    image: x\n    dns: 1.1.1.1\n").services["a"].raw
    assert raw["dns"] == ["1.1.1.1"]
    for key, value in (("cap_add", "NET_ADMIN"), ("cap_drop", "ALL"), ("dns_opt", "use-vc")):
        exc = error(tmp_path, f"services:\n  a:\n    image: x\n    {key}: {value}\n")
        assert exc.message.startswith(f"services.a.{key} must be a list"), exc.message
