"""Every bad compose file in fixtures/compose/errors fails with one clear, located message.

Each fixture starts with `# expect: LINE:COL: text`; the error must be an InputError placed
exactly there whose message contains the text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kconv.cli import cli
from kconv.compose.loader import load_project
from kconv.errors import InputError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "compose" / "errors"
CASES = sorted(FIXTURES.glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (\d+):(\d+): ?(.*)$")


def expectation(path: Path) -> tuple[int, int, str]:
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name} lacks its '# expect: LINE:COL: text' line"
    return int(match.group(1)), int(match.group(2)), match.group(3)


def test_there_are_error_fixtures() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_error_is_located(path: Path) -> None:
    line, column, text = expectation(path)
    with pytest.raises(InputError) as info:
        load_project([str(path)], environ={})
    error = info.value
    assert error.location is not None
    assert Path(error.location.file).resolve() == path, str(error)
    assert (error.location.line, error.location.column) == (line, column), str(error)
    assert text in error.message, str(error)


@pytest.mark.parametrize("path", CASES[:5], ids=[p.stem for p in CASES[:5]])
def test_cli_prints_one_line_and_exits_2(path: Path) -> None:
    line, column, text = expectation(path)
    assert text
    result = CliRunner().invoke(cli, ["config", "-f", str(path)], env={"COMPOSE_PROJECT_NAME": ""})
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines() if hasattr(result, "stderr") else []
    output = result.output.strip().splitlines()
    message = (lines or output)[-1]
    assert message.startswith("kconv: error: ")
    assert f":{line}:{column}: " in message
    assert "Traceback" not in result.output
