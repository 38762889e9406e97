"""The `gitlab` format: a GitLab Code Quality report (`artifacts: reports: codequality`).

A JSON array with one entry per finding: `description`, `check_name`, `fingerprint`,
`severity` (error -> major, warning -> minor, info -> info) and `location.path` relative to
the repository root with `location.lines.begin`. The fingerprint hashes the rule, the file,
the object and the message, but no position: not the finding's line, and not the positions
some messages name (KC302's "first at line 13", KC305's "already defined at a.yaml:1:1",
KC002's "line 6, column 3"), so GitLab keeps recognising a finding when lines above it move.
Findings left alike (say, a variable defined three times: two findings "first at line 13")
get their occurrence number in that file, in order, to stay unique.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from kconv.lint.rule import Finding, Severity
from kconv.report.pretty_json import dumps

if TYPE_CHECKING:
    from kconv.lint.engine import LintResult

# Code Climate categories by rule series: KC1 security, KC3 hygiene, the rest correctness.
CATEGORIES = {"KC1": "Security", "KC3": "Style"}
SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
_quote = json.encoder.encode_basestring  # a JSON string literal (C), as the encoder writes


def report_path(file: str, root: str | None = None) -> str:
    """`file` as GitLab wants it: relative to the repository root (`root`, default the current
    directory) with forward slashes; names like `<stdin>` stay as they are."""
    if os.path.isabs(file):
        base = root if root is not None else os.getcwd()
        relative = os.path.relpath(file, base)
        if not relative.startswith(".."):
            file = relative
    file = file.replace(os.sep, "/")
    while file.startswith("./"):
        file = file[2:]
    return file


def _subject(finding: Finding) -> str:
    if not finding.kind:
        return ""
    name = finding.object_name or "?"
    if finding.namespace:
        name = f"{finding.namespace}/{name}"
    return f"{finding.kind} {name}"


# positions that messages name: "line 13", "column 3", "byte 76", "a.yaml:1:1" (file:line:col)
_POSITIONS = re.compile(r"\b(line|column|byte) [0-9]+\b|(?<=\S):[0-9]+:[0-9]+\b")


def _unplaced(message: str) -> str:
    """`message` without the positions it names (a line, column or offset in a file)."""
    # most messages name no position: four substring tests cost less than one regex search
    if ":" in message or "line " in message or "column " in message or "byte " in message:
        return _POSITIONS.sub(lambda match: match.group(1) or "", message)
    return message


def _fingerprint(finding: Finding, path: str, seen: dict[str, int]) -> str:
    message = _unplaced(finding.message)
    identity = "\x1f".join((finding.rule, path, _subject(finding), message))
    # surrogateescape: a file name that is not UTF-8 is hashed as its own bytes
    digest = hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()
    seen[digest] = seen.get(digest, 0) + 1
    if seen[digest] == 1:
        return digest
    again = f"{identity}\x1f{seen[digest]}"
    return hashlib.sha256(again.encode("utf-8", "surrogateescape")).hexdigest()


def _issues(result: LintResult) -> Iterator[tuple[str, str, str, str, str, str, int]]:
    """(check_name, description, category, severity, fingerprint, path, line) per finding."""
    seen: dict[str, int] = {}
    paths: dict[str, str] = {}  # a file has many findings: relpath once per file
    for finding in result.findings:
        file = finding.location.file
        path = paths.get(file)
        if path is None:
            path = paths[file] = report_path(file)
        subject = _subject(finding)
        description = f"{finding.rule} {finding.message}" + (f" ({subject})" if subject else "")
        yield (
            f"{finding.rule} {finding.name}",
            description,
            CATEGORIES.get(finding.rule[:3], "Bug Risk"),
            SEVERITIES[finding.severity],
            _fingerprint(finding, path, seen),
            path,
            finding.location.line or 1,
        )


def to_data(result: LintResult) -> list[dict[str, Any]]:
    """The report as plain data (what `render` serialises)."""
    return [
        {
            "type": "issue",
            "check_name": check_name,
            "description": description,
            "categories": [category],
            "severity": severity,
            "fingerprint": fingerprint,
            "location": {"path": path, "lines": {"begin": line}},
        }
        for check_name, description, category, severity, fingerprint, path, line in _issues(result)
    ]


def render(result: LintResult, *, color: bool = False) -> str:
    """`dumps(to_data(result), expand=1)`, each entry written directly as one line (a test
    checks both agree)."""
    if not result.findings:
        return dumps([], expand=1)
    quote = _quote
    lines = ",\n  ".join(
        f'{{"type": "issue", "check_name": {quote(check_name)}, '
        f'"description": {quote(description)}, "categories": [{quote(category)}], '
        f'"severity": {quote(severity)}, "fingerprint": {quote(fingerprint)}, '
        f'"location": {{"path": {quote(path)}, "lines": {{"begin": {int(line)}}}}}}}'
        for check_name, description, category, severity, fingerprint, path, line in _issues(result)
    )
    return f"[\n  {lines}\n]\n"
