"""`kconv config`: print the fully resolved compose project, like `docker compose config`."""

from __future__ import annotations

import click

from kconv.cli.common import handle_errors


@click.command(name="config")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "-f",
    "--file",
    "file_options",
    multiple=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="A compose file (repeat to merge several; `-` reads standard input).",
)
@click.option(
    "--profile",
    "profiles",
    multiple=True,
    help="Enable services of this profile (repeatable; `*` enables all).",
)
@click.option(
    "--env-file",
    "env_files",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Read interpolation variables from this file instead of <project dir>/.env.",
)
@click.option(
    "--no-interpolate", is_flag=True, help="Do not replace ${VARIABLES}; print values as written."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["yaml", "json"]),
    default="yaml",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--project-directory",
    type=click.Path(file_okay=False),
    help="The project directory (default: the folder of the first compose file).",
)
@click.option("-p", "--project-name", help="The project name (default: `name:` or the folder).")
@handle_errors
def config_command(
    files: tuple[str, ...],
    file_options: tuple[str, ...],
    profiles: tuple[str, ...],
    env_files: tuple[str, ...],
    no_interpolate: bool,
    output_format: str,
    project_directory: str | None,
    project_name: str | None,
) -> None:
    """Print the resolved compose project: files merged, variables interpolated, extends and
    include applied, profiles filtered, every service in long syntax.

    With no file, reads compose.yaml (or compose.yml, docker-compose.yaml, docker-compose.yml)
    and its .override file from the current directory, or the files listed in COMPOSE_FILE.
    Values of secret-looking variables are printed as "<redacted>".

    \b
    Examples:
      kconv config
      kconv config -f compose.yaml -f compose.prod.yaml --format json
      kconv config --profile debug --env-file prod.env
    """
    from kconv.compose.loader import load_project
    from kconv.compose.serialize import project_to_dict
    from kconv.yamlio import dump_json, dump_yaml

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
    for warning in project.warnings:
        click.echo(f"kconv: warning: {warning}", err=True)
    data = project_to_dict(project)
    click.echo(dump_json(data) if output_format == "json" else dump_yaml(data), nl=False)
