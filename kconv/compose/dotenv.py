"""Compose `.env` / `env_file` syntax, as compose-go's dotenv parser reads it.

- `VAR=VAL`, `VAR: VAL` and `export VAR=VAL`; spaces around the name and separator are
  ignored; names are letters, digits and `_ . - [ ]`.
- Blank lines and lines starting with `#` are ignored.
- Unquoted values run to the end of the line; ` #` (space, hash) starts a comment; trailing
  whitespace is dropped. They are interpolated.
- `'single quoted'` values are literal (only `\\'` is an escape) and may span lines.
- `"double quoted"` values may span lines; `\\n \\t \\r \\a \\b \\f \\v \\\\ \\" \\$` and
  octal `\\0NNN` are escapes (other backslashes are kept); then they are interpolated.
- After a closing quote only whitespace and a `# comment` may follow on that line.
- `VAR` alone takes its value from `lookup` (unset: value None); `VAR=` is "".
- Interpolation looks a name up in `lookup` first, then among the variables defined earlier
  in the same file (compose-go's precedence); unset variables become "".
- A later duplicate replaces the value of an earlier one (the entry keeps its first position).

Errors never quote a secret value (a value under a secret-looking name, or one shaped like
a credential): it is shown as "<redacted>" (`kconv.secrets`).

`raw=True` (`env_file: {format: raw}`): each line is `VAR=VALUE` taken as written, with no
quote, escape, comment or interpolation processing (only blank and `#` lines are skipped).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

from kconv.compose.interpolation import interpolate, utf8_value
from kconv.errors import InputError
from kconv.model.compose import EnvVar
from kconv.model.location import Location
from kconv.secrets import REDACTED, is_secret, looks_like_secret_value, scrubbed, secret_values
from kconv.yamlio import read_text

Lookup = Callable[[str], str | None]

_SPACES = frozenset(" \t\v\f\r\x85\xa0")
_NAME_PUNCTUATION = frozenset("_.-[]")
_SIMPLE_ESCAPES = {
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "n": "\n",
    "r": "\r",
    "t": "\t",
    "v": "\v",
    "\\": "\\",
    '"': '"',
    "$": "$$",  # a literal dollar, protected from interpolation
}
_OCTAL = frozenset("01234567")


def read_env_file(
    path: str, lookup: Lookup | None = None, *, raw: bool = False, display: str | None = None
) -> list[EnvVar]:
    """Read and parse an env file; `display` is the name used in locations and messages."""
    name = display or path
    return parse_dotenv(read_text(path, name), name, lookup, raw=raw)


def parse_dotenv(
    text: str, filename: str, lookup: Lookup | None = None, *, raw: bool = False
) -> list[EnvVar]:
    """Parse env-file text into variables in file order; each origin is `filename:line`."""
    parser = _Parser(text, filename, lookup)
    try:
        if raw:
            parser.parse_raw()
        else:
            parser.parse()
    except InputError as exc:  # e.g. `${X:?...}` quoting a secret defined on an earlier line
        raise scrubbed(exc, parser.secret_values()) from None
    return list(parser.variables.values())


class _Parser:
    """A single pass over the text; `variables` collects the result by name."""

    def __init__(self, text: str, filename: str, lookup: Lookup | None) -> None:
        text = text.removeprefix("\ufeff").replace("\r\n", "\n")
        self.text = text
        self.filename = filename
        self.lookup = lookup
        self.variables: dict[str, EnvVar] = {}
        self._line_starts = [0] + [i + 1 for i, char in enumerate(text) if char == "\n"]

    # -- helpers ---------------------------------------------------------------------------

    def location(self, position: int) -> Location:
        return Location(self.filename, bisect.bisect_right(self._line_starts, position))

    def error(self, message: str, position: int) -> InputError:
        return InputError(message, self.location(position))

    def line_end(self, position: int) -> int:
        end = self.text.find("\n", position)
        return len(self.text) if end < 0 else end

    def define(self, name: str, value: str | None, position: int) -> None:
        # A duplicate keeps the first entry's place in the dict but takes the last value.
        self.variables[name] = EnvVar(name, value, self.location(position))

    def resolve(self, name: str) -> str | None:
        """The value of a name for interpolation: lookup first, then this file."""
        if self.lookup is not None:
            value = self.lookup(name)
            if value is not None:
                return value
        entry = self.variables.get(name)
        return None if entry is None else entry.value

    def inherited(self, name: str, position: int) -> str | None:
        if self.lookup is None:
            return None
        return utf8_value(name, self.lookup(name), self.location(position))

    def expand(self, name: str, value: str, position: int) -> str:
        """The value of `name` interpolated (an error does not quote a secret one)."""
        location = self.location(position)
        result, _unset = interpolate(value, self.resolve, location, secret=is_secret(name, value))
        return result

    def secret_values(self) -> set[str]:
        """The secret values among the variables defined so far."""
        return secret_values((entry.name, entry.value) for entry in self.variables.values())

    # -- compose dotenv syntax ---------------------------------------------------------------

    def parse(self) -> None:
        text = self.text
        length = len(text)
        position = 0
        while True:
            while position < length and (text[position] in _SPACES or text[position] == "\n"):
                position += 1
            if position >= length:
                return
            if text[position] == "#":
                position = self.line_end(position)
                continue
            position = self.statement(position)

    def statement(self, start: int) -> int:
        """Parse one `NAME=value` statement at `start`; return the position after it."""
        text = self.text
        position = self.skip_export(start)
        name_start = position
        while position < len(text) and text[position] not in "=:\n":
            char = text[position]
            if not (char in _SPACES or char.isalnum() or char in _NAME_PUNCTUATION):
                line = _line_shown(text[start : self.line_end(start)].strip())
                raise self.error(
                    f"unexpected character {char!r} in variable name {line!r}", position
                )
            position += 1
        name = text[name_start:position].strip("".join(_SPACES))
        if not name:
            raise self.error("missing variable name before the separator", start)
        if any(char in _SPACES for char in name):
            raise self.error(f"variable name {_name_shown(name)} cannot contain spaces", start)
        if position >= len(text) or text[position] == "\n":
            self.define(name, self.inherited(name, start), start)
            return position
        position += 1
        while position < len(text) and text[position] in _SPACES:
            position += 1
        if position < len(text) and text[position] in "'\"":
            value, position = self.quoted(name, position)
        else:
            end = self.line_end(position)
            value = text[position:end].split(" #", 1)[0].rstrip("".join(_SPACES))
            value = self.expand(name, value, start)
            position = end
        self.define(name, value, start)
        return position

    def skip_export(self, position: int) -> int:
        """Skip an `export ` prefix, unless `export` is itself the variable name."""
        text = self.text
        if not text.startswith("export", position):
            return position
        after = position + len("export")
        if after >= len(text) or text[after] not in " \t":
            return position
        rest = after
        while rest < len(text) and text[rest] in " \t":
            rest += 1
        if rest < len(text) and text[rest] in "=:":
            return position  # `export = value` defines a variable named "export"
        return rest

    def quoted(self, name: str, start: int) -> tuple[str, int]:
        """Parse the quoted value of `name` whose opening quote is at `start`."""
        text = self.text
        quote = text[start]
        chars: list[str] = []
        position = start + 1
        length = len(text)
        while position < length:
            char = text[position]
            if char == quote:
                break
            if char == "\\" and position + 1 < length:
                following = text[position + 1]
                if following == quote:
                    chars.append(quote)
                    position += 2
                    continue
                if quote == '"':
                    escaped, used = _double_quote_escape(text, position)
                    chars.append(escaped)
                    position += used
                    continue
                chars.append("\\" + following)
                position += 2
                continue
            chars.append(char)
            position += 1
        else:
            snippet = text[start : self.line_end(start)]
            if is_secret(name, snippet[1:]):
                snippet = f"{name}={REDACTED}"
            raise self.error(f"unterminated quoted value: no closing {quote} for {snippet}", start)
        value = "".join(chars)
        if quote == '"':
            value = self.expand(name, value, start)
        end = self.line_end(position)
        trailing = text[position + 1 : end].strip("".join(_SPACES))
        if trailing and not trailing.startswith("#"):
            shown = REDACTED if is_secret(name, value + trailing) else repr(trailing)
            raise self.error(
                f"unexpected text {shown} after the closing quote (only a # comment may follow)",
                position,
            )
        return value, end

    # -- raw format --------------------------------------------------------------------------

    def parse_raw(self) -> None:
        for number, line in enumerate(self.text.split("\n")):
            start = self._line_starts[number]
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            name, separator, value = line.partition("=")
            name = name.strip()
            if not name:
                raise self.error("missing variable name before '='", start)
            if any(char.isspace() for char in name):
                raise self.error(f"variable name {_name_shown(name)} cannot contain spaces", start)
            self.define(name, value if separator else self.inherited(name, start), start)


def _name_shown(name: str) -> str:
    """A malformed variable name as an error quotes it: it may be a stray line of a value, so
    one shaped like a credential is redacted."""
    return REDACTED if looks_like_secret_value(name) else repr(name)


def _line_shown(line: str) -> str:
    """A `NAME=value` line as an error quotes it, its value redacted when secret."""
    if looks_like_secret_value(line):
        return REDACTED
    cut = min((i for i in (line.find("="), line.find(":")) if i >= 0), default=len(line))
    name, value = line[:cut], line[cut + 1 :]
    if not is_secret(name.strip(), value.strip()):
        return line
    return f"{line[: cut + 1]}{REDACTED}"


def _double_quote_escape(text: str, position: int) -> tuple[str, int]:
    """Decode the escape at `position` (a backslash) in a double-quoted value."""
    following = text[position + 1]
    simple = _SIMPLE_ESCAPES.get(following)
    if simple is not None:
        return simple, 2
    digits = text[position + 2 : position + 5]
    if following == "0" and len(digits) == 3 and all(d in _OCTAL for d in digits):
        code = int(digits, 8)
        if code <= 0xFF:
            return chr(code), 5
    return "\\" + following, 2
