"""Splitting shell-form commands like compose-go (mattn/go-shellwords, no expansion)."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kconv.compose.shellwords import split_command
from kconv.errors import InputError
from kconv.model.location import Location

WHERE = Location("compose.yaml", 5, 14)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("echo hello world", ["echo", "hello", "world"]),
        ("  leading and trailing  ", ["leading", "and", "trailing"]),
        ("tabs\tand\nnewlines\r\nhere", ["tabs", "and", "newlines", "here"]),
        ("", []),
        ("   ", []),
        ("single", ["single"]),
        # quotes group and are removed
        ('echo "hello world"', ["echo", "hello world"]),
        ("echo 'hello world'", ["echo", "hello world"]),
        ('a"b c"d', ["ab cd"]),
        ("a'b c'd", ["ab cd"]),
        ("'a'\"b\"c", ["abc"]),
        # empty quotes make an empty word
        ('node app.js --base-href ""', ["node", "app.js", "--base-href", ""]),
        ("'' x ''", ["", "x", ""]),
        # the other quote is literal inside quotes
        ("node -e \"console.log('a b')\"", ["node", "-e", "console.log('a b')"]),
        ('sh -c \'printf "%s\\n" "x"\'', ["sh", "-c", 'printf "%s\\n" "x"']),
        # single quotes keep backslashes
        (
            "awk '{ gsub(/\\r/, \"\"); print }' /data/in",
            ["awk", '{ gsub(/\\r/, ""); print }', "/data/in"],
        ),
        ("'a\\b'", ["a\\b"]),
        # a backslash escapes the next character outside single quotes
        ("a\\ b c", ["a b", "c"]),
        ('echo \\"x\\"', ["echo", '"x"']),
        ("echo \\'x", ["echo", "'x"]),
        ('"a\\"b"', ['a"b']),
        ('"a\\\\b"', ["a\\b"]),
        ("\\\\", ["\\"]),
        ("a\\;b", ["a;b"]),
        # no variable expansion: $ is kept for the container's shell or environment
        ("echo $HOME ${USER}", ["echo", "$HOME", "${USER}"]),
        ('echo "$HOME"', ["echo", "$HOME"]),
        # shell operators are fine inside quotes
        ("sh -c 'a && b | c > d; e'", ["sh", "-c", "a && b | c > d; e"]),
        ('sh -c "a && b"', ["sh", "-c", "a && b"]),
        ("echo '(x)'", ["echo", "(x)"]),
        # backticks and $( ) are kept verbatim, spaces included
        ("echo `date +%s` x", ["echo", "`date +%s`", "x"]),
        ("echo $(id -u) x", ["echo", "$(id -u)", "x"]),
        ("echo $(a | b)", ["echo", "$(a | b)"]),
        ("echo `a\\ b`", ["echo", "`a\\ b`"]),
        # typical compose commands
        (
            "gunicorn --bind 0.0.0.0:8000 app.wsgi:application",
            ["gunicorn", "--bind", "0.0.0.0:8000", "app.wsgi:application"],
        ),
        (
            'redis-server --appendonly yes --requirepass "p@ss w0rd"',
            ["redis-server", "--appendonly", "yes", "--requirepass", "p@ss w0rd"],
        ),
        ("--msg 'hello world'", ["--msg", "hello world"]),
        ("postgres -c 'max_connections=200'", ["postgres", "-c", "max_connections=200"]),
        ("ünïcode 'wörds ok'", ["ünïcode", "wörds ok"]),
    ],
)
def test_split(text: str, words: list[str]) -> None:
    assert split_command(text, WHERE) == words


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('echo "unterminated', "an unterminated double quote"),
        ("echo 'unterminated", "an unterminated single quote"),
        ("echo trailing\\", "a trailing backslash"),
        ("echo `date", "an unterminated backtick"),
        ("echo $(date", "an unterminated $("),
        ("echo a && echo b", "shell operator '&' (character 8)"),
        ("echo a; echo b", "shell operator ';' (character 7)"),
        ("cat x | grep y", "shell operator '|' (character 7)"),
        ("echo x > /tmp/y", "shell operator '>' (character 8)"),
        ("echo x 2>&1", "shell operator '>' (character 9)"),
        ("sort < in", "shell operator '<' (character 6)"),
        ("run &", "shell operator '&' (character 5)"),
        ("echo (x)", "shell operator '(' (character 6)"),
        ("echo x)", "shell operator ')' (character 7)"),
        ("a$((1+2))", "shell operator '(' (character 4)"),
    ],
)
def test_errors(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as caught:
        split_command(text, WHERE)
    assert fragment in caught.value.message
    assert caught.value.location == WHERE


def test_operator_error_suggests_the_list_form() -> None:
    with pytest.raises(InputError) as caught:
        split_command("npm install && npm start", WHERE)
    assert str(caught.value) == (
        "compose.yaml:5:14: command 'npm install && npm start' uses the shell operator '&'"
        " (character 13), which Compose does not run through a shell; write it as a list,"
        ' for example ["sh", "-c", "..."]'
    )


def test_long_commands_are_clipped_in_messages() -> None:
    with pytest.raises(InputError) as caught:
        split_command("x " * 100 + "'open")
    assert "..." in caught.value.message
    assert len(caught.value.message) < 150


# -- properties --------------------------------------------------------------------------------

plain_words = st.lists(
    st.text(st.characters(codec="ascii", categories=("L", "N")), min_size=1, max_size=8),
    max_size=8,
)


@given(plain_words)
def test_plain_words_round_trip(words: list[str]) -> None:
    assert split_command(" ".join(words)) == words


@given(st.lists(st.text(st.characters(exclude_characters="\x00"), max_size=12), max_size=6))
def test_single_quoted_words_round_trip(words: list[str]) -> None:
    # shlex.quote wraps in single quotes and writes ' as '"'"', which go-shellwords reads back.
    assert split_command(" ".join(shlex.quote(word) for word in words)) == words


@given(st.text(max_size=60))
def test_random_text_raises_only_input_error(text: str) -> None:
    try:
        words = split_command(text)
    except InputError:
        return
    assert all(isinstance(word, str) for word in words)


@given(st.text(st.sampled_from(list("ab '\"\\`$() \t")), max_size=40))
def test_agrees_with_shlex_when_there_is_nothing_special(text: str) -> None:
    if any(char in text for char in "\\`$()"):
        return
    try:
        expected = shlex.split(text)
    except ValueError:
        with pytest.raises(InputError):
            split_command(text)
        return
    assert split_command(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("echo a && echo b", ["echo", "a"]),
        ("echo a&&b", ["echo", "a"]),
        ("run;", ["run"]),
        ("cat x|grep y", ["cat", "x"]),
        ("echo x 2>&1", ["echo", "x"]),
        ("echo 12>x", ["echo"]),
        ("echo x>y", ["echo", "x"]),
        ("sort < in", ["sort"]),
        ('a "b;" c; d', ["a", "b;", "c"]),
        ("sh -c 'a && b'", ["sh", "-c", "a && b"]),
        ("echo \\; x", ["echo", ";", "x"]),
        ("; x", []),
        ("echo 'open; x", None),
        ("echo (x); y", None),
    ],
)
def test_stop_at_operator_like_compose(text: str, words: list[str] | None) -> None:
    if words is None:
        with pytest.raises(InputError):
            split_command(text, stop_at_operator=True)
        return
    assert split_command(text, stop_at_operator=True) == words
