"""The `kconv` command line: a thin click layer over the library.

Subcommands live in one module each and are imported only when invoked, so `kconv --version`
and `kconv lint` of one file start fast. Library errors (`KconvError`) become one line on
stderr and exit code 2; `--debug` shows the traceback instead.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import os
import sys
from typing import Any

import click

from kconv import __version__

# command name -> (module, attribute, one-line help)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "config": (
        "kconv.cli.config_cmd",
        "config_command",
        "Print the fully resolved compose project (like `docker compose config`).",
    ),
    "convert": (
        "kconv.cli.convert_cmd",
        "convert_command",
        "Convert a compose project into Kubernetes manifests.",
    ),
    "graph": (
        "kconv.cli.graph_cmd",
        "graph_command",
        "Draw the objects and their relations (Mermaid, DOT, SVG).",
    ),
    "lint": (
        "kconv.cli.lint_cmd",
        "lint_command",
        "Lint Kubernetes manifests; findings with file:line:col.",
    ),
    "rules": ("kconv.cli.rules_cmd", "rules_command", "List the lint rules or explain one."),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attribute, _ = entry
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            return _not_yet(cmd_name)
        return getattr(module, attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _not_yet(name: str) -> click.Command:
    @click.command(
        name=name, help=COMMANDS[name][2], context_settings={"ignore_unknown_options": True}
    )
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def placeholder(args: tuple[str, ...]) -> None:
        raise click.UsageError(f"'kconv {name}' is not available in this version")

    return placeholder


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="kconv")
@click.option(
    "--debug",
    is_flag=True,
    envvar="KCONV_DEBUG",
    help="Show Python tracebacks for errors (for bug reports).",
)
@click.option(
    "--max-yaml-nodes",
    type=click.IntRange(min=1),
    envvar="KCONV_MAX_YAML_NODES",
    metavar="N",
    help="Refuse a YAML document that expands to more than N nodes (aliases counted as "
    "often as they are used; default 1000000).",
)
@click.option(
    "--max-yaml-depth",
    type=click.IntRange(min=1, max=5000),
    envvar="KCONV_MAX_YAML_DEPTH",
    metavar="N",
    help="Refuse a YAML document nested deeper than N levels (default 256, at most 5000).",
)
@click.pass_context
def cli(
    ctx: click.Context, debug: bool, max_yaml_nodes: int | None, max_yaml_depth: int | None
) -> None:
    """kconv converts docker-compose projects into production-grade Kubernetes manifests
    and lints Kubernetes manifests, pointing at the exact file, line and column.

    \b
    Examples:
      kconv convert compose.yaml -o k8s/
      kconv lint k8s/
      helm template ./chart | kconv lint -
      kconv config -f compose.yaml -f compose.prod.yaml
      kconv rules explain KC101

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, input or config error.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    _escape_what_stdout_cannot_encode()
    _set_yaml_limits(max_yaml_nodes, max_yaml_depth)


def _escape_what_stdout_cannot_encode() -> None:
    """Write what stdout's encoding cannot encode (a file name that is not UTF-8) as
    backslash escapes, as `-o` files are (`kconv.textfile.ERRORS`), rather than failing."""
    from kconv.textfile import ERRORS

    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if callable(reconfigure):
        with contextlib.suppress(Exception):  # a stream that cannot change: left as it is
            reconfigure(errors=ERRORS)


def _set_yaml_limits(max_nodes: int | None, max_depth: int | None) -> None:
    """Apply the YAML limits of this run (the defaults when none is given; yaml is imported
    only when it is needed)."""
    if max_nodes is None and max_depth is None and "kconv.yamlio" not in sys.modules:
        return
    from kconv import yamlio

    default = yamlio.DEFAULT_LIMITS
    yamlio.set_default_limits(
        yamlio.Limits(
            max_depth=max_depth or default.max_depth, max_nodes=max_nodes or default.max_nodes
        )
    )


def run() -> None:
    """The `kconv` console script and `python -m kconv`: `main`, then end the process at once.

    `os._exit` skips the interpreter's teardown, a last garbage collection over everything
    still referenced and then freeing every module: 7% of the instructions of linting one
    file, and as much again after a large run. The output streams are flushed first; kconv
    registers no atexit handlers and leaves no thread running. An exception that escapes
    `main` (`--debug`) ends the process the usual way. Library callers and tests use `main`.
    """
    try:
        main()
        status = 0
    except SystemExit as stop:
        status = exit_status(stop.code)
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe or stream (None when the descriptor was closed at start-up): nothing
        # more can be written
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(status)


# what writing standard output can fail with (`> /dev/full`, a dead disk, a closed descriptor)
_OUTPUT_ERRNOS = frozenset(
    getattr(errno, name)
    for name in ("ENOSPC", "EDQUOT", "EFBIG", "EIO", "EBADF")
    if hasattr(errno, name)
)


def _say(message: str) -> None:
    """Print `message` on stderr, unless stderr is closed (the exit code still tells)."""
    with contextlib.suppress(OSError):
        click.echo(message, err=True)


def exit_status(code: object) -> int:
    """The process status for `sys.exit(code)`, as the interpreter computes it (a message is
    printed to stderr and gives 1)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def main(argv: list[str] | None = None) -> Any:
    """Run the command line with `argv` (default: `sys.argv[1:]`); raises SystemExit."""
    import gc

    # A command is a short-lived process that builds trees (no cycles): collecting cycles
    # every 700 allocations only costs time (2% of linting one file).
    gc.set_threshold(max(gc.get_threshold()[0], 20_000))
    debug = "--debug" in (argv if argv is not None else sys.argv[1:]) or bool(
        os.environ.get("KCONV_DEBUG")
    )
    try:
        return cli.main(args=argv, prog_name="kconv", standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # the last line of defence: never a traceback for users
        from kconv.errors import KconvError

        if debug:
            # the traceback, then the exit code the error has without --debug
            import traceback

            traceback.print_exc()
            sys.exit(2)
        if isinstance(exc, KconvError):
            _say(f"kconv: error: {exc}")
        elif isinstance(exc, OSError) and exc.errno in _OUTPUT_ERRNOS:  # stdout failed
            _say(f"kconv: error: cannot write the output: {exc.strerror}")
        else:
            _say(
                f"kconv: internal error: {type(exc).__name__}: {exc} "
                "(run with --debug for the traceback and please report it)"
            )
        sys.exit(2)
