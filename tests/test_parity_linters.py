"""Parity with kube-linter, kube-score and polaris on their own test fixtures.

For every kconv rule that declares an equivalent check of one of these tools (`equivalents:` in
its spec), the rows of `../shared/corpora/linters/INDEX.tsv` for that check (reliability high or
medium; expected fail, warn or pass) are replayed: the row's fixture file is linted with only the
kconv rules equivalent to the row's check, honouring the row's configuration where kconv has
the same knob (kube-score's Kubernetes version, minimum replicas, limit requirements, ignore
annotations) and the tool's fixed behaviour where a kconv rule has a param for it (TOOL_PARAMS,
EXTRA_RULES below; the table also prints the agreement without them). Then "kconv reported a
finding on that object" is compared with the tool's expectation (a kube-score warning counts as
a finding).

Every disagreement must be listed, with a reason, in `tests/parity_allowlist.yaml`; an entry that
no longer matches a disagreement fails too, so the list stays exact. Overall agreement must be at
least 90%. The agreement table is printed (run with `-s` to see it).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from kconv import yamlio
from kconv.lint.config import LintConfig
from kconv.lint.engine import lint
from kconv.lint.registry import load_rules
from kconv.manifests import ManifestSet, load_paths

ROOT = Path(__file__).resolve().parent.parent
LINTERS = ROOT.parent / "shared" / "corpora" / "linters"
INDEX = LINTERS / "INDEX.tsv"
ALLOWLIST = Path(__file__).resolve().parent / "parity_allowlist.yaml"
TOOLS = ("kube-linter", "kube-score", "polaris")
MIN_AGREEMENT = 0.90

pytestmark = pytest.mark.skipif(not INDEX.is_file(), reason=f"no linter corpus at {INDEX}")

# kube-score's tests run with KubernetesVersion 1.18 unless they say otherwise.
KUBE_SCORE_DEFAULT_VERSION = "1.18"
_SCORE_VERSION = re.compile(
    r"KubernetesVersion: (?:config\.Semver\{Major: )?(\d+)(?:, Minor: |\.)(\d+)"
)
_MIN_REPLICAS_DEPLOYMENT = re.compile(r"MinReplicasDeployment: (\d+)")

# How a tool's check is configured, in kconv's terms, beyond the declared equivalents.
# kube-score's container-resources also requires CPU limits (unless told not to): KC208, which is
# off by default in kconv, is that check.
EXTRA_RULES: dict[tuple[str, str], tuple[str, ...]] = {
    ("kube-score", "container-resources"): ("KC208",),
}
# Params that make a kconv rule behave as the tool's check always does.
TOOL_PARAMS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    # kube-score asks for a readiness probe only on pods that a Service targets.
    ("kube-score", "pod-probes"): {"KC202": {"services-only": True}},
    # kube-score and polaris ask every Deployment/StatefulSet for a PodDisruptionBudget, even
    # with one replica; KC211 does from `min-replicas` (2 by default).
    ("kube-score", "deployment-has-poddisruptionbudget"): {"KC211": {"min-replicas": 1}},
    ("kube-score", "statefulset-has-poddisruptionbudget"): {"KC211": {"min-replicas": 1}},
    ("polaris", "missingPodDisruptionBudget"): {"KC211": {"min-replicas": 1}},
    # kube-linter's schema checks run kubeconform in strict mode (unknown fields are errors).
    ("kube-linter", "schema-validation"): {"KC010": {"strict": True}},
    ("kube-linter", "kubeconform-validation"): {"KC010": {"strict": True}},
}


@dataclass(frozen=True)
class Row:
    """One expectation of INDEX.tsv."""

    tool: str
    file: str
    object: str
    check: str
    expected: str  # fail, warn or pass
    config: str

    @property
    def key(self) -> tuple[str, str, str, str, str, str]:
        return (self.tool, self.file, self.object, self.check, self.expected, self.config)

    @property
    def checks(self) -> list[str]:
        return self.check.split(",")

    @property
    def wants_finding(self) -> bool:
        return self.expected in ("fail", "warn")


@dataclass
class Setup:
    """How to run kconv for a row: rules, params, version, suppressions."""

    rules: list[str]
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    kubernetes_version: str | None = None
    suppressions: bool = True


@dataclass(frozen=True)
class Outcome:
    row: Row
    rules: tuple[str, ...]
    fired: tuple[str, ...]  # the kconv rules that reported on the row's object

    @property
    def agrees(self) -> bool:
        return bool(self.fired) == self.row.wants_finding


def equivalents() -> dict[tuple[str, str], list[str]]:
    """(tool, check id) -> the kconv rule ids that declare it as an equivalent."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for spec in load_rules():
        for tool, ids in spec.equivalents.items():
            if tool in TOOLS:
                for other in ids:
                    found[(tool, other)].append(spec.id)
    return dict(found)


def index_rows() -> list[Row]:
    with open(INDEX, encoding="utf-8", newline="") as handle:
        return [
            Row(r["tool"], r["file"], r["object"], r["check"], r["expected"], r["config"])
            for r in csv.DictReader(handle, delimiter="\t")
            if r["tool"] in TOOLS
            and r["expected"] in ("fail", "warn", "pass")
            and r["reliability"].startswith(("high", "medium"))
        ]


def setup_for(row: Row, rules: Sequence[str], tool_semantics: bool = True) -> Setup:
    """Translate the row's configuration (and, with `tool_semantics`, the tool's fixed
    behaviour: EXTRA_RULES, TOOL_PARAMS) into kconv's equivalent settings."""
    setup = Setup(list(rules))
    if tool_semantics:
        for check in row.checks:
            extra = EXTRA_RULES.get((row.tool, check), ())
            setup.rules += [rule for rule in extra if rule not in setup.rules]
            setup.params.update(TOOL_PARAMS.get((row.tool, check), {}))
    if row.tool != "kube-score":
        return setup
    version = _SCORE_VERSION.search(row.config)
    setup.kubernetes_version = (
        f"{version.group(1)}.{version.group(2)}" if version else KUBE_SCORE_DEFAULT_VERSION
    )
    # kube-score honours its ignore annotation only when asked to.
    setup.suppressions = "UseIgnoreChecksAnnotation: true" in row.config
    replicas = _MIN_REPLICAS_DEPLOYMENT.search(row.config)
    if replicas and "KC210" in setup.rules:
        setup.params["KC210"] = {"min-replicas": int(replicas.group(1))}
    if "IgnoreContainerCpuLimitRequirement: true" in row.config:
        setup.rules = [rule for rule in setup.rules if rule != "KC208"]
    if "IgnoreContainerMemoryLimitRequirement: true" in row.config:
        setup.rules = [rule for rule in setup.rules if rule != "KC209"]
    return setup


@cache
def _manifests(file: str) -> ManifestSet:
    return load_paths([str(LINTERS / file)])


def _object_matches(finding: Any, target: str) -> bool:
    parts = target.split("/")
    kind, name = parts[0], parts[-1]
    namespace = parts[1] if len(parts) == 3 else None
    return (
        finding.kind == kind
        and finding.object_name == name
        and (namespace is None or finding.namespace in (namespace, None))
    )


def run_row(row: Row, rules: Sequence[str], tool_semantics: bool = True) -> Outcome:
    setup = setup_for(row, rules, tool_semantics)
    config = LintConfig()
    for rule, params in setup.params.items():
        config = config.with_rule_params(rule, params)
    result = lint(
        _manifests(row.file),
        config=config,
        select=setup.rules,
        kubernetes_version=setup.kubernetes_version,
        suppressions=setup.suppressions,
    )
    fired = sorted({f.rule for f in result.findings if _object_matches(f, row.object)})
    return Outcome(row, tuple(setup.rules), tuple(fired))


def comparable(row: Row) -> bool:
    return "|" not in row.object and not row.object.endswith("/?") and row.object != "?"


@cache
def outcomes(tool_semantics: bool = True) -> tuple[Outcome, ...]:
    mapping = equivalents()
    results = []
    for row in index_rows():
        # A row may name several checks (kube-linter runs with a config): compare it when every
        # one of them has kconv equivalents; the expectation is about any of them.
        per_check = [mapping.get((row.tool, check)) for check in row.checks]
        rules = sorted({rule for found in per_check for rule in found or ()})
        if all(per_check) and comparable(row) and (LINTERS / row.file).is_file():
            results.append(run_row(row, rules, tool_semantics))
    return tuple(results)


def allowlist() -> dict[tuple[str, ...], dict[str, Any]]:
    text = yamlio.read_text(str(ALLOWLIST))
    documents = yamlio.load_documents(text, str(ALLOWLIST))
    entries = documents[0].data if documents else []
    listed = {}
    for entry in entries or []:
        assert entry.get("reason"), f"allowlist entry without a reason: {entry}"
        key = (
            entry["tool"],
            entry["file"],
            entry["object"],
            entry["check"],
            entry["expected"],
            entry.get("config", ""),
        )
        assert key not in listed, f"allowlist entry listed twice: {key}"
        listed[key] = entry
    return listed


def agreement_table(results: Sequence[Outcome]) -> str:
    per_rule: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in results:
        for rule in outcome.rules:
            per_rule[rule].append(outcome)
    lines = [f"{'rule':7} {'rows':>5} {'agree':>6} {'%':>6}  equivalent checks"]
    for rule in sorted(per_rule):
        rows = per_rule[rule]
        agree = sum(o.agrees for o in rows)
        checks = sorted({f"{o.row.tool}:{o.row.check}" for o in rows})
        lines.append(
            f"{rule:7} {len(rows):5} {agree:6} {100 * agree / len(rows):5.1f}%  {', '.join(checks)}"
        )
    agree = sum(o.agrees for o in results)
    lines.append(
        f"{'overall':7} {len(results):5} {agree:6} {100 * agree / max(len(results), 1):5.1f}%"
    )
    per_tool = defaultdict(lambda: [0, 0])
    for outcome in results:
        per_tool[outcome.row.tool][0] += 1
        per_tool[outcome.row.tool][1] += outcome.agrees
    for tool, (count, agree) in sorted(per_tool.items()):
        lines.append(f"  {tool}: {agree}/{count} ({100 * agree / count:.1f}%)")
    plain = outcomes(tool_semantics=False)
    agree = sum(o.agrees for o in plain)
    lines.append(
        f"without EXTRA_RULES/TOOL_PARAMS (kconv defaults): {agree}/{len(plain)} "
        f"({100 * agree / max(len(plain), 1):.1f}%)"
    )
    return "\n".join(lines)


def test_rules_with_equivalents_are_compared() -> None:
    results = outcomes()
    compared_rules = {rule for outcome in results for rule in outcome.rules}
    assert len(results) >= 200
    assert {"KC010", "KC101", "KC202", "KC301", "KC401"} <= compared_rules


def test_parity_agreement(capsys: pytest.CaptureFixture[str]) -> None:
    results = outcomes()
    with capsys.disabled():
        print("\n" + agreement_table(results))
    listed = allowlist()
    disagreements = {o.row.key: o for o in results if not o.agrees}
    unlisted = [
        f"{o.row.tool} {o.row.check} {o.row.file} {o.row.object} expected {o.row.expected}, "
        f"kconv fired {list(o.fired) or 'nothing'} (config {o.row.config!r})"
        for key, o in sorted(disagreements.items())
        if key not in listed
    ]
    assert not unlisted, "disagreements missing from parity_allowlist.yaml:\n" + "\n".join(unlisted)
    stale = sorted(set(listed) - set(disagreements))
    assert not stale, f"parity_allowlist.yaml entries that no longer disagree: {stale}"
    agree = sum(o.agrees for o in results)
    assert agree / len(results) >= MIN_AGREEMENT
