"""Guard tests for every rule spec in rules/: schema, unique ids and names, file names, checks,
params, fixture pairs, docs style, and a docs/rules.md that is up to date."""

from __future__ import annotations

from pathlib import Path

import pytest

from kconv import yamlio
from kconv.errors import ConfigError
from kconv.lint import docgen, registry
from kconv.lint.registry import load_rules, read_spec, rule_files
from kconv.lint.rule import CHECKS
from kconv.model.k8s import KIND_GROUPS

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures" / "rules"
SPEC_FILES = rule_files()
# Kinds a shipped rule may name (besides KIND_GROUPS): built-in kinds and well-known workload
# CRDs (OpenShift DeploymentConfig, Argo Rollout); extend when needed.
KNOWN_KINDS = frozenset(
    [
        "Any",
        "Pod",
        "Deployment",
        "ReplicaSet",
        "StatefulSet",
        "DaemonSet",
        "Job",
        "CronJob",
        "ReplicationController",
        "Service",
        "Ingress",
        "IngressClass",
        "ConfigMap",
        "Secret",
        "PersistentVolumeClaim",
        "PersistentVolume",
        "StorageClass",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "Namespace",
        "ServiceAccount",
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
        "LimitRange",
        "ResourceQuota",
        "PriorityClass",
        "CustomResourceDefinition",
        "Endpoints",
        "EndpointSlice",
        "DeploymentConfig",
        "Rollout",
    ]
)


def _id(path: Path) -> str:
    return path.stem


@pytest.mark.parametrize("path", SPEC_FILES, ids=_id)
def test_spec_is_valid(path: Path) -> None:
    spec = read_spec(path)  # schema, file name, known check, valid params
    assert spec.check in CHECKS
    assert spec.fix.endswith("."), f"{path.name}: fix must be a sentence ending with '.'"
    assert spec.summary and spec.rationale


@pytest.mark.parametrize("path", SPEC_FILES, ids=_id)
def test_spec_has_fixture_pair(path: Path) -> None:
    folder = FIXTURES / path.stem
    for which in ("fail.yaml", "pass.yaml"):
        assert (folder / which).is_file(), f"missing fixture {folder.relative_to(REPO)}/{which}"


@pytest.mark.parametrize("path", SPEC_FILES, ids=_id)
def test_spec_kinds_are_known(path: Path) -> None:
    spec = read_spec(path)
    for kind in spec.kinds or ():
        assert kind in KIND_GROUPS or kind in KNOWN_KINDS, f"{path.name}: unknown kind {kind!r}"


def test_ids_and_names_are_unique() -> None:
    rules = load_rules()
    ids = [spec.id for spec in rules]
    names = [spec.name for spec in rules]
    assert len(ids) == len(set(ids))
    assert len(names) == len(set(names))


def test_every_fixture_folder_has_a_spec() -> None:
    names = {path.stem for path in SPEC_FILES}
    orphans = sorted(
        folder.name for folder in FIXTURES.iterdir() if folder.is_dir() and folder.name not in names
    )
    assert not orphans, f"fixture folders without a rule spec: {orphans}"


def test_docs_rules_md_is_up_to_date() -> None:
    expected = docgen.render_markdown(load_rules())
    current = docgen.DOCS_PATH.read_text(encoding="utf-8") if docgen.DOCS_PATH.is_file() else ""
    assert current == expected, (
        f"docs/rules.md is stale; regenerate it with: {docgen.REGENERATE_COMMAND}"
    )


def test_rules_index_is_up_to_date() -> None:
    path = Path(registry.data_dir("rules")) / registry.INDEX_FILE
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    assert current == registry.index_text(), (
        f"rules/index.json is stale; regenerate it with: {docgen.REGENERATE_COMMAND}"
    )


def test_the_index_gives_what_the_spec_files_give() -> None:
    indexed = registry._indexed_specs(SPEC_FILES)
    assert indexed is not None
    assert indexed == [read_spec(path, validate=False) for path in SPEC_FILES]
    assert tuple(sorted(indexed, key=lambda spec: spec.id)) == registry._shipped_rules()


def test_an_index_that_does_not_match_the_spec_files_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    for path in SPEC_FILES:
        (folder / path.name).write_bytes(path.read_bytes())
    index = Path(registry.data_dir("rules")) / registry.INDEX_FILE
    (folder / registry.INDEX_FILE).write_bytes(index.read_bytes())
    monkeypatch.setattr(registry, "data_dir", lambda name: folder)
    copies = sorted(folder.glob("*.yaml"))
    assert registry._indexed_specs(copies) is not None
    edited = copies[0]
    edited.write_text(
        edited.read_text(encoding="utf-8").replace("severity: ", "severity:  ", 1),
        encoding="utf-8",
    )
    assert registry._indexed_specs(copies) is None  # changed spec file: the YAML is read
    assert registry._indexed_specs(copies[1:]) is None  # a spec file removed
    (folder / registry.INDEX_FILE).write_text("{not json", encoding="utf-8")
    assert registry._indexed_specs(copies) is None
    # ... and the rules are then read from the spec files themselves
    registry._shipped_rules.cache_clear()
    try:
        shipped = registry._shipped_rules()
    finally:
        registry._shipped_rules.cache_clear()
    assert len(shipped) == len(SPEC_FILES)
    assert {spec.id for spec in shipped} == {spec.id for spec in registry._shipped_rules()}


def test_docs_mention_every_rule() -> None:
    text = docgen.DOCS_PATH.read_text(encoding="utf-8")
    for spec in load_rules():
        assert f"## {spec.id} {spec.name}" in text


# The guards themselves: broken specs are rejected with the spec file's line.


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
id: KC999
name: sample-rule
severity: warning
default: true
summary: A sample.
rationale: Because.
fix: Do it.
check: load-problem
params: {problem: syntax-error}
"""


def test_guard_accepts_good_spec(tmp_path: Path) -> None:
    spec = read_spec(_write(tmp_path, "KC999-sample-rule.yaml", GOOD))
    assert (spec.id, spec.name, str(spec.severity)) == ("KC999", "sample-rule", "warning")


@pytest.mark.parametrize(
    ("change", "message", "line"),
    [
        (("severity: warning", "severity: fatal"), "severity", 3),
        (("check: load-problem", "check: load-problems"), "did you mean 'load-problem'", 8),
        (("params: {problem: syntax-error}", "params: {problem: nope}"), "invalid params", 9),
        (("fix: Do it.", "fix: Do it.\nextra: 1"), "unknown key", None),
        (("id: KC999", "id: KX999"), "does not match", 1),
    ],
)
def test_guard_rejects_bad_spec(
    tmp_path: Path, change: tuple[str, str], message: str, line: int | None
) -> None:
    text = GOOD.replace(*change)
    with pytest.raises(ConfigError) as caught:
        read_spec(_write(tmp_path, "KC999-sample-rule.yaml", text))
    assert message in caught.value.message
    if line is not None:
        assert caught.value.location is not None and caught.value.location.line == line


def test_guard_rejects_wrong_file_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"must be named 'KC999-sample-rule\.yaml'"):
        read_spec(_write(tmp_path, "KC999-other.yaml", GOOD))


def test_guard_rejects_yaml_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        read_spec(_write(tmp_path, "KC999-sample-rule.yaml", GOOD + "name: again\n"))
    assert "duplicate key" in caught.value.message
    assert caught.value.location.line == 10
    assert yamlio  # the spec loader goes through yamlio only


def test_docgen_writes_and_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "docs" / "rules.md"
    monkeypatch.setattr(docgen, "DOCS_PATH", target)
    assert docgen.main(["--check"]) == 1  # missing
    assert docgen.main([]) == 0
    assert target.read_text(encoding="utf-8") == docgen.render_markdown(load_rules())
    assert docgen.main(["--check"]) == 0
    target.write_text("stale\n", encoding="utf-8")
    assert docgen.main(["--check"]) == 1
