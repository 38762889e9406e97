"""Keep manifest text from controlling a terminal or splitting a line-based report.

Messages quote manifest values and file names verbatim, so they may hold line breaks and
terminal escape sequences. The line-based formats (`text`, `github`) write every character
that is not printable (control characters C0, DEL and C1, line and paragraph separators, format
characters such as bidirectional overrides, lone surrogates) as Python's `repr` writes it:
`\\n`, `\\x1b`, `\\u2028`, as KC006 quotes a token. Backslashes are left as they are.
"""

from __future__ import annotations


def _escape(char: str) -> str:
    return char if char.isprintable() else repr(char)[1:-1]


def escape(text: str) -> str:
    """`text` with every character that is not printable escaped (`\\n`, `\\x1b`, ...); callers
    that are hot check `text.isprintable()` first."""
    return "".join([_escape(char) for char in text])


def printable(text: str) -> str:
    """`text` as it is when printable (nearly always: one C-level scan), else `escape(text)`."""
    return text if text.isprintable() else escape(text)
