"""The `load-problem` check: rules KC001-KC005 report problems found while reading files.

Load problems are not about an object, so the engine turns each `LoadProblem` of the run into
a finding of the rule whose `params.problem` is the problem's code. The check function itself
never yields anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.rule import CheckFn, Violation, check

LOAD_PROBLEM_CHECK = "load-problem"
PROBLEM_CODES = ("syntax-error", "duplicate-key", "not-an-object", "unreadable", "unknown-tag")


@check(
    LOAD_PROBLEM_CHECK,
    params={
        "type": "object",
        "properties": {"problem": {"enum": list(PROBLEM_CODES)}},
        "required": ["problem"],
        "additionalProperties": False,
    },
)
def load_problem(params: Mapping[str, Any]) -> CheckFn:
    """Reports files and documents that could not be read (handled by the engine)."""

    def run(obj: Any, ctx: Any) -> Iterable[Violation]:
        return ()

    return run
