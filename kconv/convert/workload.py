"""Workloads: Deployment, StatefulSet, DaemonSet, Job, CronJob around the pod template."""

from __future__ import annotations

from typing import Any

from kconv.convert import labels as labels_mod
from kconv.convert.context import ServiceBuild
from kconv.convert.options import ConvertOptions
from kconv.convert.podspec import pod_spec
from kconv.convert.settings import ServiceSettings
from kconv.model.compose import Service

_KINDS = {
    "deployment": "Deployment",
    "statefulset": "StatefulSet",
    "daemonset": "DaemonSet",
    "job": "Job",
    "cronjob": "CronJob",
}
_API = {
    "Deployment": "apps/v1",
    "StatefulSet": "apps/v1",
    "DaemonSet": "apps/v1",
    "Job": "batch/v1",
    "CronJob": "batch/v1",
}
_NODE_KEYS = {
    "node.hostname": "kubernetes.io/hostname",
    "node.platform.os": "kubernetes.io/os",
    "node.platform.arch": "kubernetes.io/arch",
    "engine.labels.operatingsystem": "kubernetes.io/os",
}


def _restart_policy(service: Service) -> tuple[str, str]:
    """`restart` split into its policy and its `:max-retries` ("on-failure:3" -> "3")."""
    policy, _, retries = (service.restart or "always").strip('"').partition(":")
    return policy, retries


def restart_condition(service: Service) -> str:
    """The effective restart condition: "always", "on-failure" or "no"."""
    policy = (service.deploy.restart_policy or {}) if service.deploy else {}
    condition = policy.get("condition")
    if condition == "none":
        return "no"
    if condition in ("on-failure", "any"):
        return "on-failure" if condition == "on-failure" else "always"
    restart, _ = _restart_policy(service)
    if restart in ("no", "none", "on-failure"):
        return "on-failure" if restart == "on-failure" else "no"
    return "always"


def _max_attempts(build: ServiceBuild) -> int | None:
    """`deploy.restart_policy.max_attempts`, else the N of `restart: on-failure:N`."""
    deploy = build.service.deploy
    attempts = (deploy.restart_policy or {}).get("max_attempts") if deploy else None
    if attempts is not None:
        return int(attempts)
    policy, retries = _restart_policy(build.service)
    if policy != "on-failure" or not retries:
        return None
    if retries.isdigit():
        return int(retries)
    build.warn(
        "restart",
        f"restart {build.service.restart!r}: {retries!r} is not a number of retries; left out",
    )
    return None


def workload_kind(service: Service, settings: ServiceSettings, options: ConvertOptions) -> str:
    """Which workload kind a service becomes (see docs/conversion.md, "Workloads")."""
    if settings.get("controller"):
        return _KINDS[settings.get("controller")]
    if settings.get("schedule"):
        return "CronJob"
    if restart_condition(service) != "always" and options.controller is None:
        return "Job"
    if options.controller:
        return _KINDS[options.controller]
    if service.deploy is not None and service.deploy.mode == "global":
        return "DaemonSet"
    return "Deployment"


def _platform(build: ServiceBuild) -> dict[str, str]:
    """`platform: linux/arm64` as node labels."""
    platform = build.service.raw.get("platform")
    if not platform:
        return {}
    parts = str(platform).split("/")
    out = {"kubernetes.io/os": parts[0]}
    if len(parts) > 1:
        out["kubernetes.io/arch"] = parts[1]
    if len(parts) > 2:
        build.warn("platform", f"platform variant {parts[2]!r} cannot be selected; left out")
    return out


def _placement(build: ServiceBuild, spec: dict[str, Any]) -> None:
    deploy = build.service.deploy
    placement = (deploy.placement if deploy else None) or {}
    selector: dict[str, str] = _platform(build)
    excluded: list[dict[str, Any]] = []
    for constraint in placement.get("constraints") or []:
        text = str(constraint)
        operator = "!=" if "!=" in text else "=="
        key, _, value = (part.strip() for part in text.partition(operator))
        if key in _NODE_KEYS:
            node_key = _NODE_KEYS[key]
        elif key.startswith(("node.labels.", "engine.labels.")):
            node_key = key.split(".", 2)[2]
        else:
            build.warn("deploy", f"placement constraint {text!r} has no equivalent; left out")
            continue
        if operator == "==":
            selector[node_key] = value
        else:
            excluded.append({"key": node_key, "operator": "NotIn", "values": [value]})
    if selector:
        spec["nodeSelector"] = dict(sorted(selector.items()))
    if excluded:
        terms = [{"matchExpressions": excluded}]
        spec["affinity"] = {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}
            }
        }
    spreads = []
    for preference in placement.get("preferences") or []:
        spread = preference.get("spread") if isinstance(preference, dict) else None
        if not spread:
            continue
        key = str(spread)
        key = _NODE_KEYS.get(key, key.split(".", 2)[2] if key.startswith("node.labels.") else key)
        spreads.append(
            {
                "maxSkew": 1,
                "topologyKey": key,
                "whenUnsatisfiable": "ScheduleAnyway",
                "labelSelector": {"matchLabels": build.selector},
            }
        )
    if spreads:
        spec["topologySpreadConstraints"] = spreads
    if placement.get("max_replicas_per_node"):
        build.warn("deploy", "placement.max_replicas_per_node has no equivalent; left out")


def _replicas(build: ServiceBuild) -> int:
    if build.options.replicas is not None:
        return build.options.replicas
    if build.settings.get("replicas") is not None:
        return int(build.settings.get("replicas"))
    deploy = build.service.deploy
    if deploy is not None and deploy.replicas is not None:
        return deploy.replicas
    scale = build.service.raw.get("scale")
    if isinstance(scale, int) and not isinstance(scale, bool):
        return scale
    return 1


def _strategy(build: ServiceBuild) -> dict[str, Any] | None:
    deploy = build.service.deploy
    if build.single_writer_claims:
        build.info(
            "volumes",
            "strategy Recreate: a ReadWriteOnce volume cannot be mounted by two pods at once",
        )
        return {"type": "Recreate"}
    update = deploy.update_config if deploy else None
    if not update:
        return None
    parallelism = int(update.get("parallelism") or 1)
    if update.get("order") == "start-first":
        rolling = {"maxSurge": parallelism, "maxUnavailable": 0}
    else:
        rolling = {"maxSurge": 0, "maxUnavailable": parallelism}
    return {"type": "RollingUpdate", "rollingUpdate": rolling}


def _template(build: ServiceBuild, restart_policy: str | None, extra_labels: dict[str, str]):
    service = build.service
    user_labels, user_annotations = labels_mod.split_user_labels(service.labels)
    annotations = {**user_annotations, **{k: str(v) for k, v in service.annotations.items()}}
    if service.labels:
        build.handled.add("labels")
    if service.annotations:
        build.handled.add("annotations")
    metadata: dict[str, Any] = {"labels": {**user_labels, **extra_labels, **build.labels}}
    if annotations:
        metadata["annotations"] = dict(sorted(annotations.items()))
    spec = pod_spec(build, restart_policy)
    _placement(build, spec)
    return {"metadata": metadata, "spec": spec}, user_labels, annotations


_DEPLOY_MAPPED = {
    "update_config": {"parallelism", "order"},
    "restart_policy": {"condition", "max_attempts"},
}


def _note_unmapped_deploy(build: ServiceBuild) -> None:
    """Warn about the parts of `deploy` that have no Kubernetes counterpart."""
    deploy = build.service.deploy
    if deploy is None:
        return
    for key, mapped in _DEPLOY_MAPPED.items():
        for field in sorted(set(getattr(deploy, key) or {}) - mapped):
            build.warn("deploy", f"deploy.{key}.{field} has no Kubernetes mapping; left out")
    if deploy.rollback_config:
        build.warn("deploy", "deploy.rollback_config has no Kubernetes mapping; left out")
    if deploy.endpoint_mode == "dnsrr":
        build.info("deploy", "deploy.endpoint_mode dnsrr: use a headless Service if you need it")


def _job_spec(build: ServiceBuild, condition: str) -> dict[str, Any]:
    """A Job's `backoffLimit`, and `parallelism`/`completions` for N replicas (N != 1):
    compose runs that many containers, each to completion."""
    job: dict[str, Any] = {}
    replicas = _replicas(build)
    if replicas != 1:
        job["parallelism"] = replicas
        job["completions"] = replicas
        build.info(
            "deploy" if build.service.deploy is not None else "restart",
            f"{replicas} replicas: the Job runs {replicas or 'no'} pods in parallel, each to "
            f"completion (parallelism and completions {replicas})",
        )
    backoff = build.settings.get("backoff_limit", _max_attempts(build))
    if backoff is None and condition == "no":
        backoff = 0
    if backoff is not None:
        job["backoffLimit"] = int(backoff)
    return job


def workload(build: ServiceBuild, extra_pod_labels: dict[str, str]) -> dict[str, Any]:
    """The workload object of a service (its pod spec fills build.objects as a side effect)."""
    kind = build.kind
    service = build.service
    deploy = service.deploy
    condition = restart_condition(service)
    if service.restart is not None:
        build.handled.add("restart")
    if deploy is not None:
        build.handled.add("deploy")
        _note_unmapped_deploy(build)
    job_like = kind in ("Job", "CronJob")
    policy = None
    if job_like:  # a scheduled service that compose would restart is retried in place
        policy = "Never" if condition == "no" else "OnFailure"
    template, user_labels, annotations = _template(build, policy, extra_pod_labels)
    deploy_labels, deploy_annotations = labels_mod.split_user_labels(
        deploy.labels if deploy else {}
    )
    meta_labels = {**user_labels, **deploy_labels, **build.labels}
    meta_annotations = {**annotations, **deploy_annotations}
    metadata = labels_mod.metadata(
        build.name, build.namespace, meta_labels, dict(sorted(meta_annotations.items()))
    )
    spec: dict[str, Any] = {}
    for key in ("scale", "platform"):
        if key in service.raw:
            build.handled.add(key)
    if kind in ("Deployment", "StatefulSet"):
        spec["replicas"] = _replicas(build)
    elif kind == "DaemonSet" and deploy is not None and deploy.replicas is not None:
        build.warn("deploy", "a DaemonSet runs one pod per node; deploy.replicas is left out")
    if kind == "StatefulSet":
        spec["serviceName"] = build.name
    if not job_like:
        spec["selector"] = {"matchLabels": build.selector}
    if kind == "Deployment":
        strategy = _strategy(build)
        if strategy:
            spec["strategy"] = strategy
    if job_like:
        job = _job_spec(build, condition)
        job["template"] = template
        if kind == "CronJob":
            spec["schedule"] = build.settings.get("schedule") or "@daily"
            if not build.settings.get("schedule"):
                build.warn("restart", "no schedule given (x-kconv.schedule); using @daily")
            if build.settings.get("concurrency_policy"):
                spec["concurrencyPolicy"] = build.settings.get("concurrency_policy")
            spec["jobTemplate"] = {"spec": job}
        else:
            spec.update(job)
            build.info("restart", f"restart {condition!r}: converted to a Job (runs to completion)")
    else:
        spec["template"] = template
    if kind == "StatefulSet" and build.claim_templates:
        spec["volumeClaimTemplates"] = build.claim_templates
    return {"apiVersion": _API[kind], "kind": kind, "metadata": metadata, "spec": spec}
