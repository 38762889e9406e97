"""Kubernetes names: DNS-1123 labels made from compose names, and collision checks."""

from __future__ import annotations

import re

from kconv.errors import InputError
from kconv.model.location import Location

MAX_NAME = 63
_INVALID = re.compile(r"[^a-z0-9-]+")
_DASHES = re.compile(r"-{2,}")
_PORT_NAME_INVALID = re.compile(r"[^a-z0-9-]+")
MAX_HOST = 253
_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_IPV4 = re.compile(r"^\d+(\.\d+){3}$")
HOST_HINT = 'a lower-case DNS name such as "shop.example.com", optionally starting with "*."'


def dns_label(name: str, max_length: int = MAX_NAME) -> str:
    """A valid DNS-1123 label: lower case, `_` and `.` become `-`, at most 63 characters."""
    text = _INVALID.sub("-", name.lower().replace("_", "-").replace(".", "-"))
    text = _DASHES.sub("-", text)[:max_length].strip("-")
    return text or "x"


def child_name(base: str, suffix: str) -> str:
    """`<base>-<suffix>` cut to 63 characters (the suffix is kept whole)."""
    suffix = dns_label(suffix)
    room = MAX_NAME - len(suffix) - 1
    return f"{dns_label(base, room)}-{suffix}"


def port_name(preferred: str | None, protocol: str, number: int) -> str:
    """An IANA_SVC_NAME (at most 15 characters, a letter, no double dash) for a port."""
    if preferred:
        text = _DASHES.sub("-", _PORT_NAME_INVALID.sub("-", preferred.lower()))[:15].strip("-")
        if text and re.search(r"[a-z]", text):
            return text
    return f"{protocol.lower()}-{number}"[:15]


def is_ingress_host(host: str) -> bool:
    """Whether Kubernetes accepts `host` in an Ingress rule: a DNS-1123 subdomain (not an IP
    address), optionally a wildcard `*.` followed by one."""
    name = host.removeprefix("*.")
    return len(host) <= MAX_HOST and bool(_SUBDOMAIN.match(name)) and not _IPV4.match(name)


def is_object_name(name: str) -> bool:
    """Whether `name` can name an object such as an IngressClass: a DNS-1123 subdomain."""
    return len(name) <= MAX_HOST and bool(_SUBDOMAIN.match(name))


def is_service_name(name: str) -> bool:
    """Whether `name` (a `dns_label` result) is also a DNS-1035 label, as Service names must be."""
    return name[:1].isalpha()


class NameRegistry:
    """Remembers which compose name took which Kubernetes name, per kind; reports collisions."""

    def __init__(self) -> None:
        self._taken: dict[tuple[str, str], tuple[str, Location]] = {}

    def claim(self, kind: str, name: str, source: str, location: Location) -> str:
        key = (kind, name)
        previous = self._taken.get(key)
        if previous is not None and previous[0] != source:
            raise InputError(
                f"{source!r} and {previous[0]!r} (at {previous[1]}) both become the {kind} name "
                f"{name!r}; rename one of them",
                location,
            )
        self._taken[key] = (source, location)
        return name
