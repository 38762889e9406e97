"""`include`: other compose applications loaded as their own projects and copied in.

Each entry is loaded with its own project directory (relative paths resolve there) and its
own `.env` for interpolation defaults; the including project's environment wins. A resource
defined both here and by an included file, differently, is an error; so is an include cycle.
"""

from __future__ import annotations

import os
from typing import Any

from kconv.compose.loctree import LocTree, at, child
from kconv.errors import InputError

SECTIONS = ("services", "networks", "volumes", "secrets", "configs", "models")


def _entries(data: dict, tree: LocTree) -> list[tuple[dict[str, Any], LocTree]]:
    items = data.get("include") or []
    sub = child(tree, "include")
    out = []
    for index, item in enumerate(items):
        item_tree = child(sub, index)
        if isinstance(item, str):
            item = {"path": item}
        out.append((item, item_tree))
    return out


def apply_include(
    data: dict, tree: LocTree, path: str, base_dir: str, context: Any, load_file: Any
) -> tuple[dict, LocTree]:
    """Load every `include` entry of one file and add its resources to the file's data."""
    from kconv.compose.loader import _Context, load_files, project_environment

    here = os.path.dirname(os.path.abspath(path)) if path != "-" else os.getcwd()
    me = os.path.abspath(path) if path != "-" else "-"
    entries = _entries(data, tree)
    data = {key: value for key, value in data.items() if key != "include"}
    trees = dict(tree[1])
    trees.pop("include", None)
    for index, (entry, entry_tree) in enumerate(entries):
        raw_paths = entry.get("path")
        paths = raw_paths if isinstance(raw_paths, list) else [raw_paths]
        if raw_paths is None or not paths:  # e.g. every path was `!reset`
            raise InputError(f'include[{index}]: the key "path" is required', entry_tree[0])
        files = [p if os.path.isabs(p) else os.path.normpath(os.path.join(here, p)) for p in paths]
        where = at(entry_tree, "path") if isinstance(entry_tree[1], dict) else entry_tree[0]
        for file in files:
            if os.path.abspath(file) in (*context.including, me):
                chain = " -> ".join(
                    os.path.relpath(p) for p in (*context.including, me, os.path.abspath(file))
                )
                raise InputError(f"include cycle: {chain}", where)
            if not os.path.isfile(file):
                raise InputError(f'include: no such file "{os.path.relpath(file)}"', where)
        directory = entry.get("project_directory")
        project_dir = (
            os.path.normpath(os.path.join(here, directory))
            if directory
            else os.path.dirname(files[0])
        )
        env_files = entry.get("env_file")
        if isinstance(env_files, str):
            env_files = [env_files]
        if env_files is not None:
            env_files = [os.path.normpath(os.path.join(here, item)) for item in env_files]
        environment = project_environment(project_dir, env_files, context.environment)
        sub_context = _Context(
            environment,
            context.interpolate,
            context.stdin_text,
            warnings=context.warnings,
            secrets=context.secrets,
            including=(*context.including, me),
        )
        included, included_tree = load_files(files, project_dir, sub_context)
        for section in SECTIONS:
            theirs = included.get(section)
            if not isinstance(theirs, dict):
                continue
            mine = dict(data.get(section) or {})
            section_tree = trees.get(section, (tree[0], {}))
            section_children = dict(section_tree[1] or {})
            for name, value in theirs.items():
                if name in mine and mine[name] != value:
                    raise InputError(
                        f"{section}.{name} is defined here and also by the included file "
                        f"{at(included_tree, section, name)}; include does not merge them",
                        at(tree, section, name),
                    )
                mine[name] = value
                section_children[name] = child(child(included_tree, section), name)
            data[section] = mine
            trees[section] = (section_tree[0], section_children)
    return data, (tree[0], trees)


__all__ = ["apply_include"]
