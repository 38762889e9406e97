"""`kconv convert`: compose project in, Kubernetes manifests out (kompose's flags accepted)."""

from __future__ import annotations

import os

import click

from kconv.cli.common import handle_errors, kubernetes_version

_PATH = click.Path(dir_okay=False, allow_dash=True)


def _controller(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    lowered = value.lower()
    if lowered not in ("deployment", "statefulset", "daemonset"):
        raise click.BadParameter("choose deployment, statefulset or daemonset")
    return lowered


def _volumes(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    table = {v.lower(): v for v in ("persistentVolumeClaim", "emptyDir", "hostPath", "configMap")}
    if value.lower() not in table:
        raise click.BadParameter("choose persistentVolumeClaim, emptyDir, hostPath or configMap")
    return table[value.lower()]


def _service_type(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    table = {v.lower(): v for v in ("ClusterIP", "NodePort", "LoadBalancer")}
    if value.lower() not in table:
        raise click.BadParameter("choose ClusterIP, NodePort or LoadBalancer")
    return table[value.lower()]


@click.command(name="convert")
@click.argument("files", nargs=-1, type=_PATH)
@click.option(
    "-f",
    "--file",
    "file_options",
    multiple=True,
    type=_PATH,
    help="A compose file (repeat to merge several; `-` reads standard input).",
)
@click.option(
    "-o",
    "--out",
    "out",
    metavar="PATH",
    help="Write to a directory (ends in / or exists: one file per object) or one file.",
)
@click.option("--kustomize", metavar="DIR", help="Write a Kustomize base into DIR.")
@click.option("--helm", metavar="DIR", help="Write a Helm chart into DIR.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["yaml", "json"]),
    default=None,
    help="Output format [default: yaml].",
)
@click.option("-j", "--json", "json_flag", is_flag=True, help="Same as --format json (kompose).")
@click.option("--stdout", "to_stdout", is_flag=True, help="Print to standard output (the default).")
@click.option("-n", "--namespace", help="Put every object in this namespace (and create it).")
@click.option(
    "--controller",
    callback=_controller,
    help="Workload kind: deployment, statefulset or daemonset.",
)
@click.option("--replicas", type=click.IntRange(min=0), help="Replicas of every workload.")
@click.option(
    "--volumes",
    callback=_volumes,
    help="Volumes as persistentVolumeClaim (default), emptyDir, hostPath or configMap.",
)
@click.option("--emptyvols", is_flag=True, hidden=True, help="Same as --volumes emptyDir.")
@click.option("--pvc-request-size", metavar="SIZE", help="Default PVC size [default: 1Gi].")
@click.option(
    "--service-type",
    callback=_service_type,
    help="Type of every Service: ClusterIP (default), NodePort or LoadBalancer.",
)
@click.option("--ingress-host", metavar="HOST", help="Expose published ports with an Ingress.")
@click.option("--ingress-class", metavar="NAME", help="spec.ingressClassName of Ingresses.")
@click.option(
    "--network-policies",
    "--generate-network-policies",
    "network_policies",
    is_flag=True,
    help="Turn compose networks into NetworkPolicies.",
)
@click.option(
    "--wait-for-dependencies",
    is_flag=True,
    help="Add init containers that wait for the Services of depends_on.",
)
@click.option("--profile", "profiles", multiple=True, help="Enable services of this profile.")
@click.option(
    "--env-file",
    "env_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Read interpolation variables from this file instead of <project dir>/.env.",
)
@click.option("--no-interpolate", is_flag=True, help="Do not replace ${VARIABLES}.")
@click.option(
    "--kubernetes-version",
    metavar="V",
    callback=kubernetes_version,
    help="Target Kubernetes version, e.g. 1.29.",
)
@click.option("--no-lint", is_flag=True, help="Do not lint the generated manifests.")
@click.option("-q", "--quiet", is_flag=True, help="Do not print conversion notes.")
@click.option("--force", is_flag=True, help="Overwrite files kconv did not write.")
@click.option("--dry-run", is_flag=True, help="List the files -o would write; write nothing.")
@click.option(
    "--check",
    is_flag=True,
    help="With -o: write nothing; exit 1 and print a diff if regenerating would change the files.",
)
@click.option(
    "--project-directory",
    type=click.Path(file_okay=False),
    help="The project directory (default: the folder of the first compose file).",
)
@click.option("-p", "--project-name", help="The project name (default: `name:` or the folder).")
@click.option(
    "--with-kompose-annotation",
    type=bool,
    default=None,
    hidden=True,
    help="Accepted for kompose compatibility; kconv never adds kompose annotations.",
)
@handle_errors
def convert_command(
    files: tuple[str, ...],
    file_options: tuple[str, ...],
    out: str | None,
    kustomize: str | None,
    helm: str | None,
    output_format: str | None,
    json_flag: bool,
    to_stdout: bool,
    namespace: str | None,
    controller: str | None,
    replicas: int | None,
    volumes: str | None,
    emptyvols: bool,
    pvc_request_size: str | None,
    service_type: str | None,
    ingress_host: str | None,
    ingress_class: str | None,
    network_policies: bool,
    wait_for_dependencies: bool,
    profiles: tuple[str, ...],
    env_files: tuple[str, ...],
    no_interpolate: bool,
    kubernetes_version: str | None,
    no_lint: bool,
    quiet: bool,
    force: bool,
    dry_run: bool,
    check: bool,
    project_directory: str | None,
    project_name: str | None,
    with_kompose_annotation: bool | None,
) -> None:
    """Convert a compose project into Kubernetes manifests.

    Files, merging, interpolation and profiles work as in `kconv config`. Notes about the
    conversion go to standard error, one line each with the compose file:line:col. The output
    is linted with kconv's rules unless --no-lint; error findings make the exit code 1.

    \b
    Examples:
      kconv convert compose.yaml -o k8s/
      kconv convert -f compose.yaml -f compose.prod.yaml -n shop --ingress-host shop.example.com
      kconv convert --controller statefulset --format json > manifests.json
      kconv convert compose.yaml -o k8s/ --check    # CI: fail if k8s/ is stale
      kconv convert compose.yaml --kustomize base/   # then: kubectl kustomize base/
      kconv convert compose.yaml --helm chart/       # then: helm template shop chart/
    """
    from kconv.compose.loader import load_project
    from kconv.convert import ConvertOptions, convert
    from kconv.convert import output as output_mod
    from kconv.convert.names import (
        HOST_HINT,
        dns_label,
        is_ingress_host,
        is_object_name,
    )
    from kconv.convert.options import DEFAULT_KUBERNETES_VERSION
    from kconv.convert.quantities import normalise_quantity

    fmt = "json" if json_flag else (output_format or "yaml")
    if out == "-":
        out, to_stdout = None, True
    if out and to_stdout:
        raise click.UsageError("--out and --stdout cannot be used together")
    targets = (
        ("--out", out),
        ("--kustomize", kustomize),
        ("--helm", helm),
        ("--stdout", to_stdout),
    )
    chosen_targets = [name for name, value in targets if value]
    if len(chosen_targets) > 1:
        raise click.UsageError(f"{' and '.join(chosen_targets)} cannot be used together")
    if helm and fmt == "json":
        raise click.UsageError("--helm writes a chart in YAML: --format json does not apply")
    if check and not (kustomize or helm) and (not out or to_stdout):
        raise click.UsageError("--check compares with files: give the output with -o PATH")
    if check and dry_run:
        raise click.UsageError("--check and --dry-run cannot be used together")
    if emptyvols and volumes not in (None, "emptyDir"):
        raise click.UsageError("--emptyvols and --volumes cannot be used together")
    if namespace is not None and dns_label(namespace) != namespace:
        raise click.BadParameter(f"{namespace!r} is not a valid namespace name", param_hint="-n")
    if ingress_host is not None and not is_ingress_host(ingress_host):
        raise click.BadParameter(
            f"{ingress_host!r} is not a valid host name; use {HOST_HINT}",
            param_hint="--ingress-host",
        )
    if ingress_class is not None and not is_object_name(ingress_class):
        raise click.BadParameter(
            f"{ingress_class!r} cannot name an IngressClass; use a lower-case DNS name such as "
            '"nginx"',
            param_hint="--ingress-class",
        )
    if pvc_request_size is not None and normalise_quantity(pvc_request_size) is None:
        raise click.BadParameter(
            f"{pvc_request_size!r} is not a size", param_hint="--pvc-request-size"
        )
    chosen = (*files, *file_options)
    stdin_text = click.get_text_stream("stdin").read() if "-" in chosen else None
    project = load_project(
        chosen,
        working_dir=project_directory,
        project_name=project_name,
        profiles=profiles,
        env_files=env_files or None,
        interpolate=not no_interpolate,
        stdin_text=stdin_text,
    )
    options = ConvertOptions(
        namespace=namespace,
        controller=controller,
        replicas=replicas,
        volumes="emptyDir" if emptyvols else (volumes or "persistentVolumeClaim"),
        pvc_request_size=pvc_request_size,
        service_type=service_type,
        ingress_host=ingress_host,
        ingress_class=ingress_class,
        network_policies=network_policies,
        wait_for_dependencies=wait_for_dependencies,
        kubernetes_version=(kubernetes_version or DEFAULT_KUBERNETES_VERSION).removeprefix("v"),
    )
    result = convert(project, options)
    notes = list(result.notes)
    lint_errors = 0
    if not no_lint:
        from kconv.convert.lint import lint_result
        from kconv.errors import KconvError

        try:
            findings = lint_result(result, options.kubernetes_version, project)
        except KconvError as exc:  # a broken rule set must not cost the user the conversion
            click.echo(f"kconv: warning: the output was not linted: {exc}", err=True)
            findings = []
        lint_errors = sum(1 for note in findings if note.severity == "error")
        notes.extend(findings)
    if not quiet:
        for warning in getattr(project, "warnings", ()):
            click.echo(f"kconv: warning: {warning}", err=True)
    for note in notes:
        # -q drops the notes, not the errors that make the exit code 1
        if not quiet or note.severity == "error":
            click.echo(str(note), err=True)
    if kustomize or helm:
        from kconv.cli.convert_targets import emit_target

        emit_target(
            result.objects, project.name, kustomize, helm, fmt, force, dry_run, check, quiet
        )
    elif check and out:
        as_directory = out.endswith(("/", os.sep)) or os.path.isdir(out)
        checker = output_mod.check_directory if as_directory else output_mod.check_file
        diffs = checker(result.objects, out, fmt)
        if diffs:
            click.echo("".join(diffs), nl=False)
            click.echo(
                f"kconv: {len(diffs)} file(s) in {out} are out of date; rerun the same "
                "kconv convert without --check to regenerate them",
                err=True,
            )
            raise SystemExit(1)
        if not quiet:
            click.echo(f"kconv: {out} is up to date", err=True)
    elif out and not to_stdout:
        as_directory = out.endswith(("/", os.sep)) or os.path.isdir(out)
        writer = output_mod.write_directory if as_directory else output_mod.write_file
        from kconv.cli.convert_targets import report_written

        paths = writer(result.objects, out, fmt, force=force, dry_run=dry_run)
        removed = []
        if as_directory:
            removed = output_mod.prune_directory(paths, out, fmt, dry_run=dry_run)
        report_written(paths, removed, out, dry_run, quiet)
    else:
        click.echo(output_mod.render(result.objects, fmt), nl=False)
    if lint_errors:
        raise SystemExit(1)
