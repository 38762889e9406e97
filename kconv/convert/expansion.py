"""Strings for the fields that Kubernetes expands: container `command`, `args` and `env` values.

The kubelet rewrites those fields before the container sees them: `$(NAME)` becomes the value
of the container's variable NAME (and stays as written when NAME is not defined), and every
`$$` becomes a single `$`; any other `$` is left alone. The compose model holds the exact text
the container must receive (compose's `$$` is already a single `$`; with `--no-interpolate`,
the text as written), so the converter writes it with the `$` signs Kubernetes would rewrite
doubled: a run of two or more `$`, and a `$` before `(`. `echo $HOME` stays as it is, `a$(b)`
becomes `a$$(b)` and `$$` becomes `$$$$`.
"""

from __future__ import annotations

import re

_REWRITTEN = re.compile(r"\${2,}|\$(?=\()")


def kubernetes_literal(text: str) -> str:
    """`text` written so that the kubelet's `$(VAR)` expansion hands it over unchanged."""
    return _REWRITTEN.sub(lambda match: match.group(0) * 2, text)
