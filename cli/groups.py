"""A command group (or the app itself) that answers a bare call with its help."""

from __future__ import annotations

import typer


def _help_when_bare(ctx: typer.Context) -> None:
    """Bare `lexwatch` or a bare group prints its help and exits 0, as `--help` does."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def group(help: str) -> typer.Typer:
    """A command group (or the app) that answers a bare call with its help."""
    made = typer.Typer(help=help)
    made.callback(invoke_without_command=True)(_help_when_bare)
    return made
