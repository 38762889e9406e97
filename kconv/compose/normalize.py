"""Short syntax to long syntax, per service, with positions carried along.

Every function takes a value and its `LocTree` and returns the long-syntax value and a tree of
the same shape, so later stages (merge, `extends`, the model) still know where each item was
written. Relative host paths are resolved against `base_dir` (the project directory, or the
directory of the file a service was extended from or included with).
"""

from __future__ import annotations

import os
import re
from typing import Any

from kconv.compose.loctree import LocTree, at, child, fit, uniform
from kconv.errors import InputError
from kconv.yamlio import Tagged

_LIST_OR_DICT = ("environment", "labels", "annotations", "sysctls", "extra_hosts")
_STRING_OR_LIST = ("dns", "dns_search", "tmpfs")  # the schema's string_or_list keys
_BOOLEANS = ("privileged", "read_only", "tty", "stdin_open", "init", "oom_kill_disable")
_PORT_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")
_PROTOCOLS = ("tcp", "udp", "sctp")
_BIND_PROPAGATION = {"shared", "rshared", "slave", "rslave", "private", "rprivate"}
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")
DEPENDENCY_DEFAULTS = {"condition": "service_started", "required": True}


def scalar_text(value: Any) -> str:
    """A YAML scalar as compose reads it into a string (`true`, `1.5`, `80`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalize_service(
    name: str, service: dict[str, Any], tree: LocTree, base_dir: str
) -> tuple[dict[str, Any], LocTree]:
    """Rewrite one service mapping into long syntax (keys not listed here are kept as is)."""
    out: dict[str, Any] = {}
    trees: dict[str, LocTree] = {}
    for key, value in service.items():
        sub = child(tree, key)
        path = f"services.{name}.{key}"
        tag = None
        if isinstance(value, Tagged):
            tag, value = value.tag, value.value
        if value is not None and tag != "!reset":
            value, sub = _normalize_key(key, value, sub, path, base_dir)
        if tag is not None:
            value = Tagged(tag, value)
        out[key] = value
        trees[key] = sub
    return out, (tree[0], trees)


def _normalize_key(
    key: str, value: Any, tree: LocTree, path: str, base_dir: str
) -> tuple[Any, LocTree]:
    if key in _LIST_OR_DICT:
        return list_or_dict(value, tree, path, sep=":" if key == "extra_hosts" else "=")
    if key in _BOOLEANS and isinstance(value, str) and "$" not in value:
        return _boolean(value, path, tree[0]), tree
    if key in _STRING_OR_LIST and isinstance(value, str):
        return [value], (tree[0], [tree])
    if key in ("command", "entrypoint") and isinstance(value, str):
        from kconv.compose.shellwords import split_command

        words = split_command(value, tree[0])
        return words, uniform(words, tree[0])
    if key == "build":
        return _build(value, tree, base_dir)
    if key == "env_file":
        return _env_files(value, tree, base_dir)
    if key == "ports" and isinstance(value, list):
        return _ports(value, tree, path)
    if key == "expose" and isinstance(value, list):
        items = [scalar_text(item) for item in value]
        return items, fit(items, tree)
    if key == "volumes" and isinstance(value, list):
        return _volumes(value, tree, path, base_dir)
    if key in ("secrets", "configs") and isinstance(value, list):
        return _file_refs(value, tree)
    if key == "depends_on":
        return _depends_on(value, tree)
    if key == "networks" and isinstance(value, list):
        nets = {str(item): None for item in value}
        return nets, (tree[0], {str(item): child(tree, i) for i, item in enumerate(value)})
    if key == "label_file" and isinstance(value, str):
        value = [value]
        tree = (tree[0], [tree])
    if key == "label_file":
        files = [_resolve(str(item), base_dir) for item in value]
        return files, fit(files, tree)
    return value, tree


def _boolean(text: str, path: str, where: Any) -> bool:
    """A boolean written as a string (often after interpolation): "true" or "false"."""
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0", ""):
        return False
    raise InputError(f'{path}: "{text}" is not a boolean (true or false)', where)


def list_or_dict(value: Any, tree: LocTree, path: str, sep: str = "=") -> tuple[dict, LocTree]:
    """`["A=1", "B"]` or `{A: 1, B: null}` -> `{"A": "1", "B": None}`, positions kept."""
    result: dict[str, Any] = {}
    trees: dict[str, LocTree] = {}
    if isinstance(value, list):
        for index, item in enumerate(value):
            text = scalar_text(item)
            if sep == ":" and "=" in text and ":" not in text.split("=", 1)[0]:
                key, _, val = text.partition("=")  # extra_hosts also accepts host=ip
                result[key] = val
            elif sep in text:
                key, _, val = text.partition(sep)
                result[key] = val
            else:
                result[text] = None
            trees[text.partition(sep)[0] if sep in text else text] = child(tree, index)
        trees = {key: trees.get(key, tree) for key in result}
        return result, (tree[0], trees)
    if isinstance(value, dict):
        for key, val in value.items():
            if isinstance(val, Tagged):
                result[key] = val
            elif isinstance(val, list) and sep == ":":
                result[key] = [scalar_text(v) for v in val]
            else:
                result[key] = None if val is None else scalar_text(val)
            trees[key] = child(tree, key)
        return result, (tree[0], trees)
    raise InputError(f"{path} must be a mapping or a list", tree[0])


def _resolve(path: str, base_dir: str) -> str:
    """A host path made absolute (`~` expanded) against `base_dir`."""
    if path.startswith("~"):
        path = os.path.expanduser(path)
    if os.path.isabs(path) or _WINDOWS_DRIVE.match(path):
        return path
    return os.path.normpath(os.path.join(base_dir, path))


def _is_remote(context: str) -> bool:
    return bool(re.match(r"^(?:[a-z]+://|git@|github\.com/)", context))


def _build(value: Any, tree: LocTree, base_dir: str) -> tuple[Any, LocTree]:
    if isinstance(value, str):
        value = {"context": value}
        tree = (tree[0], {"context": tree})
    if not isinstance(value, dict):
        return value, tree
    value = dict(value)
    context = value.get("context")  # absent: `.` of the project, once files are merged
    tag = None
    if isinstance(context, Tagged):  # `context: !override ../app`: resolved inside its tag
        tag, context = context.tag, context.value
    if isinstance(context, str) and tag != "!reset":
        context = context if _is_remote(context) else _resolve(context, base_dir)
        value["context"] = context if tag is None else Tagged(tag, context)
    args = value.get("args")
    tag = None
    if isinstance(args, Tagged):
        tag, args = args.tag, args.value
    if args is not None and tag != "!reset":
        args, sub = list_or_dict(args, child(tree, "args"), "build.args")
        value["args"] = args if tag is None else Tagged(tag, args)
        tree = (tree[0], {**(tree[1] or {}), "args": sub})
    return value, fit(value, tree)


def _env_files(value: Any, tree: LocTree, base_dir: str) -> tuple[list, LocTree]:
    items = value if isinstance(value, list) else [value]
    trees = tree[1] if isinstance(value, list) else [tree]
    out: list[dict[str, Any]] = []
    for item in items:
        entry = {"path": item, "required": True} if isinstance(item, str) else dict(item)
        entry.setdefault("required", True)
        entry["path"] = _resolve(str(entry["path"]), base_dir)
        out.append(entry)
    return out, fit(out, (tree[0], trees))


# -- ports ------------------------------------------------------------------------------------


def _port_range(text: str, path: str, where: Any) -> tuple[int, int]:
    match = _PORT_RANGE.match(text)
    if not match:
        raise InputError(f'{path}: "{text}" is not a valid port or port range', where)
    start = int(match.group(1))
    end = int(match.group(2) or start)
    if end < start or end > 65535:
        hint = " (ports go up to 65535)" if end > 65535 else ""
        raise InputError(f'{path}: "{text}" is not a valid port range{hint}', where)
    return start, end


def parse_port(spec: str, path: str, where: Any) -> list[dict[str, Any]]:
    """One short-syntax port (`[IP:][HOST:]CONTAINER[/PROTO]`) as long-syntax mappings."""
    text, _, protocol = spec.partition("/")
    protocol = _protocol(protocol or "tcp", f'{path}: "{spec}"', where)
    host_ip = None
    if text.startswith("["):  # [::1]:8080:80
        end = text.find("]")
        if end < 0:
            raise InputError(f'{path}: "{spec}" is not a valid port (unclosed "[")', where)
        host_ip = text[1:end]
        rest = text[end + 1 :].lstrip(":")
        parts = rest.split(":")
        host, container = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[-1])
    else:
        parts = text.split(":")
        if len(parts) == 1:
            host, container = "", parts[0]
        elif len(parts) == 2:
            host, container = parts
        else:
            host_ip, host, container = ":".join(parts[:-2]), parts[-2], parts[-1]
    if not container:
        raise InputError(f'{path}: "{spec}" is not a valid port (no container port)', where)
    c_start, c_end = _port_range(container, path, where)
    if c_start == 0:
        raise InputError(f'{path}: "{spec}": container port 0 is not valid (1-65535)', where)
    base: dict[str, Any] = {"mode": "ingress"}
    if host_ip:
        base["host_ip"] = host_ip
    if not host:
        return [
            {**base, "target": port, "protocol": protocol} for port in range(c_start, c_end + 1)
        ]
    h_start, h_end = _port_range(host, path, where)
    count = c_end - c_start + 1
    if count == 1:
        published = str(h_start) if h_start == h_end else f"{h_start}-{h_end}"
        return [{**base, "target": c_start, "published": published, "protocol": protocol}]
    if h_end - h_start + 1 != count:
        raise InputError(
            f'{path}: "{spec}": the host range and the container range differ in size', where
        )
    return [
        {**base, "target": c_start + i, "published": str(h_start + i), "protocol": protocol}
        for i in range(count)
    ]


def _ports(value: list, tree: LocTree, path: str) -> tuple[list, LocTree]:
    out: list[dict[str, Any]] = []
    trees: list[LocTree] = []
    for index, item in enumerate(value):
        sub = child(tree, index)
        label = f"{path}[{index}]"
        if isinstance(item, dict):
            entry = _long_port(item, label, sub)
            out.append(entry)
            trees.append(fit(entry, sub))
        elif isinstance(item, str) and "$" in item:  # --no-interpolate: kept as written
            out.append(item)
            trees.append(sub)
        else:
            for entry in parse_port(scalar_text(item), label, sub[0]):
                out.append(entry)
                trees.append(uniform(entry, sub[0]))
    return out, (tree[0], trees)


def _long_port(item: dict[str, Any], label: str, tree: LocTree) -> dict[str, Any]:
    """A long-syntax port with defaults filled in and its numbers and protocol checked."""
    entry = dict(item)
    entry.setdefault("mode", "ingress")
    protocol = str(entry.get("protocol") or "tcp")
    if "$" not in protocol:  # --no-interpolate: kept as written
        protocol = _protocol(protocol, f"{label}.protocol", at(tree, "protocol"))
    entry["protocol"] = protocol
    if "target" in entry:
        entry["target"] = _target(entry["target"], label, tree[0])
    if entry.get("published") is not None:
        entry["published"] = _published(entry["published"], label, at(tree, "published"))
    return entry


def _protocol(text: str, label: str, where: Any) -> str:
    """A port protocol in lower case: tcp, udp or sctp (what Kubernetes accepts)."""
    protocol = text.lower()
    if protocol not in _PROTOCOLS:
        raise InputError(f'{label}: unknown protocol "{text}" (tcp, udp or sctp)', where)
    return protocol


def _published(value: Any, label: str, where: Any) -> str:
    """A long-syntax `published` port or range as text, checked like the short syntax."""
    text = scalar_text(value)
    if text and "$" not in text:  # "": not published; "$": --no-interpolate
        _port_range(text, f"{label}.published", where)
    return text


def _target(value: Any, label: str, where: Any) -> int | str:
    if isinstance(value, str) and "$" in value:  # --no-interpolate: kept as written
        return value
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise InputError(f'{label}.target: "{value}" is not a valid port', where) from None
    if not 0 < port <= 65535:
        raise InputError(f"{label}.target: {port} is not a valid port (1-65535)", where)
    return port


# -- volumes ----------------------------------------------------------------------------------


def split_volume(spec: str) -> list[str]:
    """Split `SRC:DST[:MODE]`, keeping Windows drive letters (`C:\\data`) whole."""
    raw = spec.split(":")
    parts: list[str] = []
    i = 0
    while i < len(raw):
        piece = raw[i]
        if (
            len(piece) == 1
            and piece.isalpha()
            and i + 1 < len(raw)
            and raw[i + 1][:1] in ("\\", "/")
        ):
            parts.append(piece + ":" + raw[i + 1])
            i += 2
            continue
        parts.append(piece)
        i += 1
    return parts


def _is_path(source: str) -> bool:
    return source.startswith((".", "/", "~", "\\")) or bool(_WINDOWS_DRIVE.match(source))


def parse_volume(spec: str, path: str, where: Any, base_dir: str) -> dict[str, Any]:
    """One short-syntax volume as a long-syntax mapping."""
    parts = split_volume(spec)
    if len(parts) == 1:
        return {"type": "volume", "target": parts[0]}
    if len(parts) > 3 or not parts[1]:
        raise InputError(f'{path}: "{spec}" is not a valid volume (SOURCE:TARGET[:MODE])', where)
    source, target = parts[0], parts[1]
    modes = parts[2].split(",") if len(parts) == 3 else []
    if not source:
        raise InputError(f'{path}: "{spec}" has an empty source', where)
    entry: dict[str, Any]
    if _is_path(source):
        entry = {"type": "bind", "source": _resolve(source, base_dir), "target": target}
        bind: dict[str, Any] = {"create_host_path": True}
    else:
        entry = {"type": "volume", "source": source, "target": target}
        bind = {}
    volume_opts: dict[str, Any] = {}
    for mode in modes:
        if mode == "ro":
            entry["read_only"] = True
        elif mode == "rw":
            entry["read_only"] = False
        elif mode in ("z", "Z"):
            bind["selinux"] = mode
        elif mode in _BIND_PROPAGATION:
            bind["propagation"] = mode
        elif mode == "nocopy":
            volume_opts["nocopy"] = True
        elif mode in ("consistent", "cached", "delegated"):
            entry["consistency"] = mode
        else:
            raise InputError(f'{path}: "{spec}": unknown volume mode "{mode}"', where)
    if bind and entry["type"] == "bind":
        entry["bind"] = bind
    if volume_opts:
        entry["volume"] = volume_opts
    return entry


def _volumes(value: list, tree: LocTree, path: str, base_dir: str) -> tuple[list, LocTree]:
    out: list[Any] = []
    trees: list[LocTree] = []
    for index, item in enumerate(value):
        sub = child(tree, index)
        label = f"{path}[{index}]"
        if isinstance(item, str) and "$" in item:  # --no-interpolate: kept as written
            entry = item
            trees.append(sub)
        elif isinstance(item, str):
            entry = parse_volume(item, label, sub[0], base_dir)
            trees.append(uniform(entry, sub[0]))
        elif isinstance(item, dict):
            entry = dict(item)
            source = entry.get("source")
            if entry.get("type") == "bind" and isinstance(source, str):
                entry["source"] = _resolve(source, base_dir)
            trees.append(fit(entry, sub))
        else:
            entry = item
            trees.append(sub)
        out.append(entry)
    return out, (tree[0], trees)


def _file_refs(value: list, tree: LocTree) -> tuple[list, LocTree]:
    out = [{"source": item} if isinstance(item, str) else item for item in value]
    trees = [
        (child(tree, i)[0], {"source": child(tree, i)}) if isinstance(item, str) else child(tree, i)
        for i, item in enumerate(value)
    ]
    return out, (tree[0], trees)


def _depends_on(value: Any, tree: LocTree) -> tuple[dict, LocTree]:
    result: dict[str, Any] = {}
    trees: dict[str, LocTree] = {}
    if isinstance(value, list):
        for index, item in enumerate(value):
            name = str(item)
            result[name] = dict(DEPENDENCY_DEFAULTS)
            trees[name] = uniform(result[name], child(tree, index)[0])
    elif isinstance(value, dict):
        for name, spec in value.items():
            # as written: the loader's `apply_defaults` fills the rest after the merge
            entry = dict(spec) if isinstance(spec, dict) else {}
            result[name] = entry
            trees[name] = fit(entry, child(tree, name))
    return result, (tree[0], trees)
