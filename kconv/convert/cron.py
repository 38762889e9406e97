"""CronJob schedules: the shapes Kubernetes accepts (five cron fields, or a macro)."""

from __future__ import annotations

import re

MACROS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_EVERY = re.compile(r"^@every (?:\d*\.?\d+(?:ns|us|µs|ms|s|m|h))+$")  # a Go duration
_ITEM = re.compile(r"^(?:[*?]|([a-z0-9]+)(?:-([a-z0-9]+))?)(?:/([0-9]+))?$")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# (name, lowest, highest, names of the values from `lowest` on)
_FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 6, _DAYS),
)
HINT = (
    'five fields "minute hour day-of-month month day-of-week" such as "0 3 * * *", '
    "or @hourly, @daily, @weekly, @monthly or @yearly"
)


def schedule_problem(schedule: str) -> str | None:
    """Why `schedule` is not a CronJob schedule Kubernetes accepts, or None when it is one."""
    if schedule.startswith("@"):  # case-sensitive, as Kubernetes' cron parser reads them
        if schedule in MACROS or _EVERY.match(schedule):
            return None
        return f"unknown macro {schedule.split()[0]!r}"
    fields = schedule.split()
    if len(fields) != len(_FIELDS):
        return f"it has {len(fields)} fields, not 5"
    for field, (name, lowest, highest, names) in zip(fields, _FIELDS, strict=True):
        for item in field.split(","):
            if not _item_ok(item.lower(), lowest, highest, names):
                return f"{name} field {field!r} is not valid ({lowest}-{highest})"
    return None


def _item_ok(item: str, lowest: int, highest: int, names: tuple[str, ...]) -> bool:
    """One comma-separated item: `*`, `?`, `N`, `N-M` or a name, with an optional `/STEP`."""
    match = _ITEM.match(item)
    if not match:
        return False
    start, end, step = match.groups()
    if step is not None and int(step) == 0:
        return False
    bounds = [_value(part, lowest, names) for part in (start, end) if part is not None]
    if not all(lowest <= value <= highest for value in bounds):
        return False
    return bounds == sorted(bounds)  # a range runs upwards


def _value(text: str, lowest: int, names: tuple[str, ...]) -> int:
    """A field value written as a number or a name (-1 when it is neither)."""
    if text.isdigit():
        return int(text)
    return names.index(text) + lowest if text in names else -1
