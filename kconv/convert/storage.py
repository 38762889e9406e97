"""Volumes: PVCs, volumeClaimTemplates, ConfigMaps for project files, emptyDir, hostPath."""

from __future__ import annotations

import os
from typing import Any

from kconv.convert import labels as labels_mod
from kconv.convert.configmaps import config_map, file_is_secret, secret, shared_labels
from kconv.convert.context import ServiceBuild
from kconv.convert.names import child_name, dns_label
from kconv.convert.quantities import memory, normalise_quantity, parse_size
from kconv.convert.settings import volume_settings
from kconv.errors import InputError
from kconv.model.compose import Mount, Project

DEFAULT_SIZE = "1Gi"
MAX_CONFIG_BYTES = 1024 * 1024


def _inside(path: str, directory: str) -> bool:
    try:
        return os.path.commonpath([os.path.abspath(path), os.path.abspath(directory)]) == (
            os.path.abspath(directory)
        )
    except ValueError:
        return False


def _shown(build: ServiceBuild, path: str) -> str:
    """A bind source as the user wrote it: relative inside the project, absolute outside."""
    if _inside(path, build.project.working_dir):
        relative = os.path.relpath(path, build.project.working_dir).replace(os.sep, "/")
        return "." if relative == "." else f"./{relative}"
    return path


def _read_only_everywhere(project: Project, volume: str) -> bool:
    """True when every mount of the named volume in the project is read-only."""
    mounts = [
        mount
        for service in project.services.values()
        for mount in service.volumes
        if mount.type == "volume" and mount.source == volume
    ]
    return bool(mounts) and all(mount.read_only for mount in mounts)


def _claim_spec(build: ServiceBuild, mount: Mount) -> tuple[str, dict[str, Any]]:
    source = mount.source or ""
    resource = build.project.volumes.get(source)
    settings = volume_settings(resource)
    size_text = (
        settings.get("size")
        or build.settings.get("volume_size")
        or build.options.pvc_request_size
        or DEFAULT_SIZE
    )
    size = normalise_quantity(size_text)
    if size is None:
        raise InputError(f"volume {source!r}: {size_text!r} is not a storage size", mount.origin)
    if "access_mode" in settings:
        access = settings["access_mode"]
    elif _read_only_everywhere(build.project, source):
        access = "ReadOnlyMany"
    else:
        access = "ReadWriteOnce"
    spec: dict[str, Any] = {"accessModes": [access]}
    storage_class = settings.get("storage_class") or build.settings.get("storage_class")
    if storage_class:
        spec["storageClassName"] = storage_class
    if settings.get("selector"):
        spec["selector"] = {"matchLabels": {"io.kompose.service": settings["selector"]}}
    spec["resources"] = {"requests": {"storage": size}}
    if resource is not None and resource.external:
        build.notes.info(
            f"volume {source!r} is external: the PVC {dns_label(source)!r} is generated; "
            "bind it to the existing storage (spec.volumeName or a selector)",
            resource.origin,
        )
    return access, spec


def _note_driver(build: ServiceBuild, source: str) -> None:
    """Warn that a volume's `driver` / `driver_opts` (NFS, CIFS, a plugin) are not carried over."""
    resource = build.project.volumes.get(source)
    if resource is None:
        return
    driver, options = resource.raw.get("driver"), resource.raw.get("driver_opts") or {}
    if not options and driver in (None, "local"):
        return
    parts = [f"driver {driver!r}"] if driver not in (None, "local") else []
    if options:
        parts.append(f"driver_opts ({', '.join(sorted(str(key) for key in options))})")
    build.notes.warn(
        f"volume {source!r}: its {' and '.join(parts)} are not carried over: Kubernetes "
        "storage comes from a StorageClass or a PersistentVolume; provide this storage there "
        "(x-kconv.storage_class, or a PersistentVolume the claim binds to)",
        resource.origin,
    )


def _named_volume(build: ServiceBuild, mount: Mount, mode: str) -> str:
    source = mount.source or ""
    name = build.names.claim("volume", dns_label(source), source, mount.origin)
    _note_driver(build, source)
    if mode == "emptyDir":
        build.add_volume({"name": name, "emptyDir": {}})
        build.notes.warn(
            f"volume {mount.source!r} becomes an emptyDir (--volumes emptyDir): "
            "its data is lost when the pod goes",
            mount.origin,
        )
        return name
    access, spec = _claim_spec(build, mount)
    if build.kind == "StatefulSet":
        if all(t["metadata"]["name"] != name for t in build.claim_templates):
            meta = {"name": name, "labels": build.labels}
            build.claim_templates.append({"metadata": meta, "spec": spec})
        return name
    build.objects.append(
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": labels_mod.metadata(name, build.namespace, shared_labels(build.project)),
            "spec": spec,
        }
    )
    build.add_volume({"name": name, "persistentVolumeClaim": {"claimName": name}})
    if access == "ReadWriteOnce":
        build.single_writer_claims = True
    return name


def _files_of(path: str) -> tuple[list[str], list[str]]:
    """(regular files, skipped entries) at the top of a directory, sorted."""
    files, skipped = [], []
    for entry in sorted(os.listdir(path)):
        full = os.path.join(path, entry)
        (files if os.path.isfile(full) and not os.path.islink(full) else skipped).append(entry)
    return files, skipped


def _project_file(build: ServiceBuild, mount: Mount, source: str) -> tuple[str, str | None]:
    """A ConfigMap (or Secret) with the files of a bind mount; (volume name, subPath)."""
    relative = os.path.relpath(source, build.project.working_dir)
    object_name = child_name(build.name, dns_label(relative, 40))
    is_file = os.path.isfile(source)
    if is_file:
        entries, skipped = [os.path.basename(source)], []
        directory = os.path.dirname(source)
    else:
        entries, skipped = _files_of(source)
        directory = source
    if skipped:
        build.notes.warn(
            f"bind mount {relative!r}: only the files at its top level go into the ConfigMap; "
            f"skipped {', '.join(skipped)}",
            mount.origin,
        )
    contents: dict[str, bytes] = {}
    for entry in entries:
        with open(os.path.join(directory, entry), "rb") as handle:
            contents[entry] = handle.read()
    total = sum(len(data) for data in contents.values())
    if total > MAX_CONFIG_BYTES:
        raise InputError(
            f"bind mount {relative!r} holds {total} bytes, more than a ConfigMap can take "
            "(1 MiB); use a named volume (a PVC) for it instead",
            mount.origin,
        )
    sensitive = any(file_is_secret(entry, data) for entry, data in contents.items())
    keys = {entry: entry.replace(" ", "-") for entry in contents}
    volume_name = build.generated_volume_name(object_name)
    if sensitive:
        data = {keys[entry]: value for entry, value in contents.items()}
        build.objects.append(secret(object_name, build.namespace, build.labels, data))
        build.add_volume({"name": volume_name, "secret": {"secretName": object_name}})
        build.notes.info(
            f"bind mount {relative!r} looks secret: it becomes the Secret {object_name!r}",
            mount.origin,
        )
    else:
        text: dict[str, str] = {}
        binary: dict[str, bytes] = {}
        for entry, value in contents.items():
            try:
                text[keys[entry]] = value.decode()
            except UnicodeDecodeError:
                binary[keys[entry]] = value
        build.objects.append(config_map(object_name, build.namespace, build.labels, text, binary))
        build.add_volume({"name": volume_name, "configMap": {"name": object_name}})
    return volume_name, (keys[entries[0]] if is_file and entries else None)


def _bind(build: ServiceBuild, mount: Mount, mode: str, index: int) -> tuple[str, str | None]:
    source = mount.source or ""
    if mode == "hostPath":
        name = build.generated_volume_name(f"host-{index}")
        build.add_volume({"name": name, "hostPath": {"path": source}})
        build.notes.warn(
            f"bind mount {_shown(build, source)!r} becomes a hostPath volume: "
            "the pod depends on its node",
            mount.origin,
        )
        return name, None
    inside = _inside(source, build.project.working_dir)
    tree = os.path.isdir(source) and (
        os.path.samefile(source, build.project.working_dir) or _files_of(source)[1]
    )
    if inside and os.path.exists(source) and mode != "emptyDir" and not tree:
        return _project_file(build, mount, source)
    name = build.generated_volume_name(f"empty-{index}")
    build.add_volume({"name": name, "emptyDir": {}})
    if tree and mode != "emptyDir":
        why = (
            "is a folder tree (source code?) that a ConfigMap cannot hold: build it into "
            "the image or use a named volume"
        )
    elif not inside:
        why = "is outside the project (use --volumes hostPath to mount it from the node)"
    elif mode == "emptyDir":
        why = "is replaced by an empty directory (--volumes emptyDir)"
    else:
        why = "does not exist"
    build.notes.warn(
        f"bind mount {_shown(build, source)!r} {why}; an emptyDir is mounted instead", mount.origin
    )
    return name, None


def volume_mounts(build: ServiceBuild) -> list[dict[str, Any]]:
    """The main container's volumeMounts; adds pod volumes, PVCs and ConfigMaps to `build`."""
    service = build.service
    mode = build.settings.get("volume_type") or build.options.volumes
    common_subpath = build.settings.get("volume_subpath")
    mounts: list[dict[str, Any]] = []
    for index, mount in enumerate(service.volumes):
        build.handled.add("tmpfs" if mount.type == "tmpfs" else "volumes")
        sub_path: str | None = mount.volume_subpath
        if mount.type == "volume" and mount.source:
            name = _named_volume(build, mount, mode)
        elif mount.type == "volume":
            name = build.generated_volume_name(f"anonymous-{index}")
            build.add_volume({"name": name, "emptyDir": {}})
            build.notes.info(
                f"anonymous volume at {mount.target} becomes an emptyDir", mount.origin
            )
        elif mount.type == "bind":
            name, file_key = _bind(build, mount, mode, index)
            sub_path = sub_path or file_key
        elif mount.type == "tmpfs":
            name = build.generated_volume_name(f"tmpfs-{index}")
            source: dict[str, Any] = {"medium": "Memory"}
            if mount.tmpfs_size:
                source["sizeLimit"] = memory(mount.tmpfs_size)
            build.add_volume({"name": name, "emptyDir": source})
        else:
            build.notes.warn(
                f"volume type {mount.type!r} at {mount.target} has no Kubernetes equivalent; "
                "left out",
                mount.origin,
            )
            continue
        item: dict[str, Any] = {"name": name, "mountPath": mount.target}
        if sub_path or common_subpath:
            item["subPath"] = sub_path or common_subpath
        if mount.read_only:
            item["readOnly"] = True
        mounts.append(item)
    shm = service.raw.get("shm_size")
    if shm is not None:
        build.handled.add("shm_size")
        size = parse_size(shm)
        source = {"medium": "Memory"}
        if size:
            source["sizeLimit"] = memory(size)
        name = build.generated_volume_name("dshm")
        build.add_volume({"name": name, "emptyDir": source})
        mounts.append({"name": name, "mountPath": "/dev/shm"})
    return mounts
