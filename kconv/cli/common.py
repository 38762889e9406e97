"""Helpers shared by the subcommands: error handling and output."""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

import click

from kconv.errors import KconvError

F = TypeVar("F", bound=Callable[..., Any])


class KconvClickError(click.ClickException):
    """A library error shown as `kconv: error: <file:line:col>: <message>`, exit code 2."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        with contextlib.suppress(OSError):  # stderr closed: the exit code still says it
            click.echo(f"kconv: error: {self.format_message()}", err=True)


def handle_errors(func: F) -> F:
    """Turn KconvError into exit code 2 with one clean line (or re-raise under --debug)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KconvError as exc:
            ctx = click.get_current_context(silent=True)
            if ctx is not None and (ctx.find_root().obj or {}).get("debug"):
                raise
            raise KconvClickError(str(exc)) from None

    return wrapper  # type: ignore[return-value]


_VERSION = re.compile(r"v?[0-9]+\.[0-9]+(\.[0-9]+)?")


def kubernetes_version(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """Check `--kubernetes-version` (a click callback, for every command that takes it):
    `1.29`, `v1.29` or `1.29.3`; anything else is a usage error."""
    if value is not None and not _VERSION.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not a Kubernetes version such as 1.29")
    return value
