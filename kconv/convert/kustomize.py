"""`kconv convert --kustomize DIR`: the one-file-per-object output plus a `kustomization.yaml`.

The object files are exactly what `-o DIR/` writes. `kustomization.yaml` lists them (sorted) and
declares, with Kustomize v5's `labels:` field (`includeSelectors: false`, so selectors are never
touched), the labels every object already carries. Rendering the base therefore gives back the
plain output unchanged, while the common labels live in one place for overlays to build on.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from kconv.convert import output
from kconv.yamlio import dump_yaml

KUSTOMIZATION = "kustomization.yaml"


def common_labels(objects: Sequence[dict[str, Any]]) -> dict[str, str]:
    """The labels (key and value) that every object's `metadata.labels` has, sorted by key."""
    shared: dict[str, str] | None = None
    for body in objects:
        labels = body.get("metadata", {}).get("labels") or {}
        if shared is None:
            shared = dict(labels)
        else:
            shared = {k: v for k, v in shared.items() if labels.get(k) == v}
    return dict(sorted((shared or {}).items()))


def kustomization(objects: Sequence[dict[str, Any]], fmt: str = "yaml") -> dict[str, Any]:
    """The `kustomization.yaml` document for the files `write_kustomize` writes."""
    document: dict[str, Any] = {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
    }
    labels = common_labels(objects)
    if labels:
        document["labels"] = [{"pairs": labels, "includeSelectors": False}]
    document["resources"] = sorted(output.file_name(body, fmt) for body in objects)
    return document


def render_kustomization(objects: Sequence[dict[str, Any]], fmt: str = "yaml") -> str:
    """The text of `kustomization.yaml` (with kconv's header, so reruns may overwrite it)."""
    body = dump_yaml(kustomization(objects, fmt))
    return f"{output.HEADER}. Do not edit by hand: rerun kconv convert.\n{body}"


def plan(
    objects: Sequence[dict[str, Any]], directory: str, fmt: str = "yaml"
) -> list[tuple[str, str]]:
    """(path, text) of every file of the base: the objects, then `kustomization.yaml`."""
    files = output.plan_directory(objects, directory, fmt)
    return [*files, (os.path.join(directory, KUSTOMIZATION), render_kustomization(objects, fmt))]


def write_kustomize(
    objects: Sequence[dict[str, Any]],
    directory: str,
    fmt: str = "yaml",
    *,
    force: bool = False,
    dry_run: bool = False,
) -> list[str]:
    """Write the base into `directory` (atomic, foreign files refused unless forced)."""
    paths = output.write_directory(objects, directory, fmt, force=True, dry_run=True)
    target = os.path.join(directory, KUSTOMIZATION)
    for path in (*paths, target):
        output._check_overwrite(path, force)
    if dry_run:
        return [*paths, target]
    written = output.write_directory(objects, directory, fmt, force=force)
    output._atomic_write(target, render_kustomization(objects, fmt))
    return [*written, target]


def check_kustomize(
    objects: Sequence[dict[str, Any]], directory: str, fmt: str = "yaml"
) -> list[str]:
    """Unified diffs between the base that would be written and `directory` (empty: up to date)."""
    target = os.path.join(directory, KUSTOMIZATION)
    ours = f"--- {target}\n+++ /dev/null"
    diffs = [d for d in output.check_directory(objects, directory, fmt) if not d.startswith(ours)]
    current = output._read_or_none(target)
    text = render_kustomization(objects, fmt)
    if current != text:
        diffs.append(output._diff(target, current, text))
    return diffs
