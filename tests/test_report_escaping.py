"""Line-based reports (`text`, `github`) never split a finding or emit control characters,
whatever manifest text a message or a file name quotes (kconv/report/escape.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kconv.lint.engine import LintResult
from kconv.lint.rule import Finding, Severity
from kconv.model.location import Location
from kconv.report import render
from kconv.report.escape import escape, printable
from kconv.report.github_format import format_finding as github_line
from kconv.report.text_format import format_finding as text_line

IMAGE = "nginx\nfake line\x1b[2J\x1b]0;pwned\x07"
POD = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - name: c
      image: "nginx\\nfake line\\u001b[2J\\u001b]0;pwned\\u0007"
"""


def finding(message: str, file: str = "k8s/a.yaml") -> Finding:
    return Finding("KC301", "latest-tag", Severity.WARNING, message, Location(file, 7, 7))


def emits_control(text: str) -> bool:
    return any(not char.isprintable() for char in text)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain ascii, é and 日本", "plain ascii, é and 日本"),
        (IMAGE, "nginx\\nfake line\\x1b[2J\\x1b]0;pwned\\x07"),
        ("tab\there\r\x00\x7f\x85\x9b", "tab\\there\\r\\x00\\x7f\\x85\\x9b"),
        ("sep\u2028\u2029 bidi\u202e", "sep\\u2028\\u2029 bidi\\u202e"),
        ("back\\slash kept", "back\\slash kept"),
        ("lone \udcff surrogate", "lone \\udcff surrogate"),
    ],
)
def test_escape_writes_what_is_not_printable_as_repr_does(text: str, escaped: str) -> None:
    assert printable(text) == escaped
    assert escape(text) == escaped
    assert printable(text) == "".join(
        char if char.isprintable() else repr(char)[1:-1] for char in text
    )


def test_text_keeps_one_line_per_finding_without_control_characters() -> None:
    line = text_line(finding(f'uses image "{IMAGE}" without a tag', "dir\x1b[31m/a\nb.yaml"))
    assert line == (
        "dir\\x1b[31m/a\\nb.yaml:7:7: warning KC301 uses image "
        '"nginx\\nfake line\\x1b[2J\\x1b]0;pwned\\x07" without a tag (latest-tag)'
    )
    coloured = text_line(finding(IMAGE), color=True)
    assert "\n" not in coloured
    assert "\x07" not in coloured and "\x1b]" not in coloured and "\x1b[2J" not in coloured


def test_github_escapes_control_characters_but_keeps_encoding_line_breaks() -> None:
    line = github_line(finding(f"50% {IMAGE}\r", "a\x1b.yaml"))
    assert line == (
        "::warning file=a\\x1b.yaml,line=7,col=7,title=KC301 latest-tag"
        "::50%25 nginx%0Afake line\\x1b[2J\\x1b]0;pwned\\x07%0D"
    )


@settings(max_examples=80, deadline=None)
@given(message=st.text(min_size=1, max_size=40), file=st.text(min_size=1, max_size=10))
def test_any_text_gives_one_printable_line_per_finding(message: str, file: str) -> None:
    result = LintResult(findings=[finding(message, file)], files=1, objects=1)
    text, github = render(result, "text").splitlines(), render(result, "github").splitlines()
    assert len(text) == 3 and text[1] == ""  # the finding, a blank line, the summary
    assert len(github) == 1
    assert not any(emits_control(line) for line in text + github)


def test_cli_text_output_of_the_repro(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(POD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "kconv", "lint", "--select", "KC301", "--quiet", "pod.yaml"],
        cwd=tmp_path,
        capture_output=True,
        check=False,
        timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1"},
    )
    assert done.stdout.decode("utf-8") == (
        'pod.yaml:7:7: warning KC301 container "c" uses image '
        '"nginx\\nfake line\\x1b[2J\\x1b]0;pwned\\x07" without a tag (latest-tag)\n'
    )
