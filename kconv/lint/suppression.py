"""Suppressions: annotations on an object, and `# kconv: ignore[...]` comments.

- `kconv.io/ignore: "KC101,privileged-container"` on the object's own metadata (`all` or `*`
  suppress every rule; the reason goes in `kconv.io/ignore-reason`).
- `# kconv: ignore[KC101]` on the finding's line or the line above; without `[...]` it
  suppresses every rule there. `# kconv: ignore-file[KC101]` anywhere in a file covers the file.
- Migrating users keep their kube-linter (`ignore-check.kube-linter.io/<check>`,
  `kube-linter.io/ignore-all`), kube-score (`kube-score/ignore: a,b`) and polaris
  (`polaris.fairwinds.com/exempt: "true"`, `polaris.fairwinds.com/<check>-exempt: "true"`)
  annotations: they suppress the kconv rules that list those checks in `equivalents`.

Each kconv suppression is made of *tokens* (ids, id prefixes, names); the engine records which
tokens suppressed something, so unknown and unused ones can be reported (KC006, KC007).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from kconv.lint.rule import Finding, RuleSpec
from kconv.lint.selection import hint, specificity
from kconv.manifests import IgnoreComment
from kconv.model.k8s import K8sObject
from kconv.model.location import Location, join_pointer

IGNORE_ANNOTATION = "kconv.io/ignore"
IGNORE_REASON_ANNOTATION = "kconv.io/ignore-reason"
KUBE_LINTER_CHECK_PREFIX = "ignore-check.kube-linter.io/"
KUBE_LINTER_IGNORE_ALL = "kube-linter.io/ignore-all"
KUBE_SCORE_IGNORE = "kube-score/ignore"
POLARIS_EXEMPT = "polaris.fairwinds.com/exempt"
POLARIS_PREFIX = "polaris.fairwinds.com/"
EVERYTHING = frozenset({"all", "*", "ALL"})
ANNOTATION_POINTER = join_pointer("/metadata/annotations", IGNORE_ANNOTATION)


def split_tokens(value: object) -> list[str]:
    return [part.strip() for part in str(value or "").split(",") if part.strip()]


def token_matches(token: str, rule: RuleSpec) -> bool:
    """Does one suppression token (id, id prefix, name, `all`) cover `rule`?"""
    return token in EVERYTHING or specificity(token, rule) > 0


def annotation_tokens(obj: K8sObject) -> list[str]:
    """The tokens of the object's `kconv.io/ignore` annotation."""
    return split_tokens(obj.annotations.get(IGNORE_ANNOTATION))


def annotation_suppressor(obj: K8sObject, rule: RuleSpec) -> str | None:
    """What on `obj` suppresses `rule`: a `kconv.io/ignore` token, another tool's annotation
    key, or None."""
    annotations = obj.annotations
    if not annotations:
        return None
    for token in annotation_tokens(obj):
        if token_matches(token, rule):
            return token
    linter_ids = rule.equivalents.get("kube-linter", ())
    if linter_ids:
        if KUBE_LINTER_IGNORE_ALL in annotations:
            return KUBE_LINTER_IGNORE_ALL
        for check in linter_ids:
            if KUBE_LINTER_CHECK_PREFIX + check in annotations:
                return KUBE_LINTER_CHECK_PREFIX + check
    score_ids = rule.equivalents.get("kube-score", ())
    if (
        score_ids
        and KUBE_SCORE_IGNORE in annotations
        and set(split_tokens(annotations[KUBE_SCORE_IGNORE])).intersection(score_ids)
    ):
        return KUBE_SCORE_IGNORE
    polaris_ids = rule.equivalents.get("polaris", ())
    if polaris_ids:
        if _true(annotations.get(POLARIS_EXEMPT)):
            return POLARIS_EXEMPT
        for check in polaris_ids:
            key = f"{POLARIS_PREFIX}{check}-exempt"
            if _true(annotations.get(key)):
                return key
    return None


def _true(value: object) -> bool:
    return value is True or str(value).strip().lower() == "true"


def suppressed_by_annotation(obj: K8sObject, rule: RuleSpec) -> bool:
    """Does an annotation on `obj` (its own metadata) suppress `rule`?"""
    return annotation_suppressor(obj, rule) is not None


class CommentHit(NamedTuple):
    """The comment (and the token of it) that suppressed a finding; token None = blanket."""

    file: str
    comment: IgnoreComment
    token: str | None


class CommentIndex:
    """The ignore comments of every file, for quick lookups by (file, line)."""

    def __init__(self, comments: Mapping[str, Sequence[IgnoreComment]]) -> None:
        self.comments = comments
        self._lines: dict[tuple[str, int], list[IgnoreComment]] = {}
        self._files: dict[str, list[IgnoreComment]] = {}
        for file, items in comments.items():
            for comment in items:
                if comment.whole_file:
                    self._files.setdefault(file, []).append(comment)
                else:
                    self._lines.setdefault((file, comment.line), []).append(comment)

    def match(self, finding: Finding, rule: RuleSpec) -> CommentHit | None:
        """The comment that suppresses `finding` of `rule`, if any."""
        file = finding.location.file
        candidates = list(self._files.get(file, ()))
        line = finding.location.line
        if line is not None:
            candidates += self._lines.get((file, line), []) + self._lines.get((file, line - 1), [])
        for comment in candidates:
            if not comment.rules:
                return CommentHit(file, comment, None)
            for token in sorted(comment.rules):
                if token_matches(token, rule):
                    return CommentHit(file, comment, token)
        return None

    def suppresses(self, finding: Finding, rule: RuleSpec) -> bool:
        return self.match(finding, rule) is not None

    def tokens(self) -> Iterable[tuple[str, IgnoreComment, str]]:
        """Every (file, comment, token) of comments that name rules."""
        for file, items in sorted(self.comments.items()):
            for comment in items:
                for token in sorted(comment.rules):
                    yield file, comment, token


def comment_location(file: str, comment: IgnoreComment) -> Location:
    return Location(file, comment.line)


class SuppressionAudit:
    """Records which suppression tokens suppressed something, then reports the tokens that
    name no rule (unknown) and, when all the rules they name ran, those that suppressed
    nothing (unused)."""

    def __init__(self, all_rules: Sequence[RuleSpec], enabled_ids: Iterable[str]) -> None:
        self.all_rules = list(all_rules)
        self.enabled_ids = frozenset(enabled_ids)
        self.used_annotations: set[tuple[int, str]] = set()
        self.used_comments: set[tuple[str, int, str | None]] = set()

    def use_annotation(self, obj: K8sObject, token: str) -> None:
        self.used_annotations.add((id(obj), token))

    def use_comment(self, hit: CommentHit) -> None:
        self.used_comments.add((hit.file, hit.comment.line, hit.token))

    def _rules_of(self, token: str) -> list[RuleSpec]:
        return [rule for rule in self.all_rules if token_matches(token, rule)]

    def _unknown_message(self, token: str) -> str:
        choices = [rule.id for rule in self.all_rules] + [rule.name for rule in self.all_rules]
        return f"suppression names unknown rule {token!r}{hint(token, choices)}"

    def _verdict(self, token: str, used: bool) -> str | None:
        """ "unknown", "unused" or None for one token."""
        if token in EVERYTHING:
            return None
        rules = self._rules_of(token)
        if not rules:
            return "unknown"
        if used or any(rule.id not in self.enabled_ids for rule in rules):
            return None
        return "unused"

    def findings(
        self,
        objects: Sequence[K8sObject],
        comments: Mapping[str, Sequence[IgnoreComment]],
        unknown: RuleSpec | None,
        unused: RuleSpec | None,
    ) -> list[Finding]:
        specs = {"unknown": unknown, "unused": unused}
        result: list[Finding] = []
        for obj in objects:
            for token in annotation_tokens(obj):
                verdict = self._verdict(token, (id(obj), token) in self.used_annotations)
                spec = specs.get(verdict or "")
                if spec is None:
                    continue
                message = (
                    self._unknown_message(token)
                    if verdict == "unknown"
                    else f"unused suppression {token!r}: no {token} finding on {obj.ref}"
                )
                result.append(_finding(spec, message, obj.location(ANNOTATION_POINTER), obj))
        for file, items in sorted(comments.items()):
            for comment in items:
                for token in sorted(comment.rules):
                    used = (file, comment.line, token) in self.used_comments
                    verdict = self._verdict(token, used)
                    spec = specs.get(verdict or "")
                    if spec is None:
                        continue
                    where = "in this file" if comment.whole_file else "on this line or the next"
                    message = (
                        self._unknown_message(token)
                        if verdict == "unknown"
                        else f"unused suppression {token!r}: no {token} finding {where}"
                    )
                    result.append(_finding(spec, message, comment_location(file, comment), None))
        return result


def _finding(spec: RuleSpec, message: str, location: Location, obj: K8sObject | None) -> Finding:
    return Finding(
        rule=spec.id,
        name=spec.name,
        severity=spec.severity,
        message=message,
        location=location,
        kind=obj.kind if obj is not None else None,
        namespace=obj.namespace if obj is not None else None,
        object_name=(obj.name or None) if obj is not None else None,
        fix=spec.fix,
    )
