"""Cross-object relation checks (KC4xx and the cross-object KC2xx rules): whole-run evaluation,
namespaces, partial runs, params, and parity with the anchors' fixtures (kube-linter, kube-score,
polaris) for every KC2xx/KC4xx rule that declares an equivalent.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
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
from kconv.model.k8s import kind_matches

load_all()
# the kinds each check is applied to, as the engine does (from the rule specs that use it)
KINDS = {spec.check: spec.kinds for spec in load_rules() if spec.id[:3] in ("KC2", "KC4")}
REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "linters"


def run_check(
    key: str, text: str, params: Mapping[str, Any] | None = None, *, partial: bool = False
) -> list[str]:
    """The messages of check `key` over every object of `text`."""
    manifests = ManifestSet()
    load_text(manifests, text, "input.yaml")
    assert not manifests.problems, manifests.problems
    ctx = LintContext(objects=manifests.objects, partial=partial)
    run = CHECKS[key].factory(dict(params or {}))
    kinds = KINDS[key]
    return [
        violation.message
        for obj in manifests.objects
        if kind_matches(obj.kind, kinds)
        for violation in run(obj, ctx)
    ]


WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: web:1
          ports: [{name: http, containerPort: 8080}]
          env:
            - name: LEVEL
              valueFrom: {configMapKeyRef: {name: settings, key: level}}
            - name: TOKEN
              valueFrom: {secretKeyRef: {name: api, key: token}}
"""
ORPHANS = """\
---
apiVersion: v1
kind: Service
metadata: {name: orphan}
spec: {selector: {app: gone}, ports: [{port: 80}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: orphan}
spec: {selector: {matchLabels: {app: gone}}, maxUnavailable: 1}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: orphan}
spec:
  podSelector: {matchLabels: {app: gone}}
  ingress: [{from: [{podSelector: {matchLabels: {app: gone}}}]}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: orphan}
spec:
  serviceName: gone
  selector: {matchLabels: {app: x}}
  template: {metadata: {labels: {app: x}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: orphan}
spec: {scaleTargetRef: {kind: Deployment, name: gone}, maxReplicas: 2}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: orphan}
spec: {defaultBackend: {service: {name: gone, port: {number: 80}}}}
"""


@pytest.mark.parametrize(
    "key",
    [
        "service-selects-pods",
        "pdb-selects-pods",
        "networkpolicy-selects-pods",
        "networkpolicy-peers-select-pods",
        "statefulset-service",
        "hpa-target",
        "ingress-backend",
        "config-references",
    ],
)
def test_absences_are_reported_only_in_complete_runs(key: str) -> None:
    text = WEB + ORPHANS
    assert len(run_check(key, text)) >= 1
    assert run_check(key, text, partial=True) == []


def test_partial_runs_still_report_what_is_wrong_with_present_objects() -> None:
    service = "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n"
    service += "  selector: {app: web}\n  ports: [{port: 80, targetPort: web}]\n"
    ingress = "---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\n"
    ingress += "spec: {defaultBackend: {service: {name: web, port: {number: 8080}}}}\n"
    settings = "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {}\n"
    text = WEB + service + ingress + settings
    assert run_check("ingress-backend", text, partial=True) == [
        'service "web" has no port 8080 (backend of ingress "i")'
    ]
    assert run_check("service-target-port", text) == [
        'targetPort "web" of service "web" matches no container port of the selected pods'
    ]
    assert run_check("service-target-port", text, partial=True) == []
    assert run_check("config-references", text, partial=True) == [
        'configmap "settings" has no key "level" (used by container "web")'
    ]


def test_config_reference_params_and_secret_providers() -> None:
    assert run_check("config-references", WEB) == [
        'container "web" references configmap "settings", which is not in the run',
        'container "web" references secret "api", which is not in the run',
    ]
    assert run_check("config-references", WEB, {"secrets": False}) == [
        'container "web" references configmap "settings", which is not in the run'
    ]
    assert run_check("config-references", WEB, {"configmaps": False, "secrets": False}) == []
    external = "---\napiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\n"
    external += "metadata: {name: fetch}\nspec: {target: {name: api}}\n"
    assert run_check("config-references", WEB + external, {"configmaps": False}) == []


def test_namespaces_written_and_unwritten_are_distinct() -> None:
    """Objects without a namespace share one; it is not assumed to be "default"."""
    service = "---\napiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: %s}\n"
    service += "spec: {selector: {app: web}}\n"
    assert run_check("service-selects-pods", WEB + service % "default") == [
        'service "web" selects no pods (selector app=web)'
    ]
    text = WEB.replace("metadata: {name: web}", "metadata: {name: web, namespace: shop}")
    assert run_check("service-selects-pods", text + service % "shop") == []


def test_cross_object_rules_see_every_file_of_the_run(tmp_path: Path) -> None:
    """kube-score #377: a Service and its Deployment in different files are one run."""
    (tmp_path / "deployment.yaml").write_text(WEB)
    (tmp_path / "service.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}}\n"
    )
    both = lint(load_paths([str(tmp_path)]), config=LintConfig(), select=["KC402"])
    assert both.findings == []
    alone = lint(
        load_paths([str(tmp_path / "service.yaml")]), config=LintConfig(), select=["KC402"]
    )
    assert [(f.rule, f.location.line) for f in alone.findings] == [("KC402", 4)]


def test_selector_mismatch_on_plain_map_selectors() -> None:
    rc = "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: rc}\nspec:\n"
    rc += "  selector: {app: a}\n  template: {metadata: {labels: {app: b}}, spec: {}}\n"
    assert run_check("selector-matches-template", rc) == [
        'selector of replicationcontroller "rc" does not match its pod template labels (app=b)'
    ]
    assert run_check("selector-matches-template", rc.replace("app: b", "app: a")) == []


# -- parity with the anchors' own fixtures ------------------------------------------------------

# Rows where kconv deliberately differs from the anchor, with the reason (file, object, check).
KNOWN_DIFFERENCES: dict[tuple[str, str, str], str] = {}
_KS = "kube-score/score/testdata/"
KNOWN_DIFFERENCES.update(
    {
        (
            _KS + "service-target-deployment-replica-1.yaml",
            "Deployment/deployment-test-1",
            "deployment-replicas",
        ): "kube-score ran with MinReplicasDeployment 1; kconv's is param min-replicas (2)",
        (
            _KS + "ingress_issue363.yaml",
            "Ingress/testspace/app-ingress",
            "ingress-targets-service",
        ): "kconv reads the serviceName/servicePort shape under any apiVersion; the schema "
        "rule reports the invalid field",
        (
            _KS + "pod-probes-on-different-containers.yaml",
            "Pod/pod-test-1",
            "pod-probes",
        ): "kconv requires a readinessProbe per container, kube-score one per pod",
        (
            _KS + "pod-test-resources-only-limits.yaml",
            "Pod/pod-test-1",
            "container-resources",
        ): "limits alone are fine: the API server defaults requests to limits",
        (
            _KS + "deployment-test-resources.yaml",
            "Deployment/deployment-test-1",
            "container-resources",
        ): "limits alone are fine: the API server defaults requests to limits",
        (
            _KS + "statefulset-test-resources.yaml",
            "StatefulSet/statefulset-test-1",
            "container-resources",
        ): "limits alone are fine: the API server defaults requests to limits",
        (
            _KS + "pod-test-resources-limits-and-requests-no-cpu-limit.yaml",
            "Pod/pod-test-1",
            "container-resources",
        ): "kconv does not require CPU limits by default (KC208 is off)",
        (
            _KS + "pod-test-resources-no-limits.yaml",
            "Pod/pod-test-1",
            "container-resources",
        ): "kube-score ran with IgnoreContainerMemoryLimitRequirement; KC209 is a separate rule",
        (
            "polaris/test/checks/deploymentMissingReplicas/failure.yaml",
            "Deployment/nginx",
            "deploymentMissingReplicas",
        ): "KC210 reports single replicas only behind a Service (kube-score semantics)",
    }
)
for _file in (
    "pod-probes-targeted-by-service-different-namespace.yaml",
    "pod-probes-not-targeted-by-service.yaml",
    "pod-probes-not-targeted-by-service-multi-labels.yaml",
):
    _object = "Pod/foospace/pod-test-1" if "namespace" in _file else "Pod/pod-test-1"
    KNOWN_DIFFERENCES[(_KS + _file, _object, "pod-probes")] = (
        "KC202 requires readiness for every long-running pod by default (param services-only "
        "gives kube-score's semantics)"
    )
for _file, _object, _check in (
    (
        "statefulset-poddisruptionbudget-v1beta1-expression-no-match.yaml",
        "StatefulSet/statefulset-test-1",
        "statefulset-has-poddisruptionbudget",
    ),
    (
        "statefulset-poddisruptionbudget-v1beta1-no-match.yaml",
        "StatefulSet/statefulset-test-1",
        "statefulset-has-poddisruptionbudget",
    ),
    (
        "deployment-poddisruptionbudget-v1beta1-expression-no-match.yaml",
        "Deployment/statefulset-test-1",
        "deployment-has-poddisruptionbudget",
    ),
    (
        "deployment-poddisruptionbudget-v1beta1-no-match.yaml",
        "Deployment/statefulset-test-1",
        "deployment-has-poddisruptionbudget",
    ),
    (
        "deployment-poddisruptionbudget-v1-no-match.yaml",
        "Deployment/statefulset-test-1",
        "deployment-has-poddisruptionbudget",
    ),
    (
        "deployment-poddisruptionbudget-v1-different-namespace.yaml",
        "Deployment/foo/statefulset-test-1",
        "deployment-has-poddisruptionbudget",
    ),
):
    KNOWN_DIFFERENCES[(_KS + _file, _object, _check)] = (
        "unset replicas means 1: KC211 requires a budget from 2 replicas (kube-score #536)"
    )
for _file in (
    "failure-bad-ns.yaml",
    "failure.bad-name.yaml",
    "failure.empty-labels.yaml",
    "failure.no-labels.yaml",
    "failure.no-metadata.yaml",
    "failure.wrong-place.yaml",
    "failure.yaml",
):
    _object = "Deployment/rightnamespace/zookeeper" if "bad-ns" in _file else "Deployment/zookeeper"
    KNOWN_DIFFERENCES[
        (
            f"polaris/test/checks/missingPodDisruptionBudget/{_file}",
            _object,
            "missingPodDisruptionBudget",
        )
    ] = "unset replicas means 1: KC211 requires a budget from 2 replicas (kube-score #536)"


def _parity_rows() -> list[dict[str, str]]:
    index = CORPUS / "INDEX.tsv"
    if not index.is_file():
        return []
    with index.open(newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def _outcomes() -> list[tuple[tuple[str, str, str], bool, bool]]:
    """(row key, expected to fire, did fire) for every usable row of a KC2xx/KC4xx equivalent."""
    rules = [spec for spec in load_rules() if spec.id[:3] in ("KC2", "KC4")]
    by_equivalent: dict[tuple[str, str], list[str]] = {}
    for spec in rules:
        for tool, ids in spec.equivalents.items():
            for other in ids:
                by_equivalent.setdefault((tool, other), []).append(spec.id)
    outcomes = []
    for row in _parity_rows():
        if row["reliability"].startswith("low") or row["expected"] not in ("fail", "warn", "pass"):
            continue
        if "|" in row["object"] or "?" in row["object"]:
            continue
        selected = sorted(
            {
                rule
                for check in row["check"].split(",")
                for rule in by_equivalent.get((row["tool"], check), [])
            }
        )
        if not selected:
            continue
        parts = row["object"].split("/")
        kind, name = parts[0], parts[-1]
        namespace = parts[1] if len(parts) == 3 else None
        result = lint(load_paths([str(CORPUS / row["file"])]), config=LintConfig(), select=selected)
        fired = any(
            f.kind == kind
            and f.object_name == name
            and (namespace is None or f.namespace == namespace)
            for f in result.findings
        )
        key = (row["file"], row["object"], row["check"])
        outcomes.append((key, row["expected"] != "pass", fired))
    return outcomes


def test_parity_with_anchor_fixtures() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"linter corpora not found at {CORPUS}")
    outcomes = _outcomes()
    assert len(outcomes) >= 100, "expected the kube-linter/kube-score/polaris rows to be found"
    unexplained = [
        key for key, want, got in outcomes if want != got and key not in KNOWN_DIFFERENCES
    ]
    assert unexplained == [], "disagreements without a reason in KNOWN_DIFFERENCES"
    stale = sorted(set(KNOWN_DIFFERENCES) - {key for key, want, got in outcomes if want != got})
    assert stale == [], "KNOWN_DIFFERENCES entries that now agree (remove them)"
    agreement = sum(want == got for _, want, got in outcomes) / len(outcomes)
    assert agreement >= 0.75
