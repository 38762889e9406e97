"""Conformance with kompose's own golden tests (../shared/corpora/kompose/INDEX.tsv).

Every Kubernetes golden row whose flags kconv supports is converted with kconv and compared
with kompose's expected output on the essentials: per workload its kind, images, container
ports, environment variable names, command, args, mount paths, probe kinds and resources; per
Service its ports and type; per Ingress its hosts, paths and backends. At least 90% of the
compared fields must be equal, and every difference must be listed, with a reason, in
tests/kompose_allowlist.yaml.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from kconv.cli import cli
from kconv.convert.names import dns_label

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "kompose"
ALLOWLIST = Path(__file__).resolve().parent / "kompose_allowlist.yaml"
WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"}
# kompose flag -> number of values it takes; anything else makes a row unsupported
SUPPORTED = {
    "--stdout": 0,
    "--with-kompose-annotation=false": 0,
    "--emptyvols": 0,
    "--generate-network-policies": 0,
    "--no-interpolate": 0,
    "--volumes": 1,
    "--controller": 1,
    "-n": 1,
}

pytestmark = pytest.mark.skipif(
    not (CORPUS / "INDEX.tsv").is_file(), reason=f"kompose corpus not found at {CORPUS}"
)


def rows() -> list[dict[str, str]]:
    lines = (CORPUS / "INDEX.tsv").read_text().splitlines()
    header = lines[0].split("\t")
    out = []
    for line in lines[1:]:
        row = dict(zip(header, line.split("\t")))
        if row.get("provider") == "kubernetes" and row.get("assertion", "").startswith(
            "expect_success"
        ):
            out.append(row)
    return out


def kconv_flags(flags: str) -> list[str] | None:
    """kconv's arguments for a row's kompose flags; None when one is not supported."""
    words = shlex.split(flags.replace("=", " ", 1) if flags.startswith("--volumes=") else flags)
    out: list[str] = []
    index = 0
    while index < len(words):
        word = words[index]
        name, _, value = word.partition("=")
        if word in SUPPORTED:
            count = SUPPORTED[word]
        elif name in SUPPORTED and value:
            word, count = name, 0
            out += [name, value]
            index += 1
            continue
        else:
            return None
        out += words[index : index + 1 + count]
        index += 1 + count
    return [w for w in out if w not in ("--stdout", "--with-kompose-annotation=false")]


def load(text: str) -> list[dict[str, Any]]:
    text = text.strip()
    if text.startswith("{"):
        data = json.loads(text)
        docs = data.get("items", [data]) if data.get("kind") == "List" else [data]
    else:
        docs = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
    out = []
    for doc in docs:
        out.extend(doc.get("items", []) if doc.get("kind") == "List" else [doc])
    return out


def _pod(body: dict[str, Any]) -> dict[str, Any]:
    spec = body.get("spec", {})
    if body["kind"] == "Pod":
        return spec
    if body["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]["spec"]
    return spec.get("template", {}).get("spec", {})


def _env_names(container: dict[str, Any], sources: dict[tuple[str, str], set[str]]) -> list[str]:
    names = {e["name"] for e in container.get("env", [])}
    for item in container.get("envFrom", []):
        for kind, key in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            if key in item:
                names |= sources.get((kind, item[key]["name"]), set())
    return sorted(names)


def _probes(container: dict[str, Any]) -> list[str]:
    out = []
    for probe in ("livenessProbe", "readinessProbe"):
        if probe in container:
            handler = next(
                k for k in ("exec", "httpGet", "tcpSocket", "grpc") if k in container[probe]
            )
            out.append(f"{probe}:{handler}")
    return out


def essentials(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """(Kind/name, field) -> value for the fields the comparison looks at."""
    sources = {
        (o["kind"], o["metadata"]["name"]): set(o.get("data", {})) | set(o.get("stringData", {}))
        for o in objects
        if o["kind"] in ("ConfigMap", "Secret")
    }
    out: dict[str, Any] = {}
    for body in objects:
        kind, name = body["kind"], dns_label(body["metadata"]["name"])
        if kind in WORKLOADS:
            key = f"workload/{name}"
            containers = _pod(body).get("containers", [])
            out[f"{key}|kind"] = kind
            out[f"{key}|images"] = sorted(c.get("image", "") for c in containers)
            out[f"{key}|ports"] = sorted(
                (p["containerPort"], p.get("protocol", "TCP"))
                for c in containers
                for p in c.get("ports", [])
            )
            out[f"{key}|env"] = sorted(n for c in containers for n in _env_names(c, sources))
            out[f"{key}|command"] = [c.get("command") for c in containers]
            out[f"{key}|args"] = [c.get("args") for c in containers]
            out[f"{key}|mounts"] = sorted(
                m["mountPath"] for c in containers for m in c.get("volumeMounts", [])
            )
            out[f"{key}|probes"] = sorted(p for c in containers for p in _probes(c))
            out[f"{key}|resources"] = [_resources(c.get("resources") or {}) for c in containers]
        elif kind == "Service":
            spec = body.get("spec", {})
            key = f"service/{name}"
            out[f"{key}|ports"] = sorted(
                (p.get("port"), str(p.get("targetPort", p.get("port"))), p.get("protocol", "TCP"))
                for p in spec.get("ports", [])
                if p.get("name") != "headless"
            )
            kind_of = (
                "Headless" if spec.get("clusterIP") == "None" else spec.get("type", "ClusterIP")
            )
            out[f"{key}|type"] = kind_of
        elif kind == "Ingress":
            key = f"ingress/{name}"
            rules = body.get("spec", {}).get("rules", [])
            out[f"{key}|hosts"] = sorted(r.get("host", "") for r in rules)
            out[f"{key}|paths"] = sorted(
                p.get("path", "/") for r in rules for p in r.get("http", {}).get("paths", [])
            )
            out[f"{key}|backends"] = sorted(
                (p["backend"]["service"]["name"], p["backend"]["service"]["port"].get("number"))
                for r in rules
                for p in r.get("http", {}).get("paths", [])
            )
    return out


_SUFFIXES = {
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "m": 1e-3,
}


def quantity(text: Any) -> float:
    """A Kubernetes quantity as a number, so 10485760e3, 10000Mi and 10485760000 compare equal."""
    value = str(text)
    for suffix, factor in _SUFFIXES.items():
        if value.endswith(suffix):
            return float(value[: -len(suffix)]) * factor
    return float(value)


def _resources(resources: dict[str, Any]) -> dict[str, Any]:
    return {
        group: {name: quantity(amount) for name, amount in amounts.items()}
        for group, amounts in resources.items()
    }


def _normal(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def compare_row(row: dict[str, str]) -> tuple[int, int, list[str], str]:
    """(compared, equal, differences, skip reason) of one corpus row."""
    flags = kconv_flags(row["flags"])
    if flags is None:
        return 0, 0, [], f"unsupported flags: {row['flags']}"
    files = [str(CORPUS / f) for f in row["input_files"].split(",")]
    env = dict(item.split("=", 1) for item in shlex.split(row.get("env", "")) if "=" in item)
    result = CliRunner().invoke(
        cli,
        ["convert", *[arg for f in files for arg in ("-f", f)], "--no-lint", "-q", *flags],
        env=env,
    )
    if result.exit_code != 0:
        return 1, 0, [f"{row['test_id']}|*|conversion failed: {result.stderr.strip()[:200]}"], ""
    expected = essentials(load((CORPUS / row["expected_output"]).read_text()))
    actual = essentials(load(result.stdout))
    differences = []
    for key, value in expected.items():
        if _normal(actual.get(key, "<missing>")) != _normal(value):
            differences.append(f"{row['test_id']}|{key}")
    return len(expected), len(expected) - len(differences), differences, ""


def test_kompose_goldens_conform() -> None:
    allowlist = yaml.safe_load(ALLOWLIST.read_text()) or {}
    allowed = {entry: reason for reason, entries in allowlist.items() for entry in entries}
    compared = equal = 0
    differences: list[str] = []
    table = []
    for row in rows():
        n, ok, diffs, skipped = compare_row(row)
        compared, equal = compared + n, equal + ok
        differences += diffs
        table.append(f"{row['test_id']:<55} {skipped or f'{ok}/{n}'}")
    print("\n".join(table))
    ratio = equal / compared
    print(f"kompose conformance: {equal}/{compared} fields equal ({ratio:.1%})")
    unexplained = [d for d in differences if d not in allowed]
    assert not unexplained, "differences missing from tests/kompose_allowlist.yaml:\n" + "\n".join(
        unexplained
    )
    assert ratio >= 0.9
