"""The normalised Compose project: long syntax only, every value with its source location.

This is what the Compose loader (`kconv.compose`) produces and what the converter consumes.
It knows nothing of Kubernetes. Values are already interpolated, merged (several files,
`extends`, `include`), filtered by profiles, and normalised:

- ports: one `Port` per container port (ranges expanded), protocol lower case;
- volumes: `Mount`s, with bind sources made absolute against the project directory;
- environment: `EnvVar`s in file order, `env_file` contents *not* merged in (the converter
  needs to know which came from where); a key without value (`- FOO`) takes the value of the
  interpolation environment, or stays unset (`value is None`);
- durations in seconds (float), byte sizes in bytes (int);
- `command`/`entrypoint` as argument lists (a shell-form string split as compose does).

Everything the typed fields do not cover stays available in `Service.raw` (the normalised
service mapping, as `kconv config` prints it), with `Service.locations` giving where each
top-level service key was written, so nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kconv.model.location import Location

NO_LOCATION = Location("<unknown>")


@dataclass(frozen=True)
class Port:
    """A container port, optionally published on the host."""

    target: int
    protocol: str = "tcp"  # "tcp" or "udp" (or "sctp")
    published: str | None = None  # a host port as written ("8080"); None when not published
    host_ip: str | None = None
    mode: str = "ingress"  # "ingress" or "host"
    name: str | None = None
    app_protocol: str | None = None
    origin: Location = NO_LOCATION


@dataclass(frozen=True)
class Mount:
    """One entry of a service's `volumes` (or `tmpfs`), in long syntax."""

    type: str  # "volume", "bind", "tmpfs", "image", "npipe", "cluster"
    target: str
    source: str | None = None  # volume name, or absolute host path for binds; None: anonymous
    read_only: bool = False
    bind_propagation: str | None = None
    bind_create_host_path: bool | None = None
    bind_selinux: str | None = None
    volume_nocopy: bool = False
    volume_subpath: str | None = None
    tmpfs_size: int | None = None  # bytes
    tmpfs_mode: int | None = None
    origin: Location = NO_LOCATION


@dataclass(frozen=True)
class EnvVar:
    """An environment variable of a service (value None: declared but unset)."""

    name: str
    value: str | None
    origin: Location = NO_LOCATION


@dataclass(frozen=True)
class EnvFile:
    """An `env_file` entry; `path` is absolute. `variables` holds its parsed content."""

    path: str
    required: bool = True
    format: str | None = None  # None (compose dotenv syntax) or "raw"
    variables: tuple[EnvVar, ...] = ()  # empty when the file is optional and missing
    origin: Location = NO_LOCATION


@dataclass(frozen=True)
class FileReference:
    """A service's use of a top-level secret or config (long syntax)."""

    source: str
    target: str  # absolute path in the container (secrets: /run/secrets/<name> by default)
    uid: str | None = None
    gid: str | None = None
    mode: int | None = None
    origin: Location = NO_LOCATION


@dataclass(frozen=True)
class Healthcheck:
    """`healthcheck`: test is ("CMD", arg...), ("CMD-SHELL", command) or () when disabled."""

    test: tuple[str, ...] = ()
    interval: float | None = None  # seconds
    timeout: float | None = None
    start_period: float | None = None
    start_interval: float | None = None
    retries: int | None = None
    disable: bool = False
    origin: Location = NO_LOCATION


@dataclass(frozen=True)
class Dependency:
    """A `depends_on` entry in long syntax."""

    service: str
    condition: str = "service_started"
    restart: bool = False
    required: bool = True
    origin: Location = NO_LOCATION


@dataclass(frozen=True)
class ResourceSpec:
    """`deploy.resources.limits` or `.reservations`: cpus as a float, memory in bytes."""

    cpus: float | None = None
    memory: int | None = None
    pids: int | None = None
    devices: tuple[Mapping[str, Any], ...] = ()
    origin: Location = NO_LOCATION


@dataclass(frozen=True)
class Deploy:
    """The `deploy` section (with `mem_limit`, `cpus`, `mem_reservation` folded in)."""

    mode: str = "replicated"  # "replicated" or "global"
    replicas: int | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    limits: ResourceSpec | None = None
    reservations: ResourceSpec | None = None
    restart_policy: Mapping[str, Any] | None = None  # condition, delay (s), max_attempts, window
    update_config: Mapping[str, Any] | None = None  # parallelism, delay (s), order, ...
    rollback_config: Mapping[str, Any] | None = None
    placement: Mapping[str, Any] | None = None  # constraints, preferences, max_replicas_per_node
    endpoint_mode: str | None = None
    origin: Location = NO_LOCATION


@dataclass(frozen=True)
class Service:
    """One compose service after loading and normalisation."""

    name: str
    image: str | None = None
    build: Mapping[str, Any] | None = None  # long syntax; context made absolute
    command: tuple[str, ...] | None = None
    entrypoint: tuple[str, ...] | None = None
    environment: tuple[EnvVar, ...] = ()
    env_files: tuple[EnvFile, ...] = ()
    ports: tuple[Port, ...] = ()
    expose: tuple[Port, ...] = ()  # `expose` entries as ports (never published)
    volumes: tuple[Mount, ...] = ()  # `tmpfs` entries included, as type "tmpfs"
    secrets: tuple[FileReference, ...] = ()
    configs: tuple[FileReference, ...] = ()
    healthcheck: Healthcheck | None = None
    deploy: Deploy | None = None
    depends_on: tuple[Dependency, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    networks: Mapping[str, Mapping[str, Any] | None] = field(default_factory=dict)
    profiles: tuple[str, ...] = ()
    restart: str | None = None
    extensions: Mapping[str, Any] = field(default_factory=dict)  # x-* keys (x-kconv, ...)
    raw: Mapping[str, Any] = field(default_factory=dict)  # the normalised mapping, all keys
    locations: Mapping[str, Location] = field(default_factory=dict)  # top-level key -> where
    origin: Location = NO_LOCATION

    def where(self, key: str) -> Location:
        """Where a top-level key of this service was written (the service's own origin else)."""
        return self.locations.get(key, self.origin)


@dataclass(frozen=True)
class Resource:
    """A top-level network, volume, secret or config (its mapping kept as normalised)."""

    name: str
    external: bool = False
    external_name: str | None = None  # the `name:` key when given
    file: str | None = None  # secrets/configs: absolute path
    environment: str | None = None  # secrets/configs: variable name
    content: str | None = None  # configs: inline content
    labels: Mapping[str, str] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict)
    origin: Location = NO_LOCATION


@dataclass(frozen=True)
class Project:
    """A loaded compose project."""

    name: str
    working_dir: str  # absolute project directory
    services: Mapping[str, Service] = field(default_factory=dict)  # sorted by name
    networks: Mapping[str, Resource] = field(default_factory=dict)
    volumes: Mapping[str, Resource] = field(default_factory=dict)
    secrets: Mapping[str, Resource] = field(default_factory=dict)
    configs: Mapping[str, Resource] = field(default_factory=dict)
    extensions: Mapping[str, Any] = field(default_factory=dict)  # top-level x-* keys
    files: tuple[str, ...] = ()  # the compose files read, in order
    environment: Mapping[str, str] = field(default_factory=dict)  # interpolation environment
    secret_values: frozenset[str] = frozenset()  # values to redact in every output
    disabled_services: tuple[str, ...] = ()  # services filtered out by profiles
    warnings: tuple[str, ...] = ()  # "file:line:col: message" (unset variables, obsolete keys)
    # False with --no-interpolate: values as written (`${VAR}`, `$$`), not as containers get them
    interpolated: bool = True
