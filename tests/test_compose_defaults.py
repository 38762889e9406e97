"""Defaults and partial entries across merged files, as compose-go gives them.

compose-go appends `ports`, `volumes`, `secrets`, `configs` and `expose` and then keeps the last
entry of each unique key whole (`EnforceUnicity`), before its defaults phase: a port entry that
omits `mode` replaces the base's and gets `mode: ingress`. `depends_on` in list syntax gets its
defaults while merging (`mergeDependsOn`), so it resets the base's `condition`. A service's
`networks` entry without settings keeps the base's settings (`mergeNetworks`: a null override
keeps the base).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from kconv.compose.loader import load_project
from kconv.model.compose import Service


def write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return str(path)


def web(tmp_path: Path, *texts: str) -> Service:
    files = [write(tmp_path, f"f{index}.yaml", text) for index, text in enumerate(texts)]
    return load_project(files, environ={}).services["web"]


# -- ports: the override's entry is whole, its defaults are its own ---------------------------


def test_port_override_without_mode_takes_the_default_mode(tmp_path: Path) -> None:
    service = web(
        tmp_path,
        'services:\n  web: {image: x, ports: [{target: 80, published: "8080", mode: host}]}\n',
        'services:\n  web: {ports: [{target: 80, published: "8080"}]}\n',
    )
    assert [(p.target, p.published, p.protocol, p.mode) for p in service.ports] == [
        (80, "8080", "tcp", "ingress")
    ]


# -- depends_on -------------------------------------------------------------------------------


def test_depends_on_mapping_override_keeps_the_base_condition(tmp_path: Path) -> None:
    service = web(
        tmp_path,
        """
        services:
          web: {image: x, depends_on: {db: {condition: service_healthy}}}
          db: {image: db}
        """,
        "services:\n  web: {depends_on: {db: {required: false}}}\n",
    )
    assert [(d.service, d.condition, d.required) for d in service.depends_on] == [
        ("db", "service_healthy", False)
    ]


def test_depends_on_list_override_resets_the_condition(tmp_path: Path) -> None:
    service = web(
        tmp_path,
        """
        services:
          web: {image: x, depends_on: {db: {condition: service_healthy, required: false}}}
          db: {image: db}
        """,
        "services:\n  web: {depends_on: [db]}\n",
    )
    assert [(d.service, d.condition, d.required) for d in service.depends_on] == [
        ("db", "service_started", True)
    ]


# -- networks ---------------------------------------------------------------------------------

NETWORKS = """
services:
  web:
    image: x
    networks: {front: {aliases: [w], priority: 5}}
networks: {front: {}, back: {}}
"""


def test_override_network_list_keeps_the_base_settings(tmp_path: Path) -> None:
    service = web(tmp_path, NETWORKS, "services:\n  web: {networks: [front, back]}\n")
    assert service.networks == {"front": {"aliases": ["w"], "priority": 5}, "back": None}


def test_override_network_null_keeps_the_base_settings(tmp_path: Path) -> None:
    service = web(tmp_path, NETWORKS, "services:\n  web: {networks: {front: null}}\n")
    assert service.networks == {"front": {"aliases": ["w"], "priority": 5}}


def test_override_network_settings_merge_with_the_base(tmp_path: Path) -> None:
    service = web(tmp_path, NETWORKS, "services:\n  web: {networks: {front: {aliases: [v]}}}\n")
    assert service.networks == {"front": {"aliases": ["w", "v"], "priority": 5}}


def test_extends_network_list_keeps_the_base_settings(tmp_path: Path) -> None:
    service = web(
        tmp_path,
        """
        services:
          base: {image: x, networks: {front: {aliases: [w]}}}
          web: {extends: base, networks: [front]}
        networks: {front: {}}
        """,
    )
    assert service.networks == {"front": {"aliases": ["w"]}}


def test_reset_network_entry_still_removes_it(tmp_path: Path) -> None:
    service = web(tmp_path, NETWORKS, "services:\n  web: {networks: {front: !reset null}}\n")
    assert not service.networks or "front" not in service.networks
