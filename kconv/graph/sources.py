"""Where graph objects come from: manifest files, or a compose project converted on the fly."""

from __future__ import annotations

from collections.abc import Sequence

from kconv.manifests import LoadProblem, load_paths
from kconv.model.k8s import K8sObject
from kconv.model.location import PositionIndex, pos_node


def from_manifests(
    paths: Sequence[str], stdin_text: str | None = None
) -> tuple[list[K8sObject], list[LoadProblem]]:
    """Objects under `paths` (`-` is stdin) and the problems met reading them."""
    manifests = load_paths(paths, stdin_text=stdin_text)
    return manifests.objects, manifests.problems


def from_compose(files: Sequence[str], stdin_text: str | None = None) -> list[K8sObject]:
    """The objects `kconv convert` makes of a compose project (default options).

    Each object points at the compose service it came from, so broken relations are reported
    at the compose file's line. Raises InputError for a compose file that cannot be loaded.
    """
    from kconv.compose.loader import load_project
    from kconv.convert.pipeline import convert

    project = load_project(files, stdin_text=stdin_text)
    result = convert(project)
    objects = []
    for index, body in enumerate(result.objects):
        origin = result.origins[index] if index < len(result.origins) else None
        file = origin.file if origin is not None else (project.files or ("<compose>",))[0]
        line = origin.line if origin is not None and origin.line is not None else 1
        column = origin.column if origin is not None and origin.column is not None else 1
        positions = PositionIndex(file, pos_node(line, column))
        objects.append(K8sObject(body, file, positions, document_index=index))
    return objects
