"""Property tests: random compose projects, generated from the compose JSON schema
(`schemas/compose-spec.json`) for the service subset kconv converts, either fail with a located
KconvError or convert into objects that all pass strict Kubernetes schema validation and that the
linter checks without an internal error (KC009).

The generator walks the schema's definitions for the chosen keys (types, oneOf alternatives,
enums, arrays, nested objects) and fills strings and numbers from realistic pools per key, so
most projects get past the loader and exercise the converter.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kconv.compose.loader import load_project
from kconv.convert import ConvertOptions, convert
from kconv.errors import KconvError
from kconv.kschema import validate
from kconv.lint.engine import INTERNAL_ERROR_ID, lint
from kconv.manifests import ManifestSet, load_text
from kconv.yamlio import dump_documents, dump_yaml

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "compose-spec.json").read_text(encoding="utf-8"))
DEFS = SCHEMA["$defs"]
K8S_VERSION = "1.37"
SECRETS = ("db_password", "api-token")
CONFIGS = ("app_conf",)

# The service subset kconv converts: paths (dotted, from the service) the generator may emit.
ALLOWED = {
    "image", "command", "environment", "ports", "ports.target", "ports.published",
    "ports.protocol", "ports.host_ip", "ports.mode", "ports.name", "volumes", "volumes.type",
    "volumes.source", "volumes.target", "volumes.read_only", "volumes.tmpfs",
    "volumes.tmpfs.size", "healthcheck", "healthcheck.test", "healthcheck.interval",
    "healthcheck.timeout", "healthcheck.retries", "healthcheck.start_period",
    "healthcheck.disable", "deploy", "deploy.replicas", "deploy.resources",
    "deploy.resources.limits", "deploy.resources.limits.cpus", "deploy.resources.limits.memory",
    "deploy.resources.reservations", "deploy.resources.reservations.cpus",
    "deploy.resources.reservations.memory", "restart", "labels", "user", "read_only", "cap_add",
    "tmpfs", "secrets", "secrets.source", "secrets.target", "secrets.mode", "configs",
    "configs.source", "configs.target", "configs.mode",
}  # fmt: skip

# Realistic values per key (the last part of the path); anything else gets GENERIC.
STRINGS: dict[str, list[str]] = {
    "image": ["nginx:1.27", "postgres:16", "redis:7-alpine", "ghcr.io/acme/api:v2",
              "registry.example.com:5000/team/app@sha256:" + "a" * 64],
    "command": ["echo hello", "sh -c 'sleep 3600'", "serve --port=8080", "run \"a b\" c"],
    "environment": ["A=1", "DB_PASSWORD=hunter2-S3cret", "EMPTY=", "NAME", "URL=http://x:1/y"],
    "ports": ["80", "8080:80", "127.0.0.1:8443:443/tcp", "53:53/udp", "3000-3001:3000-3001",
              "9090/tcp"],
    "published": ["8080", "30080", "8000-8001"],
    "protocol": ["tcp", "udp"],
    "host_ip": ["0.0.0.0", "127.0.0.1"],
    "mode": ["host", "ingress"],
    "name": ["http", "metrics"],
    "volumes": ["data:/var/lib/data", "./conf:/etc/app:ro", "/srv/www:/usr/share/nginx/html",
                "/cache", "logs:/var/log/app:rw"],
    "type": ["volume", "bind", "tmpfs"],
    "source": ["data", "./conf", "logs"],
    "target": ["/data", "/etc/app/conf.d", "/var/cache/x"],
    "test": ["curl -f http://localhost/ || exit 1", "pg_isready"],
    "interval": ["10s", "1m30s", "500ms"],
    "timeout": ["5s", "1m"],
    "start_period": ["30s", "0s"],
    "memory": ["64m", "512M", "1g", "1.5g", "256Mi"],
    "cpus": ["0.5", "1", "0.25", "2.0"],
    "replicas": ["2"],
    "restart": ["no", "always", "on-failure", "unless-stopped", "on-failure:3"],
    "labels": ["com.example.team=web", "tier=frontend", "kompose.service.type=nodeport"],
    "user": ["1000", "1000:1000", "nobody", "root", "0"],
    "read_only": ["true", "false"],
    "disable": ["true", "false"],
    "cap_add": ["NET_ADMIN", "SYS_TIME", "CHOWN", "NET_BIND_SERVICE"],
    "tmpfs": ["/run", "/tmp:size=64m", "/var/run:mode=1777"],
    "size": ["64m", "1g"],
    "ports.target": ["80", "8080"],
    "healthcheck.retries": ["3"],
    "healthcheck.test": ["curl -f http://localhost/ || exit 1", "CMD-SHELL", "NONE", "CMD"],
}  # fmt: skip
# Keys kconv needs although the compose schema does not require them.
REQUIRED = {"volumes": ["target"], "ports": ["target"]}
GENERIC = ["x", "value with spaces", "a=b", "S3cr3t-value-1234567890"]
NUMBERS: dict[str, tuple[float, float]] = {
    "ports.target": (1, 65535),
    "ports": (1, 65535),
    "retries": (0, 10),
    "replicas": (0, 5),
    "cpus": (0.01, 4),
    "size": (1024, 2**30),
    "mode": (0o400, 0o777),
    "published": (1, 65535),
}
LABEL_KEYS = ["com.example.team", "tier", "app.kubernetes.io/part-of", "kompose.service.expose"]
ENV_KEYS = ["A", "DB_PASSWORD", "API_TOKEN", "lower_case", "PORT"]


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = DEFS[node["$ref"].rsplit("/", 1)[1]]
    return node


def _leaf(kind: str, key: str, path: str) -> st.SearchStrategy[Any]:
    if kind == "string":
        return st.sampled_from(STRINGS.get(path, STRINGS.get(key, GENERIC)))
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    low, high = NUMBERS.get(path, NUMBERS.get(key, (0, 100)))
    if kind == "integer" or (float(low).is_integer() and key != "cpus"):
        return st.integers(int(low), int(high))
    return st.floats(low, high, allow_nan=False).map(lambda value: round(value, 2))


def from_schema(node: dict[str, Any], path: str) -> st.SearchStrategy[Any]:
    """A strategy for values valid under `node`, keeping only ALLOWED keys of objects."""
    node = _resolve(node)
    key = path.rsplit(".", 1)[-1]
    if key == "secrets" or key == "configs":
        names = SECRETS if key == "secrets" else CONFIGS
        long = st.fixed_dictionaries(
            {"source": st.sampled_from(names)},
            optional={
                "target": st.sampled_from(["/run/x", "custom.txt"]),
                "mode": _leaf("integer", "mode", "mode"),
            },
        )
        return st.lists(st.sampled_from(names) | long, max_size=2)
    for word in ("oneOf", "anyOf"):
        if word in node:
            return st.one_of([from_schema(option, path) for option in node[word]])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    types = node.get("type", "string")
    if isinstance(types, list):
        return st.one_of([from_schema({**node, "type": kind}, path) for kind in types])
    if types == "object":
        if "patternProperties" in node and not node.get("properties"):  # list_or_dict's dict
            keys = ENV_KEYS if key == "environment" else LABEL_KEYS
            values = st.sampled_from(STRINGS.get(key, GENERIC)).map(lambda s: s.split("=")[-1])
            return st.dictionaries(st.sampled_from(keys), values | st.integers(0, 9), max_size=3)
        children = {
            name: from_schema(child, f"{path}.{name}")
            for name, child in node.get("properties", {}).items()
            if _allowed(f"{path}.{name}")
        }
        needed = [*node.get("required", []), *REQUIRED.get(path, [])]
        required = {name: children.pop(name) for name in needed if name in children}
        return st.fixed_dictionaries(required, optional=children)
    if types == "array":
        items = from_schema(node.get("items", {"type": "string"}), path)
        if node.get("uniqueItems"):
            return st.lists(
                items, max_size=3, unique_by=lambda item: json.dumps(item, sort_keys=True)
            )
        return st.lists(items, max_size=3)
    return _leaf(types, key, path.lstrip("."))


def _allowed(path: str) -> bool:
    return path.lstrip(".") in ALLOWED


SERVICE_SCHEMA = DEFS["service"]
SERVICE = st.fixed_dictionaries(
    {"image": st.sampled_from(STRINGS["image"])},
    optional={
        name: from_schema(SERVICE_SCHEMA["properties"][name], name)
        for name in sorted({path.split(".")[0] for path in ALLOWED} - {"image"})
    },
)
PROJECT = st.dictionaries(
    st.sampled_from(["web", "db", "api-v2", "worker_1", "cache"]), SERVICE, min_size=1, max_size=3
)
OPTIONS = st.builds(
    ConvertOptions,
    namespace=st.none() | st.just("shop"),
    controller=st.none() | st.sampled_from(["deployment", "statefulset", "daemonset"]),
    volumes=st.sampled_from(["persistentVolumeClaim", "emptyDir", "hostPath", "configMap"]),
    service_type=st.none() | st.sampled_from(["ClusterIP", "NodePort", "LoadBalancer"]),
    network_policies=st.booleans(),
    wait_for_dependencies=st.booleans(),
)


def _write_project(root: Path, services: dict[str, Any]) -> Path:
    (root / "conf").mkdir()
    (root / "conf" / "app.conf").write_text("listen 80;\n", encoding="utf-8")
    (root / "db_password.txt").write_text("Pl4nted-Secret-Value\n", encoding="utf-8")
    (root / "token.txt").write_text("tok-123456789\n", encoding="utf-8")
    document = {
        "services": services,
        "volumes": {"data": None, "logs": None},
        "secrets": {
            "db_password": {"file": "./db_password.txt"},
            "api-token": {"file": "./token.txt"},
        },
        "configs": {"app_conf": {"file": "./conf/app.conf"}},
    }
    path = root / "compose.yaml"
    path.write_text(dump_yaml(document), encoding="utf-8")
    return path


def _convert_or_located_error(path: Path, options: ConvertOptions) -> list[dict[str, Any]] | None:
    try:
        project = load_project([str(path)], environ={})
        return convert(project, options).objects
    except KconvError as exc:
        assert exc.message and exc.location is not None and exc.location.file, exc
        return None


SETTINGS = settings(
    max_examples=200,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SETTINGS
@given(services=PROJECT, options=OPTIONS)
def test_random_projects_convert_to_schema_valid_objects_that_lint_cleanly(
    tmp_path_factory: pytest.TempPathFactory, services: dict[str, Any], options: ConvertOptions
) -> None:
    path = _write_project(tmp_path_factory.mktemp("project"), services)
    objects = _convert_or_located_error(path, options)
    if objects is None:
        return
    assert objects, "a project with services converts to at least one object"
    for body in objects:
        errors = validate(body, K8S_VERSION, strict=True)
        assert errors == [], (body["kind"], body["metadata"]["name"], errors)
    manifests = ManifestSet()
    load_text(manifests, dump_documents(objects), "converted.yaml")
    assert not manifests.problems
    internal = [f.message for f in lint(manifests).findings if f.rule == INTERNAL_ERROR_ID]
    assert internal == []


def test_the_generator_reaches_the_converter(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Sanity: most generated projects load and convert (so the property is not vacuous)."""
    converted: list[bool] = []

    @settings(max_examples=25, deadline=None, database=None)
    @given(services=PROJECT)
    def sample(services: dict[str, Any]) -> None:
        path = _write_project(tmp_path_factory.mktemp("sample"), services)
        converted.append(_convert_or_located_error(path, ConvertOptions()) is not None)

    sample()
    assert sum(converted) >= len(converted) // 2, converted


# -- writing: never outside the directory, never over foreign files, nothing half-written --------

HOSTILE_NAMES = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        ["..", ".", "", "../escape", "a/../../b", "/etc/passwd", "sub/dir", "x" * 300,
         "foreign", "ok", "-", "~", "$HOME", "a\\b"]
    ),
)  # fmt: skip


@settings(max_examples=150, deadline=None, database=None)
@given(names=st.lists(HOSTILE_NAMES, min_size=1, max_size=4), force=st.booleans())
@example(names=["a\x00b"], force=False)  # found by this test: a ValueError escaped
def test_directory_output_stays_inside_and_spares_foreign_files(
    names: list[str], force: bool
) -> None:
    import tempfile

    from kconv.convert.output import write_directory
    from kconv.errors import OutputError

    objects = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": n}} for n in names]
    with tempfile.TemporaryDirectory() as root:
        outside = Path(root) / "outside"
        outside.mkdir()
        target = Path(root) / "out"
        target.mkdir()
        foreign = target / "foreign-configmap.yaml"
        foreign.write_text("mine\n", encoding="utf-8")
        before_outside = sorted(outside.rglob("*"))
        try:
            written = write_directory(objects, str(target), force=force)
        except OutputError as exc:
            assert exc.location is not None and exc.message
            written = []
        for path in written:
            assert Path(path).resolve().parent == target.resolve()
        assert sorted(outside.rglob("*")) == before_outside
        assert sorted(p.name for p in Path(root).iterdir()) == ["out", "outside"]
        assert not [p for p in target.iterdir() if p.name.startswith(".kconv-")]
        if not force or "foreign" not in names:
            assert foreign.read_text(encoding="utf-8") == "mine\n"
