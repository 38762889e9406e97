"""`!reset` and `!override` anywhere in one file: never an internal error or a leaked `Tagged`.

The tags matter when a file is merged into earlier ones; the rest of the loading (schema,
normalisation, `extends`, `include`, `depends_on`) reads each file first. Tags on a whole
service, on the `services` section, on list items and inside `extends` or `include` ended
in internal errors ("'Tagged' object has no attribute 'get'") or in messages such as
`there is no service "Tagged(tag='!override', value='b')"`; found by `fuzz/run.py --lint`.
"""

from __future__ import annotations

import copy
import textwrap
from pathlib import Path

import pytest
import yaml

from kconv.compose.loader import load_project
from kconv.compose.serialize import project_to_dict
from kconv.errors import InputError

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "examples" / "webapp" / "compose.yaml"


def load(tmp_path: Path, text: str, other: str = "services: {b: {image: other}}\n"):
    (tmp_path / "other.yaml").write_text(other, encoding="utf-8")
    path = tmp_path / "compose.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return load_project([str(path)], environ={})


@pytest.mark.parametrize(
    ("text", "images"),
    [
        # a tag inside one file: `!reset` is absent, `!override` is the value
        ("services: {a: {image: x, extends: !reset null}, b: {image: y}}", {"a": "x"}),
        ("services: {a: {extends: !override {service: b}}, b: {image: y}}", {"a": "y"}),
        ("services: {a: {extends: {service: !override b}}, b: {image: y}}", {"a": "y"}),
        ("services: {a: {extends: {service: b, file: !reset x}}, b: {image: y}}", {"a": "y"}),
        ("include: !reset null\nservices: {a: {image: x}}", {"a": "x"}),
        ("include: [!override other.yaml]\nservices: {a: {image: x}}", {"a": "x", "b": "other"}),
        ("include: [!reset other.yaml]\nservices: {a: {image: x}}", {"a": "x"}),
        ("services: !override {a: {image: x}}", {"a": "x"}),
        ("services: {a: !override {image: x, depends_on: [b]}, b: {image: y}}", {"a": "x"}),
    ],
)
def test_tags_in_a_single_file(tmp_path: Path, text: str, images: dict[str, str]) -> None:
    project = load(tmp_path, text)
    found = {name: service.image for name, service in project.services.items()}
    assert {name: found.get(name) for name in images} == images


def test_a_tagged_service_still_acts_on_earlier_files(tmp_path: Path) -> None:
    base = tmp_path / "base.yaml"
    base.write_text("services: {web: {image: a, ports: ['80:80']}, db: {image: pg}}\n")
    over = tmp_path / "over.yaml"
    over.write_text(
        "services: {web: !override {extends: cache}, cache: {image: redis}, db: !reset null}\n"
    )
    project = load_project([str(base), str(over)], environ={})
    assert sorted(project.services) == ["cache", "web"]
    web = project.services["web"]  # replaced, not merged: no port; its extends resolved
    assert (web.image, list(web.ports)) == ("redis", [])


@pytest.mark.parametrize("tag", ["!reset", "!override"])
def test_build_args_are_normalised_whatever_the_context_tag(tmp_path: Path, tag: str) -> None:
    project = load(
        tmp_path, f"services: {{a: {{build: {{context: {tag} ./app, args: [A=1, B]}}}}}}\n"
    )
    build = project.services["a"].build
    assert build is not None and build["args"] == {"A": "1", "B": None}
    if tag == "!override":
        assert build["context"] == str(tmp_path / "app")


def test_tags_on_list_items_are_resolved(tmp_path: Path) -> None:
    project = load(
        tmp_path,
        """
        services:
          a:
            image: x
            depends_on: [!reset b, !override c]
            ports: [!override "8080:80", !reset "9090:90"]
          b: {image: y}
          c: {image: z}
        """,
    )
    service = project.services["a"]
    assert [dependency.service for dependency in service.depends_on] == ["c"]
    assert [(port.published, port.target) for port in service.ports] == [("8080", 80)]


def test_an_include_without_a_path_is_a_located_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r'include\[0\]: the key "path" is required') as caught:
        load(tmp_path, "include: [{path: !reset null}]\nservices: {a: {image: x}}\n")
    assert caught.value.location is not None and caught.value.location.line == 1


def _variants(text: str):
    """The document with each of its nodes tagged `!reset`, then `!override`."""
    root = yaml.compose(text)
    paths: list[list[tuple[str, object]]] = []

    def walk(node: yaml.Node, path: list[tuple[str, object]]) -> None:
        paths.append(path)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                walk(value, [*path, ("key", key.value)])
        elif isinstance(node, yaml.SequenceNode):
            for index, value in enumerate(node.value):
                walk(value, [*path, ("index", index)])

    walk(root, [])
    for path in paths[1:]:
        for tag in ("!reset", "!override"):
            variant = copy.deepcopy(root)
            node = variant
            for kind, step in path:
                if kind == "key":
                    node = next(value for key, value in node.value if key.value == step)
                else:
                    node = node.value[step]
            node.tag = tag
            yield f"{tag} at {[step for _, step in path]}", yaml.serialize(variant)


def test_every_node_of_the_example_tagged(tmp_path: Path) -> None:
    for name in ("api.env", "config"):
        source = EXAMPLE.parent / name
        target = tmp_path / name
        if source.is_dir():
            target.mkdir()
            for item in source.iterdir():
                (target / item.name).write_bytes(item.read_bytes())
        else:
            target.write_bytes(source.read_bytes())
    checked = 0
    for label, text in _variants(EXAMPLE.read_text(encoding="utf-8")):
        path = tmp_path / "compose.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            project = load_project([str(path)], environ={}, working_dir=str(tmp_path))
        except InputError as exc:  # a located message, and no `Tagged` in it
            assert exc.location is not None, label
            assert "Tagged(" not in str(exc), label
            continue
        assert "Tagged(" not in repr(project_to_dict(project)), label
        checked += 1
    assert checked > 100, "most variants should load"
