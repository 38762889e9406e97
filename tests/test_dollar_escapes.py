"""`$` in command, args and env values: the container receives exactly what compose gives it.

`kubelet_expand` models Kubernetes' expansion of those fields
(`third_party/forked/golang/expansion`): `$$` is `$`, `$(NAME)` is the variable's value when
NAME is defined (else kept as written), any other `$` is kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from kconv.cli import cli
from kconv.convert.expansion import kubernetes_literal

# the container's variables: what an unescaped `$(NAME)` would turn into
DEFINED = {"HOME": "/root", "USER": "app", "b": "B", "A": "a", "": "empty"}


def kubelet_expand(text: str, variables: dict[str, str]) -> str:
    """What the kubelet hands the container for `text` in command, args or an env value."""
    out: list[str] = []
    index = 0
    while index < len(text):
        if text[index] != "$" or index + 1 == len(text):
            out.append(text[index])
            index += 1
        elif text[index + 1] == "$":
            out.append("$")
            index += 2
        elif text[index + 1] == "(" and (close := text.find(")", index + 2)) >= 0:
            out.append(variables.get(text[index + 2 : close], text[index : close + 1]))
            index = close + 1
        else:
            out.append(text[index : index + 2])
            index += 2
    return "".join(out)


def test_the_model_follows_kubernetes() -> None:
    assert kubelet_expand("$(HOME) $(NOPE) $$(HOME) $$ $5 $( $", DEFINED) == (
        "/root $(NOPE) $(HOME) $ $5 $( $"
    )


@pytest.mark.parametrize(
    ("value", "manifest"),
    [
        ("echo $HOME and ${USER} and $$", "echo $HOME and ${USER} and $$$$"),
        ("a$(b)", "a$$(b)"),
        ("$$(b)", "$$$$(b)"),
        ("price $5, $ and $", "price $5, $ and $"),
        ("$$$", "$$$$$$"),
        ("no dollars", "no dollars"),
    ],
)
def test_kubernetes_literal(value: str, manifest: str) -> None:
    assert kubernetes_literal(value) == manifest
    assert kubelet_expand(manifest, DEFINED) == value


@given(st.text(alphabet="$()AbHOME{} x", max_size=30))
def test_the_container_receives_the_value(value: str) -> None:
    assert kubelet_expand(kubernetes_literal(value), DEFINED) == value


def convert(tmp_path: Path, compose: str, *flags: str) -> dict[str, dict]:
    """The objects `kconv convert` makes of `compose`, by kind (one of each here)."""
    (tmp_path / "compose.yaml").write_text(compose)
    result = CliRunner().invoke(
        cli, ["convert", str(tmp_path / "compose.yaml"), "--no-lint", *flags]
    )
    assert result.exit_code == 0, result.output
    return {o["kind"]: o for o in yaml.safe_load_all(result.stdout)}


def main_container(objects: dict[str, dict]) -> dict:
    return objects["Deployment"]["spec"]["template"]["spec"]["containers"][0]


COMPOSE = """\
services:
  web:
    image: busybox:1.36
    entrypoint: ["/bin/app", "$$HOME", "$$(date)"]
    command: ["sh", "-c", "echo $$HOME and $${USER} and $$$$"]
    environment:
      A: "a$$(b)"
      B: "a$(b)"
      C: "$$$$ and $$5"
"""


def test_compose_dollars_reach_the_container(tmp_path: Path) -> None:
    container = main_container(convert(tmp_path, COMPOSE))
    assert container["args"] == ["sh", "-c", "echo $HOME and ${USER} and $$$$"]
    assert container["command"] == ["/bin/app", "$HOME", "$$(date)"]
    env = {item["name"]: item["value"] for item in container["env"]}
    assert env == {"A": "a$$(b)", "B": "a$$(b)", "C": "$$$$ and $5"}
    received = [kubelet_expand(arg, DEFINED) for arg in container["args"]]
    assert received == ["sh", "-c", "echo $HOME and ${USER} and $$"]
    assert {k: kubelet_expand(v, DEFINED) for k, v in env.items()} == {
        "A": "a$(b)",
        "B": "a$(b)",
        "C": "$$ and $5",
    }


def test_no_interpolate_keeps_variables_as_written(tmp_path: Path) -> None:
    compose = "services:\n  web:\n    image: x\n    command: [echo, '${USER}', $$HOME]\n"
    container = main_container(convert(tmp_path, compose, "--no-interpolate"))
    assert container["args"] == ["echo", "${USER}", "$$$$HOME"]  # as written, like kompose
    assert [kubelet_expand(arg, DEFINED) for arg in container["args"]] == [
        "echo",
        "${USER}",
        "$$HOME",
    ]


def test_config_map_data_and_probes_are_not_escaped(tmp_path: Path) -> None:
    (tmp_path / "app.env").write_text("FROM_FILE='a$$(b)'\n")
    compose = (
        "services:\n  web:\n    image: x\n    env_file: app.env\n"
        "    healthcheck:\n      test: [CMD-SHELL, 'test $$(cat /ready) = ok']\n"
    )
    objects = convert(tmp_path, compose)
    probe = main_container(objects)["readinessProbe"]["exec"]["command"]
    assert probe == ["sh", "-c", "test $(cat /ready) = ok"]  # Kubernetes does not expand probes
    assert objects["ConfigMap"]["data"] == {"FROM_FILE": "a$$(b)"}  # read literally
