"""Standard labels, selectors and object metadata; compose labels as labels or annotations."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

NAME = "app.kubernetes.io/name"
PART_OF = "app.kubernetes.io/part-of"
MANAGED_BY = "app.kubernetes.io/managed-by"
_VALUE = re.compile(r"^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")
_NAME_PART = re.compile(r"^[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_PREFIX = re.compile(r"^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$")
_RESERVED = (NAME, PART_OF, MANAGED_BY)


def label_value(text: str) -> str:
    """Text made a valid label value (for the project name)."""
    cleaned = re.sub(r"[^-A-Za-z0-9_.]+", "-", text)[:63]
    return cleaned.strip("-_.")


def is_label_key(key: str) -> bool:
    prefix, slash, name = key.rpartition("/")
    if slash and (not prefix or len(prefix) > 253 or not _PREFIX.match(prefix)):
        return False
    return bool(_NAME_PART.match(name))


def is_label_value(value: str) -> bool:
    return bool(_VALUE.match(value))


def selector(project: str, name: str) -> dict[str, str]:
    """The stable labels that select a service's pods (workload, template and Service)."""
    return {NAME: name, PART_OF: label_value(project)} if label_value(project) else {NAME: name}


def standard(project: str, name: str) -> dict[str, str]:
    """Labels of every object kconv makes for a service."""
    return {**selector(project, name), MANAGED_BY: "kconv"}


def split_user_labels(values: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """Compose labels as (labels, annotations): labels when key and value are valid labels."""
    labels: dict[str, str] = {}
    annotations: dict[str, str] = {}
    for key in sorted(values):
        if key.startswith("kompose.") or key in _RESERVED:
            continue
        value = "" if values[key] is None else str(values[key])
        if is_label_key(key) and is_label_value(value):
            labels[key] = value
        else:
            annotations[key] = value
    return labels, annotations


def metadata(
    name: str,
    namespace: str | None,
    labels: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """An object's `metadata` with only the fields that have content."""
    out: dict[str, Any] = {"name": name}
    if namespace:
        out["namespace"] = namespace
    if labels:
        out["labels"] = dict(labels)
    if annotations:
        out["annotations"] = dict(annotations)
    return out
