"""Render the object graph as SVG with Graphviz's `dot` program."""

from __future__ import annotations

import shutil
import subprocess

from kconv.errors import OutputError
from kconv.graph import dot
from kconv.graph.model import Graph

INSTALL_HINT = (
    "the svg format needs Graphviz's `dot` program, which is not on PATH: install graphviz "
    "(apt-get install graphviz, brew install graphviz, choco install graphviz) "
    "or use --format dot or --format mermaid"
)


def render(graph: Graph, *, dot_program: str | None = None) -> str:
    """The graph as an SVG document. Raises OutputError when `dot` is missing or fails."""
    program = dot_program or shutil.which("dot")
    if program is None:
        raise OutputError(INSTALL_HINT)
    try:
        completed = subprocess.run(
            [program, "-Tsvg"],
            input=dot.render(graph),
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
    except OSError as exc:
        raise OutputError(f"cannot run {program}: {exc.strerror or exc}") from None
    if completed.returncode != 0:
        detail = completed.stderr.strip().splitlines()
        reason = detail[-1] if detail else f"exit code {completed.returncode}"
        raise OutputError(f"graphviz dot failed: {reason}")
    return completed.stdout
