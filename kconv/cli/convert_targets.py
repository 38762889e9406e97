"""Writing (or checking) `kconv convert --kustomize DIR` and `--helm DIR` output."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click


def emit_target(
    objects: Sequence[dict[str, Any]],
    project: str,
    kustomize: str | None,
    helm: str | None,
    fmt: str,
    force: bool,
    dry_run: bool,
    check: bool,
    quiet: bool,
) -> None:
    """Write the Kustomize base or Helm chart; with `check`, exit 1 with a diff when stale."""
    from kconv.convert import helm as helm_mod
    from kconv.convert import kustomize as kustomize_mod

    directory = kustomize or helm or ""
    if check:
        if kustomize:
            diffs = kustomize_mod.check_kustomize(objects, directory, fmt)
        else:
            diffs = helm_mod.check_chart(objects, directory, project)
        if diffs:
            click.echo("".join(diffs), nl=False)
            click.echo(
                f"kconv: {len(diffs)} file(s) in {directory} are out of date; rerun the same "
                "kconv convert without --check to regenerate them",
                err=True,
            )
            raise SystemExit(1)
        if not quiet:
            click.echo(f"kconv: {directory} is up to date", err=True)
        return
    removed: list[str] = []
    if kustomize:
        from kconv.convert.output import prune_directory

        paths = kustomize_mod.write_kustomize(objects, directory, fmt, force=force, dry_run=dry_run)
        removed = prune_directory(paths, directory, fmt, dry_run=dry_run)
    else:
        paths = helm_mod.write_chart(objects, directory, project, force=force, dry_run=dry_run)
        removed = helm_mod.prune_chart(paths, directory, dry_run=dry_run)
    report_written(paths, removed, directory, dry_run, quiet)


def report_written(
    paths: Sequence[str], removed: Sequence[str], target: str, dry_run: bool, quiet: bool
) -> None:
    """Say what was written and removed: with `dry_run`, each path that would be written on
    stdout and each that would be removed on stderr; otherwise a count on stderr."""
    if dry_run:
        for path in paths:
            click.echo(path)
        for path in removed:
            click.echo(
                f"kconv: would remove {path} (kconv wrote it, and writes it no more)", err=True
            )
    elif not quiet:
        gone = f", removed {len(removed)} that kconv writes no more" if removed else ""
        click.echo(f"kconv: wrote {len(paths)} file(s) to {target}{gone}", err=True)
