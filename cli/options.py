"""Options several commands share, and naming a refused field by the option that set it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from vocab.errors import ConfigError

ParamOpt = Annotated[list[str] | None, typer.Option("--param", help="key=value, repeatable")]


@contextmanager
def flags(**labels: str) -> Iterator[None]:
    """A refused field is named by the option that set it: `--every: …`; `labels` name the
    fields a command takes otherwise (an argument: `name="NAME"`)."""
    try:
        yield
    except ConfigError as exc:
        if not exc.field:
            raise
        raise ConfigError(f"{labels.get(exc.field) or _flag(exc.field)}: {exc}") from exc


def _flag(field: str) -> str:
    """`every` -> `--every`, `params.selector` -> `--param selector`, the schedule -> both."""
    if field.startswith("params"):
        return " ".join(["--param", *field.split(".", 1)[1:]])
    return "--every/--cron" if field == "schedule" else f"--{field}"
