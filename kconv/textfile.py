"""Writing text out: atomically to files, in slices to any stream.

A file is written into a temporary file beside it and renamed into place, so a write that
fails (a full disk, a killed process) leaves the previous file, or none, never half of one.
Large texts (a report of 10,000 manifests is about 9 MB) are written in 1 MB slices: encoding
one at once would hold a second, encoded copy of it in memory.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable

SLICE = 1 << 20
# How text that UTF-8 cannot encode is written. Only what comes from the operating system
# brings such text: a file name or an environment value that is not UTF-8, whose bytes
# Python decodes to lone surrogates. They are written as `\udcff` escapes, so that reports
# are valid UTF-8 and the same bytes in every locale (a strict UTF-8 stdout failed; the C
# locale's surrogateescape wrote the raw bytes).
ERRORS = "backslashreplace"


def write_slices(write: Callable[[str], object], text: str) -> None:
    """Pass `text` to `write` in slices of at most SLICE characters."""
    for start in range(0, len(text), SLICE):
        write(text[start : start + SLICE])


def write_atomically(path: str, text: str) -> None:
    """Replace the file at `path` by `text` (UTF-8, `\\n` line ends) in one step; OSError on
    failure, with the temporary file removed.

    Only a regular file (or a new one) is replaced that way. Anything else at `path` is
    written through, in place, as a shell's `>` would: a symlink (it stays, and the file it
    points to gets the text), `/dev/null`, `/dev/stdout`, a FIFO. Renaming a file over them
    would destroy them: as root, `-o /dev/null` turned /dev/null into a regular file. (A
    symlink may lead anywhere: `/dev/stdout` leads to whatever stdout is.)
    """
    import stat
    import tempfile  # not at module level: it costs 5 ms, and most runs write no file

    try:
        regular = stat.S_ISREG(os.lstat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError):
        regular = True  # a new file
    if not regular:
        if os.path.isdir(path):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", path)
        with open(path, "w", encoding="utf-8", errors=ERRORS, newline="\n") as stream:
            write_slices(stream.write, text)
        return
    directory = os.path.dirname(path) or "."
    mode = _mode_for(path)
    handle, temporary = tempfile.mkstemp(prefix=".kconv-", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors=ERRORS, newline="\n") as stream:
            write_slices(stream.write, text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _mode_for(path: str) -> int:
    """The permissions `path` should end with: those of the file it replaces, else what
    `open()` would give a new file (0o666 less the umask; mkstemp's own are 0o600)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
