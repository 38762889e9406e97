"""Lint the converted objects with kconv's own rules; findings point at the compose source."""

from __future__ import annotations

from kconv.convert.notes import Note
from kconv.convert.pipeline import ConvertResult
from kconv.model.compose import Project, Service
from kconv.model.location import Location

# The compose key that decides what a lint rule (by name) looks at.
RULE_KEYS = {
    "privileged-container": ("privileged",),
    "privilege-escalation": ("privileged",),
    "run-as-root": ("user",),
    "writable-root-filesystem": ("read_only",),
    "host-network": ("network_mode",),
    "host-pid": ("pid",),
    "host-ipc": ("ipc",),
    "sensitive-host-mount": ("volumes",),
    "container-runtime-socket": ("volumes",),
    "host-port": ("ports",),
    "dangerous-capabilities": ("cap_add",),
    "capabilities-not-dropped": ("cap_drop", "cap_add"),
    "missing-readiness-probe": ("healthcheck",),
    "missing-liveness-probe": ("healthcheck",),
    "identical-probes": ("healthcheck",),
    "probe-port-not-declared": ("healthcheck",),
    "missing-cpu-request": ("deploy",),
    "missing-memory-request": ("deploy",),
    "missing-cpu-limit": ("deploy",),
    "missing-memory-limit": ("deploy",),
    "too-few-replicas": ("deploy",),
    "latest-tag": ("image",),
    "duplicate-env-var": ("environment",),
    "env-secret-literal": ("environment",),
    "configmap-secret-data": ("env_file", "environment"),
}


def _services_by_origin(project: Project | None) -> dict[Location, list[Service]]:
    """The services by origin (in order), indexed once per run, not once per finding."""
    index: dict[Location, list[Service]] = {}
    for service in project.services.values() if project is not None else ():
        index.setdefault(service.origin, []).append(service)
    return index


def _place(services: dict[Location, list[Service]], origin: Location, rule_name: str) -> Location:
    """The compose key's location for a finding when the service wrote that key."""
    for service in services.get(origin, ()):
        for key in RULE_KEYS.get(rule_name, ()):
            if key in service.locations:
                return service.locations[key]
    return origin


def lint_result(
    result: ConvertResult, kubernetes_version: str | None = None, project: Project | None = None
) -> list[Note]:
    """One note per lint finding on the generated objects, located in the compose file.

    With the project, a finding points at the compose key behind it (`privileged:`), else at
    the service.
    """
    from kconv.lint.engine import lint
    from kconv.manifests import ManifestSet, load_text
    from kconv.yamlio import dump_documents

    manifests = ManifestSet()
    load_text(manifests, dump_documents(result.objects), "<converted>")
    report = lint(manifests, kubernetes_version=kubernetes_version)
    origins: dict[tuple[str, str], Location] = {}
    for body, origin in zip(result.objects, result.origins):
        origins.setdefault((body["kind"], body["metadata"]["name"]), origin)
    secrets = project.secret_values if project is not None else frozenset()
    services = _services_by_origin(project)
    notes = []
    for finding in report.findings:
        where = origins.get((finding.kind or "", finding.object_name or ""))
        where = finding.location if where is None else _place(services, where, finding.name)
        subject = f"{finding.kind}/{finding.object_name}" if finding.kind else "output"
        severity = str(getattr(finding.severity, "name", finding.severity)).lower()
        notes.append(
            Note(
                severity,
                f"{finding.rule} {finding.name}: generated {subject}: {finding.message}",
                where,
            ).redacted(secrets)
        )
    return notes
