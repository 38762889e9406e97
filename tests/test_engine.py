"""The lint engine with small test rules: locations, kinds, crashes, cross-object context,
load problems, configuration overrides and ordering."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from kconv.errors import ConfigError
from kconv.lint.config import LintConfig, parse_config
from kconv.lint.engine import INTERNAL_ERROR_ID, choose_rules, lint
from kconv.lint.registry import load_rules
from kconv.lint.rule import CheckFn, RuleSpec, Severity, Violation, check
from kconv.manifests import ManifestSet, load_text


@check("test-engine-flag", params={"type": "object", "properties": {"key": {"type": "string"}}})
def _flag(params: Mapping[str, Any]) -> CheckFn:
    """Flags the metadata key named by params.key (default: name)."""
    key = params.get("key", "name")

    def run(obj: Any, ctx: Any) -> Iterable[Violation]:
        if key in obj.metadata:
            yield Violation(f"{obj.kind} has {key}", f"/metadata/{key}")

    return run


@check("test-engine-crash")
def _crash(params: Mapping[str, Any]) -> CheckFn:
    """Always raises."""

    def run(obj: Any, ctx: Any) -> Iterable[Violation]:
        raise RuntimeError("boom")

    return run


@check("test-engine-bad-yield")
def _bad_yield(params: Mapping[str, Any]) -> CheckFn:
    """Yields something that is not a Violation."""

    def run(obj: Any, ctx: Any) -> Iterable[Violation]:
        yield "not a violation " + "x" * 500  # type: ignore[misc]

    return run


@check("test-engine-half-crash")
def _half_crash(params: Mapping[str, Any]) -> CheckFn:
    """Yields one violation, then raises."""

    def run(obj: Any, ctx: Any) -> Iterable[Violation]:
        yield Violation("first", "/metadata")
        raise RuntimeError("later")

    return run


@check("test-engine-peers", cross_object=True)
def _peers(params: Mapping[str, Any]) -> CheckFn:
    """Reports how many ConfigMaps share the object's namespace; also records the version."""

    def run(obj: Any, ctx: Any) -> Iterable[Violation]:
        peers = ctx.of_kind("ConfigMap", obj.namespace)
        yield Violation(f"{len(peers)} in namespace, version {ctx.kubernetes_version}")

    return run


def spec(
    rule_id: str, name: str, check_key: str, *, kinds: Iterable[str] | None = None, **extra: Any
) -> RuleSpec:
    return RuleSpec(
        id=rule_id,
        name=name,
        severity=extra.pop("severity", Severity.WARNING),
        default=extra.pop("default", True),
        kinds=frozenset(kinds) if kinds else None,
        summary="s",
        rationale="r",
        fix="Fix it.",
        check=check_key,
        **extra,
    )


FLAG = spec("TE101", "flag-name", "test-engine-flag")
CRASH = spec("TE102", "always-crash", "test-engine-crash")
PEERS = spec("TE201", "count-peers", "test-engine-peers", kinds=["ConfigMap"])
DEPLOY_ONLY = spec("TE103", "flag-deployment", "test-engine-flag", kinds=["PodController"])

TEXT = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: one
---
apiVersion: apps/v1
kind: Deployment
metadata:
  namespace: prod
  name: web
---
apiVersion: v1
kind: ConfigMap
metadata:
  namespace: prod
  name: two
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: three
"""


def manifests(text: str = TEXT, filename: str = "m.yaml") -> ManifestSet:
    result = ManifestSet()
    load_text(result, text, filename)
    return result


def rows(result: Any) -> list[tuple[str, int | None, int | None, str]]:
    return [(f.rule, f.location.line, f.location.column, f.message) for f in result.findings]


def test_findings_are_located_at_the_violation_pointer() -> None:
    result = lint(manifests(), rules=[FLAG])
    assert rows(result) == [
        ("TE101", 4, 3, "ConfigMap has name"),
        ("TE101", 10, 3, "Deployment has name"),
        ("TE101", 16, 3, "ConfigMap has name"),
        ("TE101", 21, 3, "ConfigMap has name"),
    ]
    first = result.findings[0]
    assert (first.kind, first.namespace, first.object_name, first.fix) == (
        "ConfigMap",
        None,
        "one",
        "Fix it.",
    )
    assert (result.files, result.objects) == (1, 4)


def test_kind_groups_filter_objects() -> None:
    result = lint(manifests(), rules=[DEPLOY_ONLY])
    assert rows(result) == [("TE103", 10, 3, "Deployment has name")]


def test_a_crashing_check_becomes_an_internal_error_finding() -> None:
    result = lint(manifests(), rules=[CRASH, DEPLOY_ONLY])
    crashes = [f for f in result.findings if f.rule == INTERNAL_ERROR_ID]
    assert len(crashes) == 4
    assert crashes[0].severity == Severity.ERROR
    assert "rule TE102 always-crash crashed on ConfigMap one: RuntimeError: boom" in (
        crashes[0].message
    )
    assert any(f.rule == "TE103" for f in result.findings)  # the run went on


def test_a_check_that_crashes_after_yielding_leaves_only_the_internal_error() -> None:
    half = spec("TE105", "half-crash", "test-engine-half-crash", kinds=["Deployment"])
    [finding] = lint(manifests(), rules=[half]).findings
    assert finding.rule == INTERNAL_ERROR_ID
    assert "RuntimeError: later" in finding.message


def test_a_check_yielding_garbage_becomes_an_internal_error() -> None:
    bad = spec("TE104", "bad-yield", "test-engine-bad-yield", kinds=["Deployment"])
    [finding] = lint(manifests(), rules=[bad]).findings
    assert finding.rule == INTERNAL_ERROR_ID
    assert finding.message.startswith(
        "rule TE104 bad-yield crashed on Deployment prod/web: AttributeError:"
    )
    assert len(finding.message) < 300
    assert (finding.location.line, finding.location.column) == (6, 1)


def test_cross_object_checks_see_namespaces() -> None:
    result = lint(manifests(), rules=[PEERS], kubernetes_version="v1.29")
    assert [(f.object_name, f.message) for f in result.findings] == [
        ("one", "2 in namespace, version 1.29"),
        ("two", "1 in namespace, version 1.29"),
        ("three", "2 in namespace, version 1.29"),
    ]


def test_load_problems_become_findings_of_their_rules() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n---\nx: 1\n"
    result = lint(manifests(text), config=LintConfig(), select=["KC00"])
    assert rows(result) == [
        (
            "KC002",
            5,
            3,
            'duplicate key "name" (first defined at line 4, column 3); the last value wins',
        ),
        ("KC003", 7, 1, "not a Kubernetes object: apiVersion and kind missing"),
    ]
    assert lint(manifests(text), select=["KC00"], ignore=["KC003"]).findings[0].rule == "KC002"


def test_findings_are_sorted_by_file_line_column_rule() -> None:
    sets = manifests(TEXT, "b.yaml")
    load_text(sets, TEXT, "a.yaml")
    result = lint(sets, rules=[FLAG, DEPLOY_ONLY])
    keys = [f.sort_key for f in result.findings]
    assert keys == sorted(keys)
    assert result.findings[0].location.file == "a.yaml"
    assert [f.rule for f in result.findings[1:3]] == ["TE101", "TE103"]


def test_counts_and_fail_threshold() -> None:
    error_rule = FLAG.replace(severity=Severity.ERROR)
    result = lint(manifests(), rules=[error_rule, PEERS])
    assert result.counts() == {"errors": 4, "warnings": 3, "infos": 0}
    assert result.fails(Severity.ERROR)
    warning_only = lint(manifests(), rules=[PEERS])
    assert not warning_only.fails(Severity.ERROR)
    assert warning_only.fails(Severity.WARNING)
    selected = lint(manifests(), rules=[DEPLOY_ONLY, PEERS], select=["TE2"])
    assert {f.rule for f in selected.findings} == {"TE201"}
    assert [spec.id for spec in selected.rules] == ["TE201"]


def test_config_overrides_severity_and_params() -> None:
    config = parse_config(
        "rules:\n  TE101:\n    severity: error\n    params: {key: namespace}\n", ".kconv.yaml"
    )
    result = lint(manifests(), config=config, rules=[FLAG])
    assert [(f.severity, f.message) for f in result.findings] == [
        (Severity.ERROR, "Deployment has namespace"),
        (Severity.ERROR, "ConfigMap has namespace"),
    ]


def test_config_params_are_validated_with_the_config_line() -> None:
    config = parse_config("rules:\n  flag-name:\n    params: {key: 3}\n", ".kconv.yaml")
    with pytest.raises(ConfigError) as caught:
        lint(manifests(), config=config, rules=[FLAG])
    assert "invalid params for rule TE101 flag-name (key)" in caught.value.message
    assert str(caught.value.location) == ".kconv.yaml:3:14"  # at the param, not the rule


def test_config_rule_enabled_switches() -> None:
    off = FLAG.replace(default=False)
    config = parse_config("rules:\n  TE101: {enabled: true}\n  TE201: {enabled: false}\n", "c.yaml")
    chosen = [spec.id for spec, _ in choose_rules([off, PEERS, DEPLOY_ONLY], config)]
    assert chosen == ["TE101", "TE103"]


def test_unknown_rule_in_config_is_a_config_error() -> None:
    config = parse_config("rules:\n  flag-nam: {enabled: true}\n", "c.yaml")
    with pytest.raises(ConfigError, match="did you mean 'flag-name'") as caught:
        lint(manifests(), config=config, rules=[FLAG])
    assert caught.value.location is not None and caught.value.location.line == 2


def test_shipped_rules_run_on_a_clean_file() -> None:
    assert len(load_rules()) >= 5
    result = lint(
        manifests("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n"), select=["KC0"]
    )
    assert not [f for f in result.findings if f.rule == INTERNAL_ERROR_ID]


def test_overrides_by_id_and_name_are_merged() -> None:
    config = parse_config(
        "rules:\n  flag-name:\n    severity: error\n    params: {key: namespace}\n", "c.yaml"
    ).with_rule_params("TE101", {"extra": True})
    [(chosen, params)] = choose_rules([FLAG], config)
    assert chosen.severity == Severity.ERROR
    assert params == {"key": "namespace", "extra": True}


def test_a_prefix_in_config_rules_is_an_error() -> None:
    config = parse_config("rules:\n  TE1: {severity: info}\n", "c.yaml")
    with pytest.raises(ConfigError, match="'TE1' in config rules names several rules"):
        choose_rules([FLAG, DEPLOY_ONLY], config)


def test_a_run_checked_chunk_by_chunk_equals_one_lint() -> None:
    """`start` + `check_local` on each part as it is loaded + `finish` (what a worker of
    `--jobs` does) gives the findings, counts and suppressions of `lint` on everything."""
    from pathlib import Path

    from kconv.lint.engine import start
    from kconv.manifests import discover, load_file

    fixtures = Path(__file__).resolve().parent.parent / "fixtures" / "rules"
    files = discover([str(fixtures)])
    whole = ManifestSet()
    for file in files:
        load_file(whole, file)
    expected = lint(whole, select=["ALL"])
    growing = ManifestSet()
    run = start(growing, select=["ALL"])
    for first in range(0, len(files), 7):
        done = len(growing.objects)
        for file in files[first : first + 7]:
            load_file(growing, file)
        run.check_local(growing.objects[done:])
    result = run.finish()
    assert result.findings == expected.findings
    assert (result.files, result.objects, result.suppressed) == (
        expected.files,
        expected.objects,
        expected.suppressed,
    )
    assert len(result.findings) > 100 and result.suppressed > 0
