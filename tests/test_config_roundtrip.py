"""`kconv config` prints a compose file that reads back to the same project.

Fed back to `kconv config -f` it prints the same text again; fed to `kconv convert` it gives the
same manifests as the original files (values that `kconv config` redacts aside).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from kconv.cli import cli

CONVERT_CASES = Path(__file__).resolve().parent.parent / "fixtures" / "convert"
# no secret-looking values (redacted by `kconv config`), no env_file (merged into environment)
FIXTURES = ("secrets-configs", "volumes", "healthcheck", "kompose-labels", "statefulset")

DOLLARS = """\
name: demo
services:
  db:
    image: postgres:16
    command: sh -c 'echo "$$HOME" $$$$ $${USER}'
    entrypoint: ["sh", "-c", "exec postgres -c 'x=$$y'"]
    environment:
      PRICE: "$$5 a$$(b)"
    labels:
      note: "costs $$5"
    secrets: [pw]
    configs: [settings]
secrets:
  pw:
    file: ./pw.txt
configs:
  settings:
    content: "home=$$HOME"
x-note: "$$keep"
"""


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No caller variables that would change the output."""
    for name in ("API_TOKEN", "COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES", "HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("y", "interpolated-again")
    monkeypatch.setenv("USER", "interpolated-again")


def kconv(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def options(directory: Path) -> list[str]:
    path = directory / "options.yaml"
    return (yaml.safe_load(path.read_text()) or []) if path.is_file() else []


def dollar_project(tmp_path: Path) -> Path:
    (tmp_path / "pw.txt").write_text("hunter2\n")
    (tmp_path / "compose.yaml").write_text(DOLLARS)
    return tmp_path


def assert_round_trip(directory: Path, flags: list[str]) -> None:
    printed = kconv("config", "-f", str(directory / "compose.yaml"))
    (directory / "printed.yaml").write_text(printed)
    again = ["-f", str(directory / "printed.yaml"), "--project-directory", str(directory)]
    assert kconv("config", *again) == printed
    original = kconv("convert", str(directory / "compose.yaml"), "--no-lint", *flags)
    assert kconv("convert", *again, "--no-lint", *flags) == original


@pytest.mark.parametrize("case", FIXTURES)
def test_fixture_round_trip(case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / case
    shutil.copytree(CONVERT_CASES / case, directory)
    monkeypatch.chdir(directory)
    assert_round_trip(directory, options(directory))


def test_dollar_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(dollar_project(tmp_path))
    assert_round_trip(tmp_path, [])


def test_literal_dollars_are_printed_escaped(tmp_path: Path) -> None:
    printed = yaml.safe_load(kconv("config", "-f", str(dollar_project(tmp_path) / "compose.yaml")))
    db = printed["services"]["db"]
    assert db["command"] == ["sh", "-c", 'echo "$$HOME" $$$$ $${USER}']
    assert db["entrypoint"][-1] == "exec postgres -c 'x=$$y'"
    assert db["environment"] == {"PRICE": "$$5 a$$(b)"}
    assert db["labels"] == {"note": "costs $$5"}
    assert printed["configs"]["settings"]["content"] == "home=$$HOME"
    assert printed["x-note"] == "$$keep"


def test_json_is_escaped_and_reads_back(tmp_path: Path) -> None:
    dollar_project(tmp_path)
    printed = kconv("config", "-f", str(tmp_path / "compose.yaml"), "--format", "json")
    assert json.loads(printed)["services"]["db"]["entrypoint"][-1] == "exec postgres -c 'x=$$y'"
    (tmp_path / "printed.json").write_text(printed)
    again = ["-f", str(tmp_path / "printed.json"), "--project-directory", str(tmp_path)]
    assert kconv("config", *again, "--format", "json") == printed


def test_no_interpolate_prints_values_as_written(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: x:${TAG:-1}\n    command: [echo, $$HOME, '${USER}']\n"
    )
    printed = yaml.safe_load(
        kconv("config", "-f", str(tmp_path / "compose.yaml"), "--no-interpolate")
    )
    assert printed["services"]["a"]["image"] == "x:${TAG:-1}"
    assert printed["services"]["a"]["command"] == ["echo", "$$HOME", "${USER}"]


def test_printed_default_secret_name_converts_like_none(tmp_path: Path) -> None:
    dollar_project(tmp_path)
    printed = kconv("config", "-f", str(tmp_path / "compose.yaml"))
    assert yaml.safe_load(printed)["secrets"]["pw"]["name"] == "demo_pw"  # as docker compose
    (tmp_path / "printed.yaml").write_text(printed)
    objects = yaml.safe_load_all(kconv("convert", str(tmp_path / "printed.yaml"), "--no-lint"))
    names = {(o["kind"], o["metadata"]["name"]) for o in objects}
    assert {("Secret", "pw"), ("ConfigMap", "settings")} <= names


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("name: vault_pw", "vault-pw"),  # another name is the object's name
        ("name: other_pw", "other-pw"),  # another project's default: not this project's
        ("external: true\n    name: demo_pw", "demo-pw"),  # external: the name in the cluster
    ],
)
def test_written_secret_names_are_kept(tmp_path: Path, entry: str, expected: str) -> None:
    text = DOLLARS.replace("file: ./pw.txt", f"file: ./pw.txt\n    {entry}")
    if "external" in entry:
        text = text.replace("    file: ./pw.txt\n", "")
    dollar_project(tmp_path)
    (tmp_path / "compose.yaml").write_text(text)
    objects = yaml.safe_load_all(kconv("convert", str(tmp_path / "compose.yaml"), "--no-lint"))
    pod = next(o for o in objects if o["kind"] == "Deployment")["spec"]["template"]["spec"]
    secret_names = [v["secret"]["secretName"] for v in pod["volumes"] if "secret" in v]
    assert secret_names == [expected]
