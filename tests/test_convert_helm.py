"""`kconv convert --helm DIR`: chart files, values paths, static YAML, and rendering.

Helm is not installed on every machine, so besides `helm template` (run when a `helm` binary is
on PATH) the chart is rendered by `render_chart` below: a small evaluator of exactly the Go
template subset the generated chart uses (actions, `if`/`with`/`end`, `define`/`include`,
`index`, `list`, `quote`, `toYaml`, `nindent`, whitespace trimming). Anything else in a
template makes it fail loudly, so a chart using more than that subset cannot pass silently.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from kconv.cli import cli
from kconv.convert.helm import chart_files, chart_name, split_image, values_key, values_path

ROOT = Path(__file__).resolve().parent.parent
CASES_DIR = ROOT / "fixtures" / "convert"
CASES = sorted(p.name for p in CASES_DIR.iterdir() if (p / "compose.yaml").is_file())
HELM_CASE = ROOT / "fixtures" / "helm" / "shop"
HELM = shutil.which("helm")
UPDATE = os.environ.get("KCONV_UPDATE_GOLDEN") == "1"


def convert(directory: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> tuple[int, str, str]:
    flags = yaml.safe_load((directory / "options.yaml").read_text()) or []
    monkeypatch.chdir(directory)
    for name in ("API_TOKEN", "COMPOSE_FILE", "COMPOSE_PROJECT_NAME", "COMPOSE_PROFILES", "HOME"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(
        cli, ["convert", "compose.yaml", "--no-lint", "-q", *flags, *extra], catch_exceptions=False
    )
    return result.exit_code, result.stdout, result.stderr


def chart_of(directory: Path, monkeypatch: pytest.MonkeyPatch, out: Path) -> str:
    """Write the chart of a case into `out`; return the plain output of the same conversion."""
    code, plain, stderr = convert(directory, monkeypatch)
    assert code == 0, stderr
    code, _, stderr = convert(directory, monkeypatch, "--helm", str(out))
    assert code == 0, stderr
    return plain


# --- a tiny evaluator of the Go template subset used by the chart -----------------------------

_ACTION = re.compile(r"\{\{(-?)\s*(.*?)\s*(-?)\}\}", re.DOTALL)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    position = 0
    trim_next = False
    for match in _ACTION.finditer(text):
        chunk = text[position : match.start()]
        if trim_next:
            chunk = chunk.lstrip()
        if match.group(1):
            chunk = chunk.rstrip()
        out.append(("text", chunk))
        out.append(("action", match.group(2)))
        trim_next = bool(match.group(3))
        position = match.end()
    tail = text[position:]
    out.append(("text", tail.lstrip() if trim_next else tail))
    return out


def _parse(tokens: list[tuple[str, str]], start: int, defines: dict[str, list]) -> tuple[list, int]:
    nodes: list = []
    index = start
    while index < len(tokens):
        kind, value = tokens[index]
        index += 1
        if kind == "text":
            nodes.append(("text", value))
        elif value.startswith("/*"):
            continue
        elif value == "end":
            return nodes, index
        elif value.startswith(("if ", "with ")):
            keyword, _, pipeline = value.partition(" ")
            body, index = _parse(tokens, index, defines)
            nodes.append((keyword, pipeline, body))
        elif value.startswith("define "):
            body, index = _parse(tokens, index, defines)
            defines[json.loads(value.removeprefix("define "))] = body
        else:
            assert not value.startswith(("else", "range", "template", "$")), value
            nodes.append(("print", value))
    return nodes, index


def _split(text: str, separator: str) -> list[str]:
    parts, depth, quoted, current = [], 0, False, ""
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        if char == separator and not quoted and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    parts.append(current.strip())
    return [p for p in parts if p]


def _to_yaml(value: Any) -> str:
    return yaml.safe_dump(value, default_flow_style=False, sort_keys=True).rstrip("\n")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class Renderer:
    def __init__(self, values: dict[str, Any], helpers: str) -> None:
        self.root = {"Values": values}
        self.defines: dict[str, list] = {}
        _parse(_tokens(helpers), 0, self.defines)

    def term(self, term: str, dot: Any, dollar: Any) -> Any:
        if term.startswith("("):
            return self.pipeline(term[1:-1], dot, dollar)
        if term.startswith('"'):
            return json.loads(term)
        if term == "$":
            return dollar
        if term.startswith("."):
            value = dot
            for part in [p for p in term.split(".") if p]:
                assert isinstance(value, dict), term
                value = value[part]
            return value
        if re.fullmatch(r"-?\d+", term):
            return int(term)
        raise AssertionError(f"unsupported term {term!r}")

    def call(self, words: list[str], piped: list[Any], dot: Any, dollar: Any) -> Any:
        name, args = words[0], [self.term(w, dot, dollar) for w in words[1:]] + piped
        if not re.fullmatch(r"[a-zA-Z]+", name):
            assert not args, words
            return self.term(name, dot, dollar)
        if name == "include":
            return self.run(self.defines[args[0]], args[1], args[1])
        if name == "list":
            return list(args)
        if name == "index":
            value = args[0]
            for key in args[1:]:
                value = value[key]
            return value
        if name == "quote":
            return json.dumps(_text(args[0]))
        if name == "toYaml":
            return _to_yaml(args[0])
        if name == "nindent":
            return "\n" + "\n".join(" " * args[0] + line for line in str(args[1]).split("\n"))
        raise AssertionError(f"unsupported function {name!r}")

    def pipeline(self, text: str, dot: Any, dollar: Any) -> Any:
        value: list[Any] = []
        for command in _split(text, "|"):
            value = [self.call(_split(command, " "), value, dot, dollar)]
        return value[0]

    def run(self, nodes: list, dot: Any, dollar: Any) -> str:
        out = []
        for node in nodes:
            if node[0] == "text":
                out.append(node[1])
            elif node[0] == "print":
                out.append(_text(self.pipeline(node[1], dot, dollar)))
            else:
                value = self.pipeline(node[1], dot, dollar)
                if value:
                    inner = value if node[0] == "with" else dot
                    out.append(self.run(node[2], inner, dollar))
        return "".join(out)

    def render(self, template: str) -> str:
        nodes, _ = _parse(_tokens(template), 0, self.defines)
        return self.run(nodes, self.root, self.root)


def render_chart(chart: Path) -> str:
    values = yaml.safe_load((chart / "values.yaml").read_text()) or {}
    renderer = Renderer(values, (chart / "templates" / "_helpers.tpl").read_text())
    documents = []
    for path in sorted((chart / "templates").glob("*.yaml")):
        documents.append(renderer.render(path.read_text()))
    return "\n---\n".join(documents)


# --- comparison -------------------------------------------------------------------------------


def normalised(text: str) -> Counter[str]:
    """Objects by kind/namespace/name; a Service's implicit `type: ClusterIP` made explicit."""
    counter: Counter[str] = Counter()
    for body in yaml.safe_load_all(text):
        if not body:
            continue
        if body["kind"] == "Service":
            body.setdefault("spec", {}).setdefault("type", "ClusterIP")
        meta = body["metadata"]
        key = f"{body['kind']}/{meta.get('namespace', '')}/{meta['name']}"
        counter[key + "\n" + yaml.safe_dump(body, sort_keys=True)] += 1
    return counter


def case_dirs() -> list[Path]:
    return [CASES_DIR / case for case in CASES] + [HELM_CASE]


@pytest.mark.parametrize("directory", case_dirs(), ids=lambda p: p.name)
def test_rendered_chart_equals_plain_output(
    directory: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain = chart_of(directory, monkeypatch, tmp_path / "chart")
    assert normalised(render_chart(tmp_path / "chart")) == normalised(plain)


@pytest.mark.skipif(HELM is None, reason="no helm binary on PATH (helm is not installed here)")
@pytest.mark.parametrize("directory", case_dirs(), ids=lambda p: p.name)
def test_helm_template_equals_plain_output(
    directory: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plain = chart_of(directory, monkeypatch, tmp_path / "chart")
    rendered = subprocess.run(
        [HELM, "template", "release", str(tmp_path / "chart")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert rendered.returncode == 0, rendered.stderr
    assert normalised(rendered.stdout) == normalised(plain)


_VALUES_REF = re.compile(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)")
_INDEX_REF = re.compile(r"\(index \.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)((?: \"[^\"]*\")+)\)")


def values_paths(template: str) -> list[list[str]]:
    paths = [
        m.group(1).split(".")[1:] + json.loads("[" + ",".join(m.group(2).split()) + "]")
        for m in _INDEX_REF.finditer(template)
    ]
    plain = _INDEX_REF.sub("", template)
    return paths + [m.group(1).split(".")[1:] for m in _VALUES_REF.finditer(plain)]


@pytest.mark.parametrize("directory", case_dirs(), ids=lambda p: p.name)
def test_every_values_path_exists(
    directory: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    chart_of(directory, monkeypatch, tmp_path / "chart")
    values = yaml.safe_load((tmp_path / "chart" / "values.yaml").read_text()) or {}
    used = 0
    for path in sorted((tmp_path / "chart" / "templates").glob("*.yaml")):
        for parts in values_paths(path.read_text()):
            used += 1
            node: Any = values
            for part in parts:
                assert isinstance(node, dict) and part in node, f"{path.name}: .Values.{parts}"
                node = node[part]
    assert used > 0


def test_values_paths_regex_sees_index_form() -> None:
    text = 'a: {{ (index .Values.api "env" "feature.flag") | quote }} b: {{ .Values.api.replicas }}'
    assert values_paths(text) == [["api", "env", "feature.flag"], ["api", "replicas"]]


@pytest.mark.parametrize("directory", case_dirs(), ids=lambda p: p.name)
def test_static_parts_are_valid_yaml(
    directory: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    chart_of(directory, monkeypatch, tmp_path / "chart")
    for path in sorted((tmp_path / "chart" / "templates").glob("*.yaml")):
        lines = []
        for line in path.read_text().splitlines():
            if _ACTION.fullmatch(line.strip()):
                continue  # a line that is only an action (control flow, an included block)
            lines.append(_ACTION.sub("PLACEHOLDER", line))
        documents = list(yaml.safe_load_all("\n".join(lines)))
        assert len(documents) == 1 and isinstance(documents[0], dict), path.name
        assert documents[0]["kind"] and documents[0]["metadata"]["name"], path.name


def test_chart_matches_golden(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    chart_of(HELM_CASE, monkeypatch, tmp_path / "chart")
    golden = HELM_CASE / "chart"
    produced = {
        str(p.relative_to(tmp_path / "chart")): p.read_text()
        for p in sorted((tmp_path / "chart").rglob("*"))
        if p.is_file()
    }
    if UPDATE:
        shutil.rmtree(golden, ignore_errors=True)
        for relative, text in produced.items():
            (golden / relative).parent.mkdir(parents=True, exist_ok=True)
            (golden / relative).write_text(text)
    expected = {
        str(p.relative_to(golden)): p.read_text() for p in sorted(golden.rglob("*")) if p.is_file()
    }
    assert produced == expected


def test_values_hold_the_tunables_and_no_secret(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    chart_of(HELM_CASE, monkeypatch, tmp_path / "chart")
    chart = tmp_path / "chart"
    values = yaml.safe_load((chart / "values.yaml").read_text())
    api = values["api"]
    assert api["image"] == {
        "repository": "registry.example.com:5000/shop/api",
        "tag": "1.4.2",
        "digest": "sha256:" + "0123456789abcdef" * 4,
    }
    assert api["replicas"] == 2
    assert api["resources"]["limits"] == {"cpu": "500m", "memory": "256Mi"}
    assert api["env"] == {"LOG_LEVEL": "info", "feature.flag": "on"}
    assert api["service"]["type"] == "NodePort"
    assert api["ingress"] == {
        "enabled": True,
        "host": "api.example.com",
        "className": "nginx",
        "tls": [{"hosts": ["api.example.com"], "secretName": "api-tls"}],
    }
    assert "ingress" not in values["worker"] and "service" not in values["worker"]
    for path in chart.rglob("*"):
        if path.is_file():
            assert "hunter2-very-secret" not in path.read_text(), path
    assert "DATABASE_PASSWORD" not in (chart / "values.yaml").read_text()
    chart_yaml = yaml.safe_load((chart / "Chart.yaml").read_text())
    assert chart_yaml["apiVersion"] == "v2"
    assert (chart_yaml["name"], chart_yaml["version"]) == ("shop", "0.1.0")


def test_changed_values_reach_the_objects(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    chart_of(HELM_CASE, monkeypatch, tmp_path / "chart")
    chart = tmp_path / "chart"
    values = yaml.safe_load((chart / "values.yaml").read_text())
    values["api"].update(replicas=5, env={"LOG_LEVEL": "debug", "feature.flag": "off"})
    values["api"]["image"].update(tag="2.0", digest="")
    values["api"]["ingress"].update(host="shop.example.org", className="", tls=[])
    values["worker"]["resources"] = {"limits": {"memory": "1Gi"}}
    (chart / "values.yaml").write_text(yaml.safe_dump(values))
    objects = {
        (b["kind"], b["metadata"]["name"]): b for b in yaml.safe_load_all(render_chart(chart)) if b
    }
    api = objects[("Deployment", "api")]["spec"]
    assert api["replicas"] == 5
    container = api["template"]["spec"]["containers"][0]
    assert container["image"] == "registry.example.com:5000/shop/api:2.0"
    assert {e["name"]: e.get("value") for e in container["env"]}["feature.flag"] == "off"
    ingress = objects[("Ingress", "api")]["spec"]
    assert ingress["rules"][0]["host"] == "shop.example.org"
    assert "tls" not in ingress and "ingressClassName" not in ingress
    worker = objects[("Deployment", "worker")]["spec"]["template"]["spec"]["containers"][0]
    assert worker["resources"] == {"limits": {"memory": "1Gi"}}


def test_ingress_can_be_disabled(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    chart_of(HELM_CASE, monkeypatch, tmp_path / "chart")
    chart = tmp_path / "chart"
    values = yaml.safe_load((chart / "values.yaml").read_text())
    values["api"]["ingress"]["enabled"] = False
    (chart / "values.yaml").write_text(yaml.safe_dump(values))
    kinds = [b["kind"] for b in yaml.safe_load_all(render_chart(chart)) if b]
    assert "Ingress" not in kinds and "Service" in kinds


def test_rerun_check_and_foreign_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    chart = tmp_path / "chart"
    chart_of(HELM_CASE, monkeypatch, chart)
    assert convert(HELM_CASE, monkeypatch, "--helm", str(chart))[0] == 0
    assert convert(HELM_CASE, monkeypatch, "--helm", str(chart), "--check")[:2] == (0, "")
    (chart / "values.yaml").write_text("# Generated by kconv\napi: {}\n")
    code, stdout, _ = convert(HELM_CASE, monkeypatch, "--helm", str(chart), "--check")
    assert code == 1 and "values.yaml" in stdout
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: mine\n")
    code, _, stderr = convert(HELM_CASE, monkeypatch, "--helm", str(chart))
    assert code == 2 and "Chart.yaml" in stderr and "--force" in stderr
    assert (chart / "Chart.yaml").read_text() == "apiVersion: v2\nname: mine\n"
    assert convert(HELM_CASE, monkeypatch, "--helm", str(chart), "--force")[0] == 0


def test_helm_refuses_json(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    code, _, stderr = convert(HELM_CASE, monkeypatch, "--helm", str(tmp_path / "c"), "--json")
    assert code == 2 and "--helm" in stderr
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize(
    ("image", "parts"),
    [
        ("redis", ("redis", "", "")),
        ("redis:7", ("redis", "7", "")),
        ("host:5000/a/b", ("host:5000/a/b", "", "")),
        ("host:5000/a/b:1@sha256:ab", ("host:5000/a/b", "1", "sha256:ab")),
    ],
)
def test_split_image(image: str, parts: tuple[str, str, str]) -> None:
    assert split_image(image) == parts


def test_names() -> None:
    assert values_key("api-server") == "apiServer"
    assert values_key("web_2") == "web2"
    assert values_key("2fa") == "s2fa"
    assert chart_name("My Shop!") == "my-shop"
    assert values_path("api", "env", "A.B") == '(index .Values.api "env" "A.B")'
    assert values_path("api", "replicas") == ".Values.api.replicas"


def test_colliding_values_keys_get_a_suffix() -> None:
    def deployment(name: str) -> dict[str, Any]:
        labels = {"app.kubernetes.io/name": name}
        return {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": name, "labels": labels},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": labels},
                "template": {
                    "metadata": {"labels": labels},
                    "spec": {"containers": [{"name": name, "image": f"{name}:1"}]},
                },
            },
        }

    files = dict(chart_files([deployment("a-1b"), deployment("a1b")], "p"))
    values = yaml.safe_load(files["values.yaml"])
    assert values["a1b"]["image"]["repository"] == "a-1b"
    assert values["a1b2"]["image"]["repository"] == "a1b"
    assert ".Values.a1b2.image" in files["templates/a1b-deployment.yaml"]


def test_second_service_object_of_a_service_stays_static() -> None:
    labels = {"app.kubernetes.io/name": "db"}

    def service(name: str, port: int) -> dict[str, Any]:
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": name, "labels": labels},
            "spec": {"selector": labels, "ports": [{"name": "p", "port": port}]},
        }

    files = dict(chart_files([service("db", 5432), service("db-metrics", 9187)], "p"))
    values = yaml.safe_load(files["values.yaml"])
    assert values["db"]["service"]["ports"] == [{"name": "p", "port": 5432}]
    assert ".Values" not in files["templates/db-metrics-service.yaml"]
    assert "port: 9187" in files["templates/db-metrics-service.yaml"]
