"""Kubernetes label-selector semantics and the cross-object indexes built on them.

Two selector shapes exist. A *LabelSelector* (Deployments, PDBs, NetworkPolicies, ...) has
`matchLabels` and `matchExpressions` (operators In, NotIn, Exists, DoesNotExist); the empty
selector `{}` selects everything and a missing (null) selector selects nothing. A *map selector*
(Services, ReplicationControllers) is a plain `key: value` map that must all match.

`run_index(ctx)` builds the run's indexes once (objects by kind, namespace and name; pod
templates by namespace and label pair; which Services, PDBs, NetworkPolicies select which pods)
and stores them in the context's `__dict__`, so they live exactly as long as the run's
LintContext. Objects without a namespace share one (None), distinct from "default".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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


class PodTemplate(NamedTuple):
    """The pods one object creates: the owner, the template pointer and the pods' labels."""

    owner: K8sObject
    pointer: str  # "" for a bare Pod, "/spec/template" for most workloads
    labels: Mapping[str, str]

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
    labels = metadata.get("labels") if isinstance(metadata, dict) else None
    return _new_template(PodTemplate, (obj, pointer, _normalised(labels)))  # type: ignore[no-any-return]


def _pairs_match(pairs: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in pairs.items())


class RunIndex:
    """Indexes of one run, built once: objects by (kind, namespace) and by name, pod templates
    per namespace and per label pair, and who selects which template (computed per kind on
    first use). Get it with `run_index(ctx)`."""

    def __init__(self, objects: Sequence[K8sObject]) -> None:
        self._objects: dict[tuple[str, str | None], list[K8sObject]] = {}
        self._by_name: dict[tuple[str, str | None, str], K8sObject] = {}
        self._templates: dict[str | None, list[PodTemplate]] = {}
        self._template_of: dict[int, PodTemplate] = {}
        self._by_pair: dict[str | None, dict[tuple[str, str], list[PodTemplate]]] = {}
        self._selecting: dict[str, dict[int, list[K8sObject]]] = {}
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

    def _candidates(self, namespace: str | None, pairs: Mapping[str, str]) -> list[PodTemplate]:
        """Templates that may match `pairs`: those carrying its rarest pair (all when empty)."""
        if not pairs:
            return self.templates(namespace)
        index = self._by_pair.get(namespace, {})
        return min((index.get(pair, []) for pair in pairs.items()), key=len)

    def select_by_map(self, namespace: str | None, selector: Any) -> list[PodTemplate]:
        if not isinstance(selector, Mapping) or not selector:
            return []
        pairs = _normalised(selector)
        return [t for t in self._candidates(namespace, pairs) if _pairs_match(pairs, t.labels)]

    def select(self, namespace: str | None, selector: Any) -> list[PodTemplate]:
        if not is_valid_label_selector(selector):
            return []
        pairs = _normalised(selector.get("matchLabels"))
        expressions = [e for e in selector.get("matchExpressions") or ()]
        return [
            template
            for template in self._candidates(namespace, pairs)
            if _pairs_match(pairs, template.labels)
            and all(_expression_matches(e, template.labels) for e in expressions)
        ]

    def selecting(self, kind: str, template: PodTemplate) -> list[K8sObject]:
        """Objects of `kind` in the template's namespace that select it: Services by their
        map selector, NetworkPolicies by `spec.podSelector`, others by `spec.selector`."""
        table = self._selecting.get(kind)
        if table is None:
            table = {}
            for (object_kind, namespace), objects in sorted(
                self._objects.items(), key=lambda item: (item[0][0], item[0][1] or "")
            ):
                if object_kind != kind:
                    continue
                for obj in objects:
                    if kind == "Service":
                        selected = self.select_by_map(namespace, service_selector(obj))
                    elif kind == "NetworkPolicy":
                        selected = self.select(namespace, obj.get("/spec/podSelector"))
                    else:
                        selected = self.select(namespace, obj.get("/spec/selector"))
                    for target in selected:
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
    return [
        hpa
        for hpa in run_index(ctx).objects("HorizontalPodAutoscaler", workload.namespace)
        if hpa.get("/spec/scaleTargetRef/kind") == workload.kind
        and hpa.get("/spec/scaleTargetRef/name") == workload.name
    ]


__all__ = [
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
    "pod_templates",
    "pods_selected",
    "pods_selected_by_map",
    "run_index",
    "service_selector",
    "services_selecting",
    "workloads_selecting",
]
