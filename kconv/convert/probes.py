"""Probes from compose `healthcheck` (and kompose's healthcheck labels)."""

from __future__ import annotations

import math
import re
import shlex
from typing import Any

from kconv.convert.context import ServiceBuild
from kconv.convert.quantities import seconds
from kconv.model.compose import Healthcheck

_LOCAL_URL = re.compile(
    r"^(https?)://(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::(\d+))?(/[^\s?#]*)?(\?\S*)?$"
)
MAX_PORT = 65535
DEFAULT_RETRIES = 3  # Kubernetes' and compose's default failureThreshold / retries
_FAIL_SUFFIXES = (("||", "exit", "1"), ("||", "false"))


def _words(test: tuple[str, ...]) -> list[str] | None:
    if test[0] == "CMD-SHELL":
        try:
            return shlex.split(" ".join(test[1:]))
        except ValueError:
            return None
    return list(test[1:])


def http_check(test: tuple[str, ...]) -> dict[str, Any] | None:
    """An httpGet action when the test is a plain curl/wget request to the container itself."""
    words = _words(test)
    if not words:
        return None
    for suffix in _FAIL_SUFFIXES:
        if tuple(words[-len(suffix) :]) == suffix:
            words = words[: -len(suffix)]
    tool = words[0].rsplit("/", 1)[-1]
    if tool not in ("curl", "wget") or any(w in ("|", "&&", ";", "||", ">") for w in words):
        return None
    urls = [word for word in words[1:] if "://" in word]
    options = [word for word in words[1:] if word.startswith("-")]
    others = [w for w in words[1:] if w not in urls and w not in options]
    if len(urls) != 1 or others:
        return None
    if tool == "curl" and not any(
        o == "--fail" or (not o.startswith("--") and "f" in o) for o in options
    ):
        return None  # without -f, curl succeeds on HTTP errors: keep the exact command
    match = _LOCAL_URL.match(urls[0])
    if not match:
        return None
    scheme, port, path, query = match.groups()
    number = int(port) if port else (443 if scheme == "https" else 80)
    if not 0 < number <= MAX_PORT:
        return None  # a port no probe can use: keep the command, which fails as in compose
    action: dict[str, Any] = {"path": (path or "/") + (query or ""), "port": number}
    if scheme == "https":
        action["scheme"] = "HTTPS"
    return action


def _action(test: tuple[str, ...]) -> dict[str, Any]:
    http = http_check(test)
    if http is not None:
        return {"httpGet": http}
    if test[0] == "CMD-SHELL":
        return {"exec": {"command": ["sh", "-c", " ".join(test[1:])]}}
    return {"exec": {"command": list(test[1:])}}


def _timing(interval: float | None, timeout: float | None, retries: int | None) -> dict[str, int]:
    out: dict[str, int] = {}
    if interval is not None:
        out["periodSeconds"] = seconds(interval)  # type: ignore[assignment]
    if timeout is not None:
        out["timeoutSeconds"] = seconds(timeout)  # type: ignore[assignment]
    if retries is not None:
        out["failureThreshold"] = max(1, retries)
    return out


def _disabled(check: Healthcheck) -> bool:
    return check.disable or not check.test or check.test[0] == "NONE"


def _label_action(fields: dict[str, Any]) -> dict[str, Any] | None:
    if "http_get_path" in fields or "http_get_port" in fields:
        return {
            "httpGet": {
                "path": fields.get("http_get_path", "/"),
                "port": fields.get("http_get_port", 80),
            }
        }
    if "tcp_port" in fields:
        return {"tcpSocket": {"port": fields["tcp_port"]}}
    if fields.get("test"):
        return _action(fields["test"])
    return None


def probes(build: ServiceBuild) -> dict[str, dict[str, Any]]:
    """`livenessProbe`, `readinessProbe` and `startupProbe` of the main container."""
    check = build.service.healthcheck
    out: dict[str, dict[str, Any]] = {}
    liveness_labels = build.settings.get("liveness_probe") or {}
    readiness_labels = build.settings.get("readiness_probe") or {}
    if check is not None:
        build.handled.add("healthcheck")
    if check is not None and not _disabled(check):
        action = _action(check.test)
        timing = _timing(check.interval, check.timeout, check.retries)
        # compose never restarts an unhealthy container: restarting is the last resort, so
        # liveness tolerates twice the failures readiness does
        lenient = {**timing, "failureThreshold": 2 * (check.retries or DEFAULT_RETRIES)}
        out["livenessProbe"] = {**(_label_action(liveness_labels) or action), **lenient}
        out["readinessProbe"] = {**action, **timing}
        if check.start_period:
            period = seconds(check.start_interval or check.interval or 10) or 10
            startup: dict[str, Any] = {**action, "periodSeconds": period}
            startup["failureThreshold"] = max(1, math.ceil(check.start_period / period))
            if check.timeout is not None:
                startup["timeoutSeconds"] = seconds(check.timeout)
            out["startupProbe"] = startup
    elif liveness_labels and _label_action(liveness_labels):
        out["livenessProbe"] = _label_action(liveness_labels)  # type: ignore[assignment]
    if readiness_labels:
        action = _label_action(readiness_labels)
        if readiness_labels.get("disable") or ("test" in readiness_labels and action is None):
            out.pop("readinessProbe", None)
        elif action is not None:
            probe = {
                **action,
                **_timing(
                    readiness_labels.get("interval"),
                    readiness_labels.get("timeout"),
                    readiness_labels.get("retries"),
                ),
            }
            if readiness_labels.get("start_period"):
                probe["initialDelaySeconds"] = seconds(readiness_labels["start_period"], 0)
            out["readinessProbe"] = probe
    return out
