"""Load Kubernetes manifests from files, directories and stdin into `K8sObject`s.

A broken file never stops the others: its problems are collected as `LoadProblem`s (which the
linter reports as findings) and loading goes on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from kconv import yamlio
from kconv.errors import InputError
from kconv.model.k8s import K8sObject
from kconv.model.location import Location, PositionIndex
from kconv.model.record import Record

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN_NAME = "<stdin>"

# `# kconv: ignore[KC101,privileged-container]` and `# kconv: ignore-file[...]`
_IGNORE_COMMENT = re.compile(r"#\s*kconv:\s*(ignore-file|ignore)(?:\[([^\]]*)\])?")


class LoadProblem(NamedTuple):
    """A file or document that could not be (fully) read.

    code: "syntax-error", "duplicate-key", "unknown-tag", "not-an-object", "unreadable"
    """

    code: str
    message: str
    location: Location


class IgnoreComment(NamedTuple):
    """A `# kconv: ignore[...]` comment: the rules it names (empty: all) and its line."""

    line: int
    rules: frozenset[str]
    whole_file: bool


# What to load: a file's path, or (name, content) of input already read (stdin, a tool's output).
Source = str | tuple[str, bytes]


class ManifestSet(Record):
    """Everything read from the inputs of one run."""

    __slots__ = ("files", "ignore_comments", "objects", "problems")

    def __init__(
        self,
        objects: list[K8sObject] | None = None,
        problems: list[LoadProblem] | None = None,
        files: list[str] | None = None,
        ignore_comments: dict[str, list[IgnoreComment]] | None = None,
    ) -> None:
        self.objects: list[K8sObject] = [] if objects is None else objects
        self.problems: list[LoadProblem] = [] if problems is None else problems
        self.files: list[str] = [] if files is None else files
        self.ignore_comments: dict[str, list[IgnoreComment]] = (
            {} if ignore_comments is None else ignore_comments
        )


def discover(paths: Sequence[str]) -> list[str]:
    """Expand the given paths into the list of files to read, in a stable order.

    Directories are walked recursively (symlinked directories are not followed, so a symlink
    loop cannot hang the walk) for `*.yaml`, `*.yml` and `*.json`; hidden directories are
    skipped. A path that does not exist is an InputError. `-` stands for stdin. A file reached
    twice (`k8s` and `./k8s/`, a relative and an absolute path) is read once, under the name
    it was first reached by.
    """
    files: list[str] = []
    for path in paths:
        if path == "-":
            files.append("-")
            continue
        if not os.path.lexists(path):
            raise InputError("no such file or directory", Location(path))
        if os.path.isdir(path):
            found: list[str] = []
            _walk(path, found)
            files.extend(sorted(found))
        else:
            files.append(path)
    here = os.getcwd()
    seen: set[str] = set()
    unique = []
    for file in files:
        key = file if file == "-" else os.path.normpath(os.path.join(here, file))
        if key not in seen:
            seen.add(key)
            unique.append(file)
    return unique


def _walk(directory: str, found: list[str]) -> None:
    """Add the manifest files under `directory` to `found` (see `discover`), in no particular
    order. The directory listing tells each entry's type, so a regular file costs no `stat`
    call (a symlink does); a subdirectory that cannot be listed is skipped, as `os.walk`
    does. A stack rather than recursion: a tree can be deeper than Python's recursion limit."""
    pending = [directory]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith("."):
                        pending.append(entry.path)
                elif entry.name.endswith(MANIFEST_SUFFIXES) and entry.is_file():
                    found.append(entry.path)
            except OSError:  # gone, or its type cannot be read: not a file to lint
                continue


def load_paths(
    paths: Sequence[str],
    *,
    stdin_text: str | None = None,
    limits: yamlio.Limits | None = None,
) -> ManifestSet:
    """Read every manifest under `paths` (see `discover`)."""
    result = ManifestSet()
    for file in discover(paths):
        if file == "-":
            load_text(result, stdin_text if stdin_text is not None else "", STDIN_NAME, limits)
        else:
            load_file(result, file, limits)
    return result


def load_file(result: ManifestSet, file: str, limits: yamlio.Limits | None = None) -> None:
    """Read one manifest file and add its objects and problems to `result` (a file that
    cannot be read is an `unreadable` problem)."""
    try:
        text = yamlio.read_text(file)  # which refuses what is not a regular file
    except InputError as exc:
        _unreadable(result, file, exc)
        return
    load_text(result, text, file, limits)


def load_source(result: ManifestSet, source: Source) -> None:
    """Add what one source holds to `result` (see `Source`)."""
    if isinstance(source, str):
        load_file(result, source)
    else:
        load_bytes(result, source[1], source[0])


def load_bytes(
    result: ManifestSet, raw: bytes, name: str, limits: yamlio.Limits | None = None
) -> None:
    """Decode and parse input already read (stdin, a tool's output) named `name`; undecodable
    input is an `unreadable` problem, as for a file."""
    try:
        text = yamlio.decode(raw, name)
    except InputError as exc:
        _unreadable(result, name, exc)
        return
    load_text(result, text, name, limits)


def _unreadable(result: ManifestSet, name: str, error: InputError) -> None:
    result.files.append(name)
    result.problems.append(
        LoadProblem("unreadable", error.message, error.location or Location(name))
    )


def load_text(
    result: ManifestSet, text: str, filename: str, limits: yamlio.Limits | None = None
) -> None:
    """Parse one file's text and add its objects and problems to `result`."""
    result.files.append(filename)
    if "kconv:" in text:
        comments = scan_ignore_comments(text)
        if comments:
            result.ignore_comments[filename] = comments
    try:
        documents = yamlio.load_documents(text, filename, limits=limits)
    except yamlio.YamlSyntaxError as exc:
        documents = exc.documents
        result.problems.append(
            LoadProblem("syntax-error", exc.message, exc.location or Location(filename))
        )
    except InputError as exc:
        documents = []
        result.problems.append(
            LoadProblem("syntax-error", exc.message, exc.location or Location(filename))
        )
    for document in documents:
        for problem in document.problems:
            result.problems.append(LoadProblem(problem.code, problem.message, problem.location))
        result.objects.extend(_objects_of(document, filename, result.problems))


def _objects_of(
    document: yamlio.Document, filename: str, problems: list[LoadProblem]
) -> Iterable[K8sObject]:
    data = document.data
    positions = document.positions
    if not _looks_like_object(data, positions, "", problems):
        return
    if data["kind"] == "List" or (
        str(data["kind"]).endswith("List") and isinstance(data.get("items"), list)
    ):
        items = data.get("items")
        if items is not None and not isinstance(items, list):
            where = positions.nearest("/items")
            problems.append(LoadProblem("not-an-object", "items of a List must be a list", where))
            return
        for index, item in enumerate(items or []):
            prefix = f"/items/{index}"
            if _looks_like_object(item, positions, prefix, problems):
                yield K8sObject(item, filename, positions, document.index, prefix)
        return
    yield K8sObject(data, filename, positions, document.index)


def _looks_like_object(
    data: Any, positions: PositionIndex, prefix: str, problems: list[LoadProblem]
) -> bool:
    where = positions.nearest(prefix)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a scalar"
        problems.append(
            LoadProblem("not-an-object", f"document is {kind}, not a Kubernetes object", where)
        )
        return False
    missing = [key for key in ("apiVersion", "kind") if not data.get(key)]
    if missing:
        problems.append(
            LoadProblem(
                "not-an-object", f"not a Kubernetes object: {' and '.join(missing)} missing", where
            )
        )
        return False
    for key in ("apiVersion", "kind"):
        if not isinstance(data[key], str):
            problems.append(
                LoadProblem(
                    "not-an-object", f"{key} must be a string", positions.nearest(f"{prefix}/{key}")
                )
            )
            return False
    return True


def scan_ignore_comments(text: str) -> list[IgnoreComment]:
    """Find `# kconv: ignore[...]` and `# kconv: ignore-file[...]` comments (the first on a
    line). Only YAML comments count: the same text inside a string value (a ConfigMap's
    README, a shell command in `args`, a block scalar) suppresses nothing."""
    candidates: list[tuple[int, int, re.Match[str]]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if "kconv:" in line:
            candidates += [(number, m.start() + 1, m) for m in _IGNORE_COMMENT.finditer(line)]
    if not candidates:
        return []
    in_strings = yamlio.in_scalars(text, [(number, column) for number, column, _ in candidates])
    comments: list[IgnoreComment] = []
    for (number, _, match), in_string in zip(candidates, in_strings, strict=True):
        if in_string or (comments and comments[-1].line == number):
            continue
        rules = frozenset(r.strip() for r in (match.group(2) or "").split(",") if r.strip())
        comments.append(IgnoreComment(number, rules, match.group(1) == "ignore-file"))
    return comments
