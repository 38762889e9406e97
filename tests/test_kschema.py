"""kconv.kschema: versions, schema lookup, every error with pointer and message, strict mode,
redaction, caching, and agreement with plain jsonschema on kubernetes-validate's raw schemas."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kconv import kschema
from kconv.errors import ConfigError
from kconv.kschema import NoSchema, SchemaError
from kconv.model.location import join_pointer

NEWEST = kschema.available_versions()[-1]


def deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app.kubernetes.io/name": "web"}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app.kubernetes.io/name": "web"}},
            "template": {
                "metadata": {"labels": {"app.kubernetes.io/name": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx:1.27",
                            "ports": [{"containerPort": 8080, "name": "http"}],
                            "env": [{"name": "MODE", "value": "prod"}],
                            "readinessProbe": {"httpGet": {"path": "/", "port": "http"}},
                            "resources": {"limits": {"cpu": 1, "memory": "128Mi"}},
                            "securityContext": {"runAsNonRoot": True},
                        }
                    ]
                },
            },
        },
    }


def service() -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {
            "type": "ClusterIP",
            "selector": {"app": "web"},
            "ports": [{"name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"}],
        },
    }


# -- versions ----------------------------------------------------------------------------------


def test_available_versions_are_the_shipped_minor_versions() -> None:
    versions = kschema.available_versions()
    minors = [int(v.split(".")[1]) for v in versions]
    assert versions[0] == "1.25"
    assert minors == list(range(25, minors[-1] + 1))
    assert minors[-1] >= 37
    folder = kschema.schema_directory()
    assert all(os.path.isdir(os.path.join(folder, f"v{v}.0-local-strict")) for v in versions)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("1.30", "1.30"),
        ("1.30.2", "1.30"),
        ("v1.30", "1.30"),
        ("v1.25.0", "1.25"),
        ("v1.29.3-gke.1282000", "1.29"),
        (None, NEWEST),
    ],
)
def test_resolve_version(given: str | None, expected: str) -> None:
    assert kschema.resolve_version(given) == expected


@pytest.mark.parametrize("given", ["1.24", "1.99", "2.1", "latest", "1", "", "1.30-"])
def test_resolve_version_rejects_unsupported(given: str) -> None:
    with pytest.raises(ConfigError) as raised:
        kschema.resolve_version(given)
    message = str(raised.value)
    assert "1.25" in message or "expected MAJOR.MINOR" in message
    if given in ("1.24", "1.99", "2.1"):
        assert f"supports 1.25 to {NEWEST}" in message


def test_nearest_version_clamps_to_the_shipped_range() -> None:
    assert kschema.nearest_version("1.18") == "1.25"
    assert kschema.nearest_version("1.99") == NEWEST
    assert kschema.nearest_version("v1.29.4") == "1.29"
    with pytest.raises(ConfigError):
        kschema.nearest_version("nonsense")


# -- schema lookup -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("api_version", "kind"),
    [
        ("example.com/v1", "Widget"),  # a custom resource
        ("extensions/v1beta1", "Deployment"),  # removed in 1.16
        ("apps.example.com/v1", "Deployment"),  # same first group word as apps/v1
        ("v1", "Affinity"),  # a schema file exists, but it is not an object kind
        ("v1", "../../../etc/passwd"),
        ("apps/v1", ""),
    ],
)
def test_no_schema(api_version: str, kind: str) -> None:
    body = {"apiVersion": api_version, "kind": kind, "metadata": {"name": "x"}}
    with pytest.raises(NoSchema) as raised:
        kschema.validate(body, None)
    assert raised.value.kind == kind
    assert raised.value.api_version == api_version
    assert not kschema.has_schema(api_version, kind)


def test_removed_apis_have_no_schema_and_current_ones_do() -> None:
    body = {"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy", "metadata": {"name": "p"}}
    with pytest.raises(NoSchema):
        kschema.validate(body, "1.25")
    assert kschema.has_schema("batch/v1", "CronJob", "1.25")
    assert kschema.has_schema("rbac.authorization.k8s.io/v1", "ClusterRole")
    assert kschema.has_schema("networking.k8s.io/v1", "Ingress")


@pytest.mark.parametrize("version", ["1.25", NEWEST])
def test_valid_objects_have_no_errors(version: str) -> None:
    assert kschema.validate(deployment(), version) == []
    assert kschema.validate(service(), version) == []
    assert kschema.validate(deployment(), version, strict=True) == []


# -- errors ------------------------------------------------------------------------------------


def test_every_error_is_reported_with_pointer_and_message() -> None:
    body = deployment()
    body["metadata"]["labels"]["tier"] = 3
    body["spec"]["replicas"] = "two"
    del body["spec"]["selector"]
    container = body["spec"]["template"]["spec"]["containers"][0]
    container["image"] = ["nginx"]
    container["ports"][0]["containerPort"] = "http"
    assert kschema.validate(body, NEWEST) == [
        SchemaError("/metadata/labels/tier", "metadata.labels.tier: 3 is not of type string"),
        SchemaError("/spec", 'spec: required field "selector" is missing'),
        SchemaError("/spec/replicas", 'spec.replicas: "two" is not of type integer'),
        SchemaError(
            "/spec/template/spec/containers/0/image",
            "spec.template.spec.containers[0].image: an array is not of type string",
        ),
        SchemaError(
            "/spec/template/spec/containers/0/ports/0/containerPort",
            'spec.template.spec.containers[0].ports[0].containerPort: "http" '
            "is not of type integer",
        ),
    ]


def test_missing_top_level_field_and_wrong_kind_value() -> None:
    body = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}}
    assert kschema.validate(body, NEWEST) == [SchemaError("", 'required field "spec" is missing')]


def test_keys_that_are_not_identifiers_are_quoted_in_messages() -> None:
    body = service()
    body["metadata"]["annotations"] = {"example.com/port": 80}
    assert kschema.validate(body, NEWEST) == [
        SchemaError(
            "/metadata/annotations/example.com~1port",
            'metadata.annotations["example.com/port"]: 80 is not of type string',
        )
    ]


def test_int_or_string_and_quantity_accept_both_and_reject_others() -> None:
    body = deployment()
    container = body["spec"]["template"]["spec"]["containers"][0]
    container["readinessProbe"]["httpGet"]["port"] = True
    container["resources"]["limits"]["memory"] = {"size": 1}
    assert kschema.validate(body, NEWEST) == [
        SchemaError(
            "/spec/template/spec/containers/0/readinessProbe/httpGet/port",
            "spec.template.spec.containers[0].readinessProbe.httpGet.port: true "
            "is not of type string or integer",
        ),
        SchemaError(
            "/spec/template/spec/containers/0/resources/limits/memory",
            "spec.template.spec.containers[0].resources.limits.memory: an object "
            "is not of type string or number",
        ),
    ]


def test_null_values_are_accepted_like_the_api_server_does() -> None:
    body = deployment()
    body["spec"]["strategy"] = None
    body["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = None
    assert kschema.validate(body, NEWEST) == []


def test_strict_mode_points_at_each_unknown_field() -> None:
    body = deployment()
    body["spec"]["replica"] = 3
    body["spec"]["template"]["spec"]["containers"][0]["readinessprobe"] = {}
    body["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "Always"
    assert kschema.validate(body, NEWEST) == []
    assert kschema.validate(body, NEWEST, strict=True) == [
        SchemaError(
            "/spec/template/spec/containers/0/readinessprobe",
            'spec.template.spec.containers[0].readinessprobe: unknown field "readinessprobe"; '
            'did you mean "readinessProbe"?',
        ),
        SchemaError(
            "/spec/replica", 'spec.replica: unknown field "replica"; did you mean "replicas"?'
        ),
    ]


def test_strict_mode_still_allows_free_form_maps() -> None:
    body = service()
    body["metadata"]["labels"] = {"anything.example.com/goes": "yes"}
    body["metadata"]["annotations"] = {"free": "form"}
    assert kschema.validate(body, NEWEST, strict=True) == []


def test_values_that_may_be_secrets_are_redacted() -> None:
    body = deployment()
    container = body["spec"]["template"]["spec"]["containers"][0]
    container["env"] = [
        {"name": "DB_PASSWORD", "value": 987654},
        {"name": "MODE", "value": ["AKIAIOSFODNN7EXAMPLE"]},
    ]
    container["image"] = 5
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}
    secret["stringData"] = {"token": 424242}
    messages = [e.message for e in kschema.validate(body, NEWEST)]
    messages += [e.message for e in kschema.validate(secret, NEWEST)]
    assert messages == [
        "spec.template.spec.containers[0].image: 5 is not of type string",
        "spec.template.spec.containers[0].env[0].value: <redacted> is not of type string",
        "spec.template.spec.containers[0].env[1].value: an array is not of type string",
        "stringData.token: <redacted> is not of type string",
    ]
    assert not any("987654" in m or "424242" in m for m in messages)


def test_errors_are_capped_per_object() -> None:
    body = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c"},
        "data": {f"k{i:03d}": i for i in range(150)},
    }
    errors = kschema.validate(body, NEWEST)
    assert len(errors) == kschema.MAX_ERRORS + 1
    assert errors[0] == SchemaError("/data/k000", "data.k000: 0 is not of type string")
    assert errors[-1] == SchemaError("", "50 more schema errors not shown")


def test_values_that_are_not_plain_json_are_type_errors() -> None:
    body = service()
    body["metadata"]["name"] = 1.5
    assert kschema.validate(body, NEWEST) == [
        SchemaError("/metadata/name", "metadata.name: 1.5 is not of type string")
    ]


# -- caching and cost --------------------------------------------------------------------------


def test_validators_are_compiled_once_per_kind_and_version() -> None:
    kschema.validate(service(), "1.30")
    key = ("1.30", False, "v1", "Service")
    compiled = kschema._VALIDATORS[key]
    kschema.validate(service(), "v1.30.9")
    assert kschema._VALIDATORS[key] is compiled
    assert kschema._definitions("1.30", False) is kschema._definitions("1.30", False)


def test_threads_preparing_the_same_schemas_get_the_answers_of_one() -> None:
    """Quick-check nodes are prepared as objects reach them, and `$ref`s linked for jsonschema
    on the first invalid object: both may happen in several threads at once."""
    import threading

    bad = deployment()
    bad["spec"]["replicas"] = "three"
    bodies = [deployment(), service(), bad] * 20
    expected = [kschema.validate(body, NEWEST) for body in bodies]
    for _ in range(3):
        kschema._VALIDATORS.clear()
        kschema._QUICK.clear()
        kschema._definitions.cache_clear()
        results: list[Any] = [None] * len(bodies)
        barrier = threading.Barrier(6)

        def work(offset: int, barrier: threading.Barrier, results: list[Any]) -> None:
            barrier.wait()
            for index in range(offset, len(bodies), 6):
                results[index] = kschema.validate(bodies[index], NEWEST)

        threads = [
            threading.Thread(target=work, args=(offset, barrier, results)) for offset in range(6)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert results == expected


def test_valid_objects_never_import_jsonschema_or_kubernetes_validate() -> None:
    code = (
        "import sys, kconv.kschema as k;"
        "assert k.validate({'apiVersion': 'v1', 'kind': 'Service', 'metadata': {'name': 's'},"
        " 'spec': {'ports': [{'port': 80}]}}, None, True) == [];"
        "print(sorted(m for m in ('jsonschema', 'kubernetes_validate') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- agreement with jsonschema on the raw schemas -----------------------------------------------


def _reference(version: str, strict: bool) -> Any:
    """Plain jsonschema on kubernetes-validate's unmodified files, as kubernetes-validate does."""
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    folder = kschema._folder(version, strict)
    with open(os.path.join(folder, "_definitions.json"), encoding="utf-8") as handle:
        definitions = json.load(handle)
    registry = Registry().with_resource(definitions["$id"], Resource.from_contents(definitions))
    validators = {}

    def validator(body: dict[str, Any]) -> Any:
        key = (body["apiVersion"], body["kind"])
        if key not in validators:
            name = kschema._schema_filename(*key)
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                validators[key] = Draft202012Validator(json.load(handle), registry=registry)
        return validators[key]

    return validator


_REFERENCE = {strict: _reference(NEWEST, strict) for strict in (False, True)}


def _int_or_string_error(error: SchemaError) -> bool:
    return any(
        text in error.message
        for text in ("is a string: the API server reads", "not a valid port name", "percentage")
    )


_scalars = st.one_of(
    st.integers(-3, 70000),
    st.text(max_size=6),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)
_values = st.one_of(
    _scalars,
    st.lists(_scalars, max_size=2),
    st.dictionaries(st.sampled_from(["name", "port", "x", "value"]), _scalars, max_size=2),
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_same_verdict_and_places_as_plain_jsonschema(data: st.DataObject) -> None:
    body = copy.deepcopy(data.draw(st.sampled_from([deployment(), service()])))
    strict = data.draw(st.booleans())
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(_paths(body)))
        parent = body
        for token in path[:-1]:
            parent = parent[token]
        action = data.draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[data.draw(st.sampled_from(["extra", "name", "port", "labels"]))] = data.draw(
                _values
            )
        else:
            parent[path[-1]] = data.draw(_values)
    if body.get("apiVersion") not in ("apps/v1", "v1") or body.get("kind") not in (
        "Deployment",
        "Service",
    ):
        with pytest.raises(NoSchema):
            kschema.validate(body, NEWEST, strict)
        return
    # kconv checks one thing plain jsonschema does not: strings in IntOrString fields
    ours = [e for e in kschema.validate(body, NEWEST, strict) if not _int_or_string_error(e)]
    theirs = list(_REFERENCE[strict](body).iter_errors(body))
    assert bool(ours) == bool(theirs), (ours, [e.message for e in theirs])
    expected = set()
    for error in theirs:
        pointer = join_pointer("", *error.absolute_path)
        if error.validator == "additionalProperties":
            expected |= {e.pointer for e in ours if e.pointer.startswith(pointer + "/")}
        else:
            expected.add(pointer)
    assert {e.pointer for e in ours} == expected


CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"


@pytest.mark.skipif(not (CORPORA / "linters").is_dir(), reason=f"no corpora at {CORPORA}")
def test_same_verdict_as_plain_jsonschema_on_the_corpora_manifests() -> None:
    from kconv.manifests import load_paths

    manifests = load_paths([str(CORPORA / "linters")])  # 1,200 objects of every kind
    compared, differing = 0, []
    for obj in manifests.objects:
        for strict in (False, True):
            try:
                ours = kschema.validate(obj.body, NEWEST, strict)
            except NoSchema:
                continue
            theirs = list(_REFERENCE[strict](obj.body).iter_errors(obj.body))
            compared += 1
            if bool(ours) != bool(theirs):
                differing.append((obj.file, obj.ref, strict))
    assert compared >= 1000
    assert differing == []


# -- the lint rules KC010 and KC011 -------------------------------------------------------------

WIDGET = "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {name}\n"
BAD_SERVICE = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n"
    "    - port: http\n      protocol: TCP\n      nodeport: 30000\n"
)


def _lint(paths: list[str], *, strict: bool = False, version: str | None = None) -> list[str]:
    from kconv.lint.config import LintConfig
    from kconv.lint.engine import lint
    from kconv.manifests import load_paths

    config = LintConfig().with_rule_params("KC010", {"strict": True}) if strict else LintConfig()
    result = lint(
        load_paths(paths), config=config, select=["KC010", "KC011"], kubernetes_version=version
    )
    return [
        f"{Path(f.location.file).name}:{f.location.line}:{f.location.column} {f.rule} {f.message}"
        for f in result.findings
    ]


def test_unknown_kinds_are_reported_once_per_run_with_their_count(tmp_path: Path) -> None:
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(WIDGET.format(name="one") + "---\n" + WIDGET.format(name="two"))
    second.write_text(WIDGET.format(name="three"))
    expected = [
        "a.yaml:2:1 KC011 no schema for kind Widget (example.com/v1) in Kubernetes "
        f"{NEWEST}: 3 objects not schema-validated"
    ]
    assert _lint([str(first), str(second)]) == expected
    assert _lint([str(first), str(second)]) == expected  # a second run reports again
    assert _lint([str(second)]) == [
        "b.yaml:2:1 KC011 no schema for kind Widget (example.com/v1) in Kubernetes "
        f"{NEWEST}: 1 object not schema-validated"
    ]


def test_schema_findings_are_located_at_the_field(tmp_path: Path) -> None:
    path = tmp_path / "svc.yaml"
    path.write_text(BAD_SERVICE)
    assert _lint([str(path)]) == [
        'svc.yaml:7:7 KC010 spec.ports[0].port: "http" is not of type integer'
    ]
    assert _lint([str(path)], strict=True) == [
        'svc.yaml:7:7 KC010 spec.ports[0].port: "http" is not of type integer',
        'svc.yaml:9:7 KC010 spec.ports[0].nodeport: unknown field "nodeport"; '
        'did you mean "nodePort"?',
    ]


def test_lint_versions_outside_the_schema_range_use_the_closest_schemas(tmp_path: Path) -> None:
    path = tmp_path / "svc.yaml"
    path.write_text(BAD_SERVICE)
    assert _lint([str(path)], version="1.18") == [
        'svc.yaml:7:7 KC010 spec.ports[0].port: "http" is not of type integer'
    ]
    old = tmp_path / "old.yaml"
    old.write_text(
        "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: old\n"
        "---\napiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: psp\n"
    )
    assert _lint([str(old)]) == []  # removed APIs: the deprecation rules report them


def test_cli_strict_schema_and_no_schema(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from kconv.cli import cli

    path = tmp_path / "svc.yaml"
    path.write_text(BAD_SERVICE.replace("port: http", "port: 80"))
    runner = CliRunner()
    assert runner.invoke(cli, ["lint", "--select", "KC010", str(path)]).exit_code == 0
    strict = runner.invoke(cli, ["lint", "--select", "KC010", "--strict-schema", str(path)])
    assert strict.exit_code == 1
    assert 'svc.yaml:9:7: error KC010 spec.ports[0].nodeport: unknown field "nodeport";' in (
        strict.output
    )
    assert (
        runner.invoke(cli, ["lint", "--no-schema", "--select", "KC0,KC1", str(path)]).exit_code == 0
    )


def test_api_versions_serving_prefers_stable_and_newer() -> None:
    assert kschema.api_versions_serving("HorizontalPodAutoscaler") == [
        "autoscaling/v2",
        "autoscaling/v1",
    ]
    assert kschema.api_versions_serving("Deployment", "1.25") == ["apps/v1"]
    assert kschema.api_versions_serving("Widget") == []


def test_kinds_in_lists_what_a_built_in_group_version_serves() -> None:
    assert (
        {"Deployment", "StatefulSet", "DaemonSet"}
        <= kschema.kinds_in("apps/v1")
        <= {
            "ControllerRevision",
            "ControllerRevisionList",
            "DaemonSet",
            "DaemonSetList",
            "Deployment",
            "DeploymentList",
            "ReplicaSet",
            "ReplicaSetList",
            "StatefulSet",
            "StatefulSetList",
        }
    )
    assert "Service" in kschema.kinds_in("v1")
    assert kschema.kinds_in("extensions/v1beta1") is None  # removed: only watch machinery left
    assert kschema.kinds_in("example.com/v1") is None
    assert "ValidatingAdmissionPolicy" not in kschema.kinds_in(
        "admissionregistration.k8s.io/v1", "1.28"
    )


def test_kinds_a_built_in_group_does_not_serve_are_errors_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "kinds.yaml"
    path.write_text(
        "apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: a}\n---\n"
        "apiVersion: v1\nkind: service\nmetadata: {name: b}\n---\n"
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n"
        "metadata: {name: c}\n---\n"
        "apiVersion: v1\nkind: Frobnicator\nmetadata: {name: d}\n---\n"
        "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: e}\n---\n"
        "apiVersion: v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: f}\n---\n"
        "apiVersion: v1\nkind: DeploymentConfig\nmetadata: {name: g}\n"
    )
    assert _lint([str(path)], version="1.28") == [
        'kinds.yaml:2:1 KC010 kind "Deploymnet" does not exist in apps/v1 (Kubernetes 1.28); '
        'did you mean "Deployment"?',
        'kinds.yaml:6:1 KC010 kind "service" does not exist in v1 (Kubernetes 1.28); '
        'did you mean "Service"?',
        'kinds.yaml:10:1 KC010 kind "ValidatingAdmissionPolicy" does not exist in '
        "admissionregistration.k8s.io/v1 (Kubernetes 1.28); it is served from Kubernetes 1.30 on "
        "(Kubernetes 1.28 serves it as admissionregistration.k8s.io/v1beta1)",
        'kinds.yaml:14:1 KC010 kind "Frobnicator" does not exist in v1 (Kubernetes 1.28)',
        'kinds.yaml:22:1 KC010 kind "HorizontalPodAutoscaler" does not exist in v1 '
        "(Kubernetes 1.28); it is served by apiVersion autoscaling/v2",
        # OpenShift's legacy v1 kinds are extensions: skipped, like custom resources
        "kinds.yaml:26:1 KC011 no schema for kind DeploymentConfig (v1) in Kubernetes 1.28: "
        "1 object not schema-validated",
    ]


@pytest.mark.parametrize(
    ("api_version", "kind", "version", "hint"),
    [
        (
            "flowcontrol.apiserver.k8s.io/v1",
            "FlowSchema",
            "1.25",
            "; it is served from Kubernetes 1.29 on "
            "(Kubernetes 1.25 serves it as flowcontrol.apiserver.k8s.io/v1beta2)",
        ),
        (
            "flowcontrol.apiserver.k8s.io/v1",
            "FlowSchema",
            "1.28",
            "; it is served from Kubernetes 1.29 on "
            "(Kubernetes 1.28 serves it as flowcontrol.apiserver.k8s.io/v1beta3)",
        ),
        (
            "resource.k8s.io/v1",
            "ResourceClaim",
            "1.33",
            "; it is served from Kubernetes 1.34 on (Kubernetes 1.33 serves it as "
            "resource.k8s.io/v1beta2)",
        ),
        (
            "storage.k8s.io/v1beta1",
            "VolumeAttributesClass",
            "1.37",
            "; it is served by apiVersion storage.k8s.io/v1",
        ),
        (
            "networking.k8s.io/v1alpha1",
            "ServiceCIDR",
            "1.37",
            "; it is served by apiVersion networking.k8s.io/v1",
        ),
        ("apps/V1", "Deployment", "1.37", "; it is served by apiVersion apps/v1"),
        ("Apps/v1", "Deployment", "1.37", "; it is served by apiVersion apps/v1"),
        ("apps/v2", "Deployment", "1.37", "; it is served by apiVersion apps/v1"),
        ("apps/v1beta3", "Deployment", "1.37", "; it is served by apiVersion apps/v1"),
        ("v2", "Deployment", "1.37", "; it is served by apiVersion apps/v1"),
        ("V1", "Deployment", "1.37", "; it is served by apiVersion apps/v1"),
        ("nodots/v1", "Widget", "1.37", ""),
    ],
)
def test_unknown_versions_of_built_in_groups_are_errors(
    tmp_path: Path, api_version: str, kind: str, version: str, hint: str
) -> None:
    path = tmp_path / "object.yaml"
    path.write_text(f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x}}\n")
    assert _lint([str(path)], version=version) == [
        f'object.yaml:1:1 KC010 apiVersion "{api_version}" of kind "{kind}" does not exist in '
        f"Kubernetes {version}{hint}"
    ]


def test_a_kind_missing_from_an_older_version_names_the_first_that_serves_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "object.yaml"
    path.write_text(
        "apiVersion: networking.k8s.io/v1alpha1\nkind: ServiceCIDR\nmetadata: {name: x}\n"
    )
    assert _lint([str(path)], version="1.25") == [
        'object.yaml:2:1 KC010 kind "ServiceCIDR" does not exist in networking.k8s.io/v1alpha1 '
        "(Kubernetes 1.25); it is served from Kubernetes 1.29 on"
    ]


def test_custom_resource_groups_and_old_targets_stay_unknown_kinds(tmp_path: Path) -> None:
    path = tmp_path / "objects.yaml"
    path.write_text(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\n---\n"
        "apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: b}\n"
    )
    assert _lint([str(path)], version="1.37") == [
        "objects.yaml:2:1 KC011 no schema for kind Widget (example.com/v1) in Kubernetes 1.37: "
        "1 object not schema-validated",
        "objects.yaml:6:1 KC011 no schema for kind Gateway (gateway.networking.k8s.io/v1) in "
        "Kubernetes 1.37: 1 object not schema-validated",
    ]
    # older than the schemas: the group version may have been served then
    old = tmp_path / "old.yaml"
    old.write_text("apiVersion: node.k8s.io/v1alpha1\nkind: RuntimeClass\nmetadata: {name: c}\n")
    assert [line.split(" ")[1] for line in _lint([str(old)], version="1.20")] == ["KC011"]


def test_api_versions_serving_follows_kubernetes_version_priority() -> None:
    assert kschema.api_versions_serving("ValidatingAdmissionPolicy", "1.29") == [
        "admissionregistration.k8s.io/v1beta1",
        "admissionregistration.k8s.io/v1alpha1",
    ]
    assert kschema.api_versions_serving("FlowSchema", "1.28") == [
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "flowcontrol.apiserver.k8s.io/v1beta2",
    ]
    ordered = sorted(
        ["g/v1alpha1", "g/v1beta1", "g/v2beta2", "g/v1", "g/v2", "g/v1beta3"],
        key=kschema.version_priority,
    )
    assert ordered == ["g/v2", "g/v1", "g/v2beta2", "g/v1beta3", "g/v1beta1", "g/v1alpha1"]


@pytest.mark.parametrize(
    ("kind", "pointer", "value", "message"),
    [
        (
            "Service",
            "/spec/ports/0/targetPort",
            "8080",
            'spec.ports[0].targetPort: "8080" is a string: the API server reads a string port '
            "as a port name, which must contain a letter; write 8080 without quotes",
        ),
        (
            "Service",
            "/spec/ports/0/targetPort",
            "Web_Port",
            'spec.ports[0].targetPort: "Web_Port" is not a valid port name: at most 15 lowercase '
            "letters, digits and '-', with at least one letter, and no '-' at either end or "
            "twice in a row",
        ),
        (
            "Deployment",
            "/spec/strategy/rollingUpdate/maxSurge",
            "1",
            'spec.strategy.rollingUpdate.maxSurge: "1" is a string: the API server reads a string '
            'here as a percentage, like "25%"; write 1 without quotes',
        ),
        (
            "Deployment",
            "/spec/strategy/rollingUpdate/maxUnavailable",
            "ten",
            'spec.strategy.rollingUpdate.maxUnavailable: "ten" is not a percentage: write a '
            'number, or digits and "%" like "25%"',
        ),
        (
            "Deployment",
            "/spec/template/spec/containers/0/readinessProbe/httpGet/port",
            "8080",
            'spec.template.spec.containers[0].readinessProbe.httpGet.port: "8080" is a string: '
            "the API server reads a string port as a port name, which must contain a letter; "
            "write 8080 without quotes",
        ),
        (
            "Deployment",
            "/spec/template/spec/containers/0/livenessProbe/tcpSocket/port",
            "8080",
            'spec.template.spec.containers[0].livenessProbe.tcpSocket.port: "8080" is a string: '
            "the API server reads a string port as a port name, which must contain a letter; "
            "write 8080 without quotes",
        ),
    ],
)
def test_strings_in_int_or_string_fields_must_be_port_names_or_percentages(
    kind: str, pointer: str, value: str, message: str
) -> None:
    body = deployment() if kind == "Deployment" else service()
    *tokens, name = pointer.strip("/").split("/")
    parent: Any = body
    for token in tokens:  # missing objects on the way are created
        parent = parent[int(token)] if isinstance(parent, list) else parent.setdefault(token, {})
    parent[name] = value
    assert kschema.validate(body, NEWEST) == [SchemaError(pointer, message)]
    for good in ("http", "web-8080", 8080) if name.endswith("ort") else ("25%", 1, 0):
        parent[name] = good
        assert kschema.validate(body, NEWEST) == []


def test_pod_disruption_budget_percent_strings() -> None:
    body = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "x"},
        "spec": {"minAvailable": "1", "selector": {"matchLabels": {"a": "b"}}},
    }
    assert [e.pointer for e in kschema.validate(body, NEWEST)] == ["/spec/minAvailable"]
    body["spec"]["minAvailable"] = "50%"
    assert kschema.validate(body, NEWEST) == []
    body["spec"] = {"maxUnavailable": "0", "selector": {}}
    assert [e.pointer for e in kschema.validate(body, NEWEST)] == ["/spec/maxUnavailable"]


def test_the_validator_class_is_not_registered_globally() -> None:
    from jsonschema import Draft202012Validator, validators

    kschema.validate({"apiVersion": "v1", "kind": "Service", "spec": 1}, NEWEST)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    assert validators.validator_for(schema) is Draft202012Validator


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(
    kind=st.sampled_from([("apps/v1", "Deployment"), ("v1", "Service"), ("v1", "Pod")]),
    spec=_json,
    metadata=_json,
    strict=st.booleans(),
)
def test_any_json_body_gives_errors_that_point_into_it(
    kind: tuple[str, str], spec: Any, metadata: Any, strict: bool
) -> None:
    from kconv.model.location import split_pointer

    body = {"apiVersion": kind[0], "kind": kind[1], "metadata": metadata, "spec": spec}
    for error in kschema.validate(body, NEWEST, strict):
        assert error.message
        value: Any = body
        for token in split_pointer(error.pointer):
            assert isinstance(value, dict | list), error
            value = value[int(token)] if isinstance(value, list) else value[token]


# -- reading _definitions.json lazily -----------------------------------------------------------


def test_definitions_read_lazily_equal_the_whole_file() -> None:
    """In every shipped version folder, the lazily decoded definitions are json.load's."""
    for version in kschema.available_versions():
        for strict in (False, True):
            path = os.path.join(kschema._folder(version, strict), "_definitions.json")
            with open(path, "rb") as handle:
                data = handle.read()
            lazy = kschema._RawDefinitions.of(data)
            whole = json.loads(data)["$defs"]
            assert lazy is not None, f"{path} is not in the expected layout"
            assert list(lazy) == list(whole)
            assert all(lazy[name] == whole[name] for name in whole)


def test_definitions_in_another_layout_are_read_whole() -> None:
    definitions = {"$defs": {"a.B": {"type": "object", "description": 'x\n    "y": 1'}}}
    compact = json.dumps(definitions).encode()
    assert kschema._RawDefinitions.of(compact) is None  # the caller falls back to json.loads
    laid_out = json.dumps(definitions, indent=2).encode()
    lazy = kschema._RawDefinitions.of(laid_out)
    assert lazy is not None and dict(lazy) == definitions["$defs"]
