"""The cross-object rules follow Kubernetes where it differs from the manifests' face value:
labels the controllers add to their pods (KC402 and every selector rule), FindPort's named-port
lookup (KC403), the kubelet's ConfigMap and Secret keys (KC408), and what a policy/v1beta1
PodDisruptionBudget selects (KC211 and KC406 agree)."""

from __future__ import annotations

from textwrap import dedent

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kconv import yamlio
from kconv.lint.config import LintConfig
from kconv.lint.context import LintContext
from kconv.lint.engine import lint
from kconv.lint.selectors import (
    PodTemplate,
    RunIndex,
    pods_selected,
    pods_selected_by_map,
    workloads_selecting,
)
from kconv.manifests import ManifestSet, load_text


def _manifests(text: str) -> ManifestSet:
    manifests = ManifestSet()
    load_text(manifests, dedent(text), "input.yaml")
    assert not manifests.problems, manifests.problems
    return manifests


def _context(text: str) -> LintContext:
    return LintContext(objects=_manifests(text).objects)


def _findings(text: str, *rules: str) -> list[tuple[str, str]]:
    """(rule, message) of each finding of `rules` over `text` (default params)."""
    result = lint(_manifests(text), config=LintConfig(), select=list(rules))
    return [(finding.rule, finding.message) for finding in result.findings]


def _owners(templates: list) -> list[str]:
    return [template.owner.name for template in templates]


# -- labels the controllers add -----------------------------------------------------------------

WORKLOADS = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: kafka}
spec:
  replicas: 3
  serviceName: kafka
  selector: {matchLabels: {app: kafka}}
  template:
    metadata: {labels: {app: kafka}}
    spec: {containers: [{name: kafka, image: "kafka:3"}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: zk}
spec:
  replicas: 2
  ordinals: {start: 1}
  serviceName: zk
  selector: {matchLabels: {app: zk}}
  template:
    metadata: {labels: {app: zk}}
    spec: {containers: [{name: zk, image: "zk:3"}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: parked}
spec:
  replicas: 0
  serviceName: parked
  selector: {matchLabels: {app: parked}}
  template:
    metadata: {labels: {app: parked}}
    spec: {containers: [{name: parked, image: "parked:1"}]}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: scaled}
spec:
  serviceName: scaled
  selector: {matchLabels: {app: scaled}}
  template:
    metadata: {labels: {app: scaled}}
    spec: {containers: [{name: scaled, image: "scaled:1"}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: scaled}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: scaled}, maxReplicas: 9}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "web:1"}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: agent, image: "agent:1"}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  template:
    metadata: {labels: {tier: batch}}
    spec: {restartPolicy: Never, containers: [{name: migrate, image: "migrate:1"}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: manual}
spec:
  manualSelector: true
  selector: {matchLabels: {app: manual}}
  template:
    metadata: {labels: {app: manual}}
    spec: {restartPolicy: Never, containers: [{name: manual, image: "manual:1"}]}
---
apiVersion: batch/v1
kind: Job
metadata: {generateName: seed-}
spec:
  template:
    spec: {restartPolicy: Never, containers: [{name: seed, image: "seed:1"}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec: {restartPolicy: Never, containers: [{name: report, image: "report:1"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, labels: {app: debug, job-name: by-hand}}
spec: {containers: [{name: debug, image: "busybox:1"}]}
"""


@pytest.fixture(scope="module")
def workloads() -> LintContext:
    return _context(WORKLOADS)


@pytest.mark.parametrize(
    ("selector", "owners"),
    [
        # a StatefulSet names its pods <name>-<ordinal>, ordinals below replicas (default 1)
        ({"statefulset.kubernetes.io/pod-name": "kafka-0"}, ["kafka"]),
        ({"statefulset.kubernetes.io/pod-name": "kafka-2"}, ["kafka"]),
        ({"statefulset.kubernetes.io/pod-name": "kafka-3"}, []),
        ({"statefulset.kubernetes.io/pod-name": "kafka-01"}, []),
        ({"statefulset.kubernetes.io/pod-name": "kafka"}, []),
        ({"statefulset.kubernetes.io/pod-name": "kafka-0", "app": "zk"}, []),
        ({"apps.kubernetes.io/pod-index": "2", "app": "kafka"}, ["kafka"]),
        ({"apps.kubernetes.io/pod-index": "3", "app": "kafka"}, []),
        # spec.ordinals.start shifts the ordinals
        ({"statefulset.kubernetes.io/pod-name": "zk-2"}, ["zk"]),
        ({"statefulset.kubernetes.io/pod-name": "zk-0"}, []),
        ({"statefulset.kubernetes.io/pod-name": "zk-3"}, []),
        # replicas 0 (parked) or an HPA: the count is not fixed, any ordinal may run
        ({"statefulset.kubernetes.io/pod-name": "parked-4"}, ["parked"]),
        ({"statefulset.kubernetes.io/pod-name": "scaled-8"}, ["scaled"]),
        # a Job's name; none with manualSelector; unknown from a generateName or a CronJob
        ({"job-name": "migrate"}, ["migrate", "seed-", "report"]),
        ({"batch.kubernetes.io/job-name": "migrate", "tier": "batch"}, ["migrate"]),
        ({"job-name": "other", "tier": "batch"}, []),
        ({"job-name": "manual"}, ["seed-", "report"]),
        ({"job-name": "by-hand"}, ["seed-", "report", "debug"]),
        # values known only at run time cannot be ruled out
        ({"app": "web", "pod-template-hash": "5d9c7b8f4"}, ["web"]),
        ({"app": "agent", "controller-revision-hash": "7f8d"}, ["agent"]),
        ({"app": "agent", "pod-template-generation": "3"}, ["agent"]),
        ({"app": "kafka", "controller-revision-hash": "kafka-6d5f"}, ["kafka"]),
        ({"controller-uid": "0b1c"}, ["migrate", "seed-", "report"]),
        # only the kinds whose controller adds the label
        ({"app": "debug", "pod-template-hash": "5d9c7b8f4"}, []),
        ({"app": "kafka", "pod-template-hash": "5d9c7b8f4"}, []),
    ],
)
def test_map_selectors_see_controller_labels(
    workloads: LintContext, selector: dict, owners: list[str]
) -> None:
    assert _owners(pods_selected_by_map(workloads, None, selector)) == owners


def _requirement(key: str, operator: str, *values: str) -> dict:
    expression: dict = {"key": key, "operator": operator}
    if values:
        expression["values"] = list(values)
    return {"matchLabels": {"app": "kafka"}, "matchExpressions": [expression]}


@pytest.mark.parametrize(
    ("selector", "selected"),
    [
        (_requirement("statefulset.kubernetes.io/pod-name", "In", "kafka-5", "kafka-1"), True),
        (_requirement("statefulset.kubernetes.io/pod-name", "In", "kafka-5"), False),
        (_requirement("statefulset.kubernetes.io/pod-name", "NotIn", "kafka-0", "kafka-1"), True),
        (
            _requirement(
                "statefulset.kubernetes.io/pod-name", "NotIn", "kafka-0", "kafka-1", "kafka-2"
            ),
            False,
        ),
        (_requirement("apps.kubernetes.io/pod-index", "Exists"), True),
        (_requirement("apps.kubernetes.io/pod-index", "DoesNotExist"), False),
        (_requirement("controller-revision-hash", "NotIn", "abc"), True),
        (_requirement("controller-revision-hash", "DoesNotExist"), False),
        (_requirement("pod-template-hash", "DoesNotExist"), True),
    ],
)
def test_label_selectors_see_controller_labels(
    workloads: LintContext, selector: dict, selected: bool
) -> None:
    assert _owners(pods_selected(workloads, None, selector)) == (["kafka"] if selected else [])


SERVICE_PER_POD = """\
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: kafka}
spec:
  replicas: 3
  serviceName: kafka
  selector: {matchLabels: {app: kafka}}
  template:
    metadata: {labels: {app: kafka}}
    spec:
      containers:
        - {name: kafka, image: "kafka:3", ports: [{name: external, containerPort: 9094}]}
---
apiVersion: v1
kind: Service
metadata: {name: kafka-0-external}
spec:
  type: LoadBalancer
  selector: {statefulset.kubernetes.io/pod-name: kafka-0}
  ports: [{port: 9094, targetPort: external}]
"""


def test_service_selecting_a_statefulset_pod_by_name_is_not_dangling() -> None:
    assert _findings(SERVICE_PER_POD, "KC402", "KC403") == []
    text = SERVICE_PER_POD.replace("pod-name: kafka-0}", "pod-name: kafka-3}")
    assert _findings(text, "KC402") == [
        (
            "KC402",
            'service "kafka-0-external" selects no pods '
            "(selector statefulset.kubernetes.io/pod-name=kafka-3)",
        )
    ]


def test_every_selector_rule_sees_controller_labels() -> None:
    text = SERVICE_PER_POD + dedent(
        """\
        ---
        apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: kafka}
        spec:
          maxUnavailable: 1
          selector:
            matchLabels: {app: kafka}
            matchExpressions: [{key: controller-revision-hash, operator: Exists}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: kafka-0}
        spec:
          podSelector: {matchLabels: {apps.kubernetes.io/pod-index: "0"}}
          ingress:
            - from: [{podSelector: {matchLabels: {statefulset.kubernetes.io/pod-name: kafka-1}}}]
        """
    )
    assert _findings(text, "KC211", "KC402", "KC406", "KC407", "KC409") == []
    ctx = _context(text)
    kafka = ctx.find("StatefulSet", "kafka", None)
    assert kafka is not None
    assert [o.name for o in workloads_selecting(ctx, "Service", kafka)] == ["kafka-0-external"]
    assert [o.name for o in workloads_selecting(ctx, "NetworkPolicy", kafka)] == ["kafka-0"]
    assert [o.name for o in workloads_selecting(ctx, "PodDisruptionBudget", kafka)] == ["kafka"]


# -- named targetPorts (FindPort) ---------------------------------------------------------------

PORTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      initContainers:
        - name: proxy
          image: "envoy:1.30"
          restartPolicy: Always
          ports: [{name: proxy, containerPort: 15001}]
        - {name: setup, image: "setup:1", ports: [{name: setup, containerPort: 9000}]}
      containers:
        - name: web
          image: "nginx:1.27"
          ports:
            - {name: dns, containerPort: 53, protocol: UDP}
            - {name: http, containerPort: 8080, protocol: TCP}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports:
    - {name: b, port: 15001, targetPort: proxy}
    - {name: c, port: 53, targetPort: dns}
    - {name: d, port: 53, protocol: UDP, targetPort: dns}
    - {name: e, port: 80, targetPort: http}
    - {name: f, port: 81, protocol: UDP, targetPort: http}
    - {name: g, port: 9000, targetPort: setup}
"""


def test_named_target_ports_resolve_like_findport() -> None:
    assert _findings(PORTS, "KC403") == [
        (
            "KC403",
            'targetPort "dns" of service "web" matches no TCP container port of the selected '
            'pods (they declare "dns" as UDP)',
        ),
        (
            "KC403",
            'targetPort "http" of service "web" matches no UDP container port of the selected '
            'pods (they declare "http" as TCP)',
        ),
        # an init container that is not a native sidecar serves no traffic
        (
            "KC403",
            'targetPort "setup" of service "web" matches no container port of the selected pods',
        ),
    ]


# -- ConfigMap and Secret keys as the kubelet reads them ----------------------------------------

CONFIG = """\
apiVersion: v1
kind: Secret
metadata:
  name: sa-token
  annotations: {kubernetes.io/service-account.name: deployer}
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: ConfigMap
metadata: {name: blob}
data: {mode: fast}
binaryData: {cert.der: aGVsbG8=}
---
apiVersion: v1
kind: Pod
metadata: {name: app}
spec:
  containers:
    - name: app
      image: "app:1"
      env:
        - {name: TOKEN, valueFrom: {secretKeyRef: {name: sa-token, key: token}}}
        - {name: CA, valueFrom: {secretKeyRef: {name: sa-token, key: ca.crt}}}
        - {name: NS, valueFrom: {secretKeyRef: {name: sa-token, key: namespace}}}
        - {name: OTHER, valueFrom: {secretKeyRef: {name: sa-token, key: other}}}
        - {name: MODE, valueFrom: {configMapKeyRef: {name: blob, key: mode}}}
        - {name: CERT, valueFrom: {configMapKeyRef: {name: blob, key: cert.der}}}
      envFrom:
        - configMapRef: {name: blob}
  volumes:
    - name: cert
      configMap: {name: blob, items: [{key: cert.der, path: cert.der}]}
"""


def test_config_keys_follow_the_kubelet() -> None:
    assert _findings(CONFIG, "KC408") == [
        ("KC408", 'secret "sa-token" has no key "other" (used by container "app")'),
        (
            "KC408",
            'configmap "blob" has key "cert.der" only in binaryData, which env cannot read '
            '(used by container "app"); a volume can mount it',
        ),
    ]


def test_only_service_account_token_secrets_get_token_keys() -> None:
    text = CONFIG.replace("type: kubernetes.io/service-account-token", "type: Opaque")
    messages = [message for _, message in _findings(text, "KC408")]
    assert 'secret "sa-token" has no key "token" (used by container "app")' in messages


# -- what a PodDisruptionBudget selects ---------------------------------------------------------

PDB = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.27"}]}
---
apiVersion: policy/VERSION
kind: PodDisruptionBudget
metadata: {name: all}
spec: {maxUnavailable: 1, selector: {}}
"""


def test_v1beta1_empty_pdb_selector_covers_nothing_for_both_rules() -> None:
    legacy = PDB.replace("VERSION", "v1beta1")
    assert sorted(rule for rule, _ in _findings(legacy, "KC211", "KC406")) == ["KC211", "KC406"]
    ctx = _context(legacy)
    web = ctx.find("Deployment", "web", None)
    assert web is not None and workloads_selecting(ctx, "PodDisruptionBudget", web) == []
    assert _findings(PDB.replace("VERSION", "v1"), "KC211", "KC406") == []


def test_pod_name_selectors_look_up_their_statefulset_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pod-name selector is matched against its StatefulSet, not every one of the namespace
    (the cross-object rules run over runs of 10,000 objects)."""
    sets = [
        f"""\
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: db-{number}}}
spec:
  serviceName: db-{number}
  selector: {{matchLabels: {{app: db-{number}}}}}
  template: {{metadata: {{labels: {{app: db-{number}}}}}}}
"""
        for number in range(200)
    ]
    ctx = _context("---\n".join(sets))
    calls: list[str] = []
    original = RunIndex._may_match

    def counting(self: RunIndex, template: PodTemplate, expressions: list) -> bool:
        calls.append(template.owner.name)
        return original(self, template, expressions)

    monkeypatch.setattr(RunIndex, "_may_match", counting)
    selector = {"statefulset.kubernetes.io/pod-name": "db-17-0"}
    assert _owners(pods_selected_by_map(ctx, None, selector)) == ["db-17"]
    assert calls == ["db-17"]


_KINDS = ["StatefulSet", "Deployment", "Job", "CronJob", "Pod", "DaemonSet"]
_KEYS = ["app", "job-name", "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index"]
_VALUES = ["a", "a-0", "a-1", "b-0", "0", "1"]


def _owner(kind: str, name: str, labels: dict) -> dict:
    """A minimal object of `kind` whose pods get `labels` (a Pod carries them itself)."""
    if kind == "Pod":
        return {"apiVersion": "v1", "kind": kind, "metadata": {"name": name, "labels": labels}}
    template = {"metadata": {"labels": labels}, "spec": {}}
    spec = {"jobTemplate": {"spec": {"template": template}}} if kind == "CronJob" else {}
    return {
        "apiVersion": "v1",
        "kind": kind,
        "metadata": {"name": name},
        "spec": spec or {"template": template},
    }


@given(
    owners=st.lists(
        st.tuples(
            st.sampled_from(_KINDS),
            st.sampled_from(["a", "b"]),
            st.dictionaries(st.sampled_from(_KEYS), st.sampled_from(_VALUES), max_size=2),
        ),
        max_size=6,
    ),
    selector=st.dictionaries(
        st.sampled_from(_KEYS), st.sampled_from(_VALUES), min_size=1, max_size=2
    ),
)
def test_indexed_selection_with_controller_labels_equals_brute_force(
    owners: list, selector: dict
) -> None:
    documents = [_owner(kind, name, labels) for kind, name, labels in owners]
    manifests = ManifestSet()
    load_text(manifests, yamlio.dump_documents(documents) if documents else "", "run.yaml")
    index = RunIndex(manifests.objects)
    requirements = [{"key": k, "operator": "In", "values": [v]} for k, v in selector.items()]
    expected = [t for t in index.templates(None) if index._may_match(t, requirements)]
    assert index.select_by_map(None, selector) == expected
