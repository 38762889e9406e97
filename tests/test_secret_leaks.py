"""Planted secrets never reach findings, errors, notes or `kconv config` (issue #7).

Unique secret strings are planted in every place a compose project or a manifest can hold one;
every output stream of every command is then searched for them. The only place a secret may
appear is the data of a Secret object that `kconv convert` emits, and there only base64-encoded.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

PLANTED = {
    "env_password": "plant-pw-7f3a9c1e2b",
    "env_file_token": "plant-token-5d8e0a4c7f",
    "secret_file": "plant-file-3b6c9d2e1a",
    "aws_key": "AKIAPLANTED0EXAMPLE1",
    "github_token": "ghp_" + "P1anted" * 5 + "x",
    "configmap_password": "plant-cm-9e8d7c6b5a",
    "pod_env_token": "plant-podenv-1q2w3e4r",
    "dotenv_password": "plant-dotenv-0p9o8i7u",
}


def kconv(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kconv", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=full_env,
        check=False,
        timeout=120,
    )


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.env").write_text(f"API_TOKEN={PLANTED['env_file_token']}\nLOG_LEVEL=debug\n")
    (tmp_path / ".env").write_text(f"DB_PASSWORD={PLANTED['dotenv_password']}\n")
    (tmp_path / "token.txt").write_text(PLANTED["secret_file"] + "\n")
    (tmp_path / "compose.yaml").write_text(f"""\
name: leaks
services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
    env_file: [app.env]
    environment:
      ADMIN_PASSWORD: {PLANTED["env_password"]}
      AWS_ACCESS_KEY: {PLANTED["aws_key"]}
      GH: {PLANTED["github_token"]}
      DB_PASSWORD: ${{DB_PASSWORD}}
      GREETING: hello
    secrets: [token]
secrets:
  token:
    file: ./token.txt
""")
    return tmp_path


def assert_no_plant(text: str, where: str) -> None:
    for name, value in PLANTED.items():
        assert value not in text, f"{where} leaks the planted {name}"


def test_config_redacts_secret_values(project: Path) -> None:
    done = kconv("config", cwd=project)
    assert done.returncode == 0, done.stderr
    assert_no_plant(done.stdout + done.stderr, "kconv config")
    assert "GREETING: hello" in done.stdout


def test_config_json_redacts_too(project: Path) -> None:
    done = kconv("config", "--format", "json", cwd=project)
    assert done.returncode == 0, done.stderr
    assert_no_plant(done.stdout + done.stderr, "kconv config --format json")


def test_convert_keeps_secrets_only_base64_in_secret_objects(project: Path) -> None:
    done = kconv("convert", cwd=project)
    assert done.returncode in (0, 1), done.stderr
    assert_no_plant(done.stdout + done.stderr, "kconv convert")
    documents = [d for d in yaml.safe_load_all(done.stdout) if d]
    encoded = " ".join(
        base64.b64decode(value).decode()
        for document in documents
        if document["kind"] == "Secret"
        for value in (document.get("data") or {}).values()
    )
    for name in ("env_password", "env_file_token", "secret_file", "aws_key", "github_token"):
        assert PLANTED[name] in encoded, f"{name} did not reach a Secret"
    for document in documents:
        if document["kind"] == "ConfigMap":
            assert_no_plant(yaml.safe_dump(document), "a ConfigMap")


def test_convert_to_directory_prints_no_secret(project: Path) -> None:
    done = kconv("convert", "-o", str(project / "out") + "/", cwd=project)
    assert done.returncode in (0, 1), done.stderr
    assert_no_plant(done.stdout + done.stderr, "kconv convert -o")


MANIFESTS = f"""\
apiVersion: v1
kind: ConfigMap
metadata: {{name: settings, namespace: app}}
data:
  DB_PASSWORD: {PLANTED["configmap_password"]}
  AWS_KEY_VALUE: {PLANTED["aws_key"]}
---
apiVersion: v1
kind: Pod
metadata: {{name: p, namespace: app}}
spec:
  containers:
    - name: c
      image: busybox:1.36
      env:
        - name: API_TOKEN
          value: {PLANTED["pod_env_token"]}
        - name: OTHER
          value: {PLANTED["github_token"]}
"""


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_lint_findings_never_show_secret_values(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "m.yaml").write_text(MANIFESTS)
    done = kconv("lint", "--format", fmt, "m.yaml", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert_no_plant(done.stdout + done.stderr, f"kconv lint --format {fmt}")
    assert "m.yaml" in done.stdout


def test_errors_do_not_quote_secret_values(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: nginx:1.27\n    mem_limit: {PLANTED['github_token']}\n"
    )
    done = kconv("config", cwd=tmp_path)
    assert done.returncode == 2
    assert_no_plant(done.stdout + done.stderr, "an error message")
    assert "compose.yaml" in done.stderr


def test_errors_do_not_quote_dotenv_values(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DB_PASSWORD={PLANTED['dotenv_password']}\n")
    (tmp_path / "compose.yaml").write_text(
        'services:\n  web:\n    image: nginx:1.27\n    ports: ["${DB_PASSWORD}"]\n'
    )
    done = kconv("config", cwd=tmp_path)
    assert done.returncode == 2
    assert_no_plant(done.stdout + done.stderr, "an error about a .env value")
    assert "compose.yaml:4:13: services.web.ports[0]" in done.stderr


def test_env_file_syntax_errors_do_not_quote_secret_values(tmp_path: Path) -> None:
    (tmp_path / "app.env").write_text(f'A=1\nAPI_TOKEN="{PLANTED["env_file_token"]}\n')
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: nginx:1.27\n    env_file: app.env\n"
    )
    done = kconv("convert", cwd=tmp_path)
    assert done.returncode == 2
    assert_no_plant(done.stdout + done.stderr, "an env_file syntax error")
    assert "app.env:2: unterminated quoted value" in done.stderr


def test_convert_notes_do_not_show_interpolated_secrets(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DB_PASSWORD={PLANTED['dotenv_password']}\n")
    (tmp_path / "compose.yaml").write_text(
        'services:\n  web:\n    image: nginx:1.27\n    user: "${DB_PASSWORD}"\n'
    )
    done = kconv("convert", "-o", "out.yaml", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert_no_plant(done.stdout + done.stderr, "kconv convert notes")
    assert "compose.yaml:4:5: warning: service 'web': user '<redacted>'" in done.stderr


def test_missing_variable_errors_do_not_echo_the_environment(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:${TAG:?set TAG}\n")
    done = kconv("config", cwd=tmp_path, env={"DB_PASSWORD": PLANTED["env_password"]})
    assert done.returncode == 2
    assert "TAG" in done.stderr
    assert_no_plant(done.stdout + done.stderr, "a missing-variable error")
