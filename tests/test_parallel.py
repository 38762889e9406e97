"""`kconv lint --jobs N` gives exactly the results of one process (kconv.lint.parallel)."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kconv.cli import cli, main
from kconv.lint import parallel, wire
from kconv.lint.engine import lint
from kconv.lint.registry import load_rules
from kconv.lint.rule import CheckFn, RuleSpec, Severity, check
from kconv.manifests import discover, load_paths
from kconv.report import block_renderer, file_blocks, render

ROOT = Path(__file__).resolve().parent.parent
RULE_FIXTURES = ROOT / "fixtures" / "rules"
LINTER_CORPORA = ROOT.parent / "shared" / "corpora" / "linters"

needs_fork = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason="linting in workers needs the 'fork' start method",
)


@pytest.fixture
def spied(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Use workers even for small inputs, and record how many workers each run started."""
    monkeypatch.setattr(parallel, "MIN_BYTES_PER_JOB", 1)
    started: list[int] = []
    real = parallel._lint_forked

    def spy(files, workers, *rest):  # type: ignore[no-untyped-def]
        started.append(workers)
        return real(files, workers, *rest)

    monkeypatch.setattr(parallel, "_lint_forked", spy)
    return started


@check("test-parallel-unpreparable")
def _unpreparable(params: object) -> CheckFn:
    """A check whose factory raises."""
    raise RuntimeError("cannot prepare")


def _report(result) -> str:  # type: ignore[no-untyped-def]
    return render(result, "json")


def _assert_same(files: list[str], checked: list[int], **options: object) -> None:
    serial = lint(load_paths(files), **options)  # type: ignore[arg-type]
    jobs = parallel.lint_files(files, jobs=2, **options)
    assert checked, "the workers were not used"
    assert _report(jobs) == _report(serial)
    assert jobs.suppressed == serial.suppressed
    assert (jobs.files, jobs.objects) == (serial.files, serial.objects)
    assert [spec.id for spec in jobs.rules] == [spec.id for spec in serial.rules]


@needs_fork
def test_rule_fixtures_all_rules(spied: list[int]) -> None:
    files = discover([str(RULE_FIXTURES)])
    assert len(files) > 50
    _assert_same(files, spied, select=["ALL"])
    # every rule fires somewhere in its fail fixture: the comparison covers real findings
    result = parallel.lint_files(files, jobs=2, select=["ALL"])
    assert len({finding.rule for finding in result.findings}) > 40


@needs_fork
def test_rule_fixtures_default_rules_without_suppressions(spied: list[int]) -> None:
    _assert_same(discover([str(RULE_FIXTURES)]), spied, suppressions=False)


@needs_fork
def test_suppressions_and_audit_match(spied: list[int], tmp_path: Path) -> None:
    """Annotation and comment suppressions, used and unused (KC007), in several files."""
    for index in range(6):
        (tmp_path / f"m{index}.yaml").write_text(
            f"""apiVersion: v1
kind: Pod
metadata:
  name: p{index}
  annotations:
    kconv.io/ignore: "KC101,KC104"
    ignore-check.kube-linter.io/latest-tag: "reviewed"
spec:
  containers:
    - name: c
      image: nginx:latest  # kconv: ignore[KC102]
      securityContext:
        privileged: true
"""
        )
    files = discover([str(tmp_path)])
    serial = lint(load_paths(files), select=["ALL"])
    assert serial.suppressed > 0
    _assert_same(files, spied, select=["ALL"])


def _corpus(directory: Path, files: int, seed: int = 7) -> list[str]:
    """Deployments, Services, ConfigMaps, some broken, some referring to each other."""
    rng = random.Random(seed)
    directory.mkdir()
    for index in range(files):
        docs = []
        for number in range(rng.randint(1, 4)):
            name = f"app-{rng.randint(0, files)}"
            kind = rng.choice(["Deployment", "Service", "ConfigMap", "Pod"])
            if kind == "Deployment":
                docs.append(
                    f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: ns{index % 3}}}
spec:
  replicas: {rng.choice([1, 3])}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: c{number}
          image: {rng.choice(["nginx", "nginx:1.27", "redis:7"])}
          envFrom: [{{configMapRef: {{name: {name}-config}}}}]
"""
                )
            elif kind == "Service":
                docs.append(
                    f"""apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: ns{index % 3}}}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 80, targetPort: {rng.choice([80, 8080, "http"])}}}]
"""
                )
            elif kind == "ConfigMap":
                docs.append(
                    f"""apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}-config, namespace: ns{index % 3}}}
data: {{A: "1"}}
"""
                )
            else:
                docs.append(
                    f"""apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  containers: [{{name: c, image: busybox, securityContext: {{privileged: true}}}}]
"""
                )
        if rng.random() < 0.05:
            docs.append("kind: [unclosed\n")
        (directory / f"f{index:03d}.yaml").write_text("---\n".join(docs))
    return discover([str(directory)])


@needs_fork
def test_generated_corpus(spied: list[int], tmp_path: Path) -> None:
    files = _corpus(tmp_path / "corpus", 120)
    _assert_same(files, spied)
    _assert_same(files, spied, select=["ALL"], kubernetes_version="1.24")


def test_load_files_equals_load_paths(tmp_path: Path) -> None:
    """Where fork is missing, workers only parse: the merged result is load_paths's."""
    files = _corpus(tmp_path / "corpus", 40)
    serial = load_paths(files)
    jobs = parallel.load_files(files, jobs=3)
    assert jobs.files == serial.files
    assert jobs.problems == serial.problems
    assert jobs.ignore_comments == serial.ignore_comments
    assert [(o.file, o.body, o.location()) for o in jobs.objects] == [
        (o.file, o.body, o.location()) for o in serial.objects
    ]


def test_without_fork_parse_in_workers_and_lint_here(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(parallel, "MIN_BYTES_PER_JOB", 1)
    monkeypatch.setattr(parallel, "_can_fork", lambda: False)
    loaded: list[int | None] = []
    real = parallel.load_files

    def spy(files, *, jobs=None, on_parsed=None):  # type: ignore[no-untyped-def]
        loaded.append(jobs)
        return real(files, jobs=jobs, on_parsed=on_parsed)

    monkeypatch.setattr(parallel, "load_files", spy)
    files = _corpus(tmp_path / "corpus", 20)
    assert _report(parallel.lint_files(files, jobs=2)) == _report(lint(load_paths(files)))
    assert loaded == [2]


def test_plan_chunks_in_input_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(parallel, "MIN_BYTES_PER_JOB", 100)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 60)
    sizes = [50, 10, 40, 30, 20, 60]
    files = []
    for index, size in enumerate(sizes):
        path = tmp_path / f"f{index}.yaml"
        path.write_text("x" * size)
        files.append(str(path))
    workers, chunks = parallel.plan(files, 8)
    assert workers == 2  # 210 bytes: one worker per 100
    assert list(chunks) == [[0, 1], [2, 3], [4, 5]]
    assert parallel.plan(files, 1)[0] == 1
    workers, chunks = parallel.plan([], 4)
    assert workers == 1 and list(chunks) == []


def test_plan_sizes_files_only_as_far_as_the_worker_count_needs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "MIN_BYTES_PER_JOB", 100)
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 100)
    sized: list[str] = []

    def size(source: tuple[str, bytes]) -> int:
        sized.append(source[0])
        return len(source[1])

    monkeypatch.setattr(parallel, "_size", size)
    files = [(f"f{index}", b"x" * 50) for index in range(10)]
    workers, chunks = parallel.plan(files, 2)
    assert workers == 2 and sized == ["f0", "f1", "f2", "f3"]  # 200 bytes: enough for two
    sized.clear()
    assert next(chunks) == [0, 1] and sized == ["f0", "f1"]  # the rest as chunks go out
    assert list(chunks) == [[2, 3], [4, 5], [6, 7], [8, 9]]


@needs_fork
def test_chunks_go_to_whoever_asks(spied: list[int], tmp_path: Path) -> None:
    """Every file is parsed once, whatever the number of chunks and workers."""
    files = _corpus(tmp_path / "corpus", 40)
    serial = _report(lint(load_paths(files)))
    for jobs in (2, 3, 7):
        assert _report(parallel.lint_files(files, jobs=jobs)) == serial
    assert spied == [2, 3, 7]


def test_small_input_stays_in_process(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Below MIN_BYTES_PER_JOB per worker no worker starts (and the result is the serial one)."""

    def no_workers(*args: object) -> None:
        raise AssertionError("workers started")

    monkeypatch.setattr(parallel, "_lint_forked", no_workers)
    monkeypatch.setattr(parallel, "_pool", no_workers)
    files = _corpus(tmp_path / "corpus", 3)
    assert parallel.plan(files, 4)[0] == 1
    assert _report(parallel.lint_files(files, jobs=4)) == _report(lint(load_paths(files)))


@needs_fork
@pytest.mark.skipif(not LINTER_CORPORA.is_dir(), reason="../shared/corpora is absent")
def test_linter_corpora(spied: list[int]) -> None:
    files = [file for file in discover([str(LINTER_CORPORA)]) if "/." not in file]
    _assert_same(files, spied)


def _json_reports_agree(args: list[str], stdin: bytes | None = None) -> list[dict]:
    """`kconv lint --format json ARGS` with --jobs 1 and --jobs 2: the same bytes; the findings."""
    outputs = []
    for jobs in ("1", "2"):
        command = ["lint", "--jobs", jobs, "--format", "json", *args]
        result = CliRunner().invoke(cli, command, input=stdin)
        assert result.exit_code == 1, result.output
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    return json.loads(outputs[1])["findings"]


@needs_fork
def test_cli_jobs_output_identical(spied: list[int], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _corpus(corpus, 60)
    assert _json_reports_agree([str(corpus)])
    assert spied  # --jobs 2 used the workers


@needs_fork
@pytest.mark.parametrize("output_format", ["text", "json", "github", "junit", "sarif", "gitlab"])
def test_cli_every_format_is_identical_with_workers(
    spied: list[int], tmp_path: Path, output_format: str
) -> None:
    """Workers render each finding's part of the report where it depends on nothing else
    (text, json, github, junit); the parent renders the rest: every report is byte-identical
    to --jobs 1."""
    corpus = tmp_path / "corpus"
    _corpus(corpus, 60)
    # with findings, and clean (a rule nothing breaks): no blocks at all must work as well
    for select, code in (("ALL", 1), ("KC003", 0)):
        outputs = []
        for jobs in ("1", "2"):
            command = ["lint", "--jobs", jobs, "--select", select, "--format", output_format]
            result = CliRunner().invoke(cli, [*command, str(corpus)])
            assert result.exit_code == code, result.output
            outputs.append(result.stdout)
        assert outputs[0] == outputs[1]
    assert spied == [2, 2]


@needs_fork
@pytest.mark.parametrize(
    ("output_format", "color"),
    [("json", False), ("text", False), ("text", True), ("github", False), ("junit", False)],
)
def test_workers_render_each_files_block(
    spied: list[int], tmp_path: Path, output_format: str, color: bool
) -> None:
    """The report is assembled from the workers' blocks and tallies without making a single
    finding in the parent; the findings, made when read, are those of one process."""
    from kconv.lint.deferred import DeferredFindings
    from kconv.report.text_format import render as render_text

    files = _corpus(tmp_path / "corpus", 40)
    render_block = block_renderer(output_format, color=color)
    assert render_block is not None
    jobs = parallel.lint_files(files, jobs=2, render_block=render_block)
    serial = parallel.lint_files(files, jobs=1, render_block=render_block)
    assert spied == [2] and serial.blocks is None  # one process renders when it reports
    assert isinstance(jobs.findings, DeferredFindings)
    assert jobs.blocks is not None and len(jobs.blocks) == len(
        {f.location.file for f in serial.findings}
    )
    made: list[int] = []
    real_make = jobs.findings._make
    assert real_make is not None
    jobs.findings._make = lambda: made.append(1) or real_make()  # type: ignore[func-returns-value]
    if output_format == "text":
        report = render_text(jobs, color=color, blocks=jobs.blocks)
        assert report == render_text(serial, color=color)
    else:
        assert render(jobs, output_format, blocks=jobs.blocks) == render(serial, output_format)
    assert (jobs.counts(), jobs.fails(), len(jobs.findings)) == (
        serial.counts(),
        serial.fails(),
        len(serial.findings),
    )
    assert made == []  # the report, its summary and the exit code need no finding
    assert jobs.findings == serial.findings and made == [1]
    assert jobs.blocks == file_blocks(serial, render_block)


@needs_fork
def test_findings_not_kept_are_counted_not_sent(spied: list[int], tmp_path: Path) -> None:
    """`keep_findings=False` (the command line): the workers send each file's block and
    tally only; the report, its summary and the exit code are the same, and reading a
    finding says why it cannot be read. Without blocks, the findings are kept anyway."""
    from kconv.lint.deferred import FindingsNotKept
    from kconv.report.text_format import render as render_text

    files = _corpus(tmp_path / "corpus", 40)
    render_block = block_renderer("text")
    assert render_block is not None
    serial = parallel.lint_files(files, jobs=1)
    jobs = parallel.lint_files(files, jobs=2, render_block=render_block, keep_findings=False)
    assert render_text(jobs, blocks=jobs.blocks) == render_text(serial)
    assert (jobs.counts(), jobs.fails(), len(jobs.findings)) == (
        serial.counts(),
        serial.fails(),
        len(serial.findings),
    )
    with pytest.raises(FindingsNotKept, match="not kept"):
        jobs.findings[0]
    with pytest.raises(FindingsNotKept):
        list(jobs.findings)
    unrendered = parallel.lint_files(files, jobs=2, keep_findings=False)
    assert unrendered.blocks is None and unrendered.findings == serial.findings
    assert spied == [2, 2]


def test_formats_without_a_block_renderer() -> None:
    from kconv.report import FORMATS

    assert [name for name in FORMATS if block_renderer(name) is not None] == [
        "text",
        "json",
        "junit",
        "github",
    ]


def test_cli_jobs_must_be_positive(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    result = CliRunner().invoke(cli, ["lint", "--jobs", "0", str(tmp_path / "a.yaml")])
    assert result.exit_code == 2
    assert "--jobs" in result.output


@needs_fork
def test_progress_counts_every_file(spied: list[int], tmp_path: Path) -> None:
    files = _corpus(tmp_path / "corpus", 30)
    counted: list[int] = []
    parallel.lint_files(files, jobs=2, on_parsed=counted.append)
    assert spied == [2]
    assert sum(counted) == len(files)
    counted.clear()
    parallel.lint_files(files, jobs=1, on_parsed=counted.append)
    assert sum(counted) == len(files)


@needs_fork
def test_a_failing_worker_is_one_clear_error(
    spied: list[int],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def broken(*args: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(parallel, "_lint_chunks", broken)
    files = _corpus(tmp_path / "corpus", 10)
    with pytest.raises(parallel.WorkerError) as raised:
        parallel.lint_files(files, jobs=2)
    assert re.fullmatch(r"lint worker \d failed: ValueError: boom", str(raised.value))
    assert "Traceback" in raised.value.__notes__[0]  # shown under --debug

    # through the command line: exit code 2 and one line, no traceback
    with pytest.raises(SystemExit) as exit_info:
        main(["lint", "--jobs", "2", str(tmp_path / "corpus")])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "lint worker" in error and "ValueError: boom" in error


@needs_fork
def test_a_worker_that_dies_is_reported(
    spied: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def dies(*args: object) -> None:
        os._exit(3)

    monkeypatch.setattr(parallel, "_lint_chunks", dies)
    files = _corpus(tmp_path / "corpus", 10)
    with pytest.raises(parallel.WorkerError, match=r"stopped unexpectedly \(exit code 3\)"):
        parallel.lint_files(files, jobs=2)


@needs_fork
def test_a_worker_ends_when_its_parent_is_gone(tmp_path: Path) -> None:
    """A worker closes the parent's ends of the pipes that it inherited, so it reads the end
    of its pipe when the parent is gone (killed, or interrupted twice before it could stop
    its workers); it used to wait for its next chunk forever."""
    from kconv.lint.engine import start
    from kconv.manifests import ManifestSet

    context = multiprocessing.get_context("fork")
    ours, theirs = context.Pipe()
    run = start(ManifestSet())
    worker = context.Process(target=parallel._work, args=(theirs, [ours], [], run, None))
    worker.start()
    theirs.close()
    ours.close()  # as the parent's exit would: nothing was ever sent
    worker.join(timeout=20)
    try:
        assert worker.exitcode == 0
    finally:
        if worker.is_alive():
            worker.kill()
            worker.join()


@needs_fork
def test_every_worker_is_stopped_before_any_is_waited_for(
    spied: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Ctrl-C, then a second Ctrl-C while the parent waits for its first worker to end
    (`timeout` signals the process and then its group): every worker was told to stop."""
    from multiprocessing.process import BaseProcess

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    stopped: list[int | None] = []
    terminate, join = BaseProcess.terminate, BaseProcess.join

    def spied_terminate(process: BaseProcess) -> None:
        stopped.append(process.pid)
        terminate(process)

    def interrupted_join(process: BaseProcess, timeout: float | None = None) -> None:
        monkeypatch.setattr(BaseProcess, "join", join)
        raise KeyboardInterrupt

    monkeypatch.setattr(parallel, "_converse", interrupted)
    monkeypatch.setattr(BaseProcess, "terminate", spied_terminate)
    monkeypatch.setattr(BaseProcess, "join", interrupted_join)
    files = _corpus(tmp_path / "corpus", 40)
    with pytest.raises(KeyboardInterrupt):
        parallel.lint_files(files, jobs=2)
    assert spied == [2] and len(stopped) == 2
    for child in multiprocessing.active_children():  # reaps them
        child.join(timeout=20)


@needs_fork
def test_configuration_custom_rules_and_per_path_ignores(spied: list[int], tmp_path: Path) -> None:
    """Workers apply the whole configuration: custom rules, overrides, per-path ignores."""
    from kconv.lint.config import parse_config

    custom = (ROOT / "fixtures" / "config" / "custom" / ".kconv.yaml").read_text(encoding="utf-8")
    custom = custom.replace("select: [ORG]\n", "")
    config = parse_config(
        custom
        + "rules:\n  KC102: {severity: error}\n"
        + 'per-path-ignores:\n  "**/f00*.yaml": [KC1]\n',
        str(tmp_path / ".kconv.yaml"),
    )
    files = _corpus(tmp_path / "corpus", 60)
    serial = lint(load_paths(files), config=config)
    assert {finding.rule for finding in serial.findings} >= {"ORG002", "KC102"}
    assert serial.suppressed > 0
    _assert_same(files, spied, config=config)
    _assert_same(files, spied, config=config, partial=True)


@needs_fork
def test_stdin_with_files_uses_workers_and_matches_one_process(
    spied: list[int], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    _corpus(corpus, 30)
    piped = (corpus / "f001.yaml").read_bytes()
    findings = _json_reports_agree([str(corpus), "-"], stdin=piped)
    assert spied == [2]
    files = {finding["file"] for finding in findings}
    assert "<stdin>" in files and len(files) > 2


@needs_fork
def test_undecodable_stdin_is_a_finding_with_workers(spied: list[int], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _corpus(corpus, 30)
    findings = _json_reports_agree([str(corpus), "-"], stdin=b"kind: \xff\xfe\x00bad")
    stdin_findings = [finding for finding in findings if finding["file"] == "<stdin>"]
    assert [finding["rule"] for finding in stdin_findings] == ["KC004"]  # unreadable-file


@needs_fork
@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not on PATH")
def test_kustomize_output_with_files_uses_workers(spied: list[int], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _corpus(corpus, 30)
    base = tmp_path / "base"
    base.mkdir()
    (base / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        "spec: {containers: [{name: c, image: nginx}]}\n"
    )
    (base / "kustomization.yaml").write_text("resources: [pod.yaml]\nnamePrefix: prod-\n")
    findings = _json_reports_agree(["--kustomize", str(base), str(corpus)])
    assert spied == [2]
    names = {f["name"] for f in findings if f["file"].startswith("<kustomize ")}
    assert names == {"prod-p"}


def test_with_other_threads_running_workers_are_spawned_not_forked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Forking a process that runs other threads can deadlock the child: spawn instead."""
    import threading

    monkeypatch.setattr(parallel, "MIN_BYTES_PER_JOB", 1)

    def no_fork(*args: object) -> None:
        raise AssertionError("forked with another thread running")

    monkeypatch.setattr(parallel, "_lint_forked", no_fork)
    files = _corpus(tmp_path / "corpus", 12)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert not parallel._can_fork()
        jobs = parallel.lint_files(files, jobs=2)
    finally:
        stop.set()
        other.join()
    assert _report(jobs) == _report(lint(load_paths(files)))


@needs_fork
def test_two_sources_of_one_name_in_two_workers(
    spied: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers group findings by file and the parent sorts the groups: a name that two
    workers have (two inputs called <stdin>, say) is still sorted as one process sorts it,
    which needs the findings themselves even when the caller did not ask to keep them."""
    monkeypatch.setattr(parallel, "CHUNK_BYTES", 1)  # one file per chunk: 0, 1 to one worker
    privileged = (
        b"apiVersion: v1\nkind: Pod\nmetadata: {name: p%d}\n"
        b"spec: {containers: [{name: c, image: busybox,"
        b" securityContext: {privileged: true}}]}\n"
    )
    sources = [
        ("same.yaml", b"\n\n" + privileged % 1),
        ("other.yaml", privileged % 2),
        ("same.yaml", privileged % 3),  # goes to the second worker: its finding comes first
        ("zzz.yaml", privileged % 4),
    ]
    serial = parallel.lint_files(sources, jobs=1)
    render_block = block_renderer("text")
    assert render_block is not None
    jobs = parallel.lint_files(sources, jobs=2, render_block=render_block, keep_findings=False)
    assert spied == [2]
    assert _report(jobs) == _report(serial)
    assert jobs.blocks == file_blocks(serial, render_block)
    same = [block for block in jobs.blocks if block.startswith("same.yaml:")]
    assert len(same) == 1 and "same.yaml:4:" in same[0] and "same.yaml:6:" in same[0]
    lines = [(f.location.file, f.location.line) for f in jobs.findings if f.rule == "KC101"]
    assert lines == [("other.yaml", 4), ("same.yaml", 4), ("same.yaml", 6), ("zzz.yaml", 4)]


def test_bodies_travel_by_marshal_and_by_pickle_when_needed() -> None:
    from kconv.yamlio import Tagged

    plain = [(3, [(("a.yaml", 1, 0), 0, {"kind": "Pod", "n": [1, 2.5, True, None]})])]
    packed = wire.pack(plain)
    assert packed[:1] == b"m" and wire.unpack(packed) == plain
    custom = [(0, [(("a.yaml", 1, 0), 0, {"kind": Tagged("!x", "y")})])]
    packed = wire.pack(custom)
    assert packed[:1] == b"p" and wire.unpack(packed) == custom


@needs_fork
def test_a_check_that_cannot_be_prepared_is_reported_once(spied: list[int], tmp_path: Path) -> None:
    """An internal error about the run (a check factory that raises) is the parent's to
    report: one finding, not one per worker."""
    broken = RuleSpec(
        id="TP101",
        name="unpreparable",
        severity=Severity.WARNING,
        default=True,
        kinds=None,
        summary="s",
        rationale="r",
        fix="Fix it.",
        check="test-parallel-unpreparable",
    )
    files = _corpus(tmp_path / "corpus", 30)
    rules = [*load_rules(), broken]
    serial = lint(load_paths(files), rules=rules)
    jobs = parallel.lint_files(files, jobs=2, rules=rules)
    assert spied == [2]
    assert _report(jobs) == _report(serial)
    crashes = [f for f in jobs.findings if f.rule == "KC009" and "TP101" in f.message]
    assert len(crashes) == 1


@pytest.mark.parametrize("enabled", [True, False])
def test_quiet_gc_leaves_what_it_made_old_and_restores_the_collector(enabled: bool) -> None:
    import gc

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        gc.collect()
        with parallel.quiet_gc():
            assert not gc.isenabled()
            made = [[index] for index in range(1000)]
            assert gc.get_count()[0] >= 1000  # young while inside
        assert gc.isenabled() is enabled
        # on exit everything made inside joined the oldest generation: the next collection
        # of the young generation has nothing of it to walk (asked of the oldest generation
        # itself: with the collector on, an automatic young collection could empty
        # generation 0 and pass a count check while moving them only to generation 1)
        assert gc.get_count()[0] < 10
        oldest = {id(item) for item in gc.get_objects(generation=2)}
        assert all(id(item) in oldest for item in made)
        assert all(gc.is_tracked(item) for item in made)
        assert gc.get_freeze_count() == 0
    finally:
        (gc.enable if was else gc.disable)()


def test_workers_are_bound_to_a_cpu_each_only_when_they_take_every_cpu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {3, 1}, raising=False)
    monkeypatch.setattr(os, "sched_setaffinity", lambda pid, cpus: None, raising=False)
    assert parallel.worker_cpus(2) == [1, 3]
    # fewer workers than CPUs: the kernel puts them where the CPUs are idle
    assert parallel.worker_cpus(1) == [None]
    assert parallel.worker_cpus(3) == [None, None, None]
    monkeypatch.delattr(os, "sched_getaffinity")  # as on macOS
    assert parallel.worker_cpus(2) == [None, None]


@needs_fork
@pytest.mark.skipif(
    not hasattr(os, "sched_getaffinity") or len(os.sched_getaffinity(0)) < 2,
    reason="binding workers to CPUs needs CPU affinity and two CPUs",
)
def test_each_worker_runs_on_its_own_cpu(
    tmp_path: Path, spied: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With one worker per CPU (the default), each worker runs on one CPU of its own; the
    parent keeps every CPU."""
    allowed = os.sched_getaffinity(0)
    real = parallel._lint_chunks

    def recording(connection, files, run, *rest):  # type: ignore[no-untyped-def]
        cpus = ",".join(str(cpu) for cpu in sorted(os.sched_getaffinity(0)))
        (tmp_path / f"worker-{os.getpid()}").write_text(cpus)
        return real(connection, files, run, *rest)

    monkeypatch.setattr(parallel, "_lint_chunks", recording)
    files = sorted(str(path) for path in RULE_FIXTURES.rglob("*.yaml"))
    serial = lint(load_paths(files))
    result = parallel.lint_files(files, jobs=len(allowed))
    assert spied == [len(allowed)]
    assert _report(result) == _report(serial)
    seen = sorted(path.read_text() for path in tmp_path.glob("worker-*"))
    assert seen == sorted(str(cpu) for cpu in allowed)
    assert os.sched_getaffinity(0) == allowed


def test_handing_over_to_a_closed_pipe_is_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parent closes a worker's pipe when the run ends, maybe while the hand-over thread
    still writes to it (a worker whose rules read no other object): no traceback."""
    import threading

    failures: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: failures.append(args.exc_value))

    class ClosedUnderneath:
        def send(self, value: object) -> None:
            pass

        def send_bytes(self, blob: bytes) -> None:
            raise TypeError("'NoneType' object cannot be interpreted as an integer")

    parallel._hand_over(ClosedUnderneath(), [b"body"]).join()
    assert failures == []
