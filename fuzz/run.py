"""Bounded fuzz target for kconv's YAML, manifest and compose loaders (and, optionally, lint).

    python fuzz/run.py --seconds 30            # hypothesis at scale, batches until time is up
    python fuzz/run.py --examples 200 --seed 1 # a fixed number of examples (CI smoke)
    python fuzz/run.py --engine atheris --seconds 30   # coverage-guided, if atheris is installed

The property: whatever the text, loading raises nothing but `kconv.errors.KconvError`, with a
location naming the file; `load_text` raises nothing at all (problems become LoadProblems); and
with `--lint`, linting what was loaded gives no internal-error (KC009) finding.
Exit code 0 when no failure was found, 1 with the failing input printed otherwise.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # run as a script from anywhere in a checkout
    sys.path.insert(0, str(HERE.parent))

FILENAME = "fuzz.yaml"
STDIN_DISPLAY = "<stdin>"
ENVIRON = {"X": "1"}


def _load_strategies() -> Any:
    spec = importlib.util.spec_from_file_location("kconv_fuzz_strategies", HERE / "strategies.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FuzzFailure(AssertionError):
    """A property of the loaders did not hold for one input."""


def check_yaml(text: str, limits: Any = None, yaml12: bool = False) -> None:
    """`kconv.yamlio.load_documents` raises only located KconvErrors."""
    from kconv import yamlio
    from kconv.errors import KconvError

    try:
        yamlio.load_documents(
            text,
            FILENAME,
            yaml12=yaml12,
            keep_tags=("!reset", "!override"),
            limits=limits or yamlio.DEFAULT_LIMITS,
        )
    except KconvError as exc:
        if exc.location is None or exc.location.file != FILENAME or not exc.message:
            raise FuzzFailure(f"load_documents: unlocated error {exc!r}") from exc


def check_manifests(text: str, lint: bool = False) -> None:
    """`kconv.manifests.load_text` never raises; with `lint`, no rule crashes (KC009)."""
    from kconv.manifests import ManifestSet, load_text

    result = ManifestSet()
    load_text(result, text, FILENAME)
    for problem in result.problems:
        if problem.location.file != FILENAME:
            raise FuzzFailure(f"load_text: problem in the wrong file: {problem!r}")
    if lint:
        from kconv.lint.engine import INTERNAL_ERROR_ID
        from kconv.lint.engine import lint as run_lint

        for finding in run_lint(result).findings:
            if finding.rule == INTERNAL_ERROR_ID:
                raise FuzzFailure(f"lint: {finding.message}")


def check_compose(text: str, working_dir: str) -> None:
    """`kconv.compose.loader.load_project` from standard input raises only located KconvErrors."""
    from kconv.compose.loader import load_project
    from kconv.errors import KconvError

    try:
        load_project(["-"], stdin_text=text, working_dir=working_dir, environ=dict(ENVIRON))
    except KconvError as exc:
        if exc.location is None or not exc.location.file or not exc.message:
            raise FuzzFailure(f"load_project: unlocated error {exc!r}") from exc


def check_all(text: str, working_dir: str, limits: Any = None, lint: bool = False) -> None:
    """Every property above for one text."""
    check_yaml(text, limits)
    check_yaml(text, limits, yaml12=True)
    check_manifests(text, lint)
    check_compose(text, working_dir)


def check_bytes(data: bytes, working_dir: str, lint: bool = False) -> None:
    """Raw bytes as kconv reads a file: decode (a KconvError for bad encodings), then load."""
    from kconv.errors import KconvError
    from kconv.yamlio import decode

    try:
        text = decode(data, FILENAME)
    except KconvError as exc:
        if exc.location is None:
            raise FuzzFailure(f"decode: unlocated error {exc!r}") from exc
        return
    check_all(text, working_dir, lint=lint)


def run_hypothesis(
    seconds: float | None, examples: int | None, seed: int | None, lint: bool, quiet: bool = False
) -> int:
    """Run batches of hypothesis examples until the time or example budget is spent."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from kconv.yamlio import Limits

    strategies = _load_strategies()
    limits = st.none() | st.builds(
        Limits, max_depth=st.integers(1, 64), max_nodes=st.integers(1, 2000)
    )
    texts = strategies.yaml_texts() | strategies.compose_texts()
    batch = 200 if examples is None else examples
    deadline = None if seconds is None else time.monotonic() + seconds
    total = 0
    with tempfile.TemporaryDirectory(prefix="kconv-fuzz-") as working_dir:

        @settings(
            max_examples=batch,
            deadline=None,
            database=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        )
        @given(text=texts, limit=limits)
        def target(text: str, limit: Any) -> None:
            check_all(text, working_dir, limit, lint)

        round_seed = seed
        while True:
            runner = target if round_seed is None else _seeded(target, round_seed)
            try:
                runner()
            except Exception as exc:
                print(f"fuzz: FAILED after about {total} examples: {exc}", file=sys.stderr)
                return 1
            total += batch
            if deadline is None or time.monotonic() >= deadline:
                break
            round_seed = None if round_seed is None else round_seed + 1
    if not quiet:
        print(f"fuzz: ok, {total} examples (hypothesis)")
    return 0


def _seeded(test: Any, seed: int) -> Any:
    from hypothesis import seed as hypothesis_seed

    return hypothesis_seed(seed)(test)


def run_atheris(seconds: float, lint: bool) -> int:  # pragma: no cover - needs atheris
    """Coverage-guided fuzzing of raw bytes (atheris stops with the failing input saved)."""
    import atheris

    with atheris.instrument_imports():
        import kconv.compose.loader
        import kconv.manifests
        import kconv.yamlio  # noqa: F401
    # libFuzzer exits without running atexit handlers: reuse one fixed, empty directory.
    working_dir = os.path.join(tempfile.gettempdir(), "kconv-fuzz-atheris")
    os.makedirs(working_dir, exist_ok=True)

    def one_input(data: bytes) -> None:
        check_bytes(data, working_dir, lint)

    atheris.Setup(
        [sys.argv[0], f"-max_total_time={max(1, int(seconds))}", "-rss_limit_mb=1024"],
        one_input,
    )
    atheris.Fuzz()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, help="time budget (default 30 without --examples)")
    parser.add_argument("--examples", type=int, help="number of examples (one batch)")
    parser.add_argument("--seed", type=int, help="hypothesis seed (reproducible run)")
    parser.add_argument("--lint", action="store_true", help="also lint what was loaded")
    parser.add_argument(
        "--engine",
        choices=("hypothesis", "atheris"),
        default="hypothesis",
        help="hypothesis (default; always available) or atheris (coverage-guided)",
    )
    args = parser.parse_args(argv)
    if args.seconds is None and args.examples is None:
        args.seconds = 30.0
    if args.engine == "atheris":
        try:
            import atheris  # noqa: F401
        except ImportError:
            print("fuzz: atheris is not installed (pip install atheris)", file=sys.stderr)
            return 2
        return run_atheris(args.seconds or 30.0, args.lint)
    os.environ.setdefault("NO_COLOR", "1")
    return run_hypothesis(args.seconds, args.examples, args.seed, args.lint)


if __name__ == "__main__":
    sys.exit(main())
