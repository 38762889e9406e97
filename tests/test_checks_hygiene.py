"""Hygiene checks (KC301-KC309): images, env, namespaces, labels, duplicates, API versions, and
secret-looking data; the API removal table; secrets never reach any output."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kconv.cli import cli
from kconv.lint.checks import load_all
from kconv.lint.checks.duplicates import object_key
from kconv.lint.checks.images import split_image
from kconv.lint.config import LintConfig
from kconv.lint.context import LintContext
from kconv.lint.deprecations import API_LIFECYCLES, lookup, parse_version
from kconv.lint.engine import lint
from kconv.lint.registry import load_rules
from kconv.lint.rule import CHECKS
from kconv.manifests import ManifestSet, load_paths, load_text

load_all()

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "fixtures" / "rules"


def load(text: str, filename: str = "test.yaml") -> ManifestSet:
    manifests = ManifestSet()
    load_text(manifests, textwrap.dedent(text), filename)
    assert not manifests.problems, manifests.problems
    return manifests


def run_check(
    key: str, text: str, params: dict[str, Any] | None = None, version: str = "1.37"
) -> list[tuple[int, str]]:
    """(line, message) of every violation of check `key` on the objects of a YAML text."""
    manifests = load(text)
    ctx = LintContext(objects=manifests.objects, kubernetes_version=version)
    run = CHECKS[key].factory(params or {})
    return [
        (obj.location(violation.pointer).line or 0, violation.message)
        for obj in manifests.objects
        for violation in run(obj, ctx)
    ]


# -- images ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("nginx", ("nginx", None, None)),
        ("nginx:1.27", ("nginx", "1.27", None)),
        ("localhost:5000/app", ("localhost:5000/app", None, None)),
        ("localhost:5000/app:v1", ("localhost:5000/app", "v1", None)),
        ("app@sha256:abc", ("app", None, "sha256:abc")),
        ("app:latest@sha256:abc", ("app", "latest", "sha256:abc")),
    ],
)
def test_split_image(image: str, expected: tuple[str, str | None, str | None]) -> None:
    assert split_image(image) == expected


def test_image_tag_messages_and_blocked_tags() -> None:
    text = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - {name: a, image: nginx}
            - {name: b, image: "nginx:latest"}
            - {name: c, image: "nginx:edge"}
            - {name: d}
    """
    assert run_check("image-tag", text) == [
        (6, 'container "a" uses image "nginx" without a tag'),
        (7, 'container "b" uses the mutable tag "latest" of image "nginx:latest"'),
    ]
    found = run_check("image-tag", text, {"blocked_tags": ["edge"]})
    assert [line for line, _ in found] == [6, 8]


# -- env ------------------------------------------------------------------------------------------


def test_duplicate_env_reports_later_ones_with_the_first_line() -> None:
    text = """\
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: a
              env:
                - {name: X, value: "1"}
                - {name: Y, value: "2"}
                - {name: X, value: "3"}
    """
    assert run_check("duplicate-env", text) == [
        (10, 'container "a" defines environment variable "X" again (first at line 8)')
    ]


SECRET_VALUE = "hunter2-very-secret"  # must never appear in any output
PEM_LINE = "MIIEowIBAAKCAQEAsecretsecretsecret"

SECRETS_TEXT = f"""\
    apiVersion: v1
    kind: ConfigMap
    metadata: {{name: settings}}
    data:
      DB_PASSWORD: {SECRET_VALUE}
      tls.key: |
        -----BEGIN PRIVATE KEY-----
        {PEM_LINE}
        -----END PRIVATE KEY-----
      TOKEN_FILE: /run/secrets/token
    ---
    apiVersion: v1
    kind: Pod
    metadata: {{name: p}}
    spec:
      containers:
        - name: a
          env:
            - {{name: DB_PASSWORD, value: {SECRET_VALUE}}}
            - {{name: API_TOKEN, value: ""}}
            - {{name: AUTH, valueFrom: {{secretKeyRef: {{name: s, key: k}}}}}}
            - {{name: LOG_LEVEL, value: debug}}
"""


def test_configmap_secrets_by_name_and_by_value() -> None:
    assert run_check("configmap-secrets", SECRETS_TEXT) == [
        (5, 'key "DB_PASSWORD" of configmap "settings" is named like a secret and has a value'),
        (6, 'key "tls.key" of configmap "settings" holds a credential-like value'),
    ]
    allowed = run_check("configmap-secrets", SECRETS_TEXT, {"allowed_keys": ["DB_PASSWORD"]})
    assert [line for line, _ in allowed] == [6]


def test_env_secret_literal_ignores_value_from_and_empty_values() -> None:
    assert run_check("env-secret-literal", SECRETS_TEXT) == [
        (
            19,
            'container "a" sets environment variable "DB_PASSWORD", named like a secret, literally',
        )
    ]
    assert run_check("env-secret-literal", SECRETS_TEXT, {"allowed_names": ["DB_PASSWORD"]}) == []


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "github"])
def test_secret_values_never_reach_the_report(tmp_path: Path, output_format: str) -> None:
    manifest = tmp_path / "leaky.yaml"
    manifest.write_text(textwrap.dedent(SECRETS_TEXT))
    result = CliRunner().invoke(
        cli, ["lint", "--select", "KC308,KC309", "--format", output_format, str(manifest)]
    )
    assert result.exit_code == 1, result.output
    assert "DB_PASSWORD" in result.output
    assert SECRET_VALUE not in result.output
    assert PEM_LINE not in result.output


# -- metadata -------------------------------------------------------------------------------------


def test_required_label_key_and_value_pattern() -> None:
    text = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: a
          labels: {app.kubernetes.io/name: "Bad Name"}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: b}
    """
    assert run_check("required-label", text, {"key": "app.kubernetes.io/name"}) == [
        (9, 'service "b" has no label "app.kubernetes.io/name"')
    ]
    found = run_check(
        "required-label", text, {"key": "app.kubernetes.io/name", "value": "[a-z0-9-]+"}
    )
    assert found == [
        (5, 'label "app.kubernetes.io/name" of service "a" does not match "[a-z0-9-]+"'),
        (9, 'service "b" has no label "app.kubernetes.io/name"'),
    ]


def test_missing_name_label_is_off_by_default_and_info() -> None:
    spec = next(spec for spec in load_rules() if spec.id == "KC304")
    assert spec.default is False
    assert str(spec.severity) == "info"
    assert dict(spec.params) == {"key": "app.kubernetes.io/name"}
    path = FIXTURES / "KC304-missing-name-label" / "fail.yaml"
    defaults = lint(load_paths([str(path)]), config=LintConfig()).findings
    assert not [finding for finding in defaults if finding.rule == "KC304"]
    selected = lint(load_paths([str(path)]), config=LintConfig(), select=["KC304"])
    assert len(selected.findings) == 3


def test_default_namespace_is_info_and_does_not_fail_the_run() -> None:
    path = FIXTURES / "KC303-default-namespace" / "fail.yaml"
    result = CliRunner().invoke(cli, ["lint", "--select", "KC303", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.count("info KC303") == 3


# -- duplicate objects ----------------------------------------------------------------------------


def test_object_key_ignores_the_version() -> None:
    manifests = load(
        """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: w, namespace: n}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: w}
        ---
        apiVersion: v1
        kind: Service
        metadata: {generateName: w-}
        """
    )
    keys = [object_key(obj) for obj in manifests.objects]
    assert keys == [("apps", "Deployment", "n", "w"), ("", "Service", None, "w"), None]


def test_duplicate_objects_across_files(tmp_path: Path) -> None:
    first = tmp_path / "a.yaml"
    second = tmp_path / "b.yaml"
    body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: prod\n"
    first.write_text("# first\n" + body)
    second.write_text(body + "---\n" + body.replace("prod", "staging"))
    result = lint(load_paths([str(tmp_path)]), config=LintConfig(), select=["KC305"])
    assert [(f.location.file, f.location.line, f.message) for f in result.findings] == [
        (
            str(second),
            4,
            f'configmap "settings" is already defined at {first}:2:1',
        )
    ]


# -- API versions ---------------------------------------------------------------------------------


def test_parse_version() -> None:
    assert parse_version("1.29") == (1, 29)
    assert parse_version("v1.30.2") == (1, 30)
    assert parse_version("1.31.0-rc.1") == (1, 31)
    with pytest.raises(ValueError):
        parse_version("latest")


def test_removal_table_is_consistent() -> None:
    for (api_version, kind), entry in API_LIFECYCLES.items():
        assert (entry.api_version, entry.kind) == (api_version, kind)
        assert entry.removed_in is None or entry.removed_in >= entry.deprecated_in
        assert entry.replacement != api_version
        assert entry.replacement or entry.note, (api_version, kind)
    required = [
        "extensions/v1beta1",
        "apps/v1beta1",
        "apps/v1beta2",
        "networking.k8s.io/v1beta1",
        "batch/v1beta1",
        "policy/v1beta1",
        "autoscaling/v2beta1",
        "autoscaling/v2beta2",
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "storage.k8s.io/v1beta1",
        "rbac.authorization.k8s.io/v1beta1",
        "admissionregistration.k8s.io/v1beta1",
        "apiextensions.k8s.io/v1beta1",
        "apiregistration.k8s.io/v1beta1",
        "certificates.k8s.io/v1beta1",
        "coordination.k8s.io/v1beta1",
        "scheduling.k8s.io/v1beta1",
        "node.k8s.io/v1beta1",
        "discovery.k8s.io/v1beta1",
        "events.k8s.io/v1beta1",
        "resource.k8s.io/v1alpha2",
    ]
    covered = {api_version for api_version, _ in API_LIFECYCLES}
    assert not set(required) - covered


@pytest.mark.parametrize(
    ("api_version", "kind", "version", "status"),
    [
        ("batch/v1beta1", "CronJob", "1.18", None),  # kube-score: AllOK at 1.18
        ("batch/v1beta1", "CronJob", "1.21", "deprecated"),  # kube-score: warning at 1.21
        ("batch/v1beta1", "CronJob", "1.25", "removed"),
        ("apps/v1beta1", "StatefulSet", "1.4", None),  # kube-score: AllOK at 1.4
        ("apps/v1beta1", "StatefulSet", "1.15", "deprecated"),
        ("extensions/v1beta1", "Ingress", "1.22", "removed"),
        ("policy/v1beta1", "PodSecurityPolicy", "1.37", "removed"),
        ("v1", "Endpoints", "1.32", None),
        ("v1", "Endpoints", "1.37", "deprecated"),
    ],
)
def test_lifecycle_status(api_version: str, kind: str, version: str, status: str | None) -> None:
    entry = lookup(api_version, kind)
    assert entry is not None
    assert entry.status(parse_version(version)) == status


def test_api_version_messages_name_the_replacement() -> None:
    text = """\
        apiVersion: batch/v1beta1
        kind: CronJob
        metadata: {name: c}
        ---
        apiVersion: policy/v1beta1
        kind: PodSecurityPolicy
        metadata: {name: p}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: d}
    """
    removed = {"status": "removed"}
    deprecated = {"status": "deprecated"}
    assert run_check("api-version-lifecycle", text, removed) == [
        (
            1,
            'apiVersion "batch/v1beta1" of CronJob was removed in Kubernetes 1.25 (use "batch/v1")',
        ),
        (
            5,
            'apiVersion "policy/v1beta1" of PodSecurityPolicy was removed in Kubernetes 1.25 '
            "(PodSecurityPolicy was removed in Kubernetes 1.25; use Pod Security Admission)",
        ),
    ]
    assert run_check("api-version-lifecycle", text, deprecated) == []
    assert run_check("api-version-lifecycle", text, deprecated, version="1.22") == [
        (
            1,
            'apiVersion "batch/v1beta1" of CronJob is deprecated since Kubernetes 1.21 '
            'and is removed in 1.25 (use "batch/v1")',
        ),
        (
            5,
            'apiVersion "policy/v1beta1" of PodSecurityPolicy is deprecated since Kubernetes '
            "1.21 and is removed in 1.25 (PodSecurityPolicy was removed in Kubernetes 1.25; "
            "use Pod Security Admission)",
        ),
    ]


def test_kubernetes_version_flag_moves_findings_between_rules() -> None:
    path = FIXTURES / "KC306-removed-api-version" / "fail.yaml"
    old = CliRunner().invoke(
        cli,
        ["lint", "--format=json", "--select=KC306,KC307", "--kubernetes-version=1.21", str(path)],
    )
    rules = sorted(finding["rule"] for finding in json.loads(old.output)["findings"])
    # at 1.21: the extensions Deployment (gone in 1.16) is removed; Ingress, CronJob, PDB, PSP
    # and the RBAC Role are deprecated; autoscaling/v2beta2 (1.23) and flowcontrol/v1beta3
    # (1.29) are not deprecated yet
    assert rules == ["KC306"] + ["KC307"] * 5


# -- the rules as shipped -------------------------------------------------------------------------

HYGIENE_RULES = {
    "KC301": ("latest-tag", "warning", True, "image-tag"),
    "KC302": ("duplicate-env-var", "error", True, "duplicate-env"),
    "KC303": ("default-namespace", "info", True, "default-namespace"),
    "KC304": ("missing-name-label", "info", False, "required-label"),
    "KC305": ("duplicate-object", "error", True, "duplicate-object"),
    "KC306": ("removed-api-version", "error", True, "api-version-lifecycle"),
    "KC307": ("deprecated-api-version", "warning", True, "api-version-lifecycle"),
    "KC308": ("configmap-secret-data", "error", True, "configmap-secrets"),
    "KC309": ("env-secret-literal", "error", True, "env-secret-literal"),
}


def test_hygiene_rule_specs() -> None:
    specs = {spec.id: spec for spec in load_rules() if spec.id.startswith("KC3")}
    assert sorted(specs) == sorted(HYGIENE_RULES)
    for rule_id, (name, severity, default, check_key) in HYGIENE_RULES.items():
        spec = specs[rule_id]
        assert (spec.name, str(spec.severity), spec.default, spec.check) == (
            name,
            severity,
            default,
            check_key,
        )
    assert CHECKS["duplicate-object"].cross_object is True


def test_required_label_rejects_an_invalid_pattern() -> None:
    from kconv.errors import ConfigError

    with pytest.raises(ConfigError, match="invalid value pattern"):
        CHECKS["required-label"].factory({"key": "a", "value": "(unclosed"})


@pytest.mark.parametrize(
    ("name", "value", "reported"),
    [
        ("ALLOW_EMPTY_PASSWORD", "yes", False),  # a flag, not a password
        ("PASSWORD_AUTH", False, False),
        ("DB_PASSWORD", "$(PASSWORD_FROM_SECRET)", False),  # expanded from another variable
        ("DB_PASSWORD", "pre-$(SUFFIX)", True),
        ("DB_PASSWORD", 12345678, True),
        ("DB_PASSWORD", "", False),
        ("LOG_LEVEL", "-----BEGIN EC PRIVATE KEY-----\nabc\n-----END EC PRIVATE KEY-----", True),
        ("LOG_LEVEL", "debug", False),
    ],
)
def test_env_and_configmap_secret_values(name: str, value: object, reported: bool) -> None:
    documents = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {name: value}},
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "a", "env": [{"name": name, "value": value}]}]},
        },
    ]
    text = "---\n".join(json.dumps(document) + "\n" for document in documents)
    assert bool(run_check("configmap-secrets", text)) is reported
    assert bool(run_check("env-secret-literal", text)) is reported
