"""kconv benchmarks: generate deterministic corpora, time kconv on them, print the figures.

    python bench/run.py            # full run (10,000 manifests; a few minutes)
    python bench/run.py --quick    # 1,000 manifests, for a smoke test
    python bench/run.py --instructions  # also instruction counts (valgrind), steady figures

Each figure is printed with the machine's CPU count and, where issue #6 sets a target, whether
it passes or misses. Wall times are the median of --repeat runs; the C loader, the serial lint
and the parallel lint run in interleaved rounds, and their ratios are the median of the rounds'
ratios (the machine's speed drifts between rounds). Each round also runs the C loader over the
files split between one process per CPU, all at once: the speed-up that perfectly parallel work
gets on this machine at that time, the ceiling for `--jobs`; and a pure-Python loop, alone and
split the same way: the ceiling for CPU-bound Python that touches no memory. Peak memory is the
kconv process's own maximum resident set size (from wait4).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

IMAGES = [
    "nginx:1.27",
    "redis:7.2",
    "postgres:16",
    "example/api:2.3.1",
    "example/web:latest",
    "example/worker",
    "ghcr.io/acme/billing:1.0.4",
    "busybox:1.36",
]


def deployment(rng: random.Random, index: int) -> str:
    """One realistic Deployment (1-3 containers, some probes, resources, security contexts)."""
    name = f"app-{index}"
    containers = []
    for number in range(rng.choice([1, 1, 1, 2, 3])):
        lines = [
            f"        - name: c{number}",
            f"          image: {rng.choice(IMAGES)}",
            "          ports:",
            f"            - containerPort: {8000 + number}",
            "          env:",
            "            - name: LOG_LEVEL",
            "              value: info",
            f"            - name: SERVICE_NAME\n              value: {name}",
        ]
        if rng.random() < 0.5:
            lines += [
                "          resources:",
                "            requests: {cpu: 100m, memory: 128Mi}",
                "            limits: {cpu: 500m, memory: 256Mi}",
            ]
        if rng.random() < 0.33:
            lines += [
                "          readinessProbe:",
                f"            httpGet: {{path: /healthz, port: {8000 + number}}}",
                "          livenessProbe:",
                f"            tcpSocket: {{port: {8000 + number}}}",
            ]
        if rng.random() < 0.25:
            lines += [
                "          securityContext:",
                "            runAsNonRoot: true",
                "            allowPrivilegeEscalation: false",
                "            readOnlyRootFilesystem: true",
                "            capabilities: {drop: [ALL]}",
            ]
        containers.append("\n".join(lines))
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: team-{index % 7}
  labels:
    app.kubernetes.io/name: {name}
spec:
  replicas: {rng.choice([1, 2, 3])}
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      containers:
{chr(10).join(containers)}
"""


def service(index: int) -> str:
    name = f"app-{index}"
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: team-{index % 7}
spec:
  selector:
    app.kubernetes.io/name: {name}
  ports:
    - port: 80
      targetPort: 8000
"""


def configmap(index: int) -> str:
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: app-{index}-config
  namespace: team-{index % 7}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "a,b,c"
"""


def make_manifests(directory: Path, documents: int, seed: int = 42) -> list[Path]:
    """Write `documents` manifests, three per file (Deployment, Service, ConfigMap)."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    files = []
    for index in range((documents + 2) // 3):
        parts = [deployment(rng, index), service(index), configmap(index)]
        left = documents - index * 3
        path = directory / f"app-{index:05d}.yaml"
        path.write_text("---\n".join(parts[: min(3, left)]))
        files.append(path)
    return files


def make_compose(path: Path, services: int) -> Path:
    lines = ["name: bench", "services:"]
    for index in range(services):
        lines += [
            f"  svc{index}:",
            f"    image: example/svc{index}:1.{index % 10}",
            "    ports:",
            f'      - "{10000 + index}:8080"',
            "    environment:",
            "      LOG_LEVEL: info",
            f'      INDEX: "{index}"',
            "    healthcheck:",
            '      test: ["CMD", "curl", "-f", "http://localhost:8080/"]',
            "      interval: 10s",
            "    deploy:",
            "      resources:",
            "        limits: {cpus: '0.5', memory: 256M}",
        ]
        if index % 5 == 0:
            lines += ["    volumes:", f"      - data{index}:/data"]
    lines.append("volumes:")
    lines += [f"  data{index}: {{}}" for index in range(0, services, 5)]
    path.write_text("\n".join(lines) + "\n")
    return path


# as installed: pip writes bytecode at install time, so runs must not compile every module
# again (some environments set PYTHONDONTWRITEBYTECODE)
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run(command: Sequence[str], cwd: Path | None = None) -> tuple[float, int, int, float]:
    """Run a command; return (wall seconds, peak RSS in MB of the process, exit code, CPU
    seconds of the process and the workers it waited for)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=ENV
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    return wall, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status), cpu


def run_together(commands: Sequence[Sequence[str]]) -> float:
    """Start `commands` at once; return the wall seconds until the last one ends."""
    started = time.perf_counter()
    processes = [
        subprocess.Popen(list(c), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        for c in commands
    ]
    for process in processes:
        process.wait()
    return time.perf_counter() - started


def median_run(command: Sequence[str], repeat: int) -> tuple[float, int, int]:
    results = [run(command) for _ in range(repeat)]
    return (statistics.median(r[0] for r in results), max(r[1] for r in results), results[-1][2])


def instructions(command: Sequence[str]) -> list[int]:
    """Instructions each process of `command` executed, counted by valgrind's callgrind (the
    same count on every run, however busy the machine): the first process, then each forked
    child. A child's count includes its parent's count at the fork."""
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        check=False,
    )
    counts = [
        (int(line.split("==")[1]), int(line.rsplit(":", 1)[1]))
        for line in done.stderr.splitlines()
        if line.startswith("==") and "Collected :" in line
    ]
    return [count for _, count in sorted(counts)]


def print_instructions(kconv: list[str], paths: list[str]) -> None:
    """Instruction counts of the serial and parallel lint (a tenth of the corpus: callgrind
    runs about 50 times slower) and of linting one file, and the serial ratio to the C
    loader: deterministic figures to compare commits by, where wall times drift."""
    part = paths[: max(1, len(paths) // 10)]
    mega = 1_000_000
    (loader,) = instructions([sys.executable, "-c", C_LOADER_ONLY, *part])
    lint = [*kconv, "lint", "--format", "json", "-o", os.devnull]
    (serial,) = instructions([*lint, "--jobs", "1", *part])
    parent, *workers = instructions([*lint, "--jobs", "2", *part])
    (one,) = instructions([*kconv, "lint", paths[0]])
    print(f"  instructions (callgrind), {len(part):,} files, millions:")
    print(f"    PyYAML C loader only    {loader // mega:7,d}")
    print(f"    kconv lint (1 process)  {serial // mega:7,d}  {serial / loader:4.2f}x loader")
    if workers:
        shares = ", ".join(f"{count // mega:,d}" for count in workers)
        print(
            f"    kconv lint --jobs 2     parent {parent // mega:,d}, workers {shares} (each "
            f"with the parent's count at the fork); serial / slowest worker "
            f"{serial / max(workers):4.2f}x"
        )
    else:  # too little input for a second process (see kconv.lint.parallel.plan)
        print(f"    kconv lint --jobs 2     {parent // mega:7,d}  (one process: input too small)")
    print(f"    kconv lint one file     {one // mega:7,d}")


# a second probe of the machine: CPU-bound Python that touches almost no memory, in one process
# and split across one process per CPU (about 1 s of work on this VM); `-S`: no `.pth` hooks
PYTHON_LOOP = "total = 0\nfor step in range({}): total += step * step\n"
LOOP_STEPS = 6_000_000


def python_ceiling(cpus: int) -> float:
    """The speed-up of a pure-Python loop split across `cpus` processes against one process
    doing it all: what this machine gives Python work that needs no coordination and no
    memory, right now."""
    alone = run_together([[sys.executable, "-S", "-c", PYTHON_LOOP.format(LOOP_STEPS)]])
    share = [sys.executable, "-S", "-c", PYTHON_LOOP.format(LOOP_STEPS // cpus)]
    return alone / run_together([share] * cpus)


def load_note() -> str:
    """The load average: other processes on the machine distort wall times (and speed-ups)."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return ""
    busy = " (busy machine: wall times and speed-ups are pessimistic)" if load > 0.5 else ""
    return f", load average {load:.2f}{busy}"


C_LOADER_ONLY = """
import sys, yaml
for path in sys.argv[1:]:
    with open(path) as handle:
        for _ in yaml.load_all(handle.read(), Loader=yaml.CSafeLoader):
            pass
"""


def verdict(ok: bool, code: int = 0) -> str:
    """pass/MISS against a target; FAILED when the command itself failed (exit code 2)."""
    if code not in (0, 1):
        return f"FAILED: exit {code}"
    return "pass" if ok else "MISS"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 manifests instead of 10,000")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure (median)")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpora")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions with valgrind (steady figures on a noisy machine)",
    )
    options = parser.parse_args()
    documents = 1_000 if options.quick else 10_000
    kconv = [sys.executable, "-m", "kconv"]
    work = Path(tempfile.mkdtemp(prefix="kconv-bench-"))
    print(
        f"kconv benchmark: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, "
        f"corpus {documents:,} manifests, median of {options.repeat}{load_note()}"
    )
    try:
        files = make_manifests(work / "manifests", documents)
        paths = [str(p) for p in files]

        loader_only = [sys.executable, "-c", C_LOADER_ONLY, *paths]
        serial = [
            *kconv,
            "lint",
            "--jobs",
            "1",
            "--format",
            "json",
            "-o",
            os.devnull,
            str(work / "manifests"),
        ]
        parallel = [*kconv, "lint", "--format", "json", "-o", os.devnull, str(work / "manifests")]
        # interleaved (loader, serial, parallel) rounds: the machine's speed drifts, so each
        # ratio compares runs of the same round, and the median of the rounds is printed
        # the machine's own speed-up for perfectly parallel work: the C loader over the two
        # halves of the files in two processes at once (what --jobs can hope for at best)
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
        shares = [
            [sys.executable, "-c", C_LOADER_ONLY, *paths[index::cpus]] for index in range(cpus)
        ]
        rounds = []
        for _ in range(options.repeat):
            results = [run(command) for command in (loader_only, serial, parallel)]
            rounds.append([*results, run_together(shares), python_ceiling(cpus)])
        loader = statistics.median(r[0][0] for r in rounds)
        lint = statistics.median(r[1][0] for r in rounds)
        jobs = statistics.median(r[2][0] for r in rounds)
        ratio = statistics.median(r[1][0] / r[0][0] for r in rounds)
        # CPU time is steadier than wall time on a shared VM (for information)
        cpu_ratio = statistics.median(r[1][3] / r[0][3] for r in rounds)
        speedup = statistics.median(r[1][0] / r[2][0] for r in rounds)
        rss, jobs_rss = max(r[1][1] for r in rounds), max(r[2][1] for r in rounds)
        code, jobs_code = rounds[-1][1][2], rounds[-1][2][2]
        serial_cpu = statistics.median(r[1][3] for r in rounds)
        parallel_cpu = statistics.median(r[2][3] for r in rounds)
        print(f"  PyYAML C loader only      {loader:7.2f} s  {documents / loader:8.0f} docs/s")
        print(
            f"  kconv lint (1 process)    {lint:7.2f} s  {documents / lint:8.0f} docs/s  "
            f"{ratio:4.2f}x loader (target <= 1.5x: {verdict(ratio <= 1.5, code)}; "
            f"CPU time {cpu_ratio:4.2f}x)"
        )
        print(f"  peak memory               {rss:7d} MB (target <= 150 MB: {verdict(rss <= 150)})")
        print(
            f"  kconv lint --jobs default {jobs:7.2f} s  speed-up {speedup:4.2f}x "
            f"(target >= 1.7x on 2 cores: {verdict(speedup >= 1.7, jobs_code)})"
        )
        rounds_text = ", ".join(f"{r[1][0] / r[2][0]:.2f}x" for r in rounds)
        print(f"  speed-up of each round    {rounds_text}")
        capacity = statistics.median(r[0][0] / r[3] for r in rounds)
        capacity_text = ", ".join(f"{r[0][0] / r[3]:.2f}x" for r in rounds)
        label = f"C loader in {cpus} processes"
        print(
            f"  {label:<26}{' ' * 11}speed-up {capacity:4.2f}x (each round: "
            f"{capacity_text}; the machine's own, for work that needs no coordination)"
        )
        loop = statistics.median(r[4] for r in rounds)
        loop_text = ", ".join(f"{r[4]:.2f}x" for r in rounds)
        label = f"Python loop in {cpus} processes"
        print(
            f"  {label:<26}{' ' * 11}speed-up {loop:4.2f}x (each round: {loop_text}; "
            "CPU-bound Python with no memory traffic)"
        )
        # kconv's speed-up as a share of the machine's in the same round: steadier than either
        # on a VM whose CPUs change speed (for information; the target is the speed-up itself)
        share = statistics.median((r[1][0] / r[2][0]) / (r[0][0] / r[3]) for r in rounds)
        print(
            f"  {'--jobs / C loader speed-up':<26}{share:7.2f}   (median of the rounds' "
            "ratios; for information)"
        )
        print(
            f"  CPU time, all processes   {serial_cpu:7.2f} s with --jobs 1, {parallel_cpu:.2f} s "
            f"with workers ({parallel_cpu / serial_cpu:4.2f}x: the cost of parallelism); "
            f"peak memory {jobs_rss} MB"
        )

        bare, _, _ = median_run([sys.executable, "-c", "pass"], max(options.repeat, 5))
        print(f"  python -c pass            {bare * 1000:7.0f} ms (the interpreter's own start-up)")
        version, _, _ = median_run([*kconv, "--version"], max(options.repeat, 5))
        print(
            f"  kconv --version           {version * 1000:7.0f} ms (target <= 150 ms: "
            f"{verdict(version <= 0.150)})"
        )
        small, _, small_code = median_run([*kconv, "lint", paths[0]], max(options.repeat, 5))
        print(
            f"  kconv lint one file       {small * 1000:7.0f} ms (target <= 150 ms: "
            f"{verdict(small <= 0.150, small_code)})"
        )
        # The same without the `.pth` files that `site` executes at every start (here a
        # sandbox hook imports certifi): the interpreter with this sys.path and nothing else.
        no_hooks = (
            f"import sys; sys.path[:] = {[entry for entry in sys.path if entry]!r}; "
            f"sys.argv[1:] = ['lint', {paths[0]!r}]; from kconv.cli import run; run()"
        )
        runs = max(options.repeat, 5)
        bare_small, _, _ = median_run([sys.executable, "-S", "-c", no_hooks], runs)
        bare_pass, _, _ = median_run([sys.executable, "-S", "-c", "pass"], runs)
        print(
            f"  ... without .pth hooks    {bare_small * 1000:7.0f} ms (python -S -c pass "
            f"{bare_pass * 1000:.0f} ms; for information)"
        )

        compose = make_compose(work / "compose.yaml", 200)
        convert, _, code = median_run(
            [*kconv, "convert", "--no-lint", "-f", str(compose)], options.repeat
        )
        print(
            f"  kconv convert 200 services {convert:6.2f} s (target < 1 s: "
            f"{verdict(convert < 1, code)})"
        )

        if options.instructions:
            if shutil.which("valgrind"):
                print_instructions(kconv, paths)
            else:
                print("  valgrind not installed: instruction counts skipped")

        validator = shutil.which("kubernetes-validate")
        if validator:
            subset = paths[: (1000 + 2) // 3]
            kv, _, _ = median_run([validator, "--quiet", *subset], 1)
            ours, _, _ = median_run(
                [*kconv, "lint", "--jobs", "1", "--format", "json", "-o", os.devnull, *subset],
                options.repeat,
            )
            print(
                f"  kubernetes-validate 1,000 docs {kv:6.2f} s vs kconv lint {ours:5.2f} s "
                f"({kv / ours:5.1f}x faster)"
            )
        else:
            print("  kubernetes-validate CLI not installed: comparison skipped")
    finally:
        if options.keep:
            print(f"corpora kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
