"""The `sarif` format: SARIF 2.1.0 for code-scanning tools (GitHub, GitLab, IDEs).

The driver lists every rule that ran (id, name, summary, rationale, fix as help, first
reference as helpUri, default level); each result names its rule, level, message and a region
with line and column. No timestamps or absolute machine paths are added, so output is stable.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from kconv.lint.rule import Finding, RuleSpec, Severity
from kconv.report.pretty_json import dumps

if TYPE_CHECKING:
    from kconv.lint.engine import LintResult

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/kconv/kconv"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_quote = json.encoder.encode_basestring  # a JSON string literal (C), as the encoder writes


def artifact_uri(path: str) -> str:
    """A URI reference for a file path (relative paths stay relative). A name that is not
    UTF-8 keeps its own bytes, percent-encoded (`os.fsdecode` made them lone surrogates)."""
    posix = path.replace(os.sep, "/")
    if os.path.isabs(path):
        posix = posix if posix.startswith("/") else "/" + posix
        return "file://" + quote(posix, safe="/:", errors="surrogateescape")
    return quote(posix, safe="/", errors="surrogateescape")


def _descriptor(spec: RuleSpec) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": spec.id,
        "name": spec.name,
        "shortDescription": {"text": spec.summary},
        "fullDescription": {"text": spec.rationale},
        "help": {
            "text": spec.fix,
            "markdown": f"**{spec.id} {spec.name}**: {spec.summary}\n\n{spec.rationale}\n\n"
            f"Fix: {spec.fix}",
        },
        "defaultConfiguration": {"level": _LEVELS[spec.severity]},
        "properties": {"tags": ["kubernetes"]},
    }
    if spec.references:
        descriptor["helpUri"] = spec.references[0]
    return descriptor


def _bare_descriptor(finding: Finding) -> dict[str, Any]:
    """For a finding of a rule the run did not list (the engine's internal-error)."""
    from kconv.lint.engine import INTERNAL_ERROR_ID

    text = (
        "A lint rule crashed; its findings for the object are missing. Please report it."
        if finding.rule == INTERNAL_ERROR_ID
        else f"{finding.rule} {finding.name}"
    )
    return {
        "id": finding.rule,
        "name": finding.name,
        "shortDescription": {"text": text},
        "defaultConfiguration": {"level": _LEVELS[finding.severity]},
    }


def _result(finding: Finding, index: int, uri: str) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if finding.location.line is not None:
        region: dict[str, Any] = {"startLine": finding.location.line}
        if finding.location.column is not None:
            region["startColumn"] = finding.location.column
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if finding.kind:
        name = finding.object_name or ""
        qualified = f"{finding.namespace}/{name}" if finding.namespace else name
        location["logicalLocations"] = [
            {"name": name, "fullyQualifiedName": f"{finding.kind}/{qualified}", "kind": "object"}
        ]
    return {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [location],
    }


def _rules(result: LintResult) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """The driver's rules (those that ran, by id, then any other a finding names, in order of
    appearance) and each one's index."""
    descriptors = [_descriptor(spec) for spec in sorted(result.rules, key=lambda s: s.id)]
    index = {descriptor["id"]: position for position, descriptor in enumerate(descriptors)}
    for finding in result.findings:
        if finding.rule not in index:
            index[finding.rule] = len(descriptors)
            descriptors.append(_bare_descriptor(finding))
    return descriptors, index


def _document(descriptors: list[dict[str, Any]], results: list[Any]) -> dict[str, Any]:
    from kconv import __version__

    driver = {
        "name": "kconv",
        "version": __version__,
        "informationUri": INFORMATION_URI,
        "rules": descriptors,
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
        ],
    }


def to_data(result: LintResult) -> dict[str, Any]:
    descriptors, index = _rules(result)
    uris = _Uris()
    results = [
        _result(finding, index[finding.rule], uris[finding.location.file])
        for finding in result.findings
    ]
    return _document(descriptors, results)


class _Uris(dict[str, str]):
    """Each file's URI, quoted once (a file has many findings)."""

    def __missing__(self, file: str) -> str:
        uri = self[file] = artifact_uri(file)
        return uri


def render(result: LintResult, *, color: bool = False) -> str:
    """`dumps(to_data(result), expand=6)`, with each result written directly from its
    finding (building a dict per finding and encoding it took four times as long, and those
    dicts woke the cycle collector, which walked every object of the run; a test checks both
    agree)."""
    descriptors, index = _rules(result)
    if not result.findings:
        return dumps(_document(descriptors, []), expand=6)
    text = dumps(_document(descriptors, []), expand=6)
    head, _, tail = text.rpartition('"results": []')  # the run's last key
    uris = _Uris()
    lines = ",\n        ".join(
        _result_text(finding, index[finding.rule], uris[finding.location.file])
        for finding in result.findings
    )
    return f'{head}"results": [\n        {lines}\n      ]{tail}'


def _result_text(finding: Finding, index: int, uri: str, quote: Any = _quote) -> str:
    """`_result(finding, index, uri)` as `dumps` lays it out at its depth: its keys, `message`
    and `locations` on lines of their own, the location on one line."""
    location = finding.location
    region = ""
    if location.line is not None:
        region = f', "region": {{"startLine": {int(location.line)}'
        if location.column is not None:
            region += f', "startColumn": {int(location.column)}'
        region += "}"
    logical = ""
    if finding.kind:
        name = finding.object_name or ""
        qualified = f"{finding.namespace}/{name}" if finding.namespace else name
        logical = (
            f', "logicalLocations": [{{"name": {quote(name)}, "fullyQualifiedName": '
            f'{quote(f"{finding.kind}/{qualified}")}, "kind": "object"}}]'
        )
    return (
        f'{{\n          "ruleId": {quote(finding.rule)},'
        f'\n          "ruleIndex": {index},'
        f'\n          "level": {quote(_LEVELS[finding.severity])},'
        f'\n          "message": {{\n            "text": {quote(finding.message)}'
        f'\n          }},\n          "locations": [\n            {{"physicalLocation": '
        f'{{"artifactLocation": {{"uri": {quote(uri)}}}{region}}}{logical}}}'
        f"\n          ]\n        }}"
    )
