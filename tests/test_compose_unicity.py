"""Unique sequence entries (compose-go's EnforceUnicity), `build` and `logging` merges."""

from __future__ import annotations

import textwrap
from pathlib import Path

from click.testing import CliRunner

from kconv.cli import cli
from kconv.compose.loader import load_project
from kconv.model.compose import Service


def write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return str(path)


def web(tmp_path: Path, *texts: str) -> Service:
    files = [write(tmp_path, f"f{index}.yaml", text) for index, text in enumerate(texts)]
    return load_project(files, environ={}).services["web"]


# -- unique entries within one file -----------------------------------------------------------


def test_volumes_with_one_target_keep_the_last(tmp_path: Path) -> None:
    line = '  web: {image: nginx, volumes: ["data1:/x", "/y", "data2:/x"]}'
    service = web(tmp_path, f"services:\n{line}\nvolumes: {{data1: {{}}, data2: {{}}}}\n")
    assert [(m.source, m.target) for m in service.volumes] == [("data2", "/x"), (None, "/y")]
    where = service.volumes[0].origin  # at the entry that was kept
    assert (where.line, where.column) == (2, line.index('"data2') + 1)


def test_exact_duplicate_ports_are_one_entry(tmp_path: Path) -> None:
    service = web(tmp_path, 'services:\n  web: {image: nginx, ports: ["80:80", "80:80"]}\n')
    assert [(p.published, p.target) for p in service.ports] == [("80", 80)]


def test_short_and_long_ports_with_one_key_are_one_entry(tmp_path: Path) -> None:
    service = web(
        tmp_path,
        """
        services:
          web:
            image: nginx
            ports: ["8080:80", {target: 80, published: 8080, protocol: TCP}, "8081:80"]
        """,
    )
    assert [(p.published, p.target) for p in service.ports] == [("8080", 80), ("8081", 80)]


def test_expose_number_and_string_are_one_entry(tmp_path: Path) -> None:
    service = web(tmp_path, 'services:\n  web: {image: nginx, expose: ["80", 80, 81]}\n')
    assert service.raw["expose"] == ["80", "81"]


def test_secrets_and_configs_keyed_by_default_target(tmp_path: Path) -> None:
    service = web(
        tmp_path,
        """
        services:
          web:
            image: nginx
            secrets: [s1, {source: s2, target: /run/secrets/s1}]
            configs: [{source: c2, target: /c1}, c1]
        secrets: {s1: {file: ./s}, s2: {file: ./s}}
        configs: {c1: {file: ./s}, c2: {file: ./s}}
        """,
    )
    assert [(r.source, r.target) for r in service.secrets] == [("s2", "/run/secrets/s1")]
    assert [(r.source, r.target) for r in service.configs] == [("c1", "/c1")]


def test_config_output_reads_back(tmp_path: Path) -> None:
    write(
        tmp_path,
        "compose.yaml",
        """
        services:
          web: {image: nginx, expose: ["80", 80], ports: ["80:80", {target: 80, published: 80}]}
        """,
    )
    runner = CliRunner()
    first = runner.invoke(cli, ["config", "-f", str(tmp_path / "compose.yaml")])
    assert first.exit_code == 0, first.output
    assert first.output.count('- "80"') == 1
    write(tmp_path, "again.yaml", first.output)
    second = runner.invoke(cli, ["config", "-f", str(tmp_path / "again.yaml")])
    assert second.exit_code == 0, second.output


# -- unique entries across files --------------------------------------------------------------


def test_short_and_long_secrets_and_configs_merge_by_target(tmp_path: Path) -> None:
    service = web(
        tmp_path,
        """
        services:
          web: {image: nginx, secrets: [s1], configs: [c1]}
        secrets: {s1: {file: ./s}, s2: {file: ./s}}
        configs: {c1: {file: ./s}, c2: {file: ./s}}
        """,
        """
        services:
          web:
            secrets: [{source: s2, target: /run/secrets/s1}]
            configs: [{source: c2, target: /c1}]
        """,
    )
    assert [(r.source, r.target) for r in service.secrets] == [("s2", "/run/secrets/s1")]
    assert [(r.source, r.target) for r in service.configs] == [("c2", "/c1")]


# -- build ------------------------------------------------------------------------------------


def test_override_build_without_context_keeps_the_base_context(tmp_path: Path) -> None:
    service = web(
        tmp_path,
        "services:\n  web: {image: x, build: ./app}\n",
        "services:\n  web: {build: {dockerfile: D2}}\n",
    )
    assert service.build == {"context": str(tmp_path / "app"), "dockerfile": "D2"}


def test_extends_build_without_context_keeps_the_base_context(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    write(tmp_path, "lib/base.yaml", "services:\n  base: {image: x, build: ./app}\n")
    service = web(
        tmp_path,
        """
        services:
          web:
            extends: {file: lib/base.yaml, service: base}
            build: {dockerfile: D2}
        """,
    )
    assert service.build == {"context": str(tmp_path / "lib" / "app"), "dockerfile": "D2"}


def test_build_without_any_context_defaults_to_the_project_directory(tmp_path: Path) -> None:
    service = web(tmp_path, "services:\n  web: {image: x, build: {dockerfile: D}}\n")
    assert service.build == {"context": str(tmp_path), "dockerfile": "D"}


# -- logging ----------------------------------------------------------------------------------

LOGGING = "services:\n  web: {image: x, logging: {driver: json-file, options: {max-size: 10m}}}\n"


def test_logging_with_another_driver_replaces_the_options(tmp_path: Path) -> None:
    service = web(tmp_path, LOGGING, "services:\n  web: {logging: {driver: syslog}}\n")
    assert service.raw["logging"] == {"driver": "syslog"}


def test_logging_with_the_same_or_no_driver_merges_the_options(tmp_path: Path) -> None:
    same = 'services:\n  web: {logging: {driver: json-file, options: {max-file: "3"}}}\n'
    service = web(tmp_path, LOGGING, same)
    assert service.raw["logging"]["options"] == {"max-size": "10m", "max-file": "3"}
    service = web(tmp_path, LOGGING, 'services:\n  web: {logging: {options: {max-file: "3"}}}\n')
    assert service.raw["logging"] == {
        "driver": "json-file",
        "options": {"max-size": "10m", "max-file": "3"},
    }
