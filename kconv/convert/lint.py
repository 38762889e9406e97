"""Lint the converted objects with kconv's own rules; findings point at the compose source."""

from __future__ import annotations

from kconv.convert.notes import Note
from kconv.convert.pipeline import ConvertResult
from kconv.model.location import Location


def lint_result(result: ConvertResult, kubernetes_version: str | None = None) -> list[Note]:
    """One note per lint finding on the generated objects, located in the compose file."""
    from kconv.lint.engine import lint
    from kconv.manifests import ManifestSet, load_text
    from kconv.yamlio import dump_documents

    manifests = ManifestSet()
    load_text(manifests, dump_documents(result.objects), "<converted>")
    report = lint(manifests, kubernetes_version=kubernetes_version)
    origins: dict[tuple[str, str], Location] = {}
    for body, origin in zip(result.objects, result.origins):
        origins.setdefault((body["kind"], body["metadata"]["name"]), origin)
    notes = []
    for finding in report.findings:
        where = origins.get((finding.kind or "", finding.object_name or ""), finding.location)
        subject = f"{finding.kind}/{finding.object_name}" if finding.kind else "output"
        severity = str(getattr(finding.severity, "name", finding.severity)).lower()
        notes.append(
            Note(
                severity,
                f"{finding.rule} {finding.name}: generated {subject}: {finding.message}",
                where,
            )
        )
    return notes
