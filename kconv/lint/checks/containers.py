"""One main container per pod: sidecars of known meshes and agents are allowed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.model.k8s import K8sObject
from kconv.model.location import join_pointer

DEFAULT_SIDECAR_NAMES = (
    "istio-proxy",
    "linkerd-proxy",
    "envoy",
    "envoy-sidecar",
    "consul-dataplane",
    "kuma-sidecar",
    "daprd",
    "cloudsql-proxy",
    "cloud-sql-proxy",
    "vault-agent",
    "oauth2-proxy",
    "aws-xray-daemon",
)
DEFAULT_SIDECAR_IMAGES = (
    r"(^|/)istio/proxyv2(:|@|$)",
    r"(^|/)linkerd/proxy(:|@|$)",
    r"(^|/)envoyproxy/envoy[^/]*(:|@|$)",
    r"(^|/)cloudsql-docker/gce-proxy(:|@|$)",
    r"(^|/)cloud-sql-connectors/cloud-sql-proxy(:|@|$)",
    r"(^|/)hashicorp/vault(:|@|$)",
    r"(^|/)hashicorp/consul-dataplane(:|@|$)",
    r"(^|/)daprio/daprd(:|@|$)",
)

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "allowed-names": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(DEFAULT_SIDECAR_NAMES),
            "description": "Container names that are known sidecars and do not count.",
        },
        "allowed-images": {
            "type": "array",
            "items": {"type": "string", "format": "regex"},
            "default": list(DEFAULT_SIDECAR_IMAGES),
            "description": "Regular expressions searched in the image of known sidecars.",
        },
    },
}


@check("single-container", params=PARAMS)
def single_container(params: Mapping[str, Any]) -> CheckFn:
    """A pod runs more than one main container (init containers and known sidecars aside)."""
    names = frozenset(params.get("allowed-names", DEFAULT_SIDECAR_NAMES))
    sources = tuple(params.get("allowed-images", DEFAULT_SIDECAR_IMAGES))
    # the shipped patterns are compiled when a pod first has two containers (most runs of a
    # pre-commit hook never need them); configured ones at once, to report a bad one
    configured = None if sources == DEFAULT_SIDECAR_IMAGES else _compiled(sources)

    def is_sidecar(container: Mapping[str, Any]) -> bool:
        name = container.get("name")
        if isinstance(name, str) and name in names:
            return True
        image = str(container.get("image") or "")
        patterns = _default_images() if configured is None else configured
        return any(pattern.search(image) for pattern in patterns)

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        found = obj.pod_spec()
        if found is None:
            return
        containers = obj.containers()
        if len(containers) < 2:
            return
        main = [ref for ref in containers if not is_sidecar(ref.data)]
        if len(main) > 1:
            listed = ", ".join(f'"{ref.name}"' for ref in main)
            yield Violation(
                f"pod runs {len(main)} main containers: {listed}",
                join_pointer(found[0], "containers"),
            )

    return run


def _compiled(sources: Iterable[str]) -> list[re.Pattern[str]]:
    """The configured patterns, compiled (ValueError names a bad one)."""
    try:
        return [re.compile(source) for source in sources]
    except re.error as exc:
        raise ValueError(f"invalid allowed-images pattern {exc.pattern!r}: {exc}") from exc


@cache
def _default_images() -> list[re.Pattern[str]]:
    """The shipped patterns as one (one search per image instead of eight; configured
    patterns stay apart, as a back-reference's group number would change in a union)."""
    return [re.compile("|".join(f"(?:{source})" for source in DEFAULT_SIDECAR_IMAGES))]
