"""ConfigMaps and Secrets: environment, env_file, compose `secrets` and `configs`."""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from typing import Any

from kconv import secrets as secret_rules
from kconv.convert import labels as labels_mod
from kconv.convert.context import ServiceBuild
from kconv.convert.expansion import kubernetes_literal
from kconv.convert.names import child_name, dns_label
from kconv.errors import InputError
from kconv.model.compose import EnvVar, Project, Resource

_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")


def config_map(
    name: str,
    namespace: str | None,
    labels: Mapping[str, str],
    data: Mapping[str, str],
    binary: Mapping[str, bytes] | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": labels_mod.metadata(name, namespace, labels),
    }
    if data:
        body["data"] = {key: data[key] for key in sorted(data)}
    if binary:
        body["binaryData"] = {
            key: base64.b64encode(binary[key]).decode("ascii") for key in sorted(binary)
        }
    return body


def secret(
    name: str, namespace: str | None, labels: Mapping[str, str], data: Mapping[str, bytes]
) -> dict[str, Any]:
    """An Opaque Secret; values are base64-encoded in `data`."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": labels_mod.metadata(name, namespace, labels),
        "type": "Opaque",
        "data": {key: base64.b64encode(data[key]).decode("ascii") for key in sorted(data)},
    }


def data_key(name: str) -> str:
    """A valid ConfigMap/Secret key for a file or variable name."""
    return name if _KEY.match(name) else re.sub(r"[^-._a-zA-Z0-9]+", "-", name) or "value"


def _is_secret(variable: EnvVar) -> bool:
    return secret_rules.is_secret(variable.name, variable.value or "")


def environment(build: ServiceBuild) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(`env`, `envFrom`) of the main container, with the ConfigMap/Secret objects they need."""
    service = build.service
    env_name = child_name(build.name, "env")
    secret_data: dict[str, bytes] = {}
    plain_from_files: dict[str, str] = {}
    secret_from_files: set[str] = set()
    for env_file in service.env_files:
        build.handled.add("env_file")
        for variable in env_file.variables:
            if variable.value is None:
                continue
            if not _KEY.match(variable.name):
                build.notes.warn(
                    f"service {service.name!r}: variable {variable.name!r} cannot be a "
                    "ConfigMap or Secret key; left out",
                    variable.origin if variable.origin.line else env_file.origin,
                )
                continue
            if _is_secret(variable):
                secret_data[variable.name] = variable.value.encode()
                secret_from_files.add(variable.name)
                plain_from_files.pop(variable.name, None)
            else:
                plain_from_files[variable.name] = variable.value
                secret_from_files.discard(variable.name)
                secret_data.pop(variable.name, None)
    env: list[dict[str, Any]] = []
    seen: set[str] = set()
    for variable in service.environment:
        build.handled.add("environment")
        if variable.name in seen:
            env = [item for item in env if item["name"] != variable.name]
        seen.add(variable.name)
        if variable.value is None:
            build.warn(
                "environment",
                f"variable {variable.name} has no value (not set when converting); left out",
            )
            continue
        if _is_secret(variable):
            secret_data[variable.name] = variable.value.encode()
            ref = {"secretKeyRef": {"name": env_name, "key": variable.name}}
            env.append({"name": variable.name, "valueFrom": ref})
        else:
            env.append({"name": variable.name, "value": kubernetes_literal(variable.value)})
    env_from: list[dict[str, Any]] = []
    if plain_from_files:
        build.objects.append(config_map(env_name, build.namespace, build.labels, plain_from_files))
        env_from.append({"configMapRef": {"name": env_name}})
    if secret_from_files:
        env_from.append({"secretRef": {"name": env_name}})
    if secret_data:
        build.objects.append(secret(env_name, build.namespace, build.labels, secret_data))
        names = ", ".join(sorted(secret_data))
        build.info(
            "environment" if "environment" in service.locations else "env_file",
            f"secret-looking variables ({names}) moved to Secret {env_name!r}; "
            "manage its values with your secret store",
        )
    return env, env_from


def shared_labels(project: Project) -> dict[str, str]:
    """Labels of objects that belong to the project rather than to one service."""
    out = {labels_mod.MANAGED_BY: "kconv"}
    part_of = labels_mod.label_value(project.name)
    if part_of:
        out = {labels_mod.PART_OF: part_of, **out}
    return out


def _read_file(path: str, resource: Resource, what: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise InputError(
            f"{what} {resource.name!r}: cannot read {path}: {exc.strerror}", resource.origin
        ) from None


def object_name_of(project: Project, resource: Resource) -> str:
    """The Secret or ConfigMap name of a top-level secret or config: its `name:`, else its key.
    A `name:` equal to compose's default engine name `<project>_<key>`, which `kconv config`
    prints for every secret and config, counts as no `name:`: the printed project converts to
    the same objects as the files it came from."""
    name = resource.external_name
    if name is None or (not resource.external and name == f"{project.name}_{resource.name}"):
        name = resource.name
    return dns_label(name)


def _resource_data(build: ServiceBuild, resource: Resource, what: str, key: str) -> bytes | None:
    """The bytes of a secret/config (None: external, nothing to emit)."""
    if resource.external:
        return None
    if resource.file:
        return _read_file(resource.file, resource, what)
    if resource.environment:
        value = build.project.environment.get(resource.environment)
        if value is None:
            build.notes.warn(
                f"{what} {resource.name!r}: variable {resource.environment} is not set; "
                "the generated object holds an empty value",
                resource.origin,
            )
        # the variable's own bytes, also when they are not UTF-8 (Secret data is bytes)
        return (value or "").encode("utf-8", "surrogateescape")
    if resource.content is not None:
        return resource.content.encode()
    return b""


def mount_secrets(build: ServiceBuild) -> list[dict[str, Any]]:
    """Volume mounts for `secrets`; adds the Secret objects (once per project secret)."""
    mounts = []
    for reference in build.service.secrets:
        build.handled.add("secrets")
        resource = build.project.secrets.get(reference.source)
        if resource is None:
            raise InputError(f"secret {reference.source!r} is not defined", reference.origin)
        key = data_key(reference.source)
        object_name = object_name_of(build.project, resource)
        data = _resource_data(build, resource, "secret", key)
        if data is None:
            build.notes.info(
                f"secret {resource.name!r} is external: Secret {object_name!r} "
                f"(key {key!r}) must exist in the cluster",
                resource.origin,
            )
        else:
            labels = shared_labels(build.project)
            build.objects.append(secret(object_name, build.namespace, labels, {key: data}))
        volume_name = build.generated_volume_name(child_name("secret", object_name))
        source: dict[str, Any] = {"secretName": object_name}
        if reference.mode is not None:
            source["defaultMode"] = reference.mode
        build.add_volume({"name": volume_name, "secret": source})
        target = reference.target
        if not target.startswith("/"):
            target = f"/run/secrets/{target}"
        mounts.append({"name": volume_name, "mountPath": target, "subPath": key, "readOnly": True})
        if reference.uid or reference.gid:
            build.warn("secrets", f"secret {reference.source!r}: uid/gid cannot be set per file")
    return mounts


def mount_configs(build: ServiceBuild) -> list[dict[str, Any]]:
    """Volume mounts for `configs`; adds the ConfigMap objects (once per project config)."""
    mounts = []
    for reference in build.service.configs:
        build.handled.add("configs")
        resource = build.project.configs.get(reference.source)
        if resource is None:
            raise InputError(f"config {reference.source!r} is not defined", reference.origin)
        key = data_key(reference.source)
        object_name = object_name_of(build.project, resource)
        data = _resource_data(build, resource, "config", key)
        if data is None:
            build.notes.info(
                f"config {resource.name!r} is external: ConfigMap {object_name!r} "
                f"(key {key!r}) must exist in the cluster",
                resource.origin,
            )
        sensitive = data is not None and file_is_secret(resource.file or key, data)
        if data is not None:
            labels = shared_labels(build.project)
            if sensitive:
                body = secret(object_name, build.namespace, labels, {key: data})
                build.notes.info(
                    f"config {resource.name!r} looks secret: it becomes the Secret "
                    f"{object_name!r}, not a ConfigMap",
                    resource.origin,
                )
            else:
                try:
                    text = {key: data.decode()}
                    body = config_map(object_name, build.namespace, labels, text)
                except UnicodeDecodeError:
                    body = config_map(object_name, build.namespace, labels, {}, {key: data})
            build.objects.append(body)
        volume_name = build.generated_volume_name(child_name("config", object_name))
        source: dict[str, Any] = {"secretName" if sensitive else "name": object_name}
        if reference.mode is not None:
            source["defaultMode"] = reference.mode
        build.add_volume({"name": volume_name, "secret" if sensitive else "configMap": source})
        target = reference.target or f"/{reference.source}"
        if not target.startswith("/"):
            target = "/" + target
        mounts.append({"name": volume_name, "mountPath": target, "subPath": key, "readOnly": True})
    return mounts


def file_is_secret(path: str, content: bytes) -> bool:
    """Does a bind-mounted file look like a secret (by its name or its content)?"""
    stem = os.path.basename(path).split(".")[0]
    if secret_rules.is_secret_name(stem) or path.endswith((".key", ".pem", ".p12", ".pfx")):
        return True
    try:
        return secret_rules.looks_like_secret_value(content.decode())
    except UnicodeDecodeError:
        return False
