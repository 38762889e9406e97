"""Secret recognition and redaction (kconv/secrets.py)."""

import pytest

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
