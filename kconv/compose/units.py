"""Compose durations and byte sizes.

Durations follow Go's `time.ParseDuration`, which compose-go uses: one or more
`<number><unit>` parts (`1m30s`, `1.5s`, `500ms`), units `ns us µs ms s m h` (case-sensitive),
an optional leading `+`; the result is in seconds, exact to the nanosecond. Unlike compose-go,
a bare number (`10`, `"10"`, `2.5`) is accepted as seconds (compose-go accepts only `0`), and
negative durations are rejected (Go accepts them; no compose field has a use for them).

Byte sizes follow docker's `go-units.RAMInBytes`, which compose-go uses: a number (a fraction
is allowed), an optional space, then an optional unit `b k kb kib m mb mib g gb gib t tb p pb`
(case-insensitive), all 1024-based; a fractional result is truncated. An integer value is
taken as bytes as is, negative included (`memswap_limit: -1` means unlimited).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal, InvalidOperation

from kconv.errors import InputError
from kconv.model.location import Location

_NANOSECONDS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,  # U+00B5 micro sign
    "μs": 1_000,  # U+03BC greek small letter mu
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)?", re.ASCII)
_MAX_NANOSECONDS = 2**63 - 1  # Go's time.Duration range (about 292 years)
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_BYTES = re.compile(r"([0-9]+(?:\.[0-9]+)?) ?(?:([kmgtp])i?)?b?", re.ASCII | re.IGNORECASE)
_BYTE_FACTORS = {"k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4, "p": 1024**5}


def parse_duration(value: str | int | float, location: Location | None = None) -> float:
    """Seconds in a compose duration (`"1m30s"` -> 90.0, `10` -> 10.0)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InputError(f"expected a duration such as '30s', got {_describe(value)}", location)
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise InputError(f"invalid duration {value!r}: must be a finite number >= 0", location)
        return _checked(float(value), value, location)
    text = value.removeprefix("+")
    if _NUMBER.fullmatch(text):
        return _checked(float(text), value, location)
    if text.startswith("-"):
        raise InputError(f"invalid duration {value!r}: must not be negative", location)
    nanoseconds = Decimal(0)
    position = 0
    while position < len(text):
        match = _DURATION_PART.match(text, position)
        number, unit = match.group(1), match.group(2)  # type: ignore[union-attr]
        if not _NUMBER.fullmatch(number) or unit is None:
            raise InputError(
                f"invalid duration {value!r}: expected parts like 1h, 30m, 10s, 500ms, 2us",
                location,
            )
        nanoseconds += Decimal(number) * _NANOSECONDS[unit]
        position = match.end()  # type: ignore[union-attr]
    if not text:
        raise InputError("invalid duration '': it is empty", location)
    if nanoseconds > _MAX_NANOSECONDS:
        raise InputError(f"invalid duration {value!r}: too large", location)
    return int(nanoseconds) / 1e9


def _checked(seconds: float, value: object, location: Location | None) -> float:
    if not math.isfinite(seconds) or seconds * 1e9 > _MAX_NANOSECONDS:
        raise InputError(f"invalid duration {value!r}: too large", location)
    return seconds


def parse_bytes(value: str | int, location: Location | None = None) -> int:
    """Bytes in a compose size (`"512m"` -> 536870912, `2048` -> 2048)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InputError(f"expected a byte size such as '512m', got {_describe(value)}", location)
    if isinstance(value, int):
        return value
    match = _BYTES.fullmatch(value)
    if match is None:
        raise InputError(
            f"invalid byte size {value!r}: expected a number with an optional unit"
            " b, k, kb, m, mb, g, gb (1024-based)",
            location,
        )
    try:
        amount = Decimal(match.group(1))
    except InvalidOperation:  # pragma: no cover - the pattern only admits decimals
        raise InputError(f"invalid byte size {value!r}", location) from None
    factor = _BYTE_FACTORS.get((match.group(2) or "").lower(), 1)
    return int(amount * factor)


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"
