"""The state shared by the builders while one service is converted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kconv.convert import labels as labels_mod
from kconv.convert.names import NameRegistry, child_name, dns_label
from kconv.convert.notes import Notes
from kconv.convert.options import ConvertOptions
from kconv.convert.settings import ServiceSettings
from kconv.model.compose import Project, Service
from kconv.model.location import Location


@dataclass
class ServiceBuild:
    """One service being converted: inputs, the chosen name and kind, and what was built."""

    project: Project
    service: Service
    options: ConvertOptions
    settings: ServiceSettings
    name: str
    kind: str  # Deployment, StatefulSet, DaemonSet, Job, CronJob
    notes: Notes
    objects: list[dict[str, Any]] = field(default_factory=list)  # ConfigMaps, Secrets, PVCs
    volumes: list[dict[str, Any]] = field(default_factory=list)  # pod volumes
    claim_templates: list[dict[str, Any]] = field(default_factory=list)
    handled: set[str] = field(default_factory=set)  # compose keys that were mapped
    single_writer_claims: bool = False  # a ReadWriteOnce PVC is mounted (Recreate strategy)
    names: NameRegistry = field(default_factory=NameRegistry)  # shared by the project's builds

    @property
    def namespace(self) -> str | None:
        return self.options.namespace

    @property
    def labels(self) -> dict[str, str]:
        return labels_mod.standard(self.project.name, self.name)

    @property
    def selector(self) -> dict[str, str]:
        return labels_mod.selector(self.project.name, self.name)

    def where(self, key: str) -> Location:
        return self.service.where(key)

    def warn(self, key: str, message: str) -> None:
        self.notes.warn(f"service {self.service.name!r}: {message}", self.where(key))

    def info(self, key: str, message: str) -> None:
        self.notes.info(f"service {self.service.name!r}: {message}", self.where(key))

    def metadata(self, name: str | None = None, **extra: Any) -> dict[str, Any]:
        return labels_mod.metadata(name or self.name, self.namespace, self.labels, **extra)

    def generated_volume_name(self, wanted: str) -> str:
        """`wanted` for a pod volume kconv names itself (`dshm`, `tmpfs-0`...), or `wanted-2`,
        `wanted-3`... when one of the service's named volumes already takes that name."""
        taken = {
            dns_label(mount.source)
            for mount in self.service.volumes
            if mount.type == "volume" and mount.source
        }
        name, number = wanted, 1
        while name in taken:
            number += 1
            name = child_name(wanted, str(number))
        return name

    def add_volume(self, volume: dict[str, Any]) -> None:
        if all(existing["name"] != volume["name"] for existing in self.volumes):
            self.volumes.append(volume)
