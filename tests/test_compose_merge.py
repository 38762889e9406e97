"""Several files, `!reset`/`!override`, extends, include, profiles, interpolation sources."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kconv.compose.loader import load_project
from kconv.errors import InputError


def write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return str(path)


BASE = """
services:
  app:
    image: app:1
    command: ["echo", "base"]
    dns: [1.1.1.1]
    ports: ["8080:80", "9000:9000"]
    volumes: ["data:/data", "./logs:/logs"]
    environment: {A: "1", B: "2"}
    labels: [tier=web]
    healthcheck:
      test: ["CMD", "true"]
      interval: 10s
volumes:
  data: {}
  other: {}
"""


def merged(tmp_path: Path, override: str, **kwargs):
    base = write(tmp_path, "compose.yaml", BASE)
    over = write(tmp_path, "override.yaml", override)
    kwargs.setdefault("environ", {})
    return load_project([base, over], **kwargs)


# -- merge rules ------------------------------------------------------------------------------


def test_mappings_merge_and_scalars_override(tmp_path: Path) -> None:
    project = merged(
        tmp_path, "services:\n  app:\n    image: app:2\n    environment: {B: x, C: y}\n"
    )
    app = project.services["app"]
    assert app.image == "app:2"
    assert [(v.name, v.value) for v in app.environment] == [("A", "1"), ("B", "x"), ("C", "y")]
    assert app.environment[0].origin.file.endswith("compose.yaml")
    assert app.environment[1].origin.file.endswith("override.yaml")
    assert app.where("image").file.endswith("override.yaml")


def test_sequences_append(tmp_path: Path) -> None:
    project = merged(tmp_path, "services:\n  app:\n    dns: [8.8.8.8, 1.1.1.1]\n")
    assert project.services["app"].raw["dns"] == ["1.1.1.1", "8.8.8.8"]


def test_command_and_healthcheck_test_are_replaced(tmp_path: Path) -> None:
    project = merged(
        tmp_path,
        'services:\n  app:\n    command: echo over\n    healthcheck:\n      test: [CMD, "false"]\n',
    )
    app = project.services["app"]
    assert app.command == ("echo", "over")
    assert app.healthcheck.test == ("CMD", "false")
    assert app.healthcheck.interval == 10.0


def test_ports_and_volumes_merge_by_unique_key(tmp_path: Path) -> None:
    project = merged(
        tmp_path,
        """
        services:
          app:
            ports: ["8080:80", "8443:443"]
            volumes: ["other:/data"]
        """,
    )
    app = project.services["app"]
    assert [(p.published, p.target) for p in app.ports] == [
        ("8080", 80),
        ("9000", 9000),
        ("8443", 443),
    ]
    assert [(m.source, m.target) for m in app.volumes] == [
        ("other", "/data"),
        (str(tmp_path / "logs"), "/logs"),
    ]
    assert app.volumes[0].origin.file.endswith("override.yaml")


def test_reset_removes(tmp_path: Path) -> None:
    project = merged(
        tmp_path,
        """
        services:
          app:
            ports: !reset []
            environment:
              A: !reset null
            healthcheck: !reset
        """,
    )
    app = project.services["app"]
    assert app.ports == ()
    assert [v.name for v in app.environment] == ["B"]
    assert app.healthcheck is None
    assert "ports" not in app.raw


def test_override_replaces(tmp_path: Path) -> None:
    project = merged(
        tmp_path,
        """
        services:
          app:
            ports: !override ["8443:443"]
            labels: !override {owner: me}
        """,
    )
    app = project.services["app"]
    assert [(p.published, p.target) for p in app.ports] == [("8443", 443)]
    assert dict(app.labels) == {"owner": "me"}


def test_multi_document_file_merges(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "compose.yaml",
        "services:\n  a: {image: one}\n---\nservices:\n  a: {image: two}\n  b: {image: x}\n",
    )
    project = load_project([path], environ={})
    assert project.services["a"].image == "two"
    assert sorted(project.services) == ["a", "b"]


# -- interpolation sources --------------------------------------------------------------------


def test_process_environment_beats_dotenv(tmp_path: Path) -> None:
    write(tmp_path, ".env", "TAG=from-dotenv\nONLY=dotenv\n")
    path = write(tmp_path, "compose.yaml", "services:\n  a:\n    image: x:${TAG}-${ONLY}\n")
    assert load_project([path], environ={}).services["a"].image == "x:from-dotenv-dotenv"
    project = load_project([path], environ={"TAG": "shell"})
    assert project.services["a"].image == "x:shell-dotenv"


def test_env_file_option_replaces_dotenv(tmp_path: Path) -> None:
    write(tmp_path, ".env", "TAG=default\n")
    custom = write(tmp_path, "prod.env", "TAG=prod\n")
    path = write(tmp_path, "compose.yaml", "services:\n  a:\n    image: x:${TAG}\n")
    project = load_project([path], environ={}, env_files=[custom])
    assert project.services["a"].image == "x:prod"


def test_missing_env_file_option(tmp_path: Path) -> None:
    path = write(tmp_path, "compose.yaml", "services: {}\n")
    with pytest.raises(InputError):
        load_project([path], environ={}, env_files=[str(tmp_path / "nope.env")])


def test_required_variable_error_names_file_line(tmp_path: Path) -> None:
    path = write(
        tmp_path, "compose.yaml", "services:\n  a:\n    image: x\n    user: ${USER_ID:?set it}\n"
    )
    with pytest.raises(InputError) as info:
        load_project([path], environ={})
    assert "USER_ID" in str(info.value)
    assert info.value.location.line == 4


def test_unset_variable_warns(tmp_path: Path) -> None:
    path = write(tmp_path, "compose.yaml", "services:\n  a:\n    image: x:${NOPE}\n")
    project = load_project([path], environ={})
    assert project.services["a"].image == "x:"
    assert any("NOPE" in warning and ":3:" in warning for warning in project.warnings)


def test_no_interpolate_keeps_text(tmp_path: Path) -> None:
    path = write(tmp_path, "compose.yaml", "services:\n  a:\n    image: x:${TAG:?}\n")
    project = load_project([path], environ={}, interpolate=False)
    assert project.services["a"].image == "x:${TAG:?}"


def test_dollar_escape(tmp_path: Path) -> None:
    path = write(
        tmp_path, "compose.yaml", "services:\n  a:\n    image: x\n    command: echo $$HOME\n"
    )
    assert load_project([path], environ={"HOME": "/h"}).services["a"].command == (
        "echo",
        "$HOME",
    )


def test_service_env_file_forms(tmp_path: Path) -> None:
    write(tmp_path, "a.env", 'A=1\n# comment\nQUOTED="x y"\n')
    write(tmp_path, "raw.env", "R='$NOT'\n")
    path = write(
        tmp_path,
        "compose.yaml",
        """
        services:
          s:
            image: x
            env_file:
              - a.env
              - path: ./missing.env
                required: false
              - path: raw.env
                format: raw
        """,
    )
    service = load_project([path], environ={}).services["s"]
    first, missing, raw = service.env_files
    assert first.path == str(tmp_path / "a.env")
    assert [(v.name, v.value) for v in first.variables] == [("A", "1"), ("QUOTED", "x y")]
    assert (missing.required, missing.variables) == (False, ())
    assert raw.format == "raw"
    assert [(v.name, v.value) for v in raw.variables] == [("R", "'$NOT'")]


def test_required_env_file_missing(tmp_path: Path) -> None:
    path = write(
        tmp_path, "compose.yaml", "services:\n  s:\n    image: x\n    env_file: nope.env\n"
    )
    with pytest.raises(InputError) as info:
        load_project([path], environ={})
    assert "nope.env" in info.value.message and "not found" in info.value.message
    assert info.value.location.line == 4


# -- extends ----------------------------------------------------------------------------------


def test_extends_same_file_recursive(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "compose.yaml",
        """
        services:
          base:
            image: base
            environment: {A: "1"}
            ports: ["80"]
          middle:
            extends: base
            environment: {B: "2"}
          top:
            extends: {service: middle}
            image: top
            ports: ["81"]
        """,
    )
    top = load_project([path], environ={}).services["top"]
    assert top.image == "top"
    assert [v.name for v in top.environment] == ["A", "B"]
    assert [p.target for p in top.ports] == [80, 81]
    assert "extends" not in top.raw


def test_extends_keeps_duplicates_of_dns_and_tmpfs_but_not_of_cap_add(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "compose.yaml",
        """
        services:
          base:
            image: base
            dns: [8.8.8.8]
            tmpfs: [/tmp]
            cap_add: [NET_ADMIN]
          top:
            extends: base
            dns: [8.8.8.8, 1.1.1.1]
            tmpfs: [/tmp]
            cap_add: [NET_ADMIN, SYS_TIME]
        """,
    )
    top = load_project([path], environ={}).services["top"]
    assert top.raw["dns"] == ["8.8.8.8", "8.8.8.8", "1.1.1.1"]
    assert [m.target for m in top.volumes if m.type == "tmpfs"] == ["/tmp", "/tmp"]
    assert top.raw["cap_add"] == ["NET_ADMIN", "SYS_TIME"]


def test_extends_cannot_disable_the_base_healthcheck(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "compose.yaml",
        """
        services:
          base:
            image: base
            healthcheck: {test: [CMD, "true"]}
          top:
            extends: base
            healthcheck:
              disable: true
          quiet:
            image: q
            healthcheck: {disable: true}
          quieter:
            extends: quiet
            healthcheck: {disable: true}
        """,
    )
    with pytest.raises(InputError, match="cannot disable the healthcheck") as info:
        load_project([path], environ={})
    assert (info.value.location.line, info.value.location.column) == (8, 7)  # `disable:`


def test_extends_other_file_resolves_its_paths(tmp_path: Path) -> None:
    write(
        tmp_path,
        "common/base.yaml",
        "services:\n  web:\n    build: ./src\n    volumes: ['./conf:/conf']\n",
    )
    path = write(
        tmp_path,
        "compose.yaml",
        "services:\n  app:\n    extends:\n      file: common/base.yaml\n      service: web\n",
    )
    app = load_project([path], environ={}).services["app"]
    assert app.build == {"context": str(tmp_path / "common" / "src")}
    assert app.volumes[0].source == str(tmp_path / "common" / "conf")
    assert app.volumes[0].origin.file.endswith("base.yaml")


def test_extends_cycle_is_reported_with_chain(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "compose.yaml",
        "services:\n  a:\n    extends: b\n  b:\n    extends: c\n  c:\n    extends: a\n",
    )
    with pytest.raises(InputError, match="extends cycle: a -> b -> c -> a"):
        load_project([path], environ={})


def test_extends_unknown_service(tmp_path: Path) -> None:
    path = write(tmp_path, "compose.yaml", "services:\n  a:\n    extends: nope\n")
    with pytest.raises(InputError, match='no service "nope"') as info:
        load_project([path], environ={})
    assert info.value.location.line == 3


def test_extends_with_reset(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "compose.yaml",
        """
        services:
          init:
            image: alpine
            command: sleep infinity
          base:
            extends: {service: init}
            command: !reset
        """,
    )
    assert load_project([path], environ={}).services["base"].command is None


# -- include ----------------------------------------------------------------------------------


def test_include_short_and_long(tmp_path: Path) -> None:
    write(
        tmp_path,
        "db/compose.yaml",
        "services:\n  db:\n    image: pg:${PG}\n    volumes: ['./d:/d']\n",
    )
    write(tmp_path, "db/.env", "PG=15\n")
    write(tmp_path, "cache/c.yaml", "services:\n  cache:\n    image: redis:${R:-7}\n")
    write(tmp_path, "cache.env", "R=6\n")
    path = write(
        tmp_path,
        "compose.yaml",
        """
        include:
          - db/compose.yaml
          - path: cache/c.yaml
            env_file: cache.env
        services:
          web:
            image: web
            depends_on: [db, cache]
        """,
    )
    project = load_project([path], environ={})
    assert sorted(project.services) == ["cache", "db", "web"]
    assert project.services["db"].image == "pg:15"
    assert project.services["db"].volumes[0].source == str(tmp_path / "db" / "d")
    assert project.services["cache"].image == "redis:6"
    assert project.services["db"].origin.file.endswith("compose.yaml")
    # the including project's environment wins over the included .env
    assert load_project([path], environ={"PG": "16"}).services["db"].image == "pg:16"


def test_include_conflict_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "other.yaml", "services:\n  web:\n    image: other\n")
    path = write(
        tmp_path, "compose.yaml", "include: [other.yaml]\nservices:\n  web:\n    image: mine\n"
    )
    with pytest.raises(InputError, match=r"services\.web is defined here and also by the included"):
        load_project([path], environ={})


def test_include_cycle(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "include: [b.yaml]\nservices: {}\n")
    write(tmp_path, "b.yaml", "include: [a.yaml]\nservices: {}\n")
    with pytest.raises(InputError, match="include cycle"):
        load_project([str(tmp_path / "a.yaml")], environ={})


def test_include_missing_file(tmp_path: Path) -> None:
    path = write(tmp_path, "compose.yaml", "include: [nope.yaml]\n")
    with pytest.raises(InputError, match="no such file") as info:
        load_project([path], environ={})
    assert info.value.location.line == 1


# -- profiles ---------------------------------------------------------------------------------

PROFILED = """
services:
  web:
    image: web
  debug:
    image: busybox
    profiles: [debug]
  tools:
    image: tools
    profiles: [tools, ops]
"""


@pytest.mark.parametrize(
    ("profiles", "environ", "expected"),
    [
        ((), {}, ["web"]),
        (("debug",), {}, ["debug", "web"]),
        ((), {"COMPOSE_PROFILES": "ops,debug"}, ["debug", "tools", "web"]),
        (("*",), {}, ["debug", "tools", "web"]),
    ],
)
def test_profiles(tmp_path: Path, profiles: tuple, environ: dict, expected: list) -> None:
    path = write(tmp_path, "compose.yaml", PROFILED)
    project = load_project([path], profiles=profiles, environ=environ)
    assert sorted(project.services) == expected
    assert sorted(project.disabled_services) == sorted({"debug", "tools", "web"} - set(expected))


def test_depends_on_disabled_service_is_an_error(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "compose.yaml",
        "services:\n  web:\n    image: x\n    depends_on: [debug]\n"
        "  debug:\n    image: y\n    profiles: [debug]\n",
    )
    with pytest.raises(InputError, match="disabled by its profiles") as info:
        load_project([path], environ={})
    assert info.value.location.line == 4
    assert "debug" in load_project([path], environ={}, profiles=["debug"]).services


def test_optional_dependency_on_disabled_service(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "compose.yaml",
        "services:\n  web:\n    image: x\n    depends_on:\n"
        "      debug: {condition: service_started, required: false}\n"
        "  debug:\n    image: y\n    profiles: [debug]\n",
    )
    assert list(load_project([path], environ={}).services) == ["web"]


def test_extends_naming_its_own_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "compose.yaml",
        "services:\n  base:\n    image: b\n  app:\n    extends:\n"
        "      file: ./compose.yaml\n      service: base\n",
    )
    assert load_project([path], environ={}).services["app"].image == "b"


def test_extends_cycle_between_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "services:\n  a:\n    extends: {file: b.yaml, service: b}\n")
    write(tmp_path, "b.yaml", "services:\n  b:\n    extends: {file: a.yaml, service: a}\n")
    with pytest.raises(InputError, match="extends cycle"):
        load_project([str(tmp_path / "a.yaml")], environ={})


@pytest.mark.parametrize("key", ["extends", "depends_on"])
def test_long_chains_do_not_exhaust_the_stack(tmp_path: Path, key: str) -> None:
    count = 2500
    lines = ["services:"]
    for i in range(count):
        lines += [f"  s{i}:", f"    image: img{i}"]
        if i < count - 1:
            lines.append(f"    {key}: s{i + 1}" if key == "extends" else f"    {key}: [s{i + 1}]")
    lines.append("    labels: {last: 'yes'}")
    path = write(tmp_path, "compose.yaml", "\n".join(lines) + "\n")
    project = load_project([path], environ={})
    assert len(project.services) == count
    if key == "extends":
        assert dict(project.services["s0"].labels) == {"last": "yes"}
        assert project.services["s0"].image == "img0"


def test_errors_in_included_and_extended_files_name_those_files(tmp_path: Path) -> None:
    write(tmp_path, "sub/inc.yaml", "services:\n  x:\n    image: x\n    bogus: 1\n")
    path = write(tmp_path, "compose.yaml", "include: [sub/inc.yaml]\nservices: {}\n")
    with pytest.raises(InputError) as info:
        load_project([path], environ={})
    where = info.value.location
    assert (Path(where.file).name, where.line, where.column) == ("inc.yaml", 4, 5)
    write(tmp_path, "base.yaml", "services:\n  b:\n    image: b\n    ports: ['x']\n")
    path = write(
        tmp_path, "compose.yaml", "services:\n  a:\n    extends: {file: base.yaml, service: b}\n"
    )
    with pytest.raises(InputError) as info:
        load_project([path], environ={})
    where = info.value.location
    assert (Path(where.file).name, where.line) == ("base.yaml", 4)
