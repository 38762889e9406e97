"""`kconv lint --jobs N`: parse, validate and check manifests in worker processes.

Two steps, each spread over N workers:
1. `load_files`: workers parse chunks of files (in order) and send back their `ManifestSet`s
   (pickling parsed objects costs a fraction of parsing them); the parent merges them in order.
2. `lint_jobs`: workers forked *after* loading inherit every object for free and run the rule
   checks (schema validation, per-object and cross-object rules) on ranges of objects; they
   send back raw findings as plain tuples. The parent runs `kconv.lint.engine.lint` with those
   findings precomputed, so suppressions, the suppression audit and sorting happen exactly as
   in one process: the result is identical to `--jobs 1`.
Step 2 uses workers only from MIN_JOBS_FOR_CHECKS jobs (with two, running the checks here is
faster). Where 'fork' is missing (Windows; macOS defaults to spawn) step 1 uses 'spawn' and
step 2 runs in the parent.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any

from kconv.lint.config import LintConfig
from kconv.lint.context import LintContext
from kconv.lint.engine import LintResult, Precomputed
from kconv.lint.rule import Finding, RuleSpec, Severity
from kconv.manifests import ManifestSet
from kconv.model.k8s import K8sObject
from kconv.model.location import Location

# below this many files a single process is faster than starting workers
MIN_FILES_PER_JOB = 8
# files per task: small enough to balance the load, large enough to amortise the messages
MAX_CHUNK = 64
# below this many objects per job, checking them all here is faster than forking
MIN_OBJECTS_PER_JOB = 200
# Checking in workers pays only from this many jobs: each worker first builds the run's
# cross-object indexes, and the parent then decodes and filters every finding. With 2 jobs,
# checking 10,000 manifests took 1.39 s in workers and 1.24 s here (medians of 9 runs; see
# docs/performance.md).
MIN_JOBS_FOR_CHECKS = 3
# generation-0 threshold of the cycle collector while loading (Python's default is 700)
GC_THRESHOLD = 100_000


Encoded = tuple[Any, ...]  # a Finding as a plain tuple (cheap to pickle)
Found = dict[int, dict[str, list[Encoded]]]


@dataclass(frozen=True)
class _Settings:
    """What a worker needs to run rules (picklable for 'spawn')."""

    rules: tuple[tuple[RuleSpec, Mapping[str, Any]], ...]
    kubernetes_version: str
    partial: bool = False


_settings: _Settings | None = None
_objects: Sequence[K8sObject] = ()  # phase 2: every object of the run (inherited by fork)
_context: LintContext | None = None  # phase 2: the worker's context over _objects


def default_jobs() -> int:
    """The number of CPUs this process may use (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def lint_files(files: Sequence[str], *, jobs: int | None = None, **options: Any) -> LintResult:
    """Lint `files` (as `kconv.manifests.discover` lists them) with `jobs` processes (None:
    one per CPU; 1: in this process); `options` are those of `kconv.lint.engine.lint`.
    Same result as `lint(load_paths(files), **options)`."""
    with quiet_gc():
        return lint_jobs(load_files(files, jobs=jobs), jobs=jobs, **options)


def load_files(files: Sequence[str], *, jobs: int | None = None) -> ManifestSet:
    """`kconv.manifests.load_paths(files)`, parsed by `jobs` worker processes (None: one per
    CPU) in chunks of files; the chunks are merged in order, so the result is the same."""
    from kconv.manifests import load_paths

    jobs = _effective_jobs(jobs, len(files) // MIN_FILES_PER_JOB)
    if jobs <= 1:
        with quiet_gc():
            return load_paths(files)
    merged = ManifestSet()
    size = max(1, min(MAX_CHUNK, len(files) // (jobs * 4)))
    chunks = [list(files[start : start + size]) for start in range(0, len(files), size)]
    with quiet_gc(), _pool(jobs, None) as pool:
        for chunk in pool.imap(load_paths, chunks):
            merged.objects.extend(chunk.objects)
            merged.problems.extend(chunk.problems)
            merged.files.extend(chunk.files)
            merged.ignore_comments.update(chunk.ignore_comments)
    return merged


def lint_jobs(manifests: ManifestSet, *, jobs: int | None = None, **options: Any) -> LintResult:
    """`kconv.lint.engine.lint(manifests, **options)` with the rules' checks run by `jobs`
    forked worker processes (None: one per CPU), each on a range of the objects (they
    inherit every object, so cross-object checks see them all). Suppressions, the audit and
    sorting then run here, exactly as in one process. Without 'fork' (Windows, macOS default),
    for few objects, or for fewer than MIN_JOBS_FOR_CHECKS jobs, everything runs in this
    process."""
    from kconv.lint.context import DEFAULT_KUBERNETES_VERSION
    from kconv.lint.engine import checked_rules, choose_rules, lint
    from kconv.lint.registry import load_rules

    jobs = _effective_jobs(jobs, len(manifests.objects) // MIN_OBJECTS_PER_JOB)
    if jobs < max(2, MIN_JOBS_FOR_CHECKS) or not _can_fork():
        with quiet_gc():
            return lint(manifests, **options)
    config = options.get("config") or LintConfig()
    # choose the rules here first: a configuration error stops the run before any worker starts
    chosen = choose_rules(
        load_rules(config.custom_rules),
        config,
        options.get("select", ()),
        options.get("ignore", ()),
    )
    version = str(
        options.get("kubernetes_version") or config.kubernetes_version or DEFAULT_KUBERNETES_VERSION
    ).removeprefix("v")
    rules = tuple(checked_rules(chosen, cross_object=False)) + tuple(
        checked_rules(chosen, cross_object=True)
    )
    settings = _Settings(rules, version, bool(options.get("partial", False)))
    found = _check_in_workers(manifests.objects, jobs, settings)
    precomputed = Precomputed(frozenset(spec.id for spec, _ in rules), _Decoded(found))
    with quiet_gc():
        return lint(manifests, precomputed=precomputed, **options)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _effective_jobs(jobs: int | None, most: int) -> int:
    return min(default_jobs() if jobs is None else max(1, jobs), most)


def _pool(jobs: int, settings: _Settings | None) -> Any:
    """A pool of `jobs` workers: forked where possible; rule checking (`settings`) needs fork."""
    import multiprocessing  # not at module level: `kconv lint` of one file needs no workers

    context = multiprocessing.get_context("fork" if _can_fork() else "spawn")
    return context.Pool(jobs, initializer=_init, initargs=(settings,))


@contextmanager
def quiet_gc(threshold: int = GC_THRESHOLD) -> Iterator[None]:
    """Collect cycles rarely, and never look at what exists already: parsed YAML is trees (no
    cycles), and the collector otherwise rescans the heap of loaded objects again and again
    (a quarter of the time of linting 10,000 manifests). What exists on entry is frozen
    (`gc.freeze`) until exit."""
    before = gc.get_threshold()
    gc.set_threshold(max(threshold, before[0]), *before[1:])
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def _check_in_workers(objects: Sequence[K8sObject], jobs: int, settings: _Settings) -> Found:
    """Run the rules in forked workers, which inherit `objects` (nothing is copied)."""
    global _objects
    size = max(1, -(-len(objects) // (jobs * 4)))
    ranges = [
        range(start, min(start + size, len(objects))) for start in range(0, len(objects), size)
    ]
    _objects = objects
    gc.freeze()  # the workers' collector must not walk (and so copy) the inherited heap
    try:
        with _pool(jobs, settings) as pool:
            found: Found = {}
            for part in pool.imap(_check_range, ranges):
                found.update(part)
    finally:
        _objects = ()
        gc.unfreeze()
    return found


def _init(settings: _Settings | None) -> None:
    global _settings, _context
    _settings = settings
    _context = None


def _check_range(indices: range) -> Found:
    """Phase 2 task: run the cross-object rules on the objects at `indices`."""
    from kconv.lint.engine import run_per_object

    assert _settings is not None
    global _context
    if _context is None:  # one context per worker: its indexes are built once
        _context = LintContext(
            objects=_objects,
            kubernetes_version=_settings.kubernetes_version,
            partial=_settings.partial,
        )
    found = run_per_object(
        _objects, _settings.rules, _settings.kubernetes_version, indices, context=_context
    )
    return _encode(found)


def _encode(found: Mapping[int, Mapping[str, list[Finding]]]) -> Found:
    return {
        index: {
            rule: [_encode_finding(finding) for finding in items] for rule, items in rules.items()
        }
        for index, rules in found.items()
    }


def _encode_finding(finding: Finding) -> Encoded:
    location = finding.location
    return (
        finding.rule,
        finding.name,
        int(finding.severity),
        finding.message,
        location.file,
        location.line,
        location.column,
        finding.kind,
        finding.namespace,
        finding.object_name,
        finding.fix,
    )


def _decode_finding(item: Encoded) -> Finding:
    # Finding is a frozen dataclass: fill its __dict__ directly (its __init__ is 10 setattrs)
    finding = object.__new__(Finding)
    finding.__dict__.update(
        zip(
            _FINDING_FIELDS,
            (
                *item[:2],
                _SEVERITIES[item[2]],
                item[3],
                Location(item[4], item[5], item[6]),
                *item[7:],
            ),
            strict=True,
        )
    )
    return finding


_FINDING_FIELDS = tuple(field.name for field in fields(Finding))
_SEVERITIES = {int(severity): severity for severity in Severity}


class _Decoded(Mapping[int, Mapping[str, Sequence[Finding]]]):
    """Encoded findings by object, decoded when the engine asks for them."""

    def __init__(self, found: Found) -> None:
        self._found = found
        self._last: tuple[int, Mapping[str, Sequence[Finding]]] = (-1, {})

    def __getitem__(self, index: int) -> Mapping[str, Sequence[Finding]]:
        if self._last[0] != index:  # the engine asks for one object's rules in a row
            rules = self._found[index]
            decoded = {
                rule: [_decode_finding(item) for item in items] for rule, items in rules.items()
            }
            self._last = (index, decoded)
        return self._last[1]

    def get(self, index: int, default: Any = None) -> Any:
        return self[index] if index in self._found else default

    def __iter__(self) -> Iterator[int]:
        return iter(self._found)

    def __len__(self) -> int:
        return len(self._found)
