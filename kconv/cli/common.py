"""Helpers shared by the subcommands: error handling and output."""

from __future__ import annotations

import functools
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
