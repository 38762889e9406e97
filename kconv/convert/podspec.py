"""The pod template spec and its main container, one small helper per compose concern."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kconv.convert import configmaps, probes, resources, storage
from kconv.convert.context import ServiceBuild
from kconv.convert.expansion import kubernetes_literal
from kconv.convert.names import child_name, dns_label, port_name
from kconv.convert.quantities import parse_duration, seconds
from kconv.model.compose import Port

_PULL_POLICIES = {
    "always": "Always",
    "never": "Never",
    "missing": "IfNotPresent",
    "if_not_present": "IfNotPresent",
    "build": "IfNotPresent",
}


def container_ports(build: ServiceBuild) -> list[dict[str, Any]]:
    """Container ports from `ports` and `expose`, unique by number and protocol."""
    out: list[dict[str, Any]] = []
    seen: set[tuple[int, str]] = set()
    names: set[str] = set()
    host_ports = bool(build.settings.get("host_ports"))
    for port in all_ports(build):
        key = (port.target, port.protocol)
        if key in seen:
            continue
        seen.add(key)
        name = port_name(port.name, port.protocol, port.target)
        if name in names:
            name = port_name(None, port.protocol, port.target)
        names.add(name)
        item: dict[str, Any] = {"name": name, "containerPort": port.target}
        if (host_ports or port.mode == "host") and port.published and port.published.isdigit():
            item["hostPort"] = int(port.published)
            if port.host_ip:
                item["hostIP"] = port.host_ip
        if port.protocol != "tcp":
            item["protocol"] = port.protocol.upper()
        out.append(item)
    return out


def all_ports(build: ServiceBuild) -> Iterable[Port]:
    if build.service.ports:
        build.handled.add("ports")
    if build.service.expose:
        build.handled.add("expose")
    yield from build.service.ports
    yield from build.service.expose


def _user(build: ServiceBuild, context: dict[str, Any]) -> None:
    user = build.service.raw.get("user")
    if user is None:
        return
    build.handled.add("user")
    uid, _, gid = str(user).partition(":")
    if uid.isdigit() and (not gid or gid.isdigit()):
        context["runAsUser"] = int(uid)
        if gid:
            context["runAsGroup"] = int(gid)
        if int(uid) != 0:
            context["runAsNonRoot"] = True
    else:
        build.warn("user", f"user {user!r} is not numeric; Kubernetes needs a numeric uid")


def container_security(build: ServiceBuild) -> dict[str, Any]:
    raw = build.service.raw
    context: dict[str, Any] = {}
    privileged = bool(raw.get("privileged"))
    if "privileged" in raw:
        build.handled.add("privileged")
    if privileged:
        context["privileged"] = True
        build.warn("privileged", "the container runs privileged")
    else:
        context["allowPrivilegeEscalation"] = False
    capabilities: dict[str, Any] = {}
    for key, field in (("cap_add", "add"), ("cap_drop", "drop")):
        if raw.get(key):
            build.handled.add(key)
            capabilities[field] = sorted({str(c).upper().removeprefix("CAP_") for c in raw[key]})
    if capabilities:
        context["capabilities"] = capabilities
    if raw.get("read_only"):
        context["readOnlyRootFilesystem"] = True
    if "read_only" in raw:
        build.handled.add("read_only")
    _user(build, context)
    return context


def pod_security(build: ServiceBuild) -> dict[str, Any]:
    raw = build.service.raw
    context: dict[str, Any] = {}
    seccomp = "RuntimeDefault"
    for option in raw.get("security_opt") or []:
        build.handled.add("security_opt")
        text = str(option).replace("=", ":", 1)
        if text in ("no-new-privileges", "no-new-privileges:true"):
            continue
        if text == "seccomp:unconfined":
            seccomp = "Unconfined"
            build.warn("security_opt", "seccomp is turned off (security_opt seccomp:unconfined)")
        else:
            build.warn("security_opt", f"security_opt {option!r} has no equivalent; left out")
    if build.settings.get("fs_group") is not None:
        context["fsGroup"] = build.settings.get("fs_group")
    groups = raw.get("group_add") or []
    if groups:
        build.handled.add("group_add")
        numeric = [int(g) for g in groups if str(g).isdigit()]
        named = [str(g) for g in groups if not str(g).isdigit()]
        if numeric:
            context["supplementalGroups"] = sorted(set(numeric))
        if named:
            build.warn("group_add", f"group names {named} need numeric gids; left out")
    sysctls = raw.get("sysctls")
    if sysctls:
        build.handled.add("sysctls")
        if isinstance(sysctls, dict):
            pairs = sorted((str(k), str(v)) for k, v in sysctls.items())
        else:
            pairs = sorted(tuple(str(item).split("=", 1)) for item in sysctls)  # type: ignore[misc]
        context["sysctls"] = [{"name": k, "value": v} for k, v in pairs]
    context["seccompProfile"] = {"type": seccomp}
    return context


def _command_line(build: ServiceBuild) -> dict[str, list[str]]:
    """`command` and `args` from `entrypoint` and `command`. An empty list means "none" in
    compose but "the image's" in Kubernetes: an empty entrypoint makes `command` the whole
    command line; what Kubernetes cannot say without knowing the image is warned about."""
    entrypoint, command = build.service.entrypoint, build.service.command
    if entrypoint is not None:
        build.handled.add("entrypoint")
    if command is not None:
        build.handled.add("command")
    if entrypoint == () and not command:
        build.warn(
            "entrypoint",
            "an empty entrypoint without a command runs the image's CMD as the command line, "
            "which Kubernetes cannot say without knowing the image: the image's ENTRYPOINT "
            "still runs; set `command` to the full command line",
        )
    elif command == () and not entrypoint:
        build.warn(
            "command",
            "an empty command runs the image's ENTRYPOINT without its CMD, which Kubernetes "
            "cannot say without knowing the image: the image's CMD still runs; set "
            "`entrypoint` to the full command line",
        )
    out: dict[str, list[str]] = {}
    if entrypoint:
        out["command"] = [kubernetes_literal(a) for a in entrypoint]
    if command:  # after an empty entrypoint, the command is the whole command line
        field = "command" if entrypoint == () else "args"
        out[field] = [kubernetes_literal(a) for a in command]
    return out


def _main_container(build: ServiceBuild) -> dict[str, Any]:
    service = build.service
    raw = service.raw
    container: dict[str, Any] = {"name": build.name}
    if service.image:
        container["image"] = service.image
        build.handled.add("image")
    else:
        container["image"] = build.name
        build.warn(
            "build",
            f"no image given: the container uses the image {build.name!r}; build and push it "
            "to a registry the cluster can pull from, then set `image:`",
        )
    if service.build is not None:
        build.handled.add("build")
    container.update(_command_line(build))
    if raw.get("working_dir"):
        build.handled.add("working_dir")
        container["workingDir"] = str(raw["working_dir"])
    ports = container_ports(build)
    if ports:
        container["ports"] = ports
    env, env_from = configmaps.environment(build)
    if env_from:
        container["envFrom"] = env_from
    if env:
        container["env"] = env
    amounts = resources.resources(build)
    if amounts:
        container["resources"] = amounts
    mounts = storage.volume_mounts(build)
    mounts += configmaps.mount_secrets(build)
    mounts += configmaps.mount_configs(build)
    if mounts:
        container["volumeMounts"] = mounts
    container.update(probes.probes(build))
    _declare_probe_ports(container)
    pull = build.settings.get("image_pull_policy")
    if pull is None and raw.get("pull_policy"):
        build.handled.add("pull_policy")
        pull = _PULL_POLICIES.get(str(raw["pull_policy"]))
    if pull:
        container["imagePullPolicy"] = pull
    container["securityContext"] = container_security(build)
    for key, field in (("stdin_open", "stdin"), ("tty", "tty")):
        if key in raw:
            build.handled.add(key)
            if raw[key]:
                container[field] = True
    return container


def _declare_probe_ports(container: dict[str, Any]) -> None:
    """Declare the ports that httpGet/tcpSocket probes use, so they are known and named."""
    declared = {p["containerPort"] for p in container.get("ports", [])}
    for field in ("livenessProbe", "readinessProbe", "startupProbe"):
        probe = container.get(field, {})
        action = probe.get("httpGet") or probe.get("tcpSocket")
        if action and isinstance(action.get("port"), int) and action["port"] not in declared:
            declared.add(action["port"])
            port = {"name": port_name(None, "tcp", action["port"]), "containerPort": action["port"]}
            container.setdefault("ports", []).append(port)
    if "ports" in container:  # keep the key order of a container: ports before env
        ordered = {k: container.pop(k) for k in list(container) if k not in ("name", "image")}
        head = {
            k: ordered.pop(k) for k in ("command", "args", "workingDir", "ports") if k in ordered
        }
        container.update(head)
        container.update(ordered)


WAIT_IMAGE = "busybox:1.36"


def _dependency_address(build: ServiceBuild, name: str) -> tuple[str, int] | None:
    """The Service name and port a dependency answers on (None: it has no Service port)."""
    from kconv.convert.settings import service_settings

    dependency = build.project.services.get(name)
    if dependency is None:
        return None
    for port in (*dependency.ports, *dependency.expose):
        number = int(port.published) if port.published and port.published.isdigit() else None
        if port.protocol == "tcp":
            return dns_label(
                service_settings(dependency).get("name") or name
            ), number or port.target
    return None


def _wait_containers(build: ServiceBuild) -> list[dict[str, Any]]:
    """With --wait-for-dependencies: one init container per depends_on that has a TCP port."""
    if not build.options.wait_for_dependencies:
        return []
    out = []
    for dependency in build.service.depends_on:
        address = _dependency_address(build, dependency.service)
        if address is None:
            build.notes.warn(
                f"service {build.service.name!r}: cannot wait for {dependency.service!r}, "
                "which has no TCP port",
                dependency.origin,
            )
            continue
        host, port = address
        script = f"until nc -z {host} {port}; do echo waiting for {host}:{port}; sleep 2; done"
        out.append(
            {
                "name": child_name("wait-for", host),
                "image": WAIT_IMAGE,
                "command": ["sh", "-c", script],
                "resources": {
                    "limits": {"cpu": "50m", "memory": "16Mi"},
                    "requests": {"cpu": "10m", "memory": "16Mi"},
                },
                "securityContext": {
                    "allowPrivilegeEscalation": False,
                    "capabilities": {"drop": ["ALL"]},
                    "readOnlyRootFilesystem": True,
                    "runAsNonRoot": True,
                    "runAsUser": 65534,
                },
            }
        )
    return out


def _init_containers(build: ServiceBuild) -> list[dict[str, Any]]:
    waits = _wait_containers(build)
    init = build.settings.get("init_container")
    if not init:
        return waits
    container: dict[str, Any] = {
        "name": dns_label(init.get("name", "init-service")),
        "image": init["image"],
    }
    if init.get("command"):
        container["command"] = list(init["command"])
    container["securityContext"] = {"allowPrivilegeEscalation": False}
    return [*waits, container]


def _host_aliases(build: ServiceBuild) -> list[dict[str, Any]]:
    extra = build.service.raw.get("extra_hosts")
    if not extra:
        return []
    build.handled.add("extra_hosts")
    pairs: list[tuple[str, str]] = []
    if isinstance(extra, dict):
        for host, ips in extra.items():
            for ip in ips if isinstance(ips, list) else [ips]:
                pairs.append((str(ip), str(host)))
    else:
        for entry in extra:
            text = str(entry)
            separator = "=" if "=" in text else ":"
            host, _, ip = text.partition(separator)
            pairs.append((ip.strip("[]"), host))
    by_ip: dict[str, set[str]] = {}
    for ip, host in pairs:
        by_ip.setdefault(ip, set()).add(host)
    return [{"ip": ip, "hostnames": sorted(hosts)} for ip, hosts in sorted(by_ip.items())]


def _dns_config(build: ServiceBuild) -> dict[str, Any]:
    raw = build.service.raw
    config: dict[str, Any] = {}
    for key, field in (("dns", "nameservers"), ("dns_search", "searches")):
        value = raw.get(key)
        if value:
            build.handled.add(key)
            config[field] = [str(v) for v in (value if isinstance(value, list) else [value])]
    options = raw.get("dns_opt")
    if options:
        build.handled.add("dns_opt")
        items = []
        for option in options:
            name, _, value = str(option).partition(":")
            items.append({"name": name, "value": value} if value else {"name": name})
        config["options"] = items
    return config


def _namespaces(build: ServiceBuild, spec: dict[str, Any]) -> None:
    raw = build.service.raw
    if raw.get("pid") is not None:
        build.handled.add("pid")
        if raw["pid"] == "host":
            spec["hostPID"] = True
            build.warn("pid", "the pod shares the node's process namespace (hostPID)")
        else:
            build.warn("pid", f"pid {raw['pid']!r} has no equivalent; left out")
    if raw.get("ipc") is not None:
        build.handled.add("ipc")
        if raw["ipc"] == "host":
            spec["hostIPC"] = True
            build.warn("ipc", "the pod shares the node's IPC namespace (hostIPC)")
        elif raw["ipc"] not in ("private", "shareable"):
            build.warn("ipc", f"ipc {raw['ipc']!r} has no equivalent; left out")
    mode = raw.get("network_mode")
    if mode is not None:
        build.handled.add("network_mode")
        if mode == "host":
            spec["hostNetwork"] = True
            spec["dnsPolicy"] = "ClusterFirstWithHostNet"
            build.warn("network_mode", "the pod uses the node's network (hostNetwork)")
        elif mode not in ("bridge", "default") and not str(mode).startswith("service:"):
            build.warn("network_mode", f"network_mode {mode!r} has no equivalent; left out")


def _host_names(build: ServiceBuild, spec: dict[str, Any]) -> None:
    """`hostname` and `domainname` as the pod's `hostname` and `subdomain` (DNS labels);
    a value that had to change is noted."""
    for key, field in (("hostname", "hostname"), ("domainname", "subdomain")):
        value = build.service.raw.get(key)
        if not value:
            continue
        build.handled.add(key)
        spec[field] = dns_label(str(value))
        if spec[field] != str(value):
            build.info(
                key,
                f"{key} {str(value)!r} becomes the pod {field} {spec[field]!r} "
                "(a DNS label: lower case, no dots, at most 63 characters)",
            )


def pod_spec(build: ServiceBuild, restart_policy: str | None) -> dict[str, Any]:
    """The pod template's spec; `build.volumes` is filled while the container is built."""
    raw = build.service.raw
    container = _main_container(build)
    spec: dict[str, Any] = {}
    if build.volumes:
        spec["volumes"] = sorted(build.volumes, key=lambda v: v["name"])
    init = _init_containers(build)
    if init:
        spec["initContainers"] = init
    spec["containers"] = [container]
    if restart_policy:
        spec["restartPolicy"] = restart_policy
    grace = parse_duration(raw.get("stop_grace_period"))
    if grace is not None:
        build.handled.add("stop_grace_period")
        spec["terminationGracePeriodSeconds"] = seconds(grace, 0)
    _namespaces(build, spec)
    account = build.settings.get("service_account")
    if account:
        spec["serviceAccountName"] = account
    else:
        spec["automountServiceAccountToken"] = False
    spec["securityContext"] = pod_security(build)
    secret = build.settings.get("image_pull_secret")
    if secret:
        spec["imagePullSecrets"] = [{"name": secret}]
    _host_names(build, spec)
    aliases = _host_aliases(build)
    if aliases:
        spec["hostAliases"] = aliases
    dns = _dns_config(build)
    if dns:
        spec["dnsConfig"] = dns
    return spec
