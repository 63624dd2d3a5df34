"""Options several commands share, naming a refused field by the option that set it, and
the one-off fetch that `sources test` and `capture` make of their options."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from crawlers.sourcespec import SourceSpec, parse_params, to_source
from vocab import logs
from vocab.errors import ConfigError
from vocab.fetch import Plan, Target
from vocab.settings import Settings, get_settings

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


def one_off(
    kind: str, url: str, name: str, param: list[str] | None, *, raw: bool = False
) -> tuple[Settings, Plan]:
    """The settings, and a plan to fetch once what `--kind`, `--url` and `--param` name,
    checked as a source is (nothing is saved; `raw`: every answer kept as it came)."""
    settings = get_settings()
    logs.configure(settings.log_file)
    with flags():
        spec = SourceSpec(kind, url, name, params=parse_params(param or []))
        source = to_source(spec, default_every="1d")
    target = Target(source.url, source.params, settings.secrets())
    return settings, Plan(0, name, source.kind, target, raw=raw)
