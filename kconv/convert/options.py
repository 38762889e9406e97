"""ConvertOptions: the command-line choices that steer a conversion."""

from __future__ import annotations

from dataclasses import dataclass

from kconv.convert.names import HOST_HINT, is_ingress_host
from kconv.errors import ConfigError
from kconv.lint.context import DEFAULT_KUBERNETES_VERSION as _LINT_DEFAULT

CONTROLLERS = ("deployment", "statefulset", "daemonset")
VOLUME_MODES = ("persistentVolumeClaim", "emptyDir", "hostPath", "configMap")
SERVICE_TYPES = ("ClusterIP", "NodePort", "LoadBalancer")
# The same target as `kconv lint`: the newest version whose schemas kconv ships.
DEFAULT_KUBERNETES_VERSION = _LINT_DEFAULT


@dataclass(frozen=True)
class ConvertOptions:
    """Options of one conversion; None means "not given" (compose or the default decides)."""

    namespace: str | None = None
    controller: str | None = None  # one of CONTROLLERS
    replicas: int | None = None
    volumes: str = "persistentVolumeClaim"  # one of VOLUME_MODES
    pvc_request_size: str | None = None
    service_type: str | None = None  # one of SERVICE_TYPES
    ingress_host: str | None = None
    ingress_class: str | None = None
    network_policies: bool = False
    wait_for_dependencies: bool = False  # init containers that wait for depends_on Services
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION

    def __post_init__(self) -> None:
        host = self.ingress_host
        if host is not None and not is_ingress_host(host):
            raise ConfigError(f"--ingress-host: {host!r} is not a valid host name; use {HOST_HINT}")
