"""Time kconv on hostile input against the 5-second target: the cases of tests/test_bad_input.py.

    python bench/bad_input.py

Each static file of fixtures/bad/ and each generated case (a 50 MB scalar, 10,000-deep nesting,
many documents, ...) is run through `kconv lint`, `kconv config -f` and `kconv convert -f`
in a subprocess, as the tests run them; the tests only guard against hangs (60 s). Prints each
command's wall time and peak memory, and pass or MISS against 5 s. Needs the test dependencies
(the cases live in the test module).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 5.0

sys.path.insert(0, str(ROOT / "tests"))
from test_bad_input import BAD, GENERATED, STATIC_FILES, run_measured  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="kconv-bad-") as scratch:
        cases = [(name, BAD / name) for name in STATIC_FILES]
        cases += [(name, make(Path(scratch))) for name, (make, _) in sorted(GENERATED.items())]
        slowest = 0.0
        print(f"kconv on hostile input: {len(cases)} cases, target {TARGET_SECONDS:.0f} s each")
        for name, path in cases:
            for command in (["lint"], ["config", "-f"], ["convert", "-f"]):
                run = run_measured(*command, str(path))
                slowest = max(slowest, run.seconds)
                verdict = "pass" if run.seconds <= TARGET_SECONDS else "MISS"
                print(
                    f"  {name:<32} {command[0]:<8} {run.seconds:6.2f} s "
                    f"{run.max_rss_kb // 1024:5d} MB  exit {run.code}  {verdict}"
                )
        print(f"slowest: {slowest:.2f} s (target <= {TARGET_SECONDS:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
