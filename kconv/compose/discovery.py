"""Which compose files to read, and the project's name, as `docker compose` decides them."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence

from kconv.errors import InputError
from kconv.model.location import Location

CANDIDATES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")


def discover(directory: str) -> list[str]:
    """The default compose file of `directory` plus its matching override file, if any."""
    for name in CANDIDATES:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            stem, ext = os.path.splitext(name)
            found = [path]
            for override_ext in (ext, ".yml" if ext == ".yaml" else ".yaml"):
                override = os.path.join(directory, f"{stem}.override{override_ext}")
                if os.path.isfile(override):
                    found.append(override)
                    break
            return found
    raise InputError(
        f"no compose file found (looked for {', '.join(CANDIDATES)})",
        Location(directory or "."),
    )


def files_from_environment(environ: Mapping[str, str]) -> list[str]:
    """The files listed in COMPOSE_FILE (separated by COMPOSE_PATH_SEPARATOR or the OS's)."""
    value = environ.get("COMPOSE_FILE", "")
    separator = environ.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
    return [item for item in value.split(separator) if item]


def choose_files(
    files: Sequence[str], working_dir: str | None, environ: Mapping[str, str]
) -> list[str]:
    """Files as given, else COMPOSE_FILE, else discovery in the working directory."""
    if files:
        return list(files)
    from_env = files_from_environment(environ)
    if from_env:
        base = working_dir or os.getcwd()
        return [path if os.path.isabs(path) else os.path.join(base, path) for path in from_env]
    return discover(working_dir or os.getcwd())


def normalize_project_name(name: str) -> str:
    """Lower case, only `a-z0-9_-`, starting with a letter or digit (compose's rule)."""
    cleaned = re.sub(r"[^a-z0-9_-]", "", name.lower())
    return cleaned.lstrip("_-")


def valid_project_name(name: str) -> bool:
    return bool(re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name))
