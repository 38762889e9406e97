"""Recognise secrets and keep them out of every output.

Two independent signals, used by the converter (what goes into a Secret rather than a ConfigMap),
the linter (secret-looking data in ConfigMaps and env) and every printer (redaction):

- `is_secret_name`: the variable or key *name* says it holds a secret (DB_PASSWORD, apiKey,
  GITHUB_TOKEN). Names of files or paths to secrets (PASSWORD_FILE) are not secrets themselves.
- `looks_like_secret_value`: the *value* has the shape of a credential (a PEM private key, an
  AWS access key, a GitHub/GitLab/Slack/Stripe/Google token, a JWT, a URL with a password).

Every message (error, warning, conversion note) is made safe with `scrub` (`scrubbed` for an
error): the known secret values, and any quoted credential-shaped value, become "<redacted>".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from kconv.errors import KconvError

REDACTED = "<redacted>"

# Words that make a name secret wherever they appear as a token.
_SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "pass",
        "pwd",
        "passphrase",
        "secret",
        "secrets",
        "token",
        "tokens",
        "credential",
        "credentials",
        "creds",
        "apikey",
        "privatekey",
        "accesskey",
        "secretkey",
        "clientsecret",
        "authtoken",
        "sessionkey",
        "signingkey",
        "encryptionkey",
        "masterkey",
        "dsn",
        "connectionstring",
        "sas",
        "htpasswd",
        "bearer",
    }
)
# "key" is a secret only with one of these before it (API_KEY, PRIVATE_KEY, SECRET_KEY...).
_KEY_QUALIFIERS = frozenset(
    {
        "api",
        "access",
        "secret",
        "private",
        "signing",
        "encryption",
        "master",
        "license",
        "client",
        "auth",
        "session",
        "account",
        "storage",
        "service",
        "app",
        "ssh",
        "gpg",
        "pgp",
        "jwt",
        "hmac",
        "shared",
        "subscription",
    }
)
# Names ending in these (or with one after the secret word: TOKEN_EXPIRY_SECONDS) refer to a
# secret (a file, a path, an id, a name) or describe it (its lifetime, length, algorithm), not
# hold it.
_REFERENCE_SUFFIXES = frozenset(
    {
        "file",
        "path",
        "dir",
        "directory",
        "url",
        "uri",
        "endpoint",
        "host",
        "name",
        "id",
        "ids",
        "ref",
        "arn",
        "length",
        "len",
        "policy",
        "rotation",
        "ttl",
        "expiry",
        "expiration",
        "enabled",
        "type",
        "mode",
        "header",
        "location",
        "namespace",
        "algorithm",
        "algo",
        "seconds",
        "secs",
        "minutes",
        "hours",
        "days",
        "ms",
        "timeout",
        "duration",
        "count",
        "size",
        "limit",
        "format",
        "version",
    }
)
# Names starting with these count things (MAX_TOKENS, MIN_PASSWORD_LENGTH), not hold them.
_COUNTING_PREFIXES = frozenset({"max", "min", "num", "number"})
_ALWAYS_SECRET_NAMES = frozenset(
    {
        "aws_secret_access_key",
        "aws_session_token",
        "google_application_credentials_json",
        "azure_client_secret",
        "oci_cli_key_content",
        "github_token",
        "gitlab_token",
        "npm_token",
        "docker_password",
        "mysql_root_password",
        "postgres_password",
        "redis_password",
    }
)

_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")

# Credential shapes. Each starts with a literal (a leading word boundary is written as a
# lookbehind after it), so that a search for one shape alone skips ahead to its literal: long
# values are searched shape by shape (a 50 MB value: 0.6 s instead of 11 s), short ones with
# every shape in one pass (`_any_secret_value`), which is quicker there.
_SHAPES = (
    r"---(?<!----)-*\s*BEGIN\s+(?:[A-Z0-9]+\s+){0,4}PRIVATE KEY(?:\s+BLOCK)?\s*-{3,}",  # PEM
    r"(?:AKIA|ASIA|ABIA|ACCA)(?<!\w[A-Z]{4})[0-9A-Z]{16}\b",  # AWS access key id
    r"gh(?<!\wgh)[pousr]_[A-Za-z0-9]{36,}\b",  # GitHub tokens
    r"github_pat_(?<!\wgithub_pat_)[A-Za-z0-9_]{60,}\b",
    r"glpat-(?<!\wglpat-)[A-Za-z0-9_\-]{20,}\b",  # GitLab personal access token
    r"xox(?<!\wxox)[abposr]-[A-Za-z0-9-]{10,}\b",  # Slack
    r"k_live_(?<=[sr]k_live_)(?<!\w.k_live_)[A-Za-z0-9]{20,}\b",  # Stripe
    r"AIza(?<!\wAIza)[0-9A-Za-z\-_]{35}\b",  # Google API key
    r"eyJ(?<!\weyJ)[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\b",  # JWT
    r"npm_(?<!\wnpm_)[A-Za-z0-9]{36}\b",
    r"\"type\"\s*:\s*\"service_account\".*\"private_key\"",  # GCP service-account JSON
)
# A URL with a user and a password. Its scheme comes first, so long values are searched from
# the "://" after it (`_URL_PASSWORD_TAIL`), then the scheme is checked (`_scheme_before`).
# The user may be empty: `redis://:password@host` is Redis' own form.
_URL_WITH_PASSWORD = r"(?<![A-Za-z0-9+.-])[a-z][a-z0-9+.-]{0,31}://[^/\s:@]*:[^/\s@]+@"
_URL_PASSWORD_TAIL = r"://[^/\s:@]*:[^/\s@]+@"
_SCHEME_CHARACTERS = r"[A-Za-z0-9+.-]{0,33}\Z"
_SCHEME = r"[a-z][a-z0-9+.-]{0,31}"
_LONG_VALUE = 64 * 1024


@cache  # compiled on first use (8 M instructions): a run whose values are all short never needs it
def _any_secret_value() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{shape})" for shape in (*_SHAPES, _URL_WITH_PASSWORD)))


def name_tokens(name: str) -> list[str]:
    """Split a variable name into lower-case words (snake, kebab, dotted and camelCase)."""
    return [token for token in _TOKEN_SPLIT.split(_CAMEL.sub("_", name).lower()) if token]


@lru_cache(maxsize=4096)
def is_secret_name(name: str) -> bool:
    """Does the name say that its value is a secret (password, token, API key...)?"""
    if name.lower() in _ALWAYS_SECRET_NAMES:
        return True
    tokens = name_tokens(name)
    if not tokens or tokens[-1] in _REFERENCE_SUFFIXES or tokens[0] in _COUNTING_PREFIXES:
        return False
    if len(tokens) > 2 and tokens[0] == "azure" and tokens[-1] == "key":
        return True  # AZURE_STORAGE_ACCOUNT_KEY and friends (polaris)
    for index, token in enumerate(tokens):
        if token in _SECRET_WORDS or (
            token in ("key", "keys") and index > 0 and tokens[index - 1] in _KEY_QUALIFIERS
        ):
            # a describing word after it: the name is about the secret (TOKEN_TTL_SECONDS)
            return _REFERENCE_SUFFIXES.isdisjoint(tokens[index + 1 :])
    joined = "".join(tokens)
    return any(
        word in joined
        for word in (
            "password",
            "passwd",
            "apikey",
            "secretkey",
            "privatekey",
            "accesstoken",
            "authtoken",
        )
    )


@cache  # compiled on first use: most runs never see a long value
def _shapes_from_literals() -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(shape) for shape in _SHAPES)


def looks_like_secret_value(value: object) -> bool:
    """Does the value have the shape of a credential (private key, cloud or API token...)?"""
    if not isinstance(value, str) or len(value) < 8:
        return False
    if len(value) <= _LONG_VALUE:
        return _any_secret_value().search(value) is not None
    return _has_shape_from_literals(value)


def _has_shape_from_literals(value: str) -> bool:
    """`_any_secret_value().search(value) is not None`, each shape searched from its literal."""
    return any(shape.search(value) for shape in _shapes_from_literals()) or any(
        _scheme_before(value, tail.start()) for tail in re.finditer(_URL_PASSWORD_TAIL, value)
    )


def _scheme_before(value: str, end: int) -> bool:
    """Does a URL scheme end at `end`: the whole run of [A-Za-z0-9+.-] before it is 1-32 of
    [a-z0-9+.-] starting with a letter? (A run that fills the 33 characters looked at is too
    long either way.)"""
    start = max(0, end - 33)
    run = re.compile(_SCHEME_CHARACTERS).search(value, start, end)
    return run is not None and re.compile(_SCHEME).fullmatch(value, run.start(), end) is not None


def is_secret(name: str, value: object) -> bool:
    """A non-empty value under a secret-looking name, or a secret-looking value."""
    if looks_like_secret_value(value):
        return True
    return is_secret_name(name) and value not in (None, "")


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each secret value (and of each of its lines) in `text`."""
    pieces: set[str] = set()
    for secret in secrets:
        if not secret or len(secret) < 3:
            continue
        pieces.add(secret)
        pieces.update(line.strip() for line in secret.splitlines() if len(line.strip()) >= 6)
    for piece in sorted(pieces, key=len, reverse=True):
        text = text.replace(piece, REDACTED)
    return text


def secret_values(variables: Iterable[tuple[str, object]]) -> set[str]:
    """The values of the (name, value) pairs that `is_secret` calls secrets."""
    return {value for name, value in variables if isinstance(value, str) and is_secret(name, value)}


# A quoted piece of a message: hidden when it has the shape of a credential.
_QUOTED = re.compile(r"(['\"])([^'\"]{8,})(['\"])")


def _hide_quoted(match: re.Match[str]) -> str:
    if not looks_like_secret_value(match.group(2)):
        return match.group(0)
    return match.group(1) + REDACTED + match.group(3)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """A message made safe to print: each known secret value (`redact`) and each quoted value
    that looks like a credential replaced by "<redacted>"."""
    return _QUOTED.sub(_hide_quoted, redact(text, secrets))


ErrorT = TypeVar("ErrorT", bound="KconvError")


def scrubbed(error: ErrorT, secrets: Iterable[str] = ()) -> ErrorT:
    """The error with a `scrub`bed message: the same error when nothing needed hiding, else a
    copy of it (same class and attributes) with the new message."""
    message = scrub(error.message, secrets)
    if message == error.message:
        return error
    clean = type(error).__new__(type(error), message)
    clean.__dict__.update(vars(error))
    clean.message = message
    return clean
