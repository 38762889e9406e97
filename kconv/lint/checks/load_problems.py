"""Checks the engine runs itself, because they are not about one object.

- `load-problem` (KC001-KC005): the engine turns each `LoadProblem` of the run into a finding
  of the rule whose `params.problem` is the problem's code.
- `unknown-suppression` (KC006) and `unused-suppression` (KC007): the engine audits the
  suppression annotations and comments after the run (kconv.lint.suppression).

The registered check functions never yield anything.
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


def _nothing(params: Mapping[str, Any]) -> CheckFn:
    def run(obj: Any, ctx: Any) -> Iterable[Violation]:
        return ()

    return run


@check("unknown-suppression")
def unknown_suppression(params: Mapping[str, Any]) -> CheckFn:
    """Reports suppressions that name no rule (handled by the engine)."""
    return _nothing(params)


@check("unused-suppression")
def unused_suppression(params: Mapping[str, Any]) -> CheckFn:
    """Reports suppressions that suppress nothing (handled by the engine)."""
    return _nothing(params)
