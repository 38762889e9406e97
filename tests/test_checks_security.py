"""Security checks (KC101-KC112): semantics beyond the fixture pairs, and params.

Also the parity test with the kube-linter, kube-score and polaris fixtures for every KC1xx/KC3xx
rule that declares an equivalent.
"""

from __future__ import annotations

import csv
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from kconv.lint.checks import load_all
from kconv.lint.config import LintConfig
from kconv.lint.context import LintContext
from kconv.lint.engine import lint
from kconv.lint.registry import load_rules
from kconv.lint.rule import CHECKS
from kconv.manifests import ManifestSet, load_paths, load_text

load_all()

REPO = Path(__file__).resolve().parent.parent
LINTERS = REPO.parent / "shared" / "corpora" / "linters"


def run_check(key: str, text: str, params: dict[str, Any] | None = None) -> list[tuple[int, str]]:
    """(line, message) of every violation of check `key` on the objects of a YAML text."""
    manifests = ManifestSet()
    load_text(manifests, textwrap.dedent(text), "test.yaml")
    assert not manifests.problems, manifests.problems
    ctx = LintContext(objects=manifests.objects)
    run = CHECKS[key].factory(params or {})
    found = []
    for obj in manifests.objects:
        for violation in run(obj, ctx):
            found.append((obj.location(violation.pointer).line or 0, violation.message))
    return found


def pod(spec: str) -> str:
    """A Pod document with the given spec body (its lines start at line 6)."""
    body = textwrap.indent(textwrap.dedent(spec), "  ")
    return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n" + body


# -- privileged / privilege escalation / root filesystem ------------------------------------------


def test_privileged_message_and_location() -> None:
    text = pod(
        """\
          containers:
            - name: web
              image: nginx:1.27
              securityContext:
                privileged: true
        """
    )
    assert run_check("privileged", text) == [(10, 'container "web" runs privileged')]


def test_privileged_string_true_is_not_privileged() -> None:
    text = pod(
        """\
          containers:
            - name: web
              securityContext: {privileged: "true"}
        """
    )
    assert run_check("privileged", text) == []


def test_privilege_escalation_distinguishes_unset_from_true() -> None:
    text = pod(
        """\
          containers:
            - name: unset
            - name: allowed
              securityContext: {allowPrivilegeEscalation: true}
            - name: denied
              securityContext: {allowPrivilegeEscalation: false}
        """
    )
    assert run_check("privilege-escalation", text) == [
        (7, 'container "unset" does not set allowPrivilegeEscalation to false'),
        (9, 'container "allowed" allows privilege escalation'),
    ]


def test_read_only_root_filesystem_only_true_passes() -> None:
    text = pod(
        """\
          containers:
            - name: a
              securityContext: {readOnlyRootFilesystem: true}
            - name: b
              securityContext: {readOnlyRootFilesystem: "yes"}
        """
    )
    assert run_check("read-only-root-filesystem", text) == [
        (10, 'container "b" has a writable root filesystem')
    ]


# -- run as root ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pod_context", "container_context", "expected"),
    [
        ("{}", "{}", "may run as root (neither runAsNonRoot nor runAsUser set)"),
        ("{runAsNonRoot: true}", "{}", None),
        ("{runAsUser: 1000}", "{}", None),
        ("{runAsUser: 0}", "{}", "runs as root (the pod's runAsUser is 0)"),
        ("{runAsUser: 0}", "{runAsUser: 1000}", None),
        ("{runAsNonRoot: true}", "{runAsUser: 0}", "runs as root (runAsUser is 0)"),
        ("{runAsNonRoot: true}", "{runAsNonRoot: false}", "may run as root (runAsNonRoot is"),
        ("{runAsNonRoot: false}", "{}", "may run as root (the pod's runAsNonRoot is not true)"),
        ("{runAsNonRoot: false}", "{runAsUser: 5}", None),
        ("{runAsUser: 7, runAsGroup: 0}", "{}", "runs with group 0 (the pod's runAsGroup is 0)"),
        ("{runAsUser: true}", "{}", "may run as root (neither"),
    ],
)
def test_run_as_root_inheritance(
    pod_context: str, container_context: str, expected: str | None
) -> None:
    text = pod(
        f"""\
          securityContext: {pod_context}
          containers:
            - name: app
              securityContext: {container_context}
        """
    )
    found = run_check("run-as-root", text, {"check_group": True})
    if expected is None:
        assert found == []
    else:
        assert len(found) == 1
        assert found[0][1].startswith(f'container "app" {expected}')
        # at the container's own field (line 9), else at the container (line 8): pod-level
        # values are shared by all containers, so the pod's line would not say which one
        assert found[0][0] == (9 if "(runAs" in found[0][1] else 8)


def test_run_as_root_group_check_can_be_disabled() -> None:
    text = pod(
        """\
          containers:
            - name: app
              securityContext: {runAsNonRoot: true, runAsGroup: 0}
        """
    )
    assert len(run_check("run-as-root", text, {"check_group": True})) == 1
    assert run_check("run-as-root", text, {"check_group": False}) == []


# -- host namespaces, host paths, sockets, host ports ---------------------------------------------


@pytest.mark.parametrize("field", ["hostNetwork", "hostPID", "hostIPC"])
def test_host_namespace_reports_only_its_field(field: str) -> None:
    text = pod(
        """\
          hostNetwork: true
          hostPID: true
          hostIPC: true
          containers: [{name: a}]
        """
    )
    found = run_check("host-namespace", text, {"field": field})
    line = {"hostNetwork": 6, "hostPID": 7, "hostIPC": 8}[field]
    assert found == [(line, f"pod sets {field} to true")]


VOLUMES = pod(
    """\
      containers: [{name: a}]
      volumes:
        - {name: etc, hostPath: {path: /etc/ssl}}
        - {name: sock, hostPath: {path: /var/run/docker.sock}}
        - {name: data, hostPath: {path: /srv/data}}
        - {name: dots, hostPath: {path: "//proc/./1/"}}
        - {name: relative, hostPath: {path: etc}}
    """
)


def test_sensitive_host_path_normalises_and_matches_below() -> None:
    assert run_check("sensitive-host-path", VOLUMES) == [
        (8, 'volume "etc" mounts the sensitive host path "/etc/ssl"'),
        (11, 'volume "dots" mounts the sensitive host path "/proc/1"'),
    ]


def test_sensitive_host_path_params() -> None:
    assert run_check("sensitive-host-path", VOLUMES, {"allowed": ["/etc/ssl"]}) == [
        (11, 'volume "dots" mounts the sensitive host path "/proc/1"'),
    ]
    assert run_check("sensitive-host-path", VOLUMES, {"paths": ["/srv"]}) == [
        (10, 'volume "data" mounts the sensitive host path "/srv/data"'),
    ]


def test_runtime_socket_is_its_own_rule() -> None:
    assert run_check("runtime-socket", VOLUMES) == [
        (9, 'volume "sock" mounts the container runtime socket path "/var/run/docker.sock"'),
    ]
    assert run_check("runtime-socket", VOLUMES, {"paths": ["/srv/data"]}) == [
        (10, 'volume "data" mounts the container runtime socket path "/srv/data"'),
    ]


def test_host_port_in_every_container_list() -> None:
    text = pod(
        """\
          initContainers:
            - name: i
              ports: [{containerPort: 1, hostPort: 1001}]
          containers:
            - name: c
              ports: [{containerPort: 2, hostPort: 0}, {containerPort: 3}]
        """
    )
    assert run_check("host-port", text) == [(8, 'container "i" binds host port 1001')]


# -- capabilities ---------------------------------------------------------------------------------

CAPS = pod(
    """\
      containers:
        - name: a
          securityContext:
            capabilities:
              add: [cap_net_admin, NET_BIND_SERVICE, all]
              drop: [NET_RAW]
        - name: b
          securityContext:
            capabilities:
              drop: [ALL]
    """
)


def test_added_capabilities_default_allows_the_baseline_set() -> None:
    assert run_check("added-capabilities", CAPS) == [
        (10, 'container "a" adds capability "NET_ADMIN"'),
        (10, 'container "a" adds all capabilities'),
    ]


def test_added_capabilities_allowed_param() -> None:
    found = run_check(
        "added-capabilities", CAPS, {"allowed": ["NET_ADMIN", "CAP_NET_BIND_SERVICE"]}
    )
    assert found == [(10, 'container "a" adds all capabilities')]


def test_drop_capabilities_points_at_the_drop_list() -> None:
    assert run_check("drop-capabilities", CAPS) == [
        (11, 'container "a" does not drop all capabilities')
    ]
    assert run_check("drop-capabilities", CAPS, {"defaults": ["NET_RAW"]}) == []


# -- the rules as shipped -------------------------------------------------------------------------

SECURITY_RULES = {
    "KC101": ("privileged-container", "error", "privileged"),
    "KC102": ("privilege-escalation", "warning", "privilege-escalation"),
    "KC103": ("run-as-root", "warning", "run-as-root"),
    "KC104": ("writable-root-filesystem", "warning", "read-only-root-filesystem"),
    "KC105": ("host-network", "error", "host-namespace"),
    "KC106": ("host-pid", "error", "host-namespace"),
    "KC107": ("host-ipc", "error", "host-namespace"),
    "KC108": ("sensitive-host-mount", "error", "sensitive-host-path"),
    "KC109": ("container-runtime-socket", "error", "runtime-socket"),
    "KC110": ("host-port", "warning", "host-port"),
    "KC111": ("dangerous-capabilities", "error", "added-capabilities"),
    "KC112": ("capabilities-not-dropped", "warning", "drop-capabilities"),
}


def test_security_rule_specs() -> None:
    specs = {spec.id: spec for spec in load_rules() if spec.id.startswith("KC1")}
    assert sorted(specs) == sorted(SECURITY_RULES)
    for rule_id, (name, severity, check_key) in SECURITY_RULES.items():
        spec = specs[rule_id]
        assert (spec.name, str(spec.severity), spec.check) == (name, severity, check_key)
        assert spec.default is True
        assert spec.kinds == frozenset({"PodController"})


def test_cli_security_fixture_exit_codes() -> None:
    from click.testing import CliRunner

    from kconv.cli import cli

    fixtures = REPO / "fixtures" / "rules"
    runner = CliRunner()
    failing = runner.invoke(
        cli,
        ["lint", "--select", "KC1", str(fixtures / "KC101-privileged-container" / "fail.yaml")],
    )
    assert failing.exit_code == 1, failing.output
    assert 'error KC101 container "web" runs privileged' in failing.output
    warnings_only = runner.invoke(
        cli, ["lint", "--select", "KC110", str(fixtures / "KC110-host-port" / "fail.yaml")]
    )
    assert warnings_only.exit_code == 0, warnings_only.output
    assert "warning KC110" in warnings_only.output
    strict = runner.invoke(
        cli,
        ["lint", "--fail-on", "warning", "--select", "KC110", str(fixtures / "KC110-host-port")],
    )
    assert strict.exit_code == 1


# -- parity with the anchors' fixtures ------------------------------------------------------------

# (tool, fixture file, object) -> why kconv deliberately differs.
KNOWN_DISAGREEMENTS: dict[tuple[str, str, str], str] = {}

_VERSION = re.compile(r"KubernetesVersion: (?:config\.Semver\{Major: )?(\d+)(?:, Minor: |\.)(\d+)")


def _parity_rows() -> list[dict[str, str]]:
    if not (LINTERS / "INDEX.tsv").is_file():
        return []
    with open(LINTERS / "INDEX.tsv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.mark.skipif(
    not (LINTERS / "INDEX.tsv").is_file(), reason="../shared/corpora/linters is not available"
)
def test_parity_with_anchor_fixtures() -> None:
    rules = [spec for spec in load_rules() if spec.id[:3] in ("KC1", "KC3")]
    by_equivalent: dict[tuple[str, str], list[str]] = {}
    for spec in rules:
        for tool, ids in spec.equivalents.items():
            for other in ids:
                by_equivalent.setdefault((tool, other), []).append(spec.id)
    agree, unexpected, compared = 0, [], 0
    for row in _parity_rows():
        selected = by_equivalent.get((row["tool"], row["check"]))
        if not selected or row["expected"] not in ("fail", "warn", "pass"):
            continue
        if not row["reliability"].startswith(("high", "medium")):
            continue
        parts = row["object"].split("/")
        kind, name = parts[0], parts[-1]
        if name == "?":
            continue
        namespace = parts[1] if len(parts) == 3 else None
        version = _VERSION.search(row["config"])
        result = lint(
            load_paths([str(LINTERS / row["file"])]),
            config=LintConfig(),
            select=selected,
            kubernetes_version=f"{version.group(1)}.{version.group(2)}" if version else None,
        )
        hits = [
            finding
            for finding in result.findings
            if finding.kind == kind
            and finding.object_name == name
            and (namespace is None or finding.namespace == namespace)
        ]
        compared += 1
        if bool(hits) == (row["expected"] != "pass"):
            agree += 1
        elif (row["tool"], row["file"], row["object"]) not in KNOWN_DISAGREEMENTS:
            unexpected.append((row["tool"], row["check"], row["file"], row["object"]))
    assert compared >= 100
    assert not unexpected, unexpected
    assert agree / compared >= 0.9
