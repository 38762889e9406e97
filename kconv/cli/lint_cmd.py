"""`kconv lint`: lint Kubernetes manifests and report findings with file:line:col."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

import click

from kconv.cli.common import handle_errors, kubernetes_version
from kconv.model.location import Location
from kconv.report import FORMATS

SCHEMA_RULES = ("KC010", "KC011")
SCHEMA_RULE = "KC010"
_KLOG = re.compile(r"^[IWEF][0-9]{4} [0-9:.]+\s+[0-9]+ [^\]]+\] ")  # kubectl's log prefix


def _use_color(output: str | None) -> bool:
    if output is not None or os.environ.get("NO_COLOR"):  # no-color.org: set and non-empty
        return False
    stream = click.get_text_stream("stdout")
    return bool(getattr(stream, "isatty", lambda: False)())


@click.command(
    "lint",
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog="Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, input or config error.",
)
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to FILE.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help="Configuration file (default: the nearest .kconv.yaml above the current directory).",
)
@click.option(
    "--kubernetes-version",
    metavar="V",
    callback=kubernetes_version,
    help="Target Kubernetes version, e.g. 1.29 (schemas, APIs).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    help="Lowest severity that makes the exit code 1 (default: error).",
)
@click.option(
    "--select", multiple=True, metavar="RULES", help="Only these rules (ids, prefixes, names, ALL)."
)
@click.option(
    "--ignore", multiple=True, metavar="RULES", help="Skip these rules (ids, prefixes, names)."
)
@click.option("--no-schema", is_flag=True, help="Skip Kubernetes schema validation.")
@click.option("--strict-schema", is_flag=True, help="Report unknown fields as schema errors.")
@click.option("--no-suppressions", is_flag=True, help="Ignore every ignore annotation and comment.")
@click.option(
    "--shard",
    metavar="I/N",
    help="Lint only shard I of N (1-based) of the files, split by a stable hash of each path.",
)
@click.option(
    "--kustomize",
    "kustomize_dir",
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Also lint the output of `kubectl kustomize DIR` (reported as <kustomize DIR>).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print findings only, without the summary line or the progress bar.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes (default: the CPUs this process may use, within a container's CPU "
    "limit; 1: none). Small inputs use fewer. "
    "The report is the same whatever N is.",
)
@handle_errors
def lint_command(
    paths: tuple[str, ...],
    output_format: str,
    output: str | None,
    config_path: str | None,
    kubernetes_version: str | None,
    fail_on: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    no_schema: bool,
    strict_schema: bool,
    no_suppressions: bool,
    shard: str | None,
    kustomize_dir: str | None,
    quiet: bool,
    jobs: int | None,
) -> None:
    """Lint Kubernetes manifests in PATHS (files or directories; `-` reads stdin).

    \b
    Examples:
      kconv lint k8s/
      helm template ./chart | kconv lint -
      kconv lint --select KC1 --ignore KC105 --format sarif -o kconv.sarif k8s/
      kconv lint --kustomize overlays/prod
      kconv lint --shard 2/4 manifests/
    """
    from kconv.errors import OutputError
    from kconv.lint.config import load_config
    from kconv.lint.rule import Severity
    from kconv.lint.selection import split_selectors
    from kconv.manifests import STDIN_NAME
    from kconv.report import block_renderer, render
    from kconv.textfile import write_atomically, write_slices

    if not paths and kustomize_dir is None:
        raise click.UsageError(
            "nothing to lint: pass manifest files or directories, or - to read stdin "
            "(e.g. `kconv lint k8s/` or `helm template . | kconv lint -`)"
        )
    config = load_config(config_path)
    shard_spec = _parse_shard(shard)
    selected = split_selectors(select)
    ignored = split_selectors(ignore)
    if no_schema:
        ignored += [rule for rule in SCHEMA_RULES if _known(rule)]
        selected = [rule for rule in selected if rule not in SCHEMA_RULES]
        if select and not selected:
            raise click.UsageError("--no-schema leaves no rule selected")
    if strict_schema and not no_schema and _known(SCHEMA_RULE):
        config = config.with_rule_params(SCHEMA_RULE, {"strict": True})
    options: dict[str, Any] = {
        "config": config,
        "select": selected,
        "ignore": ignored,
        "kubernetes_version": kubernetes_version,
        "suppressions": False if no_suppressions else None,
    }
    files, total = _files(paths, shard_spec)
    sources: list[Any] = [
        (STDIN_NAME, click.get_binary_stream("stdin").read()) if file == "-" else file
        for file in files
    ]
    if kustomize_dir is not None:
        total += 1  # its output is one more input, which shard 1 lints
        if shard_spec is None or shard_spec.owns("-"):
            sources.append(_kustomize(kustomize_dir))
    # a shard that holds every input (`--shard 1/1`, or one file in shard 1 of 2) is whole
    options["partial"] = len(sources) < total
    if options["partial"]:
        from kconv.lint.shard import PARTIAL_NOTE

        click.echo(PARTIAL_NOTE.format(spec=shard_spec, files=len(sources), total=total), err=True)
    color = output_format == "text" and _use_color(output)
    # workers, when they run, also render their files' parts of the report; the report needs
    # only those and each file's count of findings by severity, not the findings
    options["render_block"] = block_renderer(output_format, color=color)
    options["keep_findings"] = False
    result = _lint_files(sources, quiet, jobs, options)
    if output_format == "text":
        from kconv.report.text_format import render as render_text

        text = render_text(result, color=color, quiet=quiet, blocks=result.blocks)
    else:
        text = render(result, output_format, blocks=result.blocks)
    if output is not None:
        try:
            write_atomically(output, text)
        except OSError as exc:
            raise OutputError(
                f"cannot write report: {exc.strerror or exc}", Location(output)
            ) from None
    else:
        write_slices(lambda part: click.echo(part, nl=False), text)
    threshold = Severity.parse(fail_on) if fail_on else (config.fail_on or Severity.ERROR)
    sys.exit(1 if result.fails(threshold) else 0)


def _files(paths: tuple[str, ...], shard: Any = None) -> tuple[list[str], int]:
    """(the files to read: only SHARD's when given, how many files there are in all).
    Directories are walked, skipping hidden files found there (`.kconv.yaml`,
    `.gitlab-ci.yml`, `.pre-commit-config.yaml` are not manifests)."""
    from kconv.manifests import discover

    given = set(paths)
    files = [
        file
        for file in discover(paths)
        if file in given or not os.path.basename(file).startswith(".")
    ]
    return (files if shard is None else shard.select(files)), len(files)


def _parse_shard(text: str | None) -> Any:
    if text is None:
        return None
    from kconv.lint.shard import parse_shard

    try:
        return parse_shard(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="'--shard'") from None


def _lint_files(files: list[Any], quiet: bool, jobs: int | None, options: dict[str, Any]) -> Any:
    """Lint FILES (paths, and (name, content) of stdin and kustomize output) with JOBS
    processes (see kconv.lint.parallel), with a progress bar on stderr when it is a terminal
    and loading is slow."""
    from kconv.lint.parallel import lint_files
    from kconv.progress import Progress, colour_allowed, wanted

    stream = click.get_text_stream("stderr")
    if len(files) < 2 or not wanted(stream, quiet=quiet):
        return lint_files(files, jobs=jobs, **options)
    progress = Progress(len(files), stream=stream, colour=colour_allowed())
    try:
        return lint_files(files, jobs=jobs, on_parsed=progress.advance, **options)
    finally:
        progress.close()


def _kustomize(directory: str) -> tuple[str, bytes]:
    """Run `kubectl kustomize DIRECTORY`: its output, named `<kustomize DIRECTORY>`."""
    import shutil
    import subprocess

    from kconv import yamlio
    from kconv.errors import InputError

    kubectl = shutil.which("kubectl")
    if kubectl is None:
        raise InputError(
            "--kustomize needs kubectl on PATH (it runs `kubectl kustomize DIR`); install "
            "kubectl or pipe the rendered output: `kustomize build DIR | kconv lint -`",
            Location(directory),
        )
    try:
        done = subprocess.run(
            [kubectl, "kustomize", directory],
            capture_output=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except OSError as exc:
        raise InputError(
            f"cannot run kubectl: {exc.strerror or exc}", Location(directory)
        ) from None
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = _KLOG.sub("", lines[0]) if lines else f"exit status {done.returncode}"
        raise InputError(f"`kubectl kustomize` failed: {reason}", Location(directory))
    name = f"<kustomize {directory}>"
    yamlio.decode(done.stdout, name)  # undecodable output is an error, not a finding
    return name, done.stdout


def _known(rule_id: str) -> bool:
    from kconv.lint.registry import load_rules

    return any(spec.id == rule_id for spec in load_rules())
