"""`kconv lint --jobs N`: lint files in N worker processes, with exactly the result of one.

Where processes can be forked (Linux), each worker lints the files it parsed, from start to end:
1. it parses chunks of files that the parent hands out as it asks for them, and right away
   runs the rules that read only their own object (schema validation included) on each
   chunk, so a worker on a busier CPU parses and checks fewer chunks: the load balances
   itself; it keeps what it parsed;
2. it sends the bodies of its objects, without their positions, to the parent, which hands
   each worker the other workers' bodies unopened (bare bodies cost a fifth of whole
   objects to send, and the parent never decodes them);
3. it runs the cross-object rules on its own objects, with every object of the run, in input
   order, as their context, applies suppressions and their audit, and sends back its
   findings sorted and grouped by file: a head per file (its tally of severities and its
   part of the report) and the findings as one blob (see kconv.lint.wire).
When there are as many workers as CPUs, each is bound to one (`worker_cpus`). The parent sorts
the heads by file, and makes findings of the blobs only when they are read. The result is
that of `--jobs 1`: a finding is located in the file of the object it is about, and a
suppression lives in the file (or object) of what it suppresses, so no worker needs positions
from another's files. (`duplicate-object` names where the first object starts: the bodies
carry that place.)

Where 'fork' is missing (Windows; macOS defaults to spawn), or other threads run in this
process (a library caller's), spawned workers only parse and the parent lints what they send
back.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from kconv.lint import wire
from kconv.lint.engine import LintResult, Run
from kconv.lint.wire import Part, RenderBlock
from kconv.manifests import ManifestSet, Source, load_source

# a worker per this many bytes of input at most: below, starting workers costs more than it
# saves (2 workers: as fast as one process at 124 KB, 10% faster at 200 KB, 17% at 412 KB)
MIN_BYTES_PER_JOB = 96 * 1024
# files are handed to workers in chunks of about this many bytes (a few milliseconds of parsing)
CHUNK_BYTES = 32 * 1024
# chunks a worker holds ahead, so that it never waits for the next one
CHUNKS_AHEAD = 2
# files per task when only parsing runs in workers (spawn): balances load, amortises messages
MAX_CHUNK = 64

OnParsed = Callable[[int], None]


class WorkerError(RuntimeError):
    """A worker process failed (a bug, or it was killed): the run cannot be completed."""


def default_jobs() -> int:
    """The number of CPUs this process may use (at least 1): its CPU affinity, capped by its
    control group's CPU quota (see kconv.lint.cpus)."""
    from kconv.lint.cpus import usable_cpus

    return usable_cpus()


def lint_files(
    files: Sequence[Source],
    *,
    jobs: int | None = None,
    on_parsed: OnParsed | None = None,
    render_block: RenderBlock | None = None,
    keep_findings: bool = True,
    **options: Any,
) -> LintResult:
    """Lint `files` (paths as `kconv.manifests.discover` lists them, and `(name, content)`
    pairs of input already read) with `jobs` processes (None: one per CPU; 1: this process
    only; fewer when the input is small). `options` are those of `kconv.lint.engine.lint`;
    `on_parsed(n)` is told as each n more files are parsed (for a progress bar). The result is
    that of linting them all in one process, in this order. With `render_block` (see
    `kconv.report.block_renderer`), workers also render their files' parts of the report,
    given in `result.blocks` (None when no worker ran); their findings are then made only when
    first read (see kconv.lint.wire). `keep_findings=False`, for a caller that needs only the
    blocks and the number of findings of each severity (the command line), spares the workers
    sending the findings themselves: reading one of `result.findings` then raises
    `kconv.lint.deferred.FindingsNotKept` (unless no worker ran)."""
    from kconv.lint.engine import lint

    workers, chunks = plan(files, default_jobs() if jobs is None else max(1, jobs))
    if workers > 1 and _can_fork():
        keep = keep_findings or render_block is None
        return _lint_forked(files, workers, chunks, on_parsed, options, render_block, keep)
    with quiet_gc():
        return lint(load_files(files, jobs=workers, on_parsed=on_parsed), **options)


def plan(files: Sequence[Source], jobs: int) -> tuple[int, Iterator[list[int]]]:
    """(how many workers to start: at most `jobs`, and one per MIN_BYTES_PER_JOB of input;
    the indexes of `files` in chunks of about CHUNK_BYTES, in input order). Files are sized
    only as far as the number of workers needs; the chunks are sized as they are handed out,
    while the workers parse (a `stat` per file: 14 ms for 3,334 files)."""
    wanted = jobs * MIN_BYTES_PER_JOB
    seen = 0
    for source in files:
        if seen >= wanted:
            break
        seen += _size(source)
    workers = max(1, min(jobs, len(files), seen // MIN_BYTES_PER_JOB))
    return workers, _chunks(files)


def _chunks(files: Sequence[Source]) -> Iterator[list[int]]:
    chunk: list[int] = []
    filled = 0
    for index, source in enumerate(files):
        chunk.append(index)
        filled += _size(source)
        if filled >= CHUNK_BYTES:
            yield chunk
            chunk, filled = [], 0
    if chunk:
        yield chunk


def _size(source: Source) -> int:
    if not isinstance(source, str):
        return len(source[1])
    try:
        return os.stat(source).st_size
    except (OSError, ValueError):
        return 0


def _load_chunk(sources: Sequence[Source]) -> ManifestSet:
    result = ManifestSet()
    for source in sources:
        load_source(result, source)
    return result


def load_files(
    files: Sequence[Source], *, jobs: int | None = None, on_parsed: OnParsed | None = None
) -> ManifestSet:
    """Everything `files` hold (see `Source`), parsed by `jobs` worker processes (None: one
    per CPU) in chunks; the chunks are merged in order, so the result is that of one process."""
    jobs = default_jobs() if jobs is None else max(1, jobs)
    merged = ManifestSet()
    if jobs == 1:
        with quiet_gc():
            for source in files:
                load_source(merged, source)
                if on_parsed is not None:
                    on_parsed(1)
        return merged
    size = max(1, min(MAX_CHUNK, len(files) // (jobs * 4)))
    chunks = [list(files[start : start + size]) for start in range(0, len(files), size)]
    with quiet_gc(), _pool(jobs) as pool:
        for chunk, part in zip(chunks, pool.imap(_load_chunk, chunks), strict=True):
            merged.objects.extend(part.objects)
            merged.problems.extend(part.problems)
            merged.files.extend(part.files)
            merged.ignore_comments.update(part.ignore_comments)
            if on_parsed is not None:
                on_parsed(len(chunk))
    return merged


def _can_fork() -> bool:
    """Can workers be forked safely: the platform has fork and this process runs no other
    thread (a child gets only the forking thread; a lock another thread held stays locked)."""
    import multiprocessing
    import threading

    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def _pool(jobs: int) -> Any:
    """A pool of `jobs` processes that parse files: forked where possible."""
    import multiprocessing  # not at module level: `kconv lint` of one file needs no workers

    return multiprocessing.get_context("fork" if _can_fork() else "spawn").Pool(jobs)


@contextmanager
def quiet_gc() -> Iterator[None]:
    """No automatic cycle collection inside, and none that looks at what exists on entry
    (`gc.freeze`) until exit. Loading and linting create no cyclic garbage (parsed YAML is
    trees: a collection after linting 10,000 manifests finds nothing to free), yet with the
    collector on, each collection of the young generation walks the objects just parsed, all
    of them alive: 15 collections took 0.12 s of that run with the threshold raised to
    100,000, and a quarter of the run with Python's default of 700.

    On exit, what was made inside joins the oldest generation with the rest (`freeze` then
    `unfreeze`), rather than staying young: otherwise the first collection after exit walks
    it all (the findings and lines of a large run: 0.02 s, for nothing). A cycle made inside
    (a check's exception) is freed by the next full collection."""
    enabled = gc.isenabled()
    gc.disable()
    gc.freeze()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


# -- the parent ---------------------------------------------------------------------------------


def _lint_forked(
    files: Sequence[Source],
    workers: int,
    chunks: Iterator[list[int]],
    on_parsed: OnParsed | None,
    options: dict[str, Any],
    render_block: RenderBlock | None = None,
    keep_findings: bool = True,
) -> LintResult:
    import multiprocessing

    from kconv.lint.engine import start

    # prepare the run here (rules chosen, checks bound): a configuration error stops the run
    # before any worker starts, and every worker inherits the run, each filling its own copy
    run = start(ManifestSet(), **options)
    # findings about the run itself (a check that could not be prepared) are reported here,
    # once, rather than by every worker
    run_findings, run.run_findings = run.run_findings, []
    # two groups of one file cannot be merged from their blocks alone (see wire.merge)
    send_findings = keep_findings or _names_repeat(files, run_findings)
    context = multiprocessing.get_context("fork")
    started: list[tuple[Any, Any]] = []
    cpus = worker_cpus(workers)
    try:
        # frozen: the workers' collectors do not touch (and copy) our heap; and the findings
        # that arrive are tuples, which the collector would otherwise scan again and again
        with quiet_gc():
            for cpu in cpus:
                ours, theirs = context.Pipe()
                # the child inherits our ends of the pipes too: it closes them, so that it
                # reads the end of its pipe when we are gone, however we ended
                parents = [ours, *(connection for _, connection in started)]
                process = context.Process(
                    target=_work,
                    args=(theirs, parents, files, run, render_block, send_findings, cpu),
                    daemon=True,
                )
                process.start()
                theirs.close()
                started.append((process, ours))
            results = _converse(started, chunks, on_parsed, send_findings)
    finally:
        # every worker is told to stop before any is waited for: a second Ctrl-C (or
        # `timeout`, which signals the process and then its group) can interrupt the waits
        for process, connection in started:
            connection.close()
            if process.is_alive():
                process.terminate()
        for process, _ in started:
            process.join()
    run_groups = wire.by_file(sorted(run_findings, key=lambda finding: finding.sort_key))
    own: Part = (wire.heads(run_groups, render_block), run_groups)
    findings, blocks = wire.merge([own, *(result[0] for result in results)], render_block)
    return LintResult(
        findings=findings,
        files=sum(result[2] for result in results),
        objects=sum(result[3] for result in results),
        rules=list(run.rules_by_id.values()),
        suppressed=sum(result[1] for result in results),
        blocks=blocks,
    )


def _names_repeat(files: Sequence[Source], run_findings: Sequence[Any]) -> bool:
    """Could two processes have findings in files of one name? A worker's findings are in
    the files it read (named by their source); the parent's, in its run findings' files."""
    names = [source if isinstance(source, str) else source[0] for source in files]
    names += {finding.location.file for finding in run_findings}
    return len(set(names)) < len(names)


def worker_cpus(workers: int) -> list[int | None]:
    """The CPU each of `workers` workers is bound to: when there are as many workers as CPUs
    this process may use, one each; otherwise none (None), so that the kernel puts them on
    whichever CPUs are idle. Bound, a worker is never moved to a CPU another process keeps
    busy (and loses no caches to a move): on two vCPUs with a busy loop beside the run,
    `--jobs` took 6-15% less time; idle, the same time within the VM's noise."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # no CPU affinity here (macOS)
        return [None] * workers
    if len(allowed) != workers or not hasattr(os, "sched_setaffinity"):
        return [None] * workers
    return list(allowed)


def _converse(
    workers: list[tuple[Any, Any]],
    chunks: Iterator[list[int]],
    on_parsed: OnParsed | None,
    send_findings: bool = True,
) -> list[Any]:
    """Hand out the chunks of files (each worker holds CHUNKS_AHEAD; an empty one means no
    more), report progress, hand each worker the others' bodies once all have sent theirs,
    and collect the results ((heads, findings blob or None), suppressed, files, objects) in
    the order of `workers`."""
    from multiprocessing.connection import wait

    queue = iter(chunks)
    index_of = {connection: index for index, (_, connection) in enumerate(workers)}
    drained: set[int] = set()  # workers sent the empty chunk

    def feed(index: int) -> None:
        if index in drained:
            return
        chunk = next(queue, [])
        try:
            workers[index][1].send(chunk)
        except OSError:  # the worker is gone: reading from it reports that
            chunk = []
        if not chunk:
            drained.add(index)

    for index in range(len(workers)):
        for _ in range(CHUNKS_AHEAD):
            feed(index)
    bodies: dict[int, bytes] = {}
    results: dict[int, Any] = {}
    while len(results) < len(workers):
        for connection in wait([c for c, i in index_of.items() if i not in results]):
            index = index_of[connection]
            try:
                tag, value = connection.recv()
                if tag == "bodies":
                    bodies[index] = connection.recv_bytes()
                elif tag == "done":
                    head = wire.unpack(connection.recv_bytes())
                    # made into findings only when read
                    blob = connection.recv_bytes() if send_findings else None
            except (EOFError, OSError):  # the pipe closed: the worker ended
                process = workers[index][0]
                process.join()
                raise WorkerError(
                    f"lint worker {index + 1} stopped unexpectedly (exit code {process.exitcode})"
                ) from None
            if tag == "parsed":
                feed(index)
                if on_parsed is not None:
                    on_parsed(value)
            elif tag == "bodies" and len(bodies) == len(workers):
                for receiver, (_, other) in enumerate(workers):
                    others = [blob for sender, blob in sorted(bodies.items()) if sender != receiver]
                    _hand_over(other, others)
                bodies.clear()
            elif tag == "done":
                results[index] = ((head, blob), *value)
            elif tag == "error":  # one line; --debug shows the worker's traceback too
                error = WorkerError(f"lint worker {index + 1} failed: {value.splitlines()[-1]}")
                error.add_note(f"The worker's traceback:\n{value}")
                raise error
    return [results[index] for index in range(len(workers))]


def _hand_over(connection: Any, blobs: list[bytes]) -> Any:
    """Send `blobs` to a worker from a thread (returned): the worker reads them only when it
    needs them, and the other workers must not wait for that. A worker whose rules read no
    other object never reads them: the run ends, and the parent closes the pipe, while this
    thread may still be writing."""
    import threading

    def send() -> None:
        try:
            connection.send(len(blobs))
            for blob in blobs:
                connection.send_bytes(blob)
        # the worker is gone (the main loop reports it), or finished without reading and the
        # pipe was closed under this thread (its handle is then None: TypeError)
        except (OSError, TypeError, ValueError):
            pass

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


# -- a worker -----------------------------------------------------------------------------------


def _work(
    connection: Any,
    parents: Sequence[Any],
    files: Sequence[Source],
    run: Run,
    render_block: RenderBlock | None,
    send_findings: bool = True,
    cpu: int | None = None,
) -> None:
    """A worker's life (see the module's docstring). `parents`: the parent's ends of the
    pipes, inherited at the fork; closed here, so that when the parent is gone (killed,
    interrupted twice) reading from `connection` ends the worker instead of waiting forever.
    `send_findings`: send the findings too, not only each file's head. `cpu`: the CPU to run
    on (see `worker_cpus`), or None."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent stops the workers
    if cpu is not None:
        with suppress(OSError):  # a CPU taken away meanwhile: run wherever the kernel says
            os.sched_setaffinity(0, {cpu})
    for end in parents:
        end.close()
    try:
        with quiet_gc():  # also while sending: a full collection of this heap is slow
            (head, blob, *counts), _parsed = _lint_chunks(
                connection, files, run, render_block, send_findings
            )
            connection.send(("done", counts))
            connection.send_bytes(wire.pack(head))
            if blob is not None:
                connection.send_bytes(blob)
    except BaseException:  # reported to the parent, which raises WorkerError
        import traceback

        with suppress(OSError):  # the parent is gone: nobody to tell
            connection.send(("error", traceback.format_exc()))
    connection.close()
    # End here, with what was parsed still referenced: freeing it object by object would
    # take a tenth of a second, and the parent waits for the workers to end.
    os._exit(0)


def _lint_chunks(
    connection: Any,
    files: Sequence[Source],
    run: Run,
    render_block: RenderBlock | None = None,
    send_findings: bool = True,
) -> tuple[tuple[Any, bytes | None, int, int, int], Sequence[Any]]:
    """(the worker's result, every object of the run: for the caller to keep alive)."""
    from kconv.model.k8s import K8sObject
    from kconv.model.location import PositionIndex, pos_node

    own = run.manifests
    by_file: dict[int, list[K8sObject]] = {}
    while chunk := connection.recv():
        first = len(own.objects)
        for index in chunk:
            start_of_file = len(own.objects)
            load_source(own, files[index])
            by_file[index] = own.objects[start_of_file:]
        connection.send(("parsed", len(chunk)))  # the parent sends the next chunk meanwhile
        # check what was just parsed: rules that read only their object run chunk by chunk,
        # so a worker that gets more chunks (a faster CPU) checks more too
        run.check_local(own.objects[first:])
    bodies = [
        (index, [(tuple(obj.location()), obj.document_index, obj.body) for obj in objects])
        for index, objects in by_file.items()
        if objects
    ]
    connection.send(("bodies", None))
    connection.send_bytes(wire.pack(bodies))
    del bodies

    def receive() -> list[K8sObject]:
        for _ in range(connection.recv()):
            for index, items in wire.unpack(connection.recv_bytes()):
                by_file[index] = [
                    K8sObject(body, file, PositionIndex(file, pos_node(line, column), body), number)
                    for (file, line, column), number, body in items
                ]
        return [obj for index in sorted(by_file) for obj in by_file[index]]

    everything = _Arriving(receive)
    run.context.objects = everything
    result = run.finish()
    groups = wire.by_file(result.findings)
    head = wire.heads(groups, render_block)
    blob = wire.encode(groups) if send_findings else None
    return (head, blob, result.suppressed, result.files, result.objects), everything


class _Arriving(Sequence[Any]):
    """Every object of the run, fetched when a cross-object rule first asks for it: a run
    whose rules read only their own objects never reads the other workers' bodies."""

    def __init__(self, fetch: Callable[[], list[Any]]) -> None:
        self._fetch = fetch
        self._items: list[Any] | None = None

    def _all(self) -> list[Any]:
        if self._items is None:
            self._items = self._fetch()
        return self._items

    def __getitem__(self, index: Any) -> Any:
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[Any]:
        return iter(self._all())
