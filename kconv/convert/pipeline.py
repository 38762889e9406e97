"""The conversion pipeline: a compose `Project` in, Kubernetes objects and notes out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kconv.convert import hpa as hpa_mod
from kconv.convert import ingress as ingress_mod
from kconv.convert import networkpolicy
from kconv.convert import service as service_mod
from kconv.convert.configmaps import shared_labels
from kconv.convert.context import ServiceBuild
from kconv.convert.labels import metadata
from kconv.convert.names import MAX_HOST, NameRegistry, dns_label, is_ingress_host
from kconv.convert.notes import Note, Notes
from kconv.convert.options import ConvertOptions
from kconv.convert.settings import service_settings
from kconv.convert.workload import workload, workload_kind
from kconv.errors import ConfigError, InputError, KconvError
from kconv.model.compose import Project, Service
from kconv.model.location import Location
from kconv.secrets import scrubbed

KIND_ORDER = (
    "Namespace",
    "ConfigMap",
    "Secret",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Service",
    "Ingress",
    "NetworkPolicy",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
)
_GROUP = {kind: index for index, kind in enumerate(KIND_ORDER)}
for _kind in ("StatefulSet", "DaemonSet", "Job", "CronJob"):
    _GROUP[_kind] = _GROUP["Deployment"]

# Compose keys mapped by the pipeline itself or that need no object.
_NO_OBJECT_KEYS = {"container_name", "profiles", "extends", "depends_on", "links", "networks"}


@dataclass
class ConvertResult:
    """Objects in output order, notes, and for each object the compose place it came from."""

    objects: list[dict[str, Any]]
    notes: list[Note]
    origins: list[Location] = field(default_factory=list)


def _name(service: Service, override: str | None) -> str:
    return dns_label(override or service.name)


def _default_host(host: str, build: ServiceBuild, published: int) -> str:
    """The --ingress-host of one of `published` services: `<name>.<host>` when several share it
    (`*.example.com` gives `<name>.example.com`)."""
    if published == 1:
        return host
    derived = f"{build.name}.{host.removeprefix('*.')}"
    if not is_ingress_host(derived):
        raise ConfigError(
            f"--ingress-host: {derived!r} (for service {build.service.name!r}) is longer than "
            f"{MAX_HOST} characters; give a shorter host"
        )
    return derived


def _sort_key(item: tuple[dict[str, Any], Location]) -> tuple[int, str, str]:
    body = item[0]
    return (_GROUP.get(body["kind"], 99), body["metadata"]["name"], body["kind"])


def _dedupe(
    items: list[tuple[dict[str, Any], Location]], notes: Notes
) -> list[tuple[dict[str, Any], Location]]:
    kept: dict[tuple[str, str], tuple[dict[str, Any], Location]] = {}
    for body, origin in items:
        key = (body["kind"], body["metadata"]["name"])
        if key not in kept:
            kept[key] = (body, origin)
        elif kept[key][0] != body:
            if body["kind"] == "PersistentVolumeClaim":
                notes.warn(
                    f"PersistentVolumeClaim {key[1]!r} is asked for with different settings; "
                    f"the first ({kept[key][1]}) is kept",
                    origin,
                )
                continue
            raise InputError(
                f"two different {key[0]} objects would be named {key[1]!r} "
                f"(the other comes from {kept[key][1]}); rename one of them",
                origin,
            )
    return list(kept.values())


def _note_unmapped(build: ServiceBuild) -> None:
    for key in build.service.raw:
        if key in build.handled or key in _NO_OBJECT_KEYS or key.startswith("x-"):
            continue
        build.warn(key, f"compose key {key!r} has no Kubernetes mapping in kconv; left out")


def _note_relations(build: ServiceBuild, options: ConvertOptions) -> None:
    service = build.service
    for dependency in service.depends_on:
        if options.wait_for_dependencies:
            continue
        build.notes.info(
            f"service {service.name!r}: depends_on {dependency.service!r} has no Kubernetes "
            "equivalent; make the container retry until its dependency answers "
            "(or use --wait-for-dependencies)",
            dependency.origin,
        )
    if "links" in service.raw:
        build.info("links", "links are not needed: services reach each other by Service name")
    if "container_name" in service.raw:
        build.info(
            "container_name", "container_name is not used; objects are named after the service"
        )
    if service.networks and not options.network_policies and set(service.networks) != {"default"}:
        build.info("networks", "networks are not isolated without --network-policies")


def convert(project: Project, options: ConvertOptions | None = None) -> ConvertResult:
    """Convert a loaded compose project into Kubernetes objects (dicts) and notes. Neither
    the notes nor an error quote the project's secret values (those `kconv config` hides)."""
    try:
        return _convert(project, options or ConvertOptions())
    except KconvError as exc:
        raise scrubbed(exc, project.secret_values) from None


def _convert(project: Project, options: ConvertOptions) -> ConvertResult:
    notes = Notes(secrets=project.secret_values)
    registry = NameRegistry()
    items: list[tuple[dict[str, Any], Location]] = []
    project_origin = Location(project.files[0]) if project.files else Location("<compose>")
    if options.namespace:
        namespace = {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": metadata(options.namespace, None, shared_labels(project)),
        }
        items.append((namespace, project_origin))
    published = [s for s in project.services.values() if any(p.published for p in s.ports)]
    builds: dict[str, ServiceBuild] = {}
    for service in project.services.values():
        settings = service_settings(service)
        for label in settings.unknown_labels:
            notes.warn(
                f"service {service.name!r}: unknown kompose label {label!r}",
                service.where("labels"),
            )
        name = registry.claim(
            "service", _name(service, settings.get("name")), service.name, service.origin
        )
        kind = workload_kind(service, settings, options)
        builds[service.name] = ServiceBuild(
            project, service, options, settings, name, kind, notes, names=registry
        )
    guests_last = sorted(
        builds.values(),
        key=lambda b: str(b.service.raw.get("network_mode") or "").startswith("service:"),
    )
    for build in guests_last:
        service = build.service
        mode = str(service.raw.get("network_mode") or "")
        joined = builds.get(mode.removeprefix("service:")) if mode.startswith("service:") else None
        extra = networkpolicy.pod_labels(service) if options.network_policies else {}
        body = workload(build, extra)
        origin = service.origin
        selector = build.selector
        if joined is not None:
            build.warn(
                "network_mode",
                f"network_mode service:{joined.service.name}: its container is added to the pod "
                f"of {joined.name!r} (more than one container per pod)",
            )
            selector = joined.selector
            build.objects.append(body)  # merged below, once the other workload exists
        else:
            items.append((body, origin))
        items.extend((obj, origin) for obj in build.objects if obj is not body)
        service_body = service_mod.service(build, selector)
        if service_body is not None:
            items.append((service_body, origin))
        default_host = None
        if options.ingress_host and service in published:
            default_host = _default_host(options.ingress_host, build, len(published))
        ingress = ingress_mod.ingress(build, service_body, default_host)
        if ingress is not None:
            items.append((ingress, origin))
        if options.network_policies and any(p.published for p in service.ports) and service_body:
            items.append(
                (
                    networkpolicy.published_policy(
                        build.name,
                        options.namespace,
                        build.labels,
                        selector,
                        service_body["spec"]["ports"],
                    ),
                    origin,
                )
            )
        autoscaler = hpa_mod.hpa(build, body) if joined is None else None
        if autoscaler is not None:
            items.append((autoscaler, origin))
            body["spec"].pop(
                "replicas", None
            )  # the autoscaler owns it; kubectl apply must not reset it
        budget = hpa_mod.disruption_budget(build, body, autoscaler) if joined is None else None
        if budget is not None:
            items.append((budget, origin))
        _note_relations(build, options)
        _note_unmapped(build)
        if joined is not None:
            _merge_into(items, joined, body)
    if options.network_policies:
        items.extend(
            (p, project_origin) for p in networkpolicy.policies(project, options.namespace)
        )
    if not project.services and not project.disabled_services:
        raise InputError("no services to convert: the compose file defines none", project_origin)
    if not project.services:
        notes.warn(
            "no service to convert: every service is in a profile that is not enabled "
            f"({', '.join(sorted(project.disabled_services))}); use --profile",
            project_origin,
        )
    ordered = sorted(_dedupe(items, notes), key=_sort_key)
    return ConvertResult(
        [body for body, _ in ordered], list(notes.items), [origin for _, origin in ordered]
    )


def _pod_spec(body: dict[str, Any]) -> dict[str, Any]:
    spec = body["spec"]
    if body["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]["spec"]
    return spec["template"]["spec"]


def _merge_into(
    items: list[tuple[dict[str, Any], Location]], target: ServiceBuild, guest: dict[str, Any]
) -> None:
    """Add a `network_mode: service:X` service's containers and volumes to X's pod."""
    for body, _ in items:
        if body["kind"] == target.kind and body["metadata"]["name"] == target.name:
            host = _pod_spec(body)
            extra = _pod_spec(guest)
            host["containers"].extend(extra["containers"])
            names = {v["name"] for v in host.get("volumes", [])}
            volumes = host.get("volumes", []) + [
                v for v in extra.get("volumes", []) if v["name"] not in names
            ]
            if volumes:
                host["volumes"] = sorted(volumes, key=lambda v: v["name"])
            return
