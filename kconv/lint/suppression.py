"""Suppressions: annotations on an object, and `# kconv: ignore[...]` comments.

- `kconv.io/ignore: "KC101,privileged-container"` on the object's own metadata (`all` or `*`
  suppress every rule; the reason goes in `kconv.io/ignore-reason`).
- `# kconv: ignore[KC101]` on the finding's line or the line above; without `[...]` it
  suppresses every rule there. `# kconv: ignore-file[KC101]` anywhere in a file covers the file.
- Migrating users keep their kube-linter (`ignore-check.kube-linter.io/<check>`,
  `kube-linter.io/ignore-all`) and kube-score (`kube-score/ignore: a,b`) annotations: they
  suppress the kconv rules that list those checks in `equivalents`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from kconv.lint.rule import Finding, RuleSpec
from kconv.lint.selection import specificity
from kconv.manifests import IgnoreComment
from kconv.model.k8s import K8sObject

IGNORE_ANNOTATION = "kconv.io/ignore"
IGNORE_REASON_ANNOTATION = "kconv.io/ignore-reason"
KUBE_LINTER_CHECK_PREFIX = "ignore-check.kube-linter.io/"
KUBE_LINTER_IGNORE_ALL = "kube-linter.io/ignore-all"
KUBE_SCORE_IGNORE = "kube-score/ignore"
_EVERYTHING = frozenset({"all", "*", "ALL"})


def _tokens(value: object) -> list[str]:
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def _names(tokens: Sequence[str], rule: RuleSpec) -> bool:
    return any(token in _EVERYTHING or specificity(token, rule) > 0 for token in tokens)


def suppressed_by_annotation(obj: K8sObject, rule: RuleSpec) -> bool:
    """Does an annotation on `obj` (its own metadata) suppress `rule`?"""
    annotations = obj.annotations
    if not annotations:
        return False
    if IGNORE_ANNOTATION in annotations and _names(_tokens(annotations[IGNORE_ANNOTATION]), rule):
        return True
    linter_ids = rule.equivalents.get("kube-linter", ())
    if linter_ids:
        if KUBE_LINTER_IGNORE_ALL in annotations:
            return True
        if any(KUBE_LINTER_CHECK_PREFIX + check in annotations for check in linter_ids):
            return True
    score_ids = rule.equivalents.get("kube-score", ())
    if score_ids and KUBE_SCORE_IGNORE in annotations:
        ignored = set(_tokens(annotations[KUBE_SCORE_IGNORE]))
        if ignored.intersection(score_ids):
            return True
    return False


class CommentIndex:
    """The ignore comments of every file, for quick lookups by (file, line)."""

    def __init__(self, comments: Mapping[str, Sequence[IgnoreComment]]) -> None:
        self._lines: dict[tuple[str, int], list[IgnoreComment]] = {}
        self._files: dict[str, list[IgnoreComment]] = {}
        for file, items in comments.items():
            for comment in items:
                if comment.whole_file:
                    self._files.setdefault(file, []).append(comment)
                else:
                    self._lines.setdefault((file, comment.line), []).append(comment)

    def suppresses(self, finding: Finding, rule: RuleSpec) -> bool:
        file = finding.location.file
        for comment in self._files.get(file, ()):
            if self._covers(comment, rule):
                return True
        line = finding.location.line
        if line is None:
            return False
        for candidate in (line, line - 1):
            for comment in self._lines.get((file, candidate), ()):
                if self._covers(comment, rule):
                    return True
        return False

    @staticmethod
    def _covers(comment: IgnoreComment, rule: RuleSpec) -> bool:
        return not comment.rules or _names(sorted(comment.rules), rule)
