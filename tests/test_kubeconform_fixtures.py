"""kubeconform's acceptance fixtures: kconv's schema validation gives the same verdict.

The rows come from `../shared/corpora/linters/INDEX.tsv` (tool `kubeconform`, one row per
acceptance test: a fixture file, the flags, and whether kubeconform exits 0 or 1). kconv's
verdict is the exit status of `kconv lint --select KC0 [--strict-schema] FILE`: schema
validation (KC010, KC011) plus the load-problem rules (KC001-KC005), which cover what kubeconform
reports as errors (unparsable YAML, missing kind or apiVersion).

Rows that exercise kubeconform's own options (broken schema registries, caches, proxies,
skip/reject lists, filename patterns) have no kconv counterpart and are listed as not applicable.
Rows that only point kubeconform at a working schema registry (OpenShift's, or one with the CRD's
schema) are compared: their verdict depends on the file. Rows where
kconv deliberately differs are in DIFFERENCES with the reason, and are still checked.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kconv.cli import cli

ROOT = Path(__file__).resolve().parent.parent
LINTERS = ROOT.parent / "shared" / "corpora" / "linters"
INDEX = LINTERS / "INDEX.tsv"

# kubeconform options without a kconv counterpart: rows using them are not applicable.
NOT_APPLICABLE_OPTIONS = {
    "-cache": "kubeconform's schema download cache",
    "-skip": "kubeconform's kind skip list (kconv: --ignore KC010 or a suppression)",
    "-reject": "kubeconform's kind reject list",
    "--ignore-filename-pattern": "kubeconform's filename filter (kconv: per-path-ignores)",
}
NOT_APPLICABLE_DETAILS = {
    "invalid HTTP -schema-location": "kubeconform's schema registry option",
    "invalid non-HTTP -schema-location": "kubeconform's schema registry option",
    "non valid -schema-location": "kubeconform's schema registry option",
    "HTTPS_PROXY": "network proxy behaviour (kconv never downloads schemas)",
    "without network access": "network behaviour (kconv never downloads schemas)",
    "non valid -kubernetes-version": "INDEX.tsv does not record the invalid version used",
}
# Files that INDEX.tsv lists but that are schemas handed to -schema-location, not manifests.
SCHEMA_FILES = {"kubeconform/fixtures/grafanaalertrulegroup_v1beta1.json"}

# (file, expected by kubeconform, flags) -> (kconv's verdict, why it differs)
DIFFERENCES = {
    ("kubeconform/fixtures/test_crd.yaml", "invalid-or-error", ""): (
        "valid",
        "a custom resource without a schema is skipped (KC011, info), never an error; "
        "kubeconform fails unless -ignore-missing-schemas is given",
    ),
    ("kubeconform/fixtures/duplicate_property.yaml", "valid", "-kubernetes-version"): (
        "invalid",
        "a duplicate mapping key is always an error in kconv (KC002): YAML forbids it and the "
        "later value silently wins; kubeconform only rejects it with -strict",
    ),
}


@dataclass(frozen=True)
class Row:
    file: str
    expected: str  # "valid" or "invalid-or-error"
    config: str
    detail: str
    evidence: str

    @property
    def path(self) -> Path:
        return LINTERS / self.file

    @property
    def flags(self) -> list[str]:
        return self.config.split()

    def not_applicable(self) -> str | None:
        """Why kconv cannot be compared on this row, or None."""
        for option, reason in NOT_APPLICABLE_OPTIONS.items():
            if option in self.flags:
                return reason
        for text, reason in NOT_APPLICABLE_DETAILS.items():
            if text in self.detail:
                return reason
        if self.file in SCHEMA_FILES:
            return "the file is a JSON schema given to -schema-location, not a manifest"
        if not self.path.is_file():
            return "fixture file absent from the corpus snapshot"
        return None

    @property
    def id(self) -> str:
        return f"{Path(self.file).name}[{self.config or 'default'}]@{self.evidence.split()[0]}"


def kubeconform_rows() -> list[Row]:
    if not INDEX.is_file():
        return []
    with open(INDEX, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        return [
            Row(r["file"], r["expected"], r["config"], r["detail"], r["evidence"])
            for r in reader
            if r["tool"] == "kubeconform"
        ]


def kconv_verdict(row: Row) -> str:
    args = ["lint", "--select", "KC0", "--format", "text", str(row.path)]
    if "-strict" in row.flags:
        args.insert(1, "--strict-schema")
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), result.output
    return "valid" if result.exit_code == 0 else "invalid-or-error"


def _params() -> list[pytest.ParameterSet]:
    rows = kubeconform_rows()
    if not rows:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no corpus at {INDEX}"))]
    params = []
    for row in rows:
        reason = row.not_applicable()
        marks = [pytest.mark.skip(reason=f"not applicable: {reason}")] if reason else []
        params.append(pytest.param(row, id=row.id, marks=marks))
    return params


@pytest.mark.parametrize("row", _params())
def test_kubeconform_fixture_verdict(row: Row) -> None:
    verdict = kconv_verdict(row)
    difference = DIFFERENCES.get((row.file, row.expected, row.config))
    if difference is not None:
        expected, why = difference
        assert verdict == expected.replace("invalid", "invalid-or-error"), why
    else:
        assert verdict == row.expected, f"{row.file} with {row.config!r}: {row.detail}"


@pytest.mark.skipif(not INDEX.is_file(), reason=f"no corpus at {INDEX}")
def test_kubeconform_agreement_summary(capsys: pytest.CaptureFixture[str]) -> None:
    rows = kubeconform_rows()
    compared = [row for row in rows if row.not_applicable() is None]
    agree = sum(1 for row in compared if kconv_verdict(row) == row.expected)
    used = {(row.file, row.expected, row.config) for row in compared}
    assert set(DIFFERENCES) <= used, "a documented difference no longer matches any row"
    with capsys.disabled():
        print(
            f"\nkubeconform fixtures: {len(rows)} rows, {len(compared)} comparable, "
            f"{agree} agree, {len(compared) - agree} documented differences, "
            f"{len(rows) - len(compared)} not applicable"
        )
    assert len(compared) - agree == len(DIFFERENCES)
