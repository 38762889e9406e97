"""`kconv lint --shard i/n`: a deterministic, stable, disjoint split of the file set."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kconv.cli import cli
from kconv.lint.engine import lint
from kconv.lint.registry import load_rules
from kconv.lint.rule import CHECKS
from kconv.lint.shard import Shard, parse_shard, shard_key, shard_of
from kconv.manifests import load_paths

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: {name}
          image: nginx:latest
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector:
    app: {target}
  ports:
    - port: 80
      targetPort: 8080
"""


def _tree(root: Path, count: int = 12) -> list[str]:
    """COUNT apps, each a Deployment file and a Service file; every third Service selects
    an app that does not exist (a cross-object absence)."""
    files = []
    for number in range(count):
        name = f"app{number}"
        target = f"ghost{number}" if number % 3 == 0 else name
        deploy = root / "k8s" / f"{name}-deploy.yaml"
        service = root / "k8s" / "svc" / f"{name}-svc.yaml"
        service.parent.mkdir(parents=True, exist_ok=True)
        deploy.write_text(DEPLOYMENT.format(name=name))
        service.write_text(SERVICE.format(name=name, target=target))
        files += [str(deploy.relative_to(root)), str(service.relative_to(root))]
    return files


@pytest.mark.parametrize(
    ("text", "expected"), [("1/1", Shard(1, 1)), ("2/4", Shard(2, 4)), (" 3 / 3 ", Shard(3, 3))]
)
def test_parse_valid(text: str, expected: Shard) -> None:
    assert parse_shard(text) == expected
    assert str(parse_shard(text)) == f"{expected.index}/{expected.count}"


@pytest.mark.parametrize("text", ["0/2", "3/2", "x", "1/0", "0/0", "1", "1/2/3", "-1/2", "a/b", ""])
def test_parse_invalid(text: str) -> None:
    with pytest.raises(ValueError):
        parse_shard(text)


@pytest.mark.parametrize("value", ["0/2", "3/2", "x", "1/0"])
def test_cli_rejects_invalid_shard(tmp_path: Path, value: str) -> None:
    (tmp_path / "a.yaml").write_text(DEPLOYMENT.format(name="a"))
    result = CliRunner().invoke(cli, ["lint", "--shard", value, str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "--shard" in result.output
    assert "Traceback" not in result.output


def test_shards_are_disjoint_and_cover_everything(tmp_path: Path) -> None:
    files = _tree(tmp_path, 30)
    for count in (1, 2, 3, 7):
        parts = [Shard(i, count).select(files, str(tmp_path)) for i in range(1, count + 1)]
        flat = [file for part in parts for file in part]
        assert sorted(flat) == sorted(files)  # every file exactly once
        assert len(set(flat)) == len(flat)
    # a real split: with 60 files and 3 shards, no shard is empty
    assert all(Shard(i, 3).select(files, str(tmp_path)) for i in (1, 2, 3))


def test_adding_a_file_does_not_move_the_others(tmp_path: Path) -> None:
    files = _tree(tmp_path, 20)
    before = {file: shard_of(file, 4, str(tmp_path)) for file in files}
    more = [*files, "k8s/new-one.yaml", "k8s/zzz/another.yaml"]
    after = {file: shard_of(file, 4, str(tmp_path)) for file in more}
    assert all(after[file] == before[file] for file in files)


def test_shard_depends_on_the_path_relative_to_the_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = str(tmp_path / "k8s" / "a.yaml")
    assert shard_key(absolute) == shard_key("./k8s/../k8s/a.yaml") == "k8s/a.yaml"
    # two checkouts in different places split the same way
    assert shard_key("/ci/one/k8s/a.yaml", "/ci/one") == shard_key("/two/k8s/a.yaml", "/two")
    assert shard_of(absolute, 5) == shard_of("/elsewhere/k8s/a.yaml", 5, "/elsewhere")


def test_the_hash_is_stable_across_runs_and_versions() -> None:
    # pinned values: a CI matrix must split the same way on every machine and release
    # (absolute paths: a relative one would depend on the directory the tests run in)
    assert shard_key("/k8s/app0.yaml", "/") == "k8s/app0.yaml"
    assert [shard_of(f"/k8s/app{n}.yaml", 4, "/") for n in range(8)] == [4, 2, 1, 1, 3, 4, 1, 1]


def test_stdin_belongs_to_the_first_shard() -> None:
    assert Shard(1, 3).owns("-") and not Shard(2, 3).owns("-") and not Shard(3, 3).owns("-")


def _key(finding) -> tuple:
    loc = finding.location
    return (finding.rule, loc.file, loc.line, loc.column, finding.message)


def _cross_object_rules() -> set[str]:
    return {
        spec.id for spec in load_rules() if spec.check in CHECKS and CHECKS[spec.check].cross_object
    }


def _kinds(keys: set[tuple], rules: set[str]) -> set[str]:
    """The kinds that unknown-kind findings name ("no schema for kind X (group/version)")."""
    found = set()
    for rule, *_, message in keys:
        if rule in rules:
            match = re.search(r"kind (\S+ \(\S+\))", message)
            assert match, message
            found.add(match.group(1))
    return found


def _rules_of_check(check: str) -> set[str]:
    return {spec.id for spec in load_rules() if spec.check == check}


LIMIT_RANGE = """\
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
spec:
  limits:
    - type: Container
      default: {cpu: 500m, memory: 256Mi}
      defaultRequest: {cpu: 100m, memory: 128Mi}
"""


def test_limit_range_in_another_shard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "limits.yaml").write_text(LIMIT_RANGE)
    files = ["limits.yaml"]
    for number in range(8):
        name = f"app{number}.yaml"
        (tmp_path / name).write_text(DEPLOYMENT.format(name=f"app{number}"))
        files.append(name)
    rules = _rules_of_check("resource-requirements")
    assert rules
    full = {_key(f) for f in lint(load_paths(files)).findings if f.rule in rules}
    assert not full  # the LimitRange covers every container
    shard = Shard(shard_of("limits.yaml", 2) % 2 + 1, 2)  # the shard without the LimitRange
    part = shard.select(files)
    assert part and "limits.yaml" not in part
    found = {_key(f) for f in lint(load_paths(part), partial=True).findings if f.rule in rules}
    assert not found


@pytest.mark.parametrize("count", [2, 3, 5])
def test_union_of_shards_is_the_full_run_minus_cross_object_absences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    monkeypatch.chdir(tmp_path)
    files = _tree(tmp_path, 12)
    full = {_key(f) for f in lint(load_paths(files)).findings}
    union: set[tuple] = set()
    for index in range(1, count + 1):
        part = Shard(index, count).select(files)
        union |= {_key(f) for f in lint(load_paths(part), partial=True).findings}
    cross = _cross_object_rules()
    # rules that look at one object at a time: exactly the same findings, split or not
    assert {k for k in union if k[0] not in cross} == {k for k in full if k[0] not in cross}
    # cross-object rules: a shard never invents a finding (messages may say less, e.g. which
    # Services route to a container, so compare rule and position)
    assert {k[:4] for k in union if k[0] in cross} <= {k[:4] for k in full if k[0] in cross}
    missing = {k[:4] for k in full} - {k[:4] for k in union}
    # the fixture has Services selecting nothing: the full run reports them, the shards do not
    assert missing, "the fixture should have cross-object absence findings"
    assert {rule for rule, *_ in missing} <= cross
    assert {file for _, file, *_ in missing} >= {"k8s/svc/app0-svc.yaml", "k8s/svc/app3-svc.yaml"}


CORPORA = Path(__file__).parent.parent.parent / "shared" / "corpora"


@pytest.mark.skipif(
    not (CORPORA / "linters").is_dir(), reason="../shared/corpora/linters is not present"
)
def test_shard_union_on_the_linter_corpora(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPORA)
    from kconv.cli.lint_cmd import _files  # the CLI's own discovery (skips hidden files)

    files, _ = _files(("linters", "kompose"))
    assert len(files) > 500
    full = {_key(f) for f in lint(load_paths(files)).findings}
    union: set[tuple] = set()
    for index in (1, 2, 3):
        part = Shard(index, 3).select(files)
        assert len(part) > len(files) // 5  # a real split
        union |= {_key(f) for f in lint(load_paths(part), partial=True).findings}
    cross = _cross_object_rules()
    assert {k for k in union if k[0] not in cross} == {k for k in full if k[0] not in cross}
    # known gap (test_limit_range_in_another_shard below): a shard that does not see a
    # LimitRange reports the requests and limits it would default
    limit_range = _rules_of_check("resource-requirements")
    # unknown-kind reports each kind once, at its first object: in a shard, the shard's first
    aggregate = _rules_of_check("unknown-kind")
    invented = {k[:4] for k in union if k[0] in cross} - {k[:4] for k in full if k[0] in cross}
    assert {rule for rule, *_ in invented} <= limit_range | aggregate
    assert _kinds(union, aggregate) == _kinds(full, aggregate)
    assert _kinds(full, aggregate)  # the corpora have custom resources
    assert {k[:4] for k in full} - {k[:4] for k in union}  # some absences were not reported


def test_cli_lints_only_its_shard_and_notes_the_partial_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    files = _tree(tmp_path, 6)
    runner = CliRunner()
    seen: list[str] = []
    for index in (1, 2):
        result = runner.invoke(cli, ["lint", "--shard", f"{index}/2", "--format", "json", "k8s"])
        assert result.exit_code in (0, 1), result.output
        assert "cross-object rules saw a partial set" in result.stderr
        mine = set(Shard(index, 2).select(files))
        assert f"lints {len(mine)} of {len(files)} files" in result.stderr
        report = json.loads(result.stdout)
        reported = {os.path.normpath(f["file"]) for f in report["findings"]}
        assert reported <= {os.path.normpath(file) for file in mine}
        seen += sorted(reported)
    assert len(seen) == len(set(seen))  # the two shards' findings are in different files
    full = runner.invoke(cli, ["lint", "--format", "json", "k8s"])
    assert "partial" not in full.stderr


def test_stdin_is_read_only_by_the_first_shard() -> None:
    manifest = DEPLOYMENT.format(name="web")
    runner = CliRunner()
    first = runner.invoke(cli, ["lint", "--shard", "1/2", "--format", "json", "-"], input=manifest)
    second = runner.invoke(cli, ["lint", "--shard", "2/2", "--format", "json", "-"], input=manifest)
    assert {f["file"] for f in json.loads(first.stdout)["findings"]} == {"<stdin>"}
    assert json.loads(second.stdout)["findings"] == []
    assert second.exit_code == 0
    assert "lints 0 of 1 files" in second.stderr


@pytest.mark.parametrize("spec", ["1/1", "1/2"])
def test_a_shard_holding_every_file_is_a_whole_run(spec: str) -> None:
    """`--shard 1/1` (a CI matrix of one), or stdin alone in shard 1: nothing is missing, so
    the cross-object rules report absences as in a run without --shard."""
    orphan = SERVICE.format(name="orphan", target="nothing")
    arguments = ["lint", "--shard", spec, "--select", "service-selects-no-pods", "-"]
    result = CliRunner().invoke(cli, arguments, input=orphan)
    assert result.exit_code == 1, result.output
    assert "KC402" in result.stdout
    assert "partial" not in result.stderr
