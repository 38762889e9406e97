"""`--shard i/n`: split a file list deterministically for CI matrices.

A file's shard depends only on its own path (relative to a base directory, with `/`
separators), through a stable hash: adding or removing a file never moves the others, and
every machine of a CI matrix computes the same split. Stdin (`-`) always belongs to shard 1.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

_SPEC = re.compile(r"^\s*([0-9]+)\s*/\s*([0-9]+)\s*$")
PARTIAL_NOTE = (
    "kconv: note: --shard {spec} lints {files} of {total} files; cross-object rules saw a "
    "partial set and do not report missing objects (run without --shard, e.g. the "
    "kconv-lint-all hook, to check them)"
)


@dataclass(frozen=True)
class Shard:
    """Shard `index` (1-based) of `count`."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, path: str, base: str | None = None) -> bool:
        """Does this shard lint `path`?"""
        if path == "-":
            return self.index == 1
        return shard_of(path, self.count, base) == self.index

    def select(self, paths: Sequence[str], base: str | None = None) -> list[str]:
        """The paths of this shard, in their given order."""
        return [path for path in paths if self.owns(path, base)]


def parse_shard(text: str) -> Shard:
    """Parse `i/n` (1 <= i <= n); raise ValueError with a readable reason otherwise."""
    match = _SPEC.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not of the form i/n, e.g. 1/4")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1:
        raise ValueError(f"{text!r}: the number of shards must be at least 1")
    if not 1 <= index <= count:
        raise ValueError(f"{text!r}: the shard number must be between 1 and {count}")
    return Shard(index, count)


def shard_key(path: str, base: str | None = None) -> str:
    """The stable name of `path` that decides its shard: relative to `base` (default: the
    current directory), normalised, with `/` separators."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(base or os.getcwd()))
    return os.path.normpath(relative).replace(os.sep, "/")


def shard_of(path: str, count: int, base: str | None = None) -> int:
    """The 1-based shard of `path` among `count` shards."""
    digest = hashlib.sha256(shard_key(path, base).encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1
