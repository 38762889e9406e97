"""References from pods to ConfigMaps and Secrets: env `valueFrom`, `envFrom` and volumes
(including projected sources) must name an object of the run, and a key it has.

References marked `optional: true` are skipped. Absent objects are not reported when the run is
partial; a missing key of an object that is in the run always is. Secrets produced by
SealedSecrets or ExternalSecrets of the run count as present (their keys are not checked).
Keys follow the kubelet: env reads a ConfigMap's `data` only, volumes `data` and `binaryData`;
a service-account-token Secret gets `token`, `ca.crt` and `namespace` from the token controller.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple

from kconv.lint.context import LintContext
from kconv.lint.rule import CheckFn, Violation, check
from kconv.lint.selectors import run_index
from kconv.model.k8s import K8sObject

PARAMS = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "configmaps": {"type": "boolean", "default": True, "description": "Check ConfigMaps."},
        "secrets": {"type": "boolean", "default": True, "description": "Check Secrets."},
    },
}


class Reference(NamedTuple):
    """A reference to a ConfigMap or Secret: what, by whom, its keys, and where."""

    kind: str  # "ConfigMap" or "Secret"
    name: str
    pointer: str  # of the name field
    user: str  # 'container "app"' or 'volume "config"'
    keys: tuple[tuple[str, str], ...] = ()  # (key, pointer of the key field)
    env: bool = False  # an env valueFrom (which reads a ConfigMap's `data` only)


def _key_items(items: Any, pointer: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(items, list):
        return ()
    return tuple(
        (str(item["key"]), f"{pointer}/{index}/key")
        for index, item in enumerate(items)
        if isinstance(item, dict) and item.get("key") is not None
    )


def _container_refs(obj: K8sObject) -> Iterator[Reference]:
    for ref in obj.all_containers():
        user = f'container "{ref.name}"'
        env = ref.data.get("env")
        for index, item in enumerate(env if isinstance(env, list) else ()):
            value_from = item.get("valueFrom") if isinstance(item, dict) else None
            if not isinstance(value_from, dict):
                continue
            for field, kind in (("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")):
                source = value_from.get(field)
                if isinstance(source, dict) and source.get("name") and not source.get("optional"):
                    pointer = f"{ref.pointer}/env/{index}/valueFrom/{field}"
                    keys = ((str(source["key"]), f"{pointer}/key"),) if source.get("key") else ()
                    name = str(source["name"])
                    yield Reference(kind, name, f"{pointer}/name", user, keys, env=True)
        env_from = ref.data.get("envFrom")
        for index, item in enumerate(env_from if isinstance(env_from, list) else ()):
            if not isinstance(item, dict):
                continue
            for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
                source = item.get(field)
                if isinstance(source, dict) and source.get("name") and not source.get("optional"):
                    pointer = f"{ref.pointer}/envFrom/{index}/{field}/name"
                    yield Reference(kind, str(source["name"]), pointer, user)


def _volume_refs(obj: K8sObject) -> Iterator[Reference]:
    found = obj.pod_spec()
    volumes = found[1].get("volumes") if found else None
    for index, volume in enumerate(volumes if isinstance(volumes, list) else ()):
        if not isinstance(volume, dict):
            continue
        base = f"{found[0]}/volumes/{index}"
        user = f'volume "{volume.get("name", "?")}"'
        sources: list[tuple[str, str, Any]] = [
            ("ConfigMap", f"{base}/configMap", volume.get("configMap")),
            ("Secret", f"{base}/secret", volume.get("secret")),
        ]
        projected = volume.get("projected")
        items = projected.get("sources") if isinstance(projected, dict) else None
        for source_index, source in enumerate(items if isinstance(items, list) else ()):
            if isinstance(source, dict):
                pointer = f"{base}/projected/sources/{source_index}"
                sources.append(("ConfigMap", f"{pointer}/configMap", source.get("configMap")))
                sources.append(("Secret", f"{pointer}/secret", source.get("secret")))
        for kind, pointer, source in sources:
            if not isinstance(source, dict) or source.get("optional"):
                continue
            field = "secretName" if kind == "Secret" and "secretName" in source else "name"
            if source.get(field):
                keys = _key_items(source.get("items"), f"{pointer}/items")
                yield Reference(kind, str(source[field]), f"{pointer}/{field}", user, keys)


def _secret_providers(ctx: LintContext, namespace: str | None) -> set[str]:
    """Names of Secrets that SealedSecrets / ExternalSecrets of the run will create."""
    names: set[str] = set()
    for kind, pointer in (
        ("SealedSecret", "/spec/template/metadata/name"),
        ("ExternalSecret", "/spec/target/name"),
    ):
        for obj in run_index(ctx).objects(kind, namespace):
            names.add(str(obj.get(pointer) or obj.name))
    return names


# the keys the token controller fills into a Secret of this type
_TOKEN_SECRET_TYPE = "kubernetes.io/service-account-token"
_TOKEN_KEYS = frozenset({"token", "ca.crt", "namespace"})


def _field_keys(obj: K8sObject, *fields: str) -> set[str]:
    keys: set[str] = set()
    for field in fields:
        value = obj.body.get(field)
        if isinstance(value, dict):
            keys.update(str(key) for key in value)
    return keys


def _keys_of(obj: K8sObject) -> tuple[set[str], set[str]]:
    """(keys env and volumes can read, keys only volumes can read: a ConfigMap's binaryData)."""
    if obj.kind == "ConfigMap":
        return _field_keys(obj, "data"), _field_keys(obj, "binaryData")
    keys = _field_keys(obj, "data", "stringData")
    if obj.body.get("type") == _TOKEN_SECRET_TYPE:
        keys |= _TOKEN_KEYS
    return keys, set()


def _key_problems(ref: Reference, target: K8sObject) -> Iterator[Violation]:
    """The keys `ref` uses that `target` does not have (or has where `ref` cannot read them)."""
    readable, volume_only = _keys_of(target)
    label = ref.kind.lower()
    for key, pointer in ref.keys:
        if key in readable:
            continue
        if key not in volume_only:
            yield Violation(
                f'{label} "{ref.name}" has no key "{key}" (used by {ref.user})', pointer
            )
        elif ref.env:
            yield Violation(
                f'{label} "{ref.name}" has key "{key}" only in binaryData, which env cannot '
                f"read (used by {ref.user}); a volume can mount it",
                pointer,
            )


@check("config-references", params=PARAMS, cross_object=True)
def config_references(params: Mapping[str, Any]) -> CheckFn:
    """References to ConfigMaps or Secrets (or their keys) that are not in the run."""
    kinds = {
        kind
        for kind, key in (("ConfigMap", "configmaps"), ("Secret", "secrets"))
        if params.get(key, True)
    }

    def run(obj: K8sObject, ctx: LintContext) -> Iterable[Violation]:
        for ref in [*_container_refs(obj), *_volume_refs(obj)]:
            if ref.kind not in kinds:
                continue
            target = run_index(ctx).find(ref.kind, ref.name, obj.namespace)
            if target is not None:
                yield from _key_problems(ref, target)
                continue
            provided = ref.kind == "Secret" and ref.name in _secret_providers(ctx, obj.namespace)
            if not ctx.partial and not provided:
                yield Violation(
                    f'{ref.user} references {ref.kind.lower()} "{ref.name}", which is not in '
                    "the run",
                    ref.pointer,
                )

    return run
