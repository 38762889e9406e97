"""Why a name/value pair counts as a literal secret, on top of `kconv.secrets` recognition.

A secret-looking *name* alone is not enough when the value cannot be a secret: an empty value,
a boolean flag (`ALLOW_EMPTY_PASSWORD: "yes"`), a pure `$(VAR)` reference that Kubernetes
expands from another variable, or a `${VAR}` placeholder filled in before the manifest is
applied.
"""

from __future__ import annotations

import re

from kconv.secrets import is_secret_name, looks_like_secret_value

_FLAG_VALUES = frozenset({"true", "false", "yes", "no", "on", "off", "0", "1", "y", "n"})
# `$(VAR)` (Kubernetes expands it) and `${VAR}` (a placeholder that envsubst, Helm or the
# application fills in) hold no secret themselves
_ONLY_REFERENCES = re.compile(
    r"^(?:\$\([A-Za-z_][A-Za-z0-9_.-]*\)|\$\{[A-Za-z_][A-Za-z0-9_.]*\})+$"
)


def secret_reason(name: str, value: object) -> str | None:
    """ "value" (credential-shaped), "name" (named like a secret), or None (not a secret)."""
    if value is None or isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    if looks_like_secret_value(value):
        return "value"
    text = str(value).strip()
    if not text or text.lower() in _FLAG_VALUES or _ONLY_REFERENCES.match(text):
        return None
    return "name" if is_secret_name(name) else None
