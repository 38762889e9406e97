"""Canonical Kubernetes quantities and durations from compose values."""

from __future__ import annotations

import math
import re

_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}
_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)
_DURATION_PART = re.compile(r"([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)")
_DURATION_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "ms": 1e-3,
    "s": 1,
    "m": 60,
    "h": 3600,
}


def memory(value: int) -> str:
    """Bytes as the largest exact binary unit: 536870912 -> 512Mi, 1500 -> 1500."""
    for suffix, factor in (("Ti", 1024**4), ("Gi", 1024**3), ("Mi", 1024**2), ("Ki", 1024)):
        if value >= factor and value % factor == 0:
            return f"{value // factor}{suffix}"
    return str(value)


def cpu(value: float) -> str:
    """CPUs as millicores or whole cores: 0.5 -> 500m, 2 -> 2, 0.0001 -> 1m."""
    millis = max(1, round(value * 1000))
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def parse_size(value: object) -> int | None:
    """Bytes from a compose size (`512m`, `1gb`, 1024); None when it cannot be read."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        match = _SIZE.match(value)
        if match:
            return int(float(match.group(1)) * _UNITS[match.group(2).lower()])
    return None


def parse_duration(value: object) -> float | None:
    """Seconds from a compose duration (`1m30s`, `10s`, 5); None when it cannot be read."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    total = 0.0
    position = 0
    for match in _DURATION_PART.finditer(text):
        if match.start() != position:
            return None
        total += float(match.group(1)) * _DURATION_SECONDS[match.group(2)]
        position = match.end()
    return total if position == len(text) else None


def seconds(value: float | None, minimum: int = 1) -> int | None:
    """Whole seconds for a probe or grace period field (rounded up, at least `minimum`)."""
    if value is None:
        return None
    return max(minimum, math.ceil(value))


def normalise_quantity(text: str) -> str | None:
    """A user-written size (`1Gi`, `500M`, `10g`) as a Kubernetes quantity, None if invalid."""
    text = str(text).strip()
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?(?:[KMGTPE]i?|[kmu]|e[0-9]+)?", text):
        return text
    size = parse_size(text)
    return memory(size) if size is not None else None
