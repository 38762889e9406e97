"""Secret recognition and redaction (kconv/secrets.py)."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kconv import secrets as secrets_module
from kconv.secrets import REDACTED, is_secret, is_secret_name, looks_like_secret_value, redact


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "POSTGRES_PASSWORD",
        "password",
        "dbPassword",
        "API_KEY",
        "apiKey",
        "STRIPE_SECRET_KEY",
        "GITHUB_TOKEN",
        "AUTH_TOKEN",
        "CLIENT_SECRET",
        "AWS_SECRET_ACCESS_KEY",
        "PRIVATE_KEY",
        "SMTP_PASS",
        "db.credentials",
        "JWT_SIGNING_KEY",
        "REDIS_PWD",
        "SENTRY_DSN",
    ],
)
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "PASSWORD_FILE",
        "DB_HOST",
        "PORT",
        "MONKEY",
        "KEYBOARD_LAYOUT",
        "CACHE_KEY_PREFIX",
        "TOKEN_URL",
        "SECRET_NAME",
        "AWS_ACCESS_KEY_ID",
        "LOG_LEVEL",
        "PASSWORD_MIN_LENGTH",
        "PUBLIC_KEY_PATH",
        "KEY",
        "SORT_KEY",
    ],
)
def test_not_secret_names(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(
    "value",
    [
        "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "AKIAIOSFODNN7EXAMPLE",
        "ghp_" + "a" * 36,
        "xoxb-1234567890-abcdefghij",
        "sk_live_" + "4" * 24,
        "AIza" + "B" * 35,
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "postgres://app:s3cr3t@db:5432/app",
    ],
)
def test_secret_values(value: str) -> None:
    assert looks_like_secret_value(value)


@pytest.mark.parametrize(
    "value",
    [
        "hello world",
        "postgres://db:5432/app",
        "https://example.com/a:b",
        "",
        None,
        42,
        "-----BEGIN CERTIFICATE-----",
    ],
)
def test_not_secret_values(value: object) -> None:
    assert not looks_like_secret_value(value)


def test_is_secret_combines_name_and_value() -> None:
    assert is_secret("DB_PASSWORD", "x")
    assert not is_secret("DB_PASSWORD", "")
    assert is_secret("SOMETHING", "AKIAIOSFODNN7EXAMPLE")
    assert not is_secret("GREETING", "hello")


def test_redact_replaces_every_occurrence_and_each_line_of_multiline_secrets() -> None:
    key = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----"
    text = "a hunter22 b hunter22\nline: MIIEvQIBADANBg\n"
    out = redact(text, ["hunter22", key])
    assert "hunter22" not in out
    assert "MIIEvQIBADANBg" not in out
    assert out.count(REDACTED) == 3


def test_redact_ignores_tiny_values() -> None:
    assert redact("a b c", ["a", ""]) == "a b c"


@pytest.mark.parametrize("filler", ["-", "x", "a:", "eyJ", "a://b:"])
def test_detection_is_linear_on_huge_values(filler: str) -> None:
    # A quadratic pattern would take minutes here (and hang `kconv lint` on a 50 MB scalar).
    assert not looks_like_secret_value(filler * 400_000)


# -- the shapes as written in kconv (literal first) find what the plain patterns find ----------

# The credential shapes in their plain form: a leading \b (or (?<!-)) before each literal.
_REFERENCE = re.compile(
    "|".join(
        f"(?:{pattern})"
        for pattern in (
            r"(?<!-)-{3,}\s*BEGIN\s+(?:[A-Z0-9]+\s+){0,4}PRIVATE KEY(?:\s+BLOCK)?\s*-{3,}",
            r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b",
            r"\bgh[pousr]_[A-Za-z0-9]{36,}\b",
            r"\bgithub_pat_[A-Za-z0-9_]{60,}\b",
            r"\bglpat-[A-Za-z0-9_\-]{20,}\b",
            r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b",
            r"\b(?:sk|rk)_live_[A-Za-z0-9]{20,}\b",
            r"\bAIza[0-9A-Za-z\-_]{35}\b",
            r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b",
            r"\bnpm_[A-Za-z0-9]{36}\b",
            r"\"type\"\s*:\s*\"service_account\".*\"private_key\"",
            r"(?<![A-Za-z0-9+.-])[a-z][a-z0-9+.-]{0,31}://[^/\s:@]+:[^/\s@]+@",
        )
    )
)


def _agree(value: str) -> None:
    """The one-pass search (short values) and the shape-by-shape one (long values) both find
    a credential exactly when the plain patterns do."""
    expected = _REFERENCE.search(value) is not None
    assert (secrets_module._any_secret_value().search(value) is not None) == expected, value
    assert secrets_module._has_shape_from_literals(value) == expected, value


_SHAPE_SAMPLES = [
    "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
    "x-----BEGIN PRIVATE KEY-----",
    "--BEGIN PRIVATE KEY-----",
    "----- BEGIN  ENCRYPTED PRIVATE KEY BLOCK ---",
    "AKIAIOSFODNN7EXAMPLE",
    "xAKIAIOSFODNN7EXAMPLE",
    " ASIAIOSFODNN7EXAMPLE.",
    "AKIAIOSFODNN7EXAMPLEX",
    "ghp_" + "a" * 36,
    "_ghp_" + "a" * 36,
    "github_pat_" + "b" * 60,
    "glpat-" + "c" * 20,
    "xoxb-123456789012",
    "axoxb-123456789012",
    "sk_live_" + "d" * 20,
    "rk_live_" + "d" * 19,
    "AIza" + "e" * 35,
    "eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4",
    "npm_" + "f" * 36,
    '{"type": "service_account", "private_key": "x"}',
    "postgres://user:pw@db:5432/app",
    "see Postgres://user:pw@db",
    "x=postgres://user:pw@db",
    "a" * 32 + "://user:pw@db",
    "a" * 33 + "://user:pw@db",
    "-" + "b" * 31 + "://user:pw@db",
    "://user:pw@db",
    "1http://user:pw@db",
    "http://user@db",
    "http://host/path:x@y",
]


@pytest.mark.parametrize("sample", _SHAPE_SAMPLES)
def test_both_searches_agree_with_the_plain_patterns(sample: str) -> None:
    for value in (sample, f"pad {sample} pad", f"{sample}\n{sample[::-1]}"):
        _agree(value)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "AKIA",
                "ghp_",
                "xoxb-",
                "sk_live_",
                "AIza",
                "eyJ",
                "npm_",
                "://",
                "@",
                ":",
                "/",
                "-----",
                "BEGIN ",
                "PRIVATE KEY",
                " ",
                ".",
                "_",
                "-",
                "a",
                "Z",
                "9",
                "http",
                "A" * 16,
                "b" * 36,
                "\n",
            ]
        ),
        max_size=40,
    ).map("".join)
)
def test_both_searches_agree_on_generated_text(value: str) -> None:
    _agree(value)


def test_long_values_are_searched_from_the_literals() -> None:
    filler = "x" * (secrets_module._LONG_VALUE + 1)
    assert looks_like_secret_value(filler + " postgres://user:pw@db ")
    assert looks_like_secret_value("AKIAIOSFODNN7EXAMPLE " + filler)
    assert not looks_like_secret_value(filler + " http://db ")


@pytest.mark.parametrize(
    "name",
    [
        "MAX_TOKENS",
        "NUM_TOKENS",
        "MIN_PASSWORD_LENGTH",
        "TOKEN_EXPIRY_SECONDS",
        "SESSION_TOKEN_TTL_SECONDS",
        "PASSWORD_HASH_ALGORITHM",
        "SECRET_NAMESPACE",
    ],
)
def test_names_that_count_or_describe_a_secret_hold_none(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize("name", ["DB_PASSWORD", "SECRET_KEY_BASE", "AUTH_TOKEN", "JWT_SECRET"])
def test_names_that_hold_a_secret(name: str) -> None:
    assert is_secret_name(name)


def test_a_url_with_an_empty_user_and_a_password_is_a_credential() -> None:
    """Redis' own form: `redis://:password@host`."""
    assert looks_like_secret_value("redis://:p4ssw0rd@redis:6379/0")
    assert looks_like_secret_value("x" * 70_000 + " redis://:p4ssw0rd@redis:6379/0")  # long
    assert not looks_like_secret_value("redis://:@redis:6379/0")  # no password


def test_placeholders_are_not_literal_secrets() -> None:
    from kconv.lint.checks._secret_hits import secret_reason

    assert secret_reason("DB_PASSWORD", "${DB_PASSWORD}") is None
    assert secret_reason("DB_PASSWORD", "$(DB_PASSWORD)") is None
    assert secret_reason("DB_PASSWORD", "s3cr3t-${SUFFIX}") == "name"
