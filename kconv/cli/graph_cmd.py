"""`kconv graph`: draw the objects and their relations; list the broken ones on stderr."""

from __future__ import annotations

import click

from kconv.cli.common import handle_errors


@click.command(name="graph")
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option(
    "--compose",
    "compose_files",
    multiple=True,
    metavar="FILE",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Convert this compose file first and draw the result (repeat to merge several).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["mermaid", "dot", "svg"]),
    default="mermaid",
    show_default=True,
    help="Mermaid (renders in GitHub/GitLab Markdown), Graphviz DOT, or SVG (needs `dot`).",
)
@click.option("-o", "--output", metavar="FILE", help="Write the drawing to FILE.")
@click.option("--fail-on-broken", is_flag=True, help="Exit with code 1 when a relation is broken.")
@click.option("-q", "--quiet", is_flag=True, help="Do not list broken relations on stderr.")
@handle_errors
def graph_command(
    paths: tuple[str, ...],
    compose_files: tuple[str, ...],
    output_format: str,
    output: str | None,
    fail_on_broken: bool,
    quiet: bool,
) -> None:
    """Draw the objects in PATHS (files, directories, `-` for stdin) and their relations:
    Ingress to Service to workload, workloads to the ConfigMaps, Secrets and PVCs they use,
    NetworkPolicies, autoscalers and disruption budgets to what they select.

    Broken relations (a selector that matches no pods, a missing ConfigMap, Secret or PVC, an
    Ingress to a missing Service) are drawn in red and listed on stderr with file:line:col.

    \b
    Examples:
      kconv graph k8s/ > graph.mmd
      kconv graph k8s/ --format svg -o graph.svg
      kconv graph --compose compose.yaml --format dot | dot -Tpng > graph.png
      helm template ./chart | kconv graph -

    Exit codes: 0 drawn, 1 broken relations with --fail-on-broken, 2 usage or input error.
    """
    from kconv.graph import build_graph, render
    from kconv.graph.sources import from_compose, from_manifests

    if not paths and not compose_files:
        raise click.UsageError("give manifest PATHS, `-` for stdin, or --compose FILE")
    if "-" in paths and "-" in compose_files:
        raise click.UsageError("standard input can be read only once")
    reads_stdin = "-" in paths or "-" in compose_files
    stdin_text = click.get_text_stream("stdin").read() if reads_stdin else None
    objects = []
    if compose_files:
        objects.extend(from_compose(compose_files, stdin_text))
    if paths:
        found, problems = from_manifests(paths, stdin_text)
        objects.extend(found)
        for problem in problems:
            click.echo(f"kconv: warning: {problem.location}: {problem.message}", err=True)
    if not objects:
        click.echo("kconv: warning: no Kubernetes objects found", err=True)
    graph = build_graph(objects)
    text = render(graph, output_format)
    if output and output != "-":
        _write(output, text)
    else:
        click.echo(text, nl=False)
    if graph.broken and not quiet:
        for broken in graph.broken:
            click.echo(f"{broken.location}: broken relation: {broken.message}", err=True)
        click.echo(f"kconv: {len(graph.broken)} broken relation(s)", err=True)
    if graph.broken and fail_on_broken:
        raise SystemExit(1)


def _write(path: str, text: str) -> None:
    from kconv.errors import OutputError
    from kconv.model.location import Location
    from kconv.textfile import write_atomically

    try:
        write_atomically(path, text)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}", Location(path)) from None
