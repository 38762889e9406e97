"""Split a shell-form `command`/`entrypoint` string into arguments, as compose-go does.

compose-go uses github.com/mattn/go-shellwords (no variable or command expansion):

- spaces, tabs and line breaks separate words; quotes join them (`a"b c"` is one word `ab c`);
- `'...'` is literal (a backslash inside stays);
- `"..."` groups; a backslash escapes the next character (the backslash is dropped);
- outside single quotes a backslash escapes the next character (`a\\ b` is `a b`);
- `""` and `''` give an empty word;
- backticks and `$(...)` are kept as written, spaces inside them included.

Where go-shellwords differs from a shell, kconv reports an error instead of silently changing
the command: an unquoted `; & | < >` makes go-shellwords (and so Compose) drop everything from
that character on. `stop_at_operator=True` reproduces Compose exactly instead (the words before
the operator; a redirection's file-descriptor number such as the `2` of `2>&1` is dropped too).
An unquoted `(` or `)` outside `$(...)` is an error in both modes, as in go-shellwords.
"""

from __future__ import annotations

from kconv.errors import InputError
from kconv.model.location import Location

_SEPARATORS = frozenset(" \t\r\n")
_OPERATORS = frozenset(";&|<>")


def split_command(
    text: str, location: Location | None = None, *, stop_at_operator: bool = False
) -> list[str]:
    """Split `text` into arguments; InputError for unterminated quotes and shell operators.

    With `stop_at_operator`, an unquoted `; & | < >` ends the command silently, as in Compose.
    """
    words: list[str] = []
    word: list[str] = []
    in_word = False
    single = double = backtick = dollar = escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
            word.append("\\" + char if backtick or dollar else char)
            in_word = True
            continue
        if char == "\\":
            if single:
                word.append(char)
            else:
                escaped = True
            continue
        if char in _SEPARATORS:
            if single or double or backtick or dollar:
                word.append(char)
            elif in_word:
                words.append("".join(word))
                word = []
                in_word = False
            continue
        quoted = single or double or backtick or dollar
        if char == "'" and not (double or backtick or dollar):
            single = not single
            in_word = True
            continue
        if char == '"' and not (single or backtick or dollar):
            double = not double
            in_word = True
            continue
        if char == "`" and not (single or double or dollar):
            backtick = not backtick
        elif char == "(" and not (single or double or backtick):
            if dollar or not word or word[-1] != "$":
                raise _operator_error(text, index, char, location)
            dollar = True
        elif char == ")" and not (single or double or backtick):
            if not dollar:
                raise _operator_error(text, index, char, location)
            dollar = False
        elif char in _OPERATORS and not quoted:
            if not stop_at_operator:
                raise _operator_error(text, index, char, location)
            if char == ">" and word and "".join(word).isdigit():
                in_word = False  # `2>`: the descriptor number is not an argument
            break
        word.append(char)
        in_word = True
    if escaped or single or double or backtick or dollar:
        what = (
            "a trailing backslash"
            if escaped
            else "an unterminated single quote"
            if single
            else "an unterminated double quote"
            if double
            else "an unterminated backtick"
            if backtick
            else "an unterminated $("
        )
        raise InputError(f"cannot split command {_clip(text)}: {what}", location)
    if in_word:
        words.append("".join(word))
    return words


def _operator_error(text: str, index: int, char: str, location: Location | None) -> InputError:
    return InputError(
        f"command {_clip(text)} uses the shell operator {char!r} (character {index + 1}),"
        " which Compose does not run through a shell; write it as a list, for example"
        ' ["sh", "-c", "..."]',
        location,
    )


def _clip(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")
