"""Kubernetes label-selector semantics and the cross-object indexes built on them.

Two selector shapes exist. A *LabelSelector* (Deployments, PDBs, NetworkPolicies, ...) has
`matchLabels` and `matchExpressions` (operators In, NotIn, Exists, DoesNotExist); the empty
selector `{}` selects everything and a missing (null) selector selects nothing. A *map selector*
(Services, ReplicationControllers) is a plain `key: value` map that must all match.

Controllers add labels of their own to the pods they create (`CONTROLLER_LABELS`), and a
selector may use them: a Service for one StatefulSet pod (`statefulset.kubernetes.io/pod-name:
kafka-0`), a Job's `job-name`. A value known from the manifest (a Job's name; a StatefulSet pod
name or index within its replicas) is matched exactly; a value known only once the pods exist
(`pod-template-hash`, `controller-uid`, ...) cannot be ruled out, so it is taken to match.
Selection therefore means "may select": rules that report a selector selecting nothing never
report one the cluster could satisfy.

`run_index(ctx)` builds the run's indexes once (objects by kind, namespace and name; pod
templates by namespace and label pair; which Services, PDBs, NetworkPolicies select which pods)
and stores them in the context's `__dict__`, so they live exactly as long as the run's
LintContext. Objects without a namespace share one (None), distinct from "default".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from kconv.model.k8s import POD_SPEC_POINTERS, K8sObject

if TYPE_CHECKING:
    from kconv.lint.context import LintContext

_CACHE_KEY = "_kconv_selector_index"
_OPERATORS = frozenset({"In", "NotIn", "Exists", "DoesNotExist"})


def label_value(value: Any) -> str:
    """A label value as the API server would see it (YAML may have read `true` or `1`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _normalised(labels: Mapping[str, Any] | None) -> dict[str, str]:
    if not isinstance(labels, Mapping):
        return {}
    # strings (nearly every key and value) as they are, without a call each
    return {
        key if type(key) is str else str(key): value if type(value) is str else label_value(value)
        for key, value in labels.items()
    }


def is_valid_label_selector(selector: Any) -> bool:
    """Is `selector` a well-formed LabelSelector (a mapping with known operators)?"""
    if not isinstance(selector, Mapping):
        return False
    match_labels = selector.get("matchLabels")
    if match_labels is not None and not isinstance(match_labels, Mapping):
        return False
    expressions = selector.get("matchExpressions")
    if expressions is None:
        return True
    if not isinstance(expressions, list):
        return False
    for expression in expressions:
        if not isinstance(expression, Mapping):
            return False
        operator = expression.get("operator")
        if not isinstance(operator, str) or operator not in _OPERATORS:
            return False
        values = expression.get("values")
        if values is not None and not isinstance(values, list):
            return False
    return True


def is_empty_label_selector(selector: Any) -> bool:
    """Is `selector` the empty selector `{}` (which selects everything)?"""
    return (
        isinstance(selector, Mapping)
        and not selector.get("matchLabels")
        and not selector.get("matchExpressions")
    )


def _expression_matches(expression: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    key = str(expression.get("key", ""))
    operator = expression.get("operator")
    values = {label_value(value) for value in expression.get("values") or ()}
    present = key in labels
    if operator == "In":
        return present and labels[key] in values
    if operator == "NotIn":
        return not present or labels[key] not in values
    if operator == "Exists":
        return present
    if operator == "DoesNotExist":
        return not present
    return False


def label_selector_matches(selector: Any, labels: Mapping[str, Any] | None) -> bool:
    """Does a LabelSelector select an object with `labels`?

    None (a missing selector) and malformed selectors select nothing; `{}` selects everything.
    """
    if not is_valid_label_selector(selector):
        return False
    normalised = _normalised(labels)
    for key, value in (selector.get("matchLabels") or {}).items():
        if normalised.get(str(key)) != label_value(value):
            return False
    return all(
        _expression_matches(expression, normalised)
        for expression in selector.get("matchExpressions") or ()
    )


def map_selector_matches(selector: Any, labels: Mapping[str, Any] | None) -> bool:
    """Does a plain map selector (Service, ReplicationController) select `labels`?

    Every pair must be present; an empty or missing map selects nothing here, since a Service
    without a selector manages no endpoints at all (callers skip such Services).
    """
    if not isinstance(selector, Mapping) or not selector:
        return False
    normalised = _normalised(labels)
    return all(normalised.get(str(key)) == label_value(value) for key, value in selector.items())


def describe_labels(labels: Any) -> str:
    """`a=1, b=2` for a label map or map selector (sorted; "" when empty or not a map)."""
    if not isinstance(labels, Mapping):
        return ""
    pairs = sorted((str(key), label_value(value)) for key, value in labels.items())
    return ", ".join(f"{key}={value}" for key, value in pairs)


def describe_label_selector(selector: Any) -> str:
    """A LabelSelector as text: `app=web; tier In (a,b)`, `{}` when empty."""
    if not isinstance(selector, Mapping):
        return "no selector"
    parts = [describe_labels(selector.get("matchLabels"))]
    expressions = selector.get("matchExpressions")
    for expression in expressions if isinstance(expressions, list) else ():
        if isinstance(expression, Mapping):
            values = expression.get("values")
            shown = ",".join(label_value(v) for v in values) if isinstance(values, list) else ""
            parts.append(f"{expression.get('key')} {expression.get('operator')} ({shown})")
    return "; ".join(part for part in parts if part) or "{}"


# -- pods of the run ----------------------------------------------------------------------------


class Added(Enum):
    """How the value of a label that a controller adds to its pods is known."""

    NAME = "the owner's name"
    POD_NAME = "<owner name>-<ordinal>"
    ORDINAL = "<ordinal>"
    UNKNOWN = "known only once the pods exist"


_JOB_LABELS = {
    "job-name": Added.NAME,
    "batch.kubernetes.io/job-name": Added.NAME,
    "controller-uid": Added.UNKNOWN,
    "batch.kubernetes.io/controller-uid": Added.UNKNOWN,
    "batch.kubernetes.io/job-completion-index": Added.UNKNOWN,  # Indexed Jobs
}

# Labels each controller adds to the pods it creates, over the template's own.
CONTROLLER_LABELS: dict[str, dict[str, Added]] = {
    "Deployment": {"pod-template-hash": Added.UNKNOWN},  # via the ReplicaSets it creates
    "StatefulSet": {
        "statefulset.kubernetes.io/pod-name": Added.POD_NAME,
        "apps.kubernetes.io/pod-index": Added.ORDINAL,
        "controller-revision-hash": Added.UNKNOWN,
    },
    "DaemonSet": {
        "controller-revision-hash": Added.UNKNOWN,
        "pod-template-generation": Added.UNKNOWN,
    },
    "Job": _JOB_LABELS,
    "CronJob": dict.fromkeys(_JOB_LABELS, Added.UNKNOWN),  # its Jobs' names end in a hash
    "DeploymentConfig": {"deploymentconfig": Added.NAME, "deployment": Added.UNKNOWN},  # OpenShift
}
_CONTROLLER_KEYS = frozenset(key for labels in CONTROLLER_LABELS.values() for key in labels)
# where a Job (template) sets manualSelector: true, which stops the Job labels being added
_MANUAL_SELECTOR = {
    "Job": "/spec/manualSelector",
    "CronJob": "/spec/jobTemplate/spec/manualSelector",
}
_NOTHING_ADDED: Mapping[str, Added] = MappingProxyType({})


class PodTemplate(NamedTuple):
    """The pods one object creates: the owner, the template pointer, the labels every pod gets
    (the template's, and those its controller sets to a known value), and the labels the
    controller sets to values that differ between pods or are not known statically."""

    owner: K8sObject
    pointer: str  # "" for a bare Pod, "/spec/template" for most workloads
    labels: Mapping[str, str]
    added: Mapping[str, Added] = _NOTHING_ADDED

    @property
    def spec(self) -> dict[str, Any]:
        spec = self.owner.get(f"{self.pointer}/spec")
        return spec if isinstance(spec, dict) else {}

    def containers(self) -> list[dict[str, Any]]:
        """The template's regular containers (dicts only)."""
        items = self.spec.get("containers")
        return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


# the pod template of each pod-carrying kind: its pointer, and the keys that lead to it
_TEMPLATES = {
    kind: (template, tuple(template.split("/")[1:]))
    for kind, pointer in POD_SPEC_POINTERS.items()
    for template in [pointer.removesuffix("/spec")]
}
_new_template = tuple.__new__  # a PodTemplate without NamedTuple's Python-level __new__


class _Controller(NamedTuple):
    """A kind's CONTROLLER_LABELS, split for building templates fast."""

    named: tuple[str, ...]  # set to the owner's name
    varying: Mapping[str, Added]  # the others: values that differ between pods or are unknown
    unnamed: Mapping[str, Added]  # all of them, for an owner with only a generateName


def _split(table: Mapping[str, Added]) -> _Controller:
    named = tuple(key for key, source in table.items() if source is Added.NAME)
    varying = {key: source for key, source in table.items() if source is not Added.NAME}
    unnamed = {key: Added.UNKNOWN if key in named else source for key, source in table.items()}
    return _Controller(named, MappingProxyType(varying), MappingProxyType(unnamed))


_CONTROLLERS = {kind: _split(table) for kind, table in CONTROLLER_LABELS.items()}


def _controller_labels(
    obj: K8sObject, labels: dict[str, str]
) -> tuple[dict[str, str], Mapping[str, Added]]:
    """`labels` with the controller's known values set, and the labels it adds with others.

    The controller's labels replace the template's (for Jobs the API server rejects a different
    value). A name from `generateName` is not known statically."""
    controller = _CONTROLLERS[obj.kind]
    manual = _MANUAL_SELECTOR.get(obj.kind)
    if manual is not None and obj.get(manual) is True:
        return labels, _NOTHING_ADDED
    name = obj.metadata.get("name")
    added = controller.varying if name else controller.unnamed
    for key in added:
        labels.pop(key, None)
    if name:
        for key in controller.named:
            labels[key] = str(name)
    return labels, added


def _template_of(obj: K8sObject) -> PodTemplate | None:
    """The pod template of `obj`: known workload kinds, and unknown kinds (Argo Rollouts,
    Knative Services, ...) that carry a `spec.template` with a pod spec. (Built for every
    object of a run: it walks the body's dicts rather than JSON pointers.)"""
    known = _TEMPLATES.get(obj.kind)
    if known is None:
        spec = obj.body.get("spec")
        node = spec.get("template") if isinstance(spec, dict) else None
        if not isinstance(node, dict) or not isinstance(node.get("spec"), dict):
            return None
        pointer = "/spec/template"
    else:
        pointer, keys = known
        node = obj.body
        for key in keys:
            node = node.get(key) if isinstance(node, dict) else None
    metadata = node.get("metadata") if isinstance(node, dict) else None
    labels = _normalised(metadata.get("labels") if isinstance(metadata, dict) else None)
    if obj.kind not in CONTROLLER_LABELS:
        return _new_template(PodTemplate, (obj, pointer, labels, _NOTHING_ADDED))  # type: ignore[no-any-return]
    labels, added = _controller_labels(obj, labels)
    return _new_template(PodTemplate, (obj, pointer, labels, added))  # type: ignore[no-any-return]


def _pairs_match(pairs: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in pairs.items())


def _ordinal(value: str, prefix: str) -> int | None:
    """The ordinal in a label value `<prefix><ordinal>` (decimal, no leading zeros), or None."""
    if not value.startswith(prefix):
        return None
    digits = value[len(prefix) :]
    if not (digits.isascii() and digits.isdigit()) or (len(digits) > 1 and digits[0] == "0"):
        return None
    return int(digits)


def _replica_count(value: Any) -> int | None:
    """A fixed, positive `spec.replicas` (unset is 1); None for 0 (parked) or a non-number."""
    if value is None:
        return 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return None
    return value


def _as_expressions(pairs: Mapping[str, str]) -> list[dict[str, Any]]:
    return [{"key": key, "operator": "In", "values": [value]} for key, value in pairs.items()]


def pdb_selector(pdb: K8sObject) -> Any:
    """The selector of a PodDisruptionBudget as its API version reads it: in policy/v1beta1
    an empty selector selects no pods (None), in policy/v1 every pod of the namespace."""
    selector = pdb.get("/spec/selector")
    if pdb.api_version == "policy/v1beta1" and is_empty_label_selector(selector):
        return None
    return selector


class RunIndex:
    """Indexes of one run, built once: objects by (kind, namespace) and by name, pod templates
    per namespace, per label pair and per controller-label key, and who selects which template
    (computed per kind on first use). Get it with `run_index(ctx)`."""

    def __init__(self, objects: Sequence[K8sObject]) -> None:
        self._objects: dict[tuple[str, str | None], list[K8sObject]] = {}
        self._by_name: dict[tuple[str, str | None, str], K8sObject] = {}
        self._templates: dict[str | None, list[PodTemplate]] = {}
        self._template_of: dict[int, PodTemplate] = {}
        self._by_pair: dict[str | None, dict[tuple[str, str], list[PodTemplate]]] = {}
        self._by_key: dict[str | None, dict[str | tuple[str, str], list[PodTemplate]]] | None = None
        self._selecting: dict[str, dict[int, list[K8sObject]]] = {}
        self._ordinals: dict[int, tuple[int, int | None]] = {}
        self._position: dict[int, int] = {}  # of each template in its namespace (with _by_key)
        for obj in objects:
            key = (obj.kind, obj.namespace)
            self._objects.setdefault(key, []).append(obj)
            self._by_name.setdefault((obj.kind, obj.namespace, obj.name), obj)
            template = _template_of(obj)
            if template is None:
                continue
            self._template_of[id(obj)] = template
            self._templates.setdefault(obj.namespace, []).append(template)
            pairs = self._by_pair.setdefault(obj.namespace, {})
            for pair in template.labels.items():
                pairs.setdefault(pair, []).append(template)

    def objects(self, kind: str, namespace: str | None) -> list[K8sObject]:
        """Objects of `kind` in `namespace` (in input order)."""
        return self._objects.get((kind, namespace), [])

    def find(self, kind: str, name: str, namespace: str | None) -> K8sObject | None:
        """The first object of `kind` named `name` in `namespace`."""
        return self._by_name.get((kind, namespace, name))

    def template_of(self, obj: K8sObject) -> PodTemplate | None:
        return self._template_of.get(id(obj))

    def templates(self, namespace: str | None) -> list[PodTemplate]:
        return self._templates.get(namespace, [])

    def hpas_targeting(self, workload: K8sObject) -> list[K8sObject]:
        """HorizontalPodAutoscalers in the workload's namespace whose scaleTargetRef names it."""
        return [
            hpa
            for hpa in self.objects("HorizontalPodAutoscaler", workload.namespace)
            if hpa.get("/spec/scaleTargetRef/kind") == workload.kind
            and hpa.get("/spec/scaleTargetRef/name") == workload.name
        ]

    def _with_key(self, namespace: str | None, pair: tuple[str, str]) -> list[PodTemplate]:
        """Templates whose pods may carry `pair` of a controller label: those that have it, those
        whose controller sets its key to values not known statically, and for a StatefulSet pod
        name `<name>-<ordinal>` StatefulSet `<name>`."""
        if self._by_key is None:
            self._by_key = self._added_index()
        added = self._by_key.get(namespace, {})
        stem = pair[1].rpartition("-")[0]
        lists = [
            self._by_pair.get(namespace, {}).get(pair),
            added.get(pair[0]),
            added.get((pair[0], stem)) if stem else None,
        ]
        found = [templates for templates in lists if templates]
        if len(found) == 1:
            return found[0]
        merged = [template for templates in found for template in templates]
        return sorted(merged, key=lambda template: self._position[id(template)])  # input order

    def _added_index(self) -> dict[str | None, dict[str | tuple[str, str], list[PodTemplate]]]:
        """Templates by the labels their controllers add (keys, and StatefulSet pod names by
        (key, StatefulSet name)), per namespace; and each template's position in the run."""
        index: dict[str | None, dict[str | tuple[str, str], list[PodTemplate]]] = {}
        for namespace, templates in self._templates.items():
            keys = index.setdefault(namespace, {})
            for position, template in enumerate(templates):
                self._position[id(template)] = position
                for key, source in template.added.items():
                    slot = (key, template.owner.name) if source is Added.POD_NAME else key
                    keys.setdefault(slot, []).append(template)
        return index

    def _candidates(self, namespace: str | None, pairs: Mapping[str, str]) -> list[PodTemplate]:
        """Templates that may match `pairs`: those carrying its rarest pair (all when empty)."""
        if not pairs:
            return self.templates(namespace)
        index = self._by_pair.get(namespace, {})
        if _CONTROLLER_KEYS.isdisjoint(pairs):
            return min((index.get(pair, []) for pair in pairs.items()), key=len)
        return min(
            (
                self._with_key(namespace, pair)
                if pair[0] in _CONTROLLER_KEYS
                else index.get(pair, [])
                for pair in pairs.items()
            ),
            key=len,
        )

    def _ordinal_range(self, owner: K8sObject) -> tuple[int, int | None]:
        """The ordinals of a StatefulSet's pods, [start, stop); stop is None when the replica
        count is not fixed (0, not a number, or owned by an HPA)."""
        found = self._ordinals.get(id(owner))
        if found is None:
            start = owner.get("/spec/ordinals/start")
            start = start if isinstance(start, int) and not isinstance(start, bool) else 0
            count = _replica_count(owner.get("/spec/replicas"))
            if count is not None and self.hpas_targeting(owner):
                count = None
            found = self._ordinals[id(owner)] = (start, None if count is None else start + count)
        return found

    def _added_may_hold(
        self, template: PodTemplate, source: Added, expression: Mapping[str, Any]
    ) -> bool:
        """May a requirement on a label the controller adds hold for some pod of `template`?"""
        operator = expression.get("operator")
        if operator in ("Exists", "DoesNotExist"):
            return operator == "Exists"
        if source is Added.UNKNOWN:
            return True
        start, stop = self._ordinal_range(template.owner)
        prefix = f"{template.owner.name}-" if source is Added.POD_NAME else ""
        wanted = (_ordinal(label_value(value), prefix) for value in expression.get("values") or ())
        hits = {o for o in wanted if o is not None and o >= start and (stop is None or o < stop)}
        if operator == "In":
            return bool(hits)
        return stop is None or len(hits) < stop - start  # NotIn: some pod's value is not listed

    def _may_match(self, template: PodTemplate, expressions: list[Mapping[str, Any]]) -> bool:
        for expression in expressions:
            source = template.added.get(str(expression.get("key", "")))
            if source is None:
                holds = _expression_matches(expression, template.labels)
            else:
                holds = self._added_may_hold(template, source, expression)
            if not holds:
                return False
        return True

    def _select_added(
        self,
        namespace: str | None,
        pairs: Mapping[str, str],
        expressions: list[Mapping[str, Any]],
    ) -> list[PodTemplate]:
        """Templates a selector that uses labels the controllers add may select."""
        requirements = [*_as_expressions(pairs), *expressions]
        return [
            template
            for template in self._candidates(namespace, pairs)
            if self._may_match(template, requirements)
        ]

    def select_by_map(self, namespace: str | None, selector: Any) -> list[PodTemplate]:
        if not isinstance(selector, Mapping) or not selector:
            return []
        pairs = _normalised(selector)
        if not _CONTROLLER_KEYS.isdisjoint(pairs):
            return self._select_added(namespace, pairs, [])
        return [t for t in self._candidates(namespace, pairs) if _pairs_match(pairs, t.labels)]

    def select(self, namespace: str | None, selector: Any) -> list[PodTemplate]:
        if not is_valid_label_selector(selector):
            return []
        pairs = _normalised(selector.get("matchLabels"))
        expressions = list(selector.get("matchExpressions") or ())
        if not _CONTROLLER_KEYS.isdisjoint(pairs) or any(
            str(expression.get("key", "")) in _CONTROLLER_KEYS for expression in expressions
        ):
            return self._select_added(namespace, pairs, expressions)
        return [
            template
            for template in self._candidates(namespace, pairs)
            if _pairs_match(pairs, template.labels)
            and all(_expression_matches(e, template.labels) for e in expressions)
        ]

    def selected_by(self, obj: K8sObject) -> list[PodTemplate]:
        """The templates `obj` selects: a Service by its map selector, a NetworkPolicy by
        `spec.podSelector`, a PodDisruptionBudget by `pdb_selector`, others by `spec.selector`."""
        if obj.kind == "Service":
            return self.select_by_map(obj.namespace, service_selector(obj))
        if obj.kind == "NetworkPolicy":
            return self.select(obj.namespace, obj.get("/spec/podSelector"))
        if obj.kind == "PodDisruptionBudget":
            return self.select(obj.namespace, pdb_selector(obj))
        return self.select(obj.namespace, obj.get("/spec/selector"))

    def selecting(self, kind: str, template: PodTemplate) -> list[K8sObject]:
        """Objects of `kind` in the template's namespace that select it (see `selected_by`)."""
        table = self._selecting.get(kind)
        if table is None:
            table = {}
            for (object_kind, _), objects in sorted(
                self._objects.items(), key=lambda item: (item[0][0], item[0][1] or "")
            ):
                if object_kind != kind:
                    continue
                for obj in objects:
                    for target in self.selected_by(obj):
                        table.setdefault(id(target.owner), []).append(obj)
            self._selecting[kind] = table
        return table.get(id(template.owner), [])


def run_index(ctx: LintContext) -> RunIndex:
    """The run's index, built on first use and kept in the context (one per run)."""
    index = ctx.__dict__.get(_CACHE_KEY)
    if index is None:
        index = ctx.__dict__[_CACHE_KEY] = RunIndex(ctx.objects)
    return index


def pod_templates(ctx: LintContext, namespace: str | None) -> list[PodTemplate]:
    """Every pod template of the run in `namespace` (objects without one share None)."""
    return list(run_index(ctx).templates(namespace))


def pods_selected(ctx: LintContext, namespace: str | None, selector: Any) -> list[PodTemplate]:
    """Pod templates in `namespace` that a LabelSelector selects."""
    return run_index(ctx).select(namespace, selector)


def pods_selected_by_map(
    ctx: LintContext, namespace: str | None, selector: Any
) -> list[PodTemplate]:
    """Pod templates in `namespace` that a plain map selector (a Service's) selects."""
    return run_index(ctx).select_by_map(namespace, selector)


def pods_selected_by(ctx: LintContext, obj: K8sObject) -> list[PodTemplate]:
    """Pod templates that a Service, PodDisruptionBudget, NetworkPolicy or workload selects."""
    return run_index(ctx).selected_by(obj)


def service_selector(service: K8sObject) -> dict[str, Any] | None:
    """The selector of a Service that manages endpoints, or None (no selector, ExternalName)."""
    spec = service.body.get("spec")
    if not isinstance(spec, dict) or spec.get("type") == "ExternalName":
        return None
    selector = spec.get("selector")
    return selector if isinstance(selector, dict) and selector else None


def services_selecting(ctx: LintContext, workload: K8sObject) -> list[K8sObject]:
    """Services in the workload's namespace whose selector selects its pods."""
    return workloads_selecting(ctx, "Service", workload)


def workloads_selecting(ctx: LintContext, kind: str, workload: K8sObject) -> list[K8sObject]:
    """Objects of `kind` (Service, PodDisruptionBudget, NetworkPolicy, ...) in the workload's
    namespace whose selector selects the workload's pods."""
    index = run_index(ctx)
    template = index.template_of(workload)
    return list(index.selecting(kind, template)) if template is not None else []


def hpas_targeting(ctx: LintContext, workload: K8sObject) -> list[K8sObject]:
    """HorizontalPodAutoscalers in the workload's namespace whose scaleTargetRef names it."""
    return run_index(ctx).hpas_targeting(workload)


__all__ = [
    "CONTROLLER_LABELS",
    "Added",
    "PodTemplate",
    "RunIndex",
    "describe_label_selector",
    "describe_labels",
    "hpas_targeting",
    "is_empty_label_selector",
    "is_valid_label_selector",
    "label_selector_matches",
    "label_value",
    "map_selector_matches",
    "pdb_selector",
    "pod_templates",
    "pods_selected",
    "pods_selected_by",
    "pods_selected_by_map",
    "run_index",
    "service_selector",
    "services_selecting",
    "workloads_selecting",
]
