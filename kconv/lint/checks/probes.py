"""Container probes: missing readiness and liveness probes, undeclared probe ports, and
identical liveness and readiness probes.

Only regular containers are checked: init containers run to completion and cannot have
readiness or liveness probes (checkov #4807 is the false positive this avoids).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.lint.selectors import services_selecting
from kconv.model.k8s import K8sObject

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HANDLERS = ("httpGet", "tcpSocket", "grpc")

READINESS_PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "services-only": {
            "type": "boolean",
            "default": False,
            "description": "Report only containers whose pods a Service of the run selects "
            "(kube-score semantics).",
        }
    },
}


@check("readiness-probe", params=READINESS_PARAMS, cross_object=True)
def readiness_probe(params: Mapping[str, Any]) -> CheckFn:
    """Containers without a readinessProbe (noting the Services that route to them)."""
    services_only = bool(params.get("services-only", False))

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        missing = [ref for ref in obj.containers() if not ref.data.get("readinessProbe")]
        if not missing:
            return
        services = sorted(service.name for service in services_selecting(ctx, obj))
        if services_only and not services:
            return
        behind = ""
        if services:
            names = ", ".join(f'"{name}"' for name in services)
            verb = "send" if len(services) > 1 else "sends"
            plural = "s" if len(services) > 1 else ""
            behind = f" although service{plural} {names} {verb} traffic to it"
        for ref in missing:
            yield Violation(f'container "{ref.name}" has no readinessProbe{behind}', ref.pointer)

    return run


@check("liveness-probe")
def liveness_probe(params: Mapping[str, Any]) -> CheckFn:
    """Containers without a livenessProbe."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for ref in obj.containers():
            if not ref.data.get("livenessProbe"):
                yield Violation(f'container "{ref.name}" has no livenessProbe', ref.pointer)

    return run


def _declared_ports(container: Mapping[str, Any], *, tcp: bool = True) -> tuple[set[str], set[int]]:
    """Names and numbers of the container's TCP ports (probes cannot use UDP or SCTP), or of
    its other ports with `tcp=False`."""
    names: set[str] = set()
    numbers: set[int] = set()
    ports = container.get("ports")
    for port in ports if isinstance(ports, list) else ():
        if not isinstance(port, dict):
            continue
        if (str(port.get("protocol") or "TCP").upper() == "TCP") != tcp:
            continue
        if port.get("name"):
            names.add(str(port["name"]))
        number = _as_number(port.get("containerPort"))
        if number is not None:
            numbers.add(number)
    return names, numbers


def _as_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


@check("probe-port")
def probe_port(params: Mapping[str, Any]) -> CheckFn:
    """Probes (httpGet, tcpSocket, grpc) on a port the container does not declare."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for ref in obj.containers():
            names, numbers = _declared_ports(ref.data)
            other_names, other_numbers = _declared_ports(ref.data, tcp=False)
            for probe_name in PROBES:
                probe = ref.data.get(probe_name)
                if not isinstance(probe, dict):
                    continue
                for handler in HANDLERS:
                    action = probe.get(handler)
                    if not isinstance(action, dict) or not isinstance(
                        action.get("port"), str | int
                    ):
                        continue  # no port, or a malformed one (schema validation reports it)
                    if action["port"] == "" or isinstance(action["port"], bool):
                        continue
                    port = action["port"]
                    # a quoted number is a port name to the API server, not a number
                    number = port if isinstance(port, int) else None
                    if number is not None:
                        if number in numbers:
                            continue
                        shown, not_tcp = str(number), number in other_numbers
                    else:
                        if str(port) in names:
                            continue
                        shown, not_tcp = f'"{port}"', str(port) in other_names
                    problem = (
                        "which is not a TCP port of the container"
                        if not_tcp
                        else "which the container does not declare"
                    )
                    if isinstance(port, str) and port.isascii() and port.isdigit():
                        problem += (
                            f" (a string port is a port name; write {int(port)} without quotes)"
                        )
                    yield Violation(
                        f'{probe_name} of container "{ref.name}" uses port {shown}, {problem}',
                        f"{ref.pointer}/{probe_name}/{handler}/port",
                    )

    return run


# The API server's defaults for probe fields: probes equal after defaulting behave identically.
PROBE_DEFAULTS = {
    "initialDelaySeconds": 0,
    "timeoutSeconds": 1,
    "periodSeconds": 10,
    "successThreshold": 1,
    "failureThreshold": 3,
}


def _defaulted(probe: dict[str, Any]) -> dict[str, Any]:
    result = {**PROBE_DEFAULTS, **probe}
    http = result.get("httpGet")
    if isinstance(http, dict):
        result["httpGet"] = {"scheme": "HTTP", "path": "/", **http}
    return result


@check("identical-probes")
def identical_probes(params: Mapping[str, Any]) -> CheckFn:
    """Containers whose livenessProbe and readinessProbe are identical."""

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for ref in obj.containers():
            liveness = ref.data.get("livenessProbe")
            readiness = ref.data.get("readinessProbe")
            if (
                isinstance(liveness, dict)
                and isinstance(readiness, dict)
                and liveness
                and _defaulted(liveness) == _defaulted(readiness)
            ):
                yield Violation(
                    f'container "{ref.name}" has identical livenessProbe and readinessProbe',
                    f"{ref.pointer}/readinessProbe",
                )

    return run
