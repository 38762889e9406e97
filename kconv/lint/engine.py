"""The lint engine: run every enabled rule on every object it applies to, and collect findings.

Per run: choose the rules (selection + configuration), bind each rule's check once with its
effective params, run it on each object whose kind matches, turn violations into findings at
`obj.location(pointer)`, add load problems as findings of the `load-problem` rules, drop
suppressed findings, and sort. A check that raises never stops the run: it becomes an
`internal-error` finding naming the rule and the object.
"""

from __future__ import annotations

import fnmatch
import itertools
import os
from collections.abc import Mapping, Sequence
from typing import Any

from kconv.errors import ConfigError
from kconv.lint.config import LintConfig, RuleOverride
from kconv.lint.context import DEFAULT_KUBERNETES_VERSION, LintContext
from kconv.lint.deferred import DeferredFindings
from kconv.lint.rule import CheckFn, Finding, RuleSpec, Severity, quick_finding
from kconv.lint.selection import Layer, enabled_rules, matches_any, validate_selectors
from kconv.lint.suppression import (
    EVERYTHING,
    CommentIndex,
    SuppressionAudit,
    annotation_suppressor,
)
from kconv.manifests import ManifestSet
from kconv.model.k8s import K8sObject, kind_matches
from kconv.model.location import Location
from kconv.model.record import Record

INTERNAL_ERROR_ID = "KC009"
INTERNAL_ERROR_NAME = "internal-error"
LOAD_PROBLEM_CHECK = "load-problem"
UNKNOWN_SUPPRESSION_CHECK = "unknown-suppression"
UNUSED_SUPPRESSION_CHECK = "unused-suppression"
ENGINE_CHECKS = frozenset({LOAD_PROBLEM_CHECK, UNKNOWN_SUPPRESSION_CHECK, UNUSED_SUPPRESSION_CHECK})
_MAX_DETAIL = 200


class LintResult(Record):
    """The findings of one run (sorted), what was read, and the rules that ran; `blocks`:
    each file's part of the report, when workers rendered them (`kconv.lint.parallel.lint_files`
    with `render_block`), else None. `findings` is a list, or `DeferredFindings` (made when
    first read) from workers."""

    __slots__ = ("blocks", "files", "findings", "objects", "rules", "suppressed")

    def __init__(
        self,
        findings: list[Finding] | DeferredFindings,
        files: int,
        objects: int,
        rules: list[RuleSpec] | None = None,
        suppressed: int = 0,
        blocks: list[str] | None = None,
    ) -> None:
        self.findings = findings
        self.files = files
        self.objects = objects
        self.rules: list[RuleSpec] = [] if rules is None else rules
        self.suppressed = suppressed
        self.blocks = blocks

    def count(self, severity: Severity) -> int:
        if isinstance(self.findings, DeferredFindings):  # known without making them
            return self.findings.tally.get(severity, 0)
        return sum(1 for finding in self.findings if finding.severity == severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    @property
    def infos(self) -> int:
        return self.count(Severity.INFO)

    def counts(self) -> dict[str, int]:
        return {"errors": self.errors, "warnings": self.warnings, "infos": self.infos}

    def fails(self, fail_on: Severity = Severity.ERROR) -> bool:
        """Is there a finding at or above `fail_on` (the exit code 1 condition)?"""
        if isinstance(self.findings, DeferredFindings):
            return any(n for severity, n in self.findings.tally.items() if severity >= fail_on)
        return any(finding.severity >= fail_on for finding in self.findings)


def lint(
    manifests: ManifestSet,
    *,
    context_objects: Sequence[K8sObject] | None = None,
    **options: Any,
) -> LintResult:
    """Lint everything in `manifests`; `options` are those of `start`. `context_objects` are
    the objects that cross-object checks see (default: those of `manifests`)."""
    run = start(manifests, **options)
    if context_objects is not None:
        run.context.objects = context_objects
    run.check_local(manifests.objects)
    return run.finish()


def start(
    manifests: ManifestSet,
    *,
    config: LintConfig | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    kubernetes_version: str | None = None,
    suppressions: bool | None = None,
    rules: Sequence[RuleSpec] | None = None,
    partial: bool = False,
) -> Run:
    """A lint run that checks objects as they are added to `manifests`: `run.check_local(new)`
    after each addition, then `run.finish()` once everything is loaded (and
    `run.context.objects` holds every object cross-object checks should see). `lint` does all
    three at once; a worker of kconv.lint.parallel checks each chunk of files as it parses it.

    `select` (command-line selectors) replaces the configuration's `select` and per-rule
    `enabled` switches; `ignore` adds to the configuration's; the most specific selector wins
    (see kconv.lint.selection). `suppressions=False` ignores every suppression (default: the
    configuration's `suppressions`). `rules` replaces the registry (for tests). `partial=True`
    says the run sees only part of the file set (`--shard`): cross-object checks then do not
    report absences (see LintContext.partial).
    """
    from kconv.lint.registry import load_rules

    config = config or LintConfig()
    all_rules = list(rules) if rules is not None else load_rules(config.custom_rules)
    chosen = choose_rules(all_rules, config, select, ignore)
    version = kubernetes_version or config.kubernetes_version or DEFAULT_KUBERNETES_VERSION
    version = str(version).removeprefix("v")
    use_suppressions = config.suppressions if suppressions is None else suppressions
    run = Run(chosen, all_rules, config, manifests, version, use_suppressions)
    run.context.partial = partial
    return run


def choose_rules(
    all_rules: Sequence[RuleSpec],
    config: LintConfig,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> list[tuple[RuleSpec, Mapping[str, Any]]]:
    """The enabled rules with their effective severity (in the spec) and params."""
    from kconv.lint.registry import validate_params

    by_key = {spec.id: spec for spec in all_rules} | {spec.name: spec for spec in all_rules}
    overrides: dict[str, RuleOverride] = {}
    for override in config.rules:
        spec = by_key.get(override.key) or by_key.get(override.key.upper())
        if spec is None:
            validate_selectors([override.key], all_rules, "config rules", override.location)
            raise ConfigError(
                f"{override.key!r} in config rules names several rules; use one rule id or name",
                override.location,
            )
        earlier = overrides.get(spec.id)
        overrides[spec.id] = override if earlier is None else _merge(earlier, override)
    # every rule's params are checked, selected or not: a mistake shows on the first run
    for spec in all_rules:
        override = overrides.get(spec.id)
        if override is not None and override.params is not None:
            params = {**spec.params, **override.params}
            validate_params(spec, params, override.location, override.param_locations)
    validate_selectors(config.select, all_rules, "config select", config.location_of("select"))
    validate_selectors(config.ignore, all_rules, "config ignore", config.location_of("ignore"))
    for path_ignore in config.per_path_ignores:
        validate_selectors(path_ignore.rules, all_rules, "per-path-ignores", path_ignore.location)
    switched_on = tuple(spec.id for spec in all_rules if _enabled(overrides, spec) is True)
    switched_off = tuple(spec.id for spec in all_rules if _enabled(overrides, spec) is False)
    # --select replaces the configuration's select (and its per-rule `enabled` switches);
    # ignores add up; the most specific selector wins.
    layer = Layer(
        select=tuple(select) or config.select,
        ignore=config.ignore + tuple(ignore) + (() if select else switched_off),
        source="--select",
        ignore_source="--ignore",
        extend=() if select else switched_on,
    )
    chosen = []
    for spec in enabled_rules(all_rules, [layer]):
        override = overrides.get(spec.id)
        params: Mapping[str, Any] = spec.params
        if override is not None:
            if override.severity is not None:
                spec = spec.replace(severity=override.severity)
            if override.params is not None:
                params = {**spec.params, **override.params}
        chosen.append((spec, params))
    return chosen


def _merge(first: RuleOverride, second: RuleOverride) -> RuleOverride:
    """Two overrides of one rule (by id and by name): the second wins, params are merged."""
    params = None
    if first.params is not None or second.params is not None:
        params = {**(first.params or {}), **(second.params or {})}
    return RuleOverride(
        key=second.key,
        severity=second.severity if second.severity is not None else first.severity,
        params=params,
        enabled=second.enabled if second.enabled is not None else first.enabled,
        location=second.location or first.location,
        param_locations={**(first.param_locations or {}), **(second.param_locations or {})},
    )


def _enabled(overrides: Mapping[str, Any], spec: RuleSpec) -> bool | None:
    override = overrides.get(spec.id)
    return None if override is None else override.enabled


class Run:
    """One lint run (see `start`): rules chosen and bound, findings collected as objects are
    checked. Rules that read only their own object run in `check_local`, cross-object rules
    in `finish`, once every object is known."""

    def __init__(
        self,
        chosen: Sequence[tuple[RuleSpec, Mapping[str, Any]]],
        all_rules: Sequence[RuleSpec],
        config: LintConfig,
        manifests: ManifestSet,
        version: str,
        suppressions: bool,
    ) -> None:
        self.config = config
        self.manifests = manifests
        self.suppressions = suppressions
        self.context = LintContext(objects=manifests.objects, kubernetes_version=version)
        self.load_rules = {
            str(params.get("problem")): spec
            for spec, params in chosen
            if spec.check == LOAD_PROBLEM_CHECK
        }
        self.engine_rules = {spec.check: spec for spec, _ in chosen if spec.check in ENGINE_CHECKS}
        self.object_rules = [
            (spec, params) for spec, params in chosen if spec.check not in ENGINE_CHECKS
        ]
        self.rules_by_id = {spec.id: spec for spec, _ in chosen}
        self.audit = SuppressionAudit(all_rules, self.rules_by_id)
        self.suppressed = 0
        self.findings: list[Finding] = []  # of check_local
        # about the run rather than an object: a check that could not be prepared
        self.run_findings: list[Finding] = []
        bound = self._bind(self.run_findings)
        self._local = _RuleSet([pair for pair in bound if not _reads_others(pair[0])])
        self._cross = _RuleSet([pair for pair in bound if _reads_others(pair[0])])

    def check_local(self, objects: Sequence[K8sObject]) -> None:
        """Run the rules that read only the object they check on `objects`."""
        self._check_objects(self._local, objects, self.findings)

    def finish(self) -> LintResult:
        """Run the cross-object rules on every object of `manifests`, add load problems and
        the suppression audit, drop what is suppressed, and sort."""
        findings: list[Finding] = []
        self._load_problem_findings(findings)
        findings += self.run_findings
        findings += self.findings
        self._check_objects(self._cross, self.manifests.objects, findings)
        comments = CommentIndex(self.manifests.ignore_comments if self.suppressions else {})
        if comments.comments or self.config.per_path_ignores:
            kept = [finding for finding in findings if self._keep(finding, comments)]
        else:  # nothing could drop a finding (the usual case): skip 36k lookups on 10k objects
            kept = findings
        audit = self.audit.findings(
            self.manifests.objects,
            self.manifests.ignore_comments,
            self.engine_rules.get(UNKNOWN_SUPPRESSION_CHECK),
            self.engine_rules.get(UNUSED_SUPPRESSION_CHECK) if self.suppressions else None,
        )
        # audit findings are not themselves suppressible by comments (a comment could hide
        # the report about itself); configuration (ignore, per-path-ignores) still applies
        kept += [
            finding
            for finding in audit
            if not self._path_ignored(finding, self.rules_by_id[finding.rule])
        ]
        return LintResult(
            findings=sorted(kept, key=lambda finding: finding.sort_key),
            files=len(self.manifests.files),
            objects=len(self.manifests.objects),
            rules=list(self.rules_by_id.values()),
            suppressed=self.suppressed,
        )

    def _check_objects(
        self, rules: _RuleSet, objects: Sequence[K8sObject], findings: list[Finding]
    ) -> None:
        """Run the `rules` on the `objects` they apply to, minding annotations."""
        audit_unused = self.suppressions and UNUSED_SUPPRESSION_CHECK in self.engine_rules
        for obj in objects:
            applicable = rules.for_kind(obj.kind)
            # only annotations suppress a rule on an object: skip the lookups when it has none
            annotated = self.suppressions and bool(obj.annotations)
            if not annotated:
                for spec, check in applicable:
                    self._run_check(spec, check, obj, findings)
                continue
            for spec, check in applicable:
                token = annotation_suppressor(obj, spec)
                if token is None:
                    self._run_check(spec, check, obj, findings)
                    continue
                self.suppressed += 1
                # with KC007 on, run the check anyway to know whether the suppression is needed
                if audit_unused and not _foreign(token):
                    found: list[Finding] = []
                    self._run_check(spec, check, obj, found)
                    if any(finding.rule == spec.id for finding in found):
                        self.audit.use_annotation(obj, token)

    def _bind(self, findings: list[Finding]) -> list[tuple[RuleSpec, CheckFn]]:
        from kconv.lint.registry import bind

        bound = []
        for spec, params in self.object_rules:
            try:
                bound.append((spec, bind(spec, params)))
            except ConfigError:
                raise
            except Exception as exc:  # a broken check factory must not stop the run
                findings.append(_internal_error(spec, None, exc, Location(spec.source or "<rule>")))
        return bound

    def _run_check(
        self, spec: RuleSpec, check: CheckFn, obj: K8sObject, into: list[Finding]
    ) -> None:
        """Add the findings of `check` on `obj` to `into`; a check that raises adds one
        internal-error finding instead of any it yielded (the run goes on)."""
        start = len(into)
        try:
            for violation in check(obj, self.context):
                into.append(
                    quick_finding(
                        spec.id,
                        spec.name,
                        spec.severity,
                        violation.message,
                        obj.location(violation.pointer),
                        obj.kind or None,
                        obj.namespace,
                        obj.name or None,
                        spec.fix,
                    )
                )
        except Exception as exc:
            del into[start:]
            into.append(_internal_error(spec, obj, exc, obj.location()))

    def _load_problem_findings(self, findings: list[Finding]) -> None:
        for problem in self.manifests.problems:
            spec = self.load_rules.get(problem.code)
            if spec is None:
                continue
            findings.append(
                Finding(
                    rule=spec.id,
                    name=spec.name,
                    severity=spec.severity,
                    message=problem.message,
                    location=problem.location,
                    fix=spec.fix,
                )
            )

    def _keep(self, finding: Finding, comments: CommentIndex) -> bool:
        spec = self.rules_by_id.get(finding.rule)
        if spec is None:  # internal errors are always shown
            return True
        if self._path_ignored(finding, spec):
            self.suppressed += 1
            return False
        hit = comments.match(finding, spec) if self.suppressions else None
        if hit is not None:
            self.audit.use_comment(hit)
            self.suppressed += 1
            return False
        return True

    def _path_ignored(self, finding: Finding, spec: RuleSpec) -> bool:
        if not self.config.per_path_ignores:
            return False
        path = finding.location.file
        if not path.startswith("<"):  # `<stdin>`, `<kustomize DIR>` are matched as they are
            # relative to the configuration's directory, whatever the current directory
            path = os.path.relpath(os.path.abspath(path), self.config.base_dir)
        path = path.replace(os.sep, "/")
        return any(
            matches_any(path_ignore.rules, spec) and _glob_match(path, path_ignore.pattern)
            for path_ignore in self.config.per_path_ignores
        )


class _RuleSet:
    """Bound rules, and which of them apply to each kind (worked out once per kind)."""

    def __init__(self, bound: list[tuple[RuleSpec, CheckFn]]) -> None:
        self.bound = bound
        self._by_kind: dict[str, list[tuple[RuleSpec, CheckFn]]] = {}

    def for_kind(self, kind: str) -> list[tuple[RuleSpec, CheckFn]]:
        applicable = self._by_kind.get(kind)
        if applicable is None:
            applicable = [pair for pair in self.bound if kind_matches(kind, pair[0].kinds)]
            self._by_kind[kind] = applicable
        return applicable


def _reads_others(spec: RuleSpec) -> bool:
    """Does the rule's check read other objects of the run (a cross-object check)?"""
    from kconv.lint.rule import CHECKS

    checkdef = CHECKS.get(spec.check)
    return checkdef is not None and checkdef.cross_object


def _foreign(token: str) -> bool:
    """Is `token` another tool's annotation (or a blanket `all`) rather than a kconv token?"""
    return token in EVERYTHING or "/" in token


_MAX_GLOBSTARS = 6


def _glob_match(path: str, pattern: str) -> bool:
    """fnmatch where each `**/` may also match no directory at all (`**/x.yaml` matches
    `x.yaml`, `k8s/**/*.yaml` matches `k8s/a.yaml`)."""
    parts = pattern.split("**/")
    if len(parts) > _MAX_GLOBSTARS + 1:  # 2**n variants: past a few, `**/` needs a directory
        return fnmatch.fnmatchcase(path, pattern)
    for kept in itertools.product(("**/", ""), repeat=len(parts) - 1):
        variant = parts[0] + "".join(sep + part for sep, part in zip(kept, parts[1:]))
        if fnmatch.fnmatchcase(path, variant):
            return True
    return False


def _internal_error(
    spec: RuleSpec, obj: K8sObject | None, exc: Exception, location: Location
) -> Finding:
    target = f" on {obj.ref}" if obj is not None else ""
    detail = str(exc)
    if len(detail) > _MAX_DETAIL:  # keep it short (and avoid echoing large values)
        detail = detail[:_MAX_DETAIL] + "..."
    return Finding(
        rule=INTERNAL_ERROR_ID,
        name=INTERNAL_ERROR_NAME,
        severity=Severity.ERROR,
        message=(
            f"rule {spec.id} {spec.name} crashed{target}: {type(exc).__name__}: {detail} "
            "(please report this bug)"
        ),
        location=location,
        kind=obj.kind if obj is not None else None,
        namespace=obj.namespace if obj is not None else None,
        object_name=obj.name if obj is not None else None,
    )
