"""`kconv config` through click's CliRunner: golden output, options, errors, redaction."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kconv.cli import cli

BASIC = Path(__file__).resolve().parent.parent / "fixtures" / "compose" / "basic"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run without the caller's COMPOSE_* or other variables that would change the output."""
    for name in list(os.environ):
        if name.startswith("COMPOSE_") or name in ("NGINX_TAG", "API_PORT", "DB_PASSWORD"):
            monkeypatch.delenv(name)


def run(*args: str, cwd: Path | None = None, stdin: str | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(cli, ["config", *args], input=stdin)
    with runner.isolated_filesystem():
        os.chdir(cwd)
        return runner.invoke(cli, ["config", *args], input=stdin)


def test_golden_output(clean_env: None) -> None:
    result = run("-f", str(BASIC / "compose.yaml"), "-f", str(BASIC / "compose.override.yaml"))
    assert result.exit_code == 0, result.output
    expected = (BASIC / "expected.yaml").read_text(encoding="utf-8")
    assert result.stdout.replace(str(BASIC), "<project>") == expected


def test_discovery_from_current_directory(clean_env: None) -> None:
    result = run(cwd=BASIC)
    assert result.exit_code == 0, result.output
    expected = (BASIC / "expected.yaml").read_text(encoding="utf-8")
    assert result.stdout.replace(str(BASIC), "<project>") == expected


def test_positional_files_and_json(clean_env: None) -> None:
    result = run(str(BASIC / "compose.yaml"), "--format", "json", "--profile", "debug")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert sorted(data["services"]) == ["api", "debug", "web"]
    assert data["services"]["web"]["ports"] == [
        {"target": 80, "published": "8080", "protocol": "tcp", "mode": "ingress"},
        {
            "target": 443,
            "published": "8443",
            "host_ip": "127.0.0.1",
            "protocol": "tcp",
            "mode": "ingress",
        },
    ]


def test_secrets_are_redacted(clean_env: None) -> None:
    result = run("-f", str(BASIC / "compose.yaml"))
    assert result.exit_code == 0
    assert "s3cr3t-Pa55word" not in result.output
    assert "abc def 123456" not in result.output
    assert "DB_PASSWORD: <redacted>" in result.stdout
    assert "LOG_LEVEL: info" in result.stdout


def test_no_interpolate(clean_env: None) -> None:
    result = run("-f", str(BASIC / "compose.yaml"), "--no-interpolate")
    assert result.exit_code == 0, result.output
    assert "image: nginx:${NGINX_TAG:-1.27}" in result.stdout


def test_env_file_option(clean_env: None, tmp_path: Path) -> None:
    env = tmp_path / "other.env"
    env.write_text("NGINX_TAG=mainline\nAPI_PORT=1\n", encoding="utf-8")
    result = run("-f", str(BASIC / "compose.yaml"), "--env-file", str(env))
    assert result.exit_code == 0, result.output
    assert "image: nginx:mainline" in result.stdout
    assert "DB_PASSWORD" in result.stdout  # now unset: a warning, not an error
    assert "DB_PASSWORD" in result.stderr and "not set" in result.stderr


def test_project_directory_and_name(clean_env: None, tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text("services:\n  a:\n    volumes: ['./x:/x']\n")
    result = run("-f", str(tmp_path / "c.yaml"), "--project-directory", str(BASIC), "-p", "other")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("name: other\n")
    assert f"source: {BASIC / 'x'}" in result.stdout


def test_stdin(clean_env: None, tmp_path: Path) -> None:
    result = run("-f", "-", "-p", "s", stdin="services:\n  a:\n    image: x\n")
    assert result.exit_code == 0, result.output
    assert "image: x" in result.stdout


def test_missing_file_exit_2(clean_env: None, tmp_path: Path) -> None:
    result = run("-f", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "kconv: error:" in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.output


def test_no_compose_file_exit_2(clean_env: None, tmp_path: Path) -> None:
    result = run(cwd=tmp_path)
    assert result.exit_code == 2
    assert "no compose file found" in result.stderr


def test_schema_error_exit_2(clean_env: None, tmp_path: Path) -> None:
    path = tmp_path / "compose.yaml"
    path.write_text("services:\n  web:\n    image: x\n    prots: []\n")
    result = run("-f", str(path))
    assert result.exit_code == 2
    assert result.stderr.strip().endswith(':4:5: services.web: unknown key "prots"')


def test_bad_format_option_is_usage_error(clean_env: None) -> None:
    result = run("--format", "toml")
    assert result.exit_code == 2


def test_output_is_deterministic(clean_env: None) -> None:
    first = run("-f", str(BASIC / "compose.yaml"), "--profile", "*")
    second = run("-f", str(BASIC / "compose.yaml"), "--profile", "*")
    assert first.exit_code == 0
    assert first.stdout == second.stdout


NETWORKS = """name: net
services:
  web: {image: nginx}
  api: {image: api, networks: [back]}
  sidecar: {image: x, network_mode: "service:web"}
networks:
  back: {}
  shared: {external: true}
  fixed: {name: fixed-name}
volumes:
  data: {}
  old: {external: true}
"""


def test_networks_and_volumes_as_docker_compose_prints_them(
    clean_env: None, tmp_path: Path
) -> None:
    (tmp_path / "compose.yaml").write_text(NETWORKS)
    result = run("-f", str(tmp_path / "compose.yaml"), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    services = data["services"]
    assert services["web"]["networks"] == {"default": None}  # implicit default network
    assert "default" not in services["api"]["networks"]
    assert "networks" not in services["sidecar"]  # network_mode: no networks
    assert data["networks"] == {
        "back": {"name": "net_back"},
        "default": {"name": "net_default"},
        "fixed": {"name": "fixed-name"},
        "shared": {"name": "shared", "external": True},
    }
    assert data["volumes"] == {
        "data": {"name": "net_data"},
        "old": {"name": "old", "external": True},
    }


def test_no_default_network_when_no_service_is_on_it(clean_env: None, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "name: n\nservices:\n  a: {image: x, networks: [b]}\nnetworks:\n  b: {}\n"
    )
    result = run("-f", str(tmp_path / "compose.yaml"), "--format", "json")
    assert json.loads(result.stdout)["networks"] == {"b": {"name": "n_b"}}
