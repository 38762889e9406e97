"""Compose durations (Go time.ParseDuration) and byte sizes (docker go-units RAMInBytes)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kconv.compose.units import parse_bytes, parse_duration
from kconv.errors import InputError
from kconv.model.location import Location

WHERE = Location("compose.yaml", 9, 7)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("10s", 10.0),
        ("1m30s", 90.0),
        ("1h", 3600.0),
        ("1h30m", 5400.0),
        ("1h2m3s", 3723.0),
        ("500ms", 0.5),
        ("1.5s", 1.5),
        ("1.5h", 5400.0),
        (".5s", 0.5),
        ("5.s", 5.0),
        ("2us", 0.000002),
        ("2µs", 0.000002),
        ("2μs", 0.000002),
        ("300ns", 0.0000003),
        ("0s", 0.0),
        ("0", 0.0),
        ("+5s", 5.0),
        ("1s500ms", 1.5),
        ("1m1m", 120.0),
        ("0.000000001s", 0.000000001),
        # a bare number is seconds (compose-go only accepts "0")
        ("10", 10.0),
        ("2.5", 2.5),
        (10, 10.0),
        (0, 0.0),
        (2.5, 2.5),
    ],
)
def test_durations(value: str | int | float, seconds: float) -> None:
    result = parse_duration(value, WHERE)
    assert isinstance(result, float)
    assert result == pytest.approx(seconds, rel=1e-12, abs=1e-15)


def test_duration_is_exact_to_the_nanosecond() -> None:
    assert parse_duration("1.0000000019s") == 1.000000001  # Go truncates below 1ns
    assert parse_duration("106751h") == 106751 * 3600.0


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "it is empty"),
        ("s", "expected parts like"),
        ("1", None),  # valid: bare number
        ("1x", "expected parts like"),
        ("1S", "expected parts like"),
        ("1M", "expected parts like"),
        ("1d", "expected parts like"),
        ("1m30", "expected parts like"),
        ("1.2.3s", "expected parts like"),
        (".s", "expected parts like"),
        (" 1s", "expected parts like"),
        ("1s ", "expected parts like"),
        ("1 s", "expected parts like"),
        ("ten seconds", "expected parts like"),
        ("-1s", "must not be negative"),
        ("-5", "must not be negative"),
        ("9" * 30 + "h", "too large"),
        ("9" * 400, "too large"),
        (-1, "finite number >= 0"),
        (float("inf"), "finite number >= 0"),
        (float("nan"), "finite number >= 0"),
        (1e300, "too large"),
        (True, "got a boolean"),
        (None, "got null"),
        ([1], "got a list"),
    ],
)
def test_invalid_durations(value: object, fragment: str | None) -> None:
    if fragment is None:
        assert parse_duration(value) == 1.0  # type: ignore[arg-type]
        return
    with pytest.raises(InputError) as caught:
        parse_duration(value, WHERE)  # type: ignore[arg-type]
    assert fragment in caught.value.message
    assert caught.value.location == WHERE


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ("512m", 512 * 1024**2),
        ("512M", 512 * 1024**2),
        ("512mb", 512 * 1024**2),
        ("512MB", 512 * 1024**2),
        ("512MiB", 512 * 1024**2),
        ("1g", 1024**3),
        ("1gb", 1024**3),
        ("1G", 1024**3),
        ("100k", 100 * 1024),
        ("100kb", 100 * 1024),
        ("100KB", 100 * 1024),
        ("100K", 100 * 1024),
        ("1t", 1024**4),
        ("1p", 1024**5),
        ("2048", 2048),
        ("2048b", 2048),
        ("2048B", 2048),
        ("1.5g", 1610612736),
        ("0.5k", 512),
        ("1.1k", 1126),  # truncated like go-units
        ("1 kb", 1024),
        ("0", 0),
        (2048, 2048),
        (0, 0),
        (-1, -1),  # integers are taken as is (memswap_limit: -1 is "unlimited")
    ],
)
def test_byte_sizes(value: str | int, size: int) -> None:
    result = parse_bytes(value, WHERE)
    assert isinstance(result, int) and not isinstance(result, bool)
    assert result == size


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "invalid byte size ''"),
        ("m", "invalid byte size 'm'"),
        ("1x", "invalid byte size '1x'"),
        ("1.2.3m", "invalid byte size"),
        ("-1m", "invalid byte size"),
        ("1e3", "invalid byte size"),
        ("1ib", "invalid byte size"),
        ("1  m", "invalid byte size"),
        (".5m", "invalid byte size"),
        ("1.m", "invalid byte size"),
        ("1kbb", "invalid byte size"),
        (" 1m", "invalid byte size"),
        (1.5, "got a float"),
        (True, "got a boolean"),
        (None, "got null"),
    ],
)
def test_invalid_byte_sizes(value: object, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_bytes(value, WHERE)  # type: ignore[arg-type]
    assert fragment in caught.value.message
    assert caught.value.location == WHERE


def test_error_messages_name_the_location() -> None:
    with pytest.raises(InputError) as caught:
        parse_bytes("lots", WHERE)
    assert str(caught.value).startswith("compose.yaml:9:7: invalid byte size 'lots'")


@given(st.text(max_size=30))
def test_random_durations_raise_only_input_error(text: str) -> None:
    try:
        result = parse_duration(text)
    except InputError:
        return
    assert result >= 0.0


@given(st.text(max_size=30))
def test_random_sizes_raise_only_input_error(text: str) -> None:
    try:
        result = parse_bytes(text)
    except InputError:
        return
    assert result >= 0


@given(st.integers(0, 1000), st.integers(0, 59), st.integers(0, 59), st.integers(0, 999))
def test_composed_durations_add_up(hours: int, minutes: int, seconds: int, millis: int) -> None:
    text = f"{hours}h{minutes}m{seconds}s{millis}ms"
    expected = hours * 3600 + minutes * 60 + seconds + millis / 1000
    assert parse_duration(text) == pytest.approx(expected, abs=1e-9)


@given(st.integers(0, 2**40), st.sampled_from(["", "b", "k", "kb", "m", "mb", "g", "gb"]))
def test_integer_sizes_scale_by_1024(amount: int, unit: str) -> None:
    factor = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit[:1]]
    assert parse_bytes(f"{amount}{unit}") == amount * factor
    assert parse_bytes(f"{amount}{unit.upper()}") == amount * factor
