"""The YAML limits (`--max-yaml-nodes`, `--max-yaml-depth`) through every command."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from kconv import yamlio
from kconv.cli import cli

# 1 + 3 + 30 + 300 nodes once the aliases are expanded: fine by default, too many for 100
ALIASES = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b]\n"
COMPOSE = "services:\n  web:\n    image: nginx\nx-meta: {a: {b: {c: {d: e}}}}\n"
MANIFEST = """apiVersion: v1
kind: ConfigMap
metadata:
  name: nested
data:
  key: value
"""


@pytest.fixture(autouse=True)
def _restore_limits() -> Iterator[None]:
    yield
    yamlio.set_default_limits(yamlio.DEFAULT_LIMITS)


def _run(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args, env=env)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_lint_refuses_a_document_over_the_node_limit(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text(ALIASES)
    code, output = _run(["lint", str(path)])
    assert "more than" not in output  # within the default limit
    code, output = _run(["--max-yaml-nodes", "100", "lint", str(path)])
    assert code == 1
    assert f"{path}:2:" in output and "more than 100 nodes" in output
    assert "--max-yaml-nodes" in output


def test_the_environment_sets_the_limits(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text(ALIASES)
    code, output = _run(["lint", str(path)], env={"KCONV_MAX_YAML_NODES": "100"})
    assert code == 1 and "more than 100 nodes" in output


def test_config_and_convert_honour_the_depth_limit(tmp_path: Path) -> None:
    compose = tmp_path / "compose.yaml"
    compose.write_text(COMPOSE)
    assert _run(["config", "-f", str(compose)])[0] == 0
    for command in (["config", "-f", str(compose)], ["convert", str(compose)]):
        code, output = _run(["--max-yaml-depth", "3", *command])
        assert code == 2, output
        assert f"{compose}:4:" in output and "nesting deeper than 3 levels" in output
        assert "--max-yaml-depth" in output


def test_a_later_run_without_the_option_gets_the_default_back(tmp_path: Path) -> None:
    path = tmp_path / "cm.yaml"
    path.write_text(MANIFEST)
    assert _run(["--max-yaml-depth", "1", "lint", str(path)])[0] == 1
    assert yamlio.default_limits().max_depth == 1
    code, output = _run(["lint", "--select", "KC001", str(path)])
    assert code == 0, output
    assert yamlio.default_limits() == yamlio.DEFAULT_LIMITS


@pytest.mark.parametrize("option", ["--max-yaml-nodes", "--max-yaml-depth"])
@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_a_bad_limit_is_a_usage_error(option: str, value: str) -> None:
    code, output = _run([option, value, "rules"])
    assert code == 2 and option in output


def test_the_library_refuses_limits_below_one() -> None:
    with pytest.raises(ValueError):
        yamlio.set_default_limits(yamlio.Limits(max_depth=0))


def test_the_depth_limit_stays_where_libyaml_composes_safely() -> None:
    """Above MAX_DEPTH_LIMIT, a document that passes the limit could overflow the C stack."""
    code, output = _run(["--max-yaml-depth", str(yamlio.MAX_DEPTH_LIMIT + 1), "rules"])
    assert code == 2 and "--max-yaml-depth" in output
    assert _run(["--max-yaml-depth", str(yamlio.MAX_DEPTH_LIMIT), "rules"])[0] == 0
    with pytest.raises(ValueError, match="at most"):
        yamlio.set_default_limits(yamlio.Limits(max_depth=yamlio.MAX_DEPTH_LIMIT + 1))
