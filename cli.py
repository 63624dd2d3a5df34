"""The `lexwatch` command: one thin function per command.

Every deliberate error (errors.LexwatchError) ends as one line on stderr and exit
status 2; `--format json` gives machine-readable output wherever a person might
script it.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from config import get_settings
from crawlers.sites import SITES, kinds_markdown, summary
from crawlers.sites.base import Response, record_to_json
from crawlers.sourcespec import SourceSpec, parse_params, specs_from_yaml, to_source, to_yaml
from db import repo
from db import views as status_view
from db.engine import get_engine, session_scope
from errors import ConfigError, LexwatchError, NotFound
from monitor.normalise import normalise

app = typer.Typer(
    help="Lexwatch: follow legislative files across EU and national sources.", no_args_is_help=True
)
sources_app = typer.Typer(help="Add, list, test and remove watched sources.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
out = Console()


class Format(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


FormatOpt = Annotated[
    Format, typer.Option("--format", help="text for people, json for scripts (markdown: kinds)")
]
ParamOpt = Annotated[list[str] | None, typer.Option("--param", help="key=value, repeatable")]


def _engine():
    """The database, upgraded and (on its first start) seeded with the default watch list."""
    from db.seed import seed_once

    settings = get_settings()
    engine = get_engine(settings.db_url)
    seed_once(engine, settings)
    return engine


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


# -- sources ---------------------------------------------------------------


@sources_app.command("add")
def sources_add(
    kind: Annotated[str, typer.Option(help="source kind, see `lexwatch kinds`")],
    url: Annotated[str, typer.Option(help="address to watch")] = "",
    name: Annotated[str, typer.Option(help="a unique name (default: from the URL)")] = "",
    jurisdiction: Annotated[str, typer.Option(help="EU, NL, DE, UK, US, …")] = "",
    every: Annotated[str, typer.Option(help="interval: 30s, 15m, 6h, 1d")] = "",
    cron: Annotated[str, typer.Option(help='crontab schedule, e.g. "0 6 * * *"')] = "",
    param: ParamOpt = None,
    format: FormatOpt = Format.text,
) -> None:
    """Watch a new source."""
    spec = SourceSpec(kind, url, name, jurisdiction, every, cron, parse_params(param or []))
    source = to_source(spec, default_every=get_settings().default_every)
    with session_scope(_engine()) as session:
        repo.add_source(session, source=source)
        data = status_view.source_dict(source)
    _print_json(data) if format == Format.json else out.print(
        f"Added source '{source.name}' ({source.kind})"
    )


@sources_app.command("list")
def sources_list(format: FormatOpt = Format.text) -> None:
    """List watched sources."""
    with session_scope(_engine()) as session:
        rows = [status_view.source_dict(s) for s in repo.list_sources(session)]
    if format == Format.json:
        return _print_json(rows)
    table = Table("name", "kind", "jurisdiction", "schedule", "enabled", "url")
    for row in rows:
        table.add_row(
            row["name"],
            row["kind"],
            row["jurisdiction"],
            row["schedule"],
            str(row["enabled"]),
            row["url"],
        )
    out.print(table)


@sources_app.command("remove")
def sources_remove(name: Annotated[str, typer.Argument(help="source name or id")]) -> None:
    """Stop watching a source and delete its history."""
    with session_scope(_engine()) as session:
        source = repo.find_source(session, name_or_id=name)
        repo.remove_source(session, source=source)
    out.print(f"Removed source '{name}'")


@sources_app.command("import")
def sources_import(
    file: Annotated[Path, typer.Argument(help="YAML file with sources: and procedures:")],
) -> None:
    """Add (or update, by name) the sources of a YAML file."""
    if not file.is_file():
        raise ConfigError(f"no file at {file}: give the path of a YAML file")
    specs = specs_from_yaml(file.read_text(encoding="utf-8"))
    default = get_settings().default_every
    sources = [to_source(spec, default_every=default) for spec in specs]
    with session_scope(_engine()) as session:
        added, updated = repo.upsert_sources(session, sources=sources)
    out.print(f"Imported {len(sources)} sources from {file}: {added} added, {updated} updated")


@sources_app.command("export")
def sources_export() -> None:
    """Print every source as YAML (what `sources import` reads)."""
    with session_scope(_engine()) as session:
        sys.stdout.write(to_yaml(repo.list_sources(session)))


@sources_app.command("test")
def sources_test(
    kind: Annotated[str, typer.Option(help="source kind")],
    url: Annotated[str, typer.Option(help="address to fetch")] = "",
    param: ParamOpt = None,
) -> None:
    """Fetch and parse once, save nothing, print what would be recorded."""
    from crawlers import reactor
    from crawlers.items import Plan
    from crawlers.sites.base import Target
    from monitor.run import try_source

    settings = get_settings()
    source = to_source(
        SourceSpec(kind, url, "test", params=parse_params(param or [])), default_every="1d"
    )
    plan = Plan(0, "test", source.kind, Target(source.url, source.params, settings.secrets()))
    record = reactor.run_coroutine(try_source(plan, settings))
    _print_json(record_to_json(record))


# -- parsing, crawling, changes, status ---------------------------------------


@app.command("kinds")
def kinds(format: FormatOpt = Format.text) -> None:
    """List the source kinds and what each reads."""
    rows = [
        {"kind": k, "description": summary(m), "url": m.URL_HELP, "params": m.PARAMS}
        for k, m in SITES.items()
    ]
    if format == Format.markdown:
        sys.stdout.write(kinds_markdown())
        return None
    if format == Format.json:
        return _print_json(rows)
    for row in rows:
        out.print(f"[bold]{row['kind']}[/bold]: {row['description']}\n  URL: {row['url']}")


@app.command("parse")
def parse(
    file: Annotated[Path, typer.Argument(help="a saved response")],
    kind: Annotated[str, typer.Option(help="source kind that reads it")],
    url: Annotated[str, typer.Option(help="the URL it was fetched from")] = "",
    param: ParamOpt = None,
) -> None:
    """Parse a saved response offline and print the record as JSON."""
    if kind not in SITES:
        raise ConfigError(f"unknown kind '{kind}': choose one of {', '.join(sorted(SITES))}")
    if not file.is_file():
        raise ConfigError(f"no file at {file}: give the path of a saved response")
    response = Response(url or file.resolve().as_uri(), file.read_bytes())
    record = SITES[kind].parse([response], parse_params(param or []))
    _print_json(record_to_json(normalise(record)))


@app.command("crawl")
def crawl(
    source: Annotated[
        list[str] | None, typer.Option("--source", help="name or id; repeatable")
    ] = None,
    format: FormatOpt = Format.text,
) -> None:
    """Crawl now: every enabled source, or the ones named."""
    from crawlers import reactor
    from monitor.run import crawl_pass

    settings = get_settings()
    engine = _engine()
    with session_scope(engine) as session:
        chosen = status_view.choose_sources(session, source or [])
    with (
        out.status(f"Crawling {len(chosen)} sources…", spinner="dots")
        if format == Format.text
        else _nothing()
    ):
        reports = reactor.run_coroutine(crawl_pass(engine, settings, chosen))
    if format == Format.json:
        return _print_json([r.__dict__ for r in reports])
    for report in reports:
        out.print(report.line(), markup=False, highlight=False)


@app.command("changes")
def changes(
    since: Annotated[str, typer.Option(help="ISO date or datetime, or 7d / 24h")] = "",
    source: Annotated[
        list[str] | None, typer.Option("--source", help="name or id; repeatable")
    ] = None,
    format: FormatOpt = Format.text,
) -> None:
    """List recorded changes, oldest first."""
    when = _since(since)
    with session_scope(_engine()) as session:
        ids = [repo.find_source(session, name_or_id=s).id for s in source or []]
        rows = [
            status_view.change_dict(c, n, k)
            for c, n, k in repo.changes(session, since=when, source_ids=ids)
        ]
    if format == Format.json:
        return _print_json(rows)
    for row in rows:
        out.print(
            f"{row['detected_at'][:16]} [{row['significance']}] {row['source']}: {row['summary']}",
            markup=False,
        )


@app.command("status")
def status(format: FormatOpt = Format.text) -> None:
    """Sources with their health, last run, last success, last change and next run."""
    with session_scope(_engine()) as session:
        rows = status_view.status_rows(session, now=datetime.now(UTC))
    if format == Format.json:
        return _print_json(rows)
    table = Table(
        "source", "kind", "health", "last run", "last success", "last change", "next run", "reason"
    )
    for r in rows:
        table.add_row(r["name"], r["kind"], r["health"], _short(r["last_run_at"]), _short(r["last_success_at"]),
                      _short(r["last_change_at"]), _short(r["next_run_at"]), r["health_reason"][:60])  # fmt: skip
    out.print(table)


@app.command("run")
def run() -> None:
    """Run the service: crawl every source on its schedule, send the weekly digests (Ctrl-C stops)."""
    import scheduler

    _engine()
    raise typer.Exit(scheduler.run(get_settings()))


@app.command("files")
def files(format: FormatOpt = Format.text) -> None:
    """List the legislative files Lexwatch knows, with their stage."""
    with session_scope(_engine()) as session:
        rows = [
            {"key": d.key, "title": d.title, "stage": d.stage} for d in repo.list_dossiers(session)
        ]
    if format == Format.json:
        return _print_json(rows)
    for row in rows:
        out.print(
            f"{row['key']}  [{row['stage'] or '-'}]  {row['title'][:80]}",
            markup=False,
            highlight=False,
        )


@app.command("file")
def file(
    key: Annotated[str, typer.Argument(help="e.g. EU:2022/0155(COD)")],
    format: FormatOpt = Format.text,
) -> None:
    """One file: identifiers, stage, its timeline merged from every source, linked files."""
    with session_scope(_engine()) as session:
        dossier = repo.dossier_by_key(session, key=key)
        if dossier is None:
            raise NotFound(f"no file '{key}': see `lexwatch files`")
        data = status_view.dossier_dict(session, dossier)
    if format == Format.json:
        return _print_json(data)
    out.print(
        f"{data['key']}: {data['title']}\nStage: {data['stage'] or '-'}",
        markup=False,
        highlight=False,
    )
    for step in data["timeline"]:
        mark = "forecast " if step["forecast"] else ""
        line = f"  {step['date'] or '    -  - '}  {mark}{step['title']}  ({', '.join(step['sources'])})"
        out.print(line, markup=False, highlight=False)
    for link in data["links"]:
        out.print(
            f"  linked: {link['key']} ({link['relation']} {link['via']})",
            markup=False,
            highlight=False,
        )


def _short(value: str | None) -> str:
    return value[:16].replace("T", " ") if value else "-"


def _since(text: str) -> datetime | None:
    if not text:
        return None
    if text[-1:] in "dhm" and text[:-1].isdigit():
        units = {"d": "days", "h": "hours", "m": "minutes"}
        return datetime.now(UTC) - timedelta(**{units[text[-1]]: int(text[:-1])})
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(
            f"--since '{text}' is not a date: write 2026-11-01, 2026-11-01T08:00 or 7d"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app, turning deliberate errors into one line and exit status 2."""
    try:
        code = app(args=argv, standalone_mode=False, prog_name="lexwatch")
    except (LexwatchError, NotFound) as exc:
        _fail(str(exc))
    except ValidationError as exc:
        first = exc.errors()[0]
        _fail(f"setting LEXWATCH_{str(first['loc'][0]).upper()}: {first['msg']}")
    except typer.Abort:
        sys.exit(1)
    except click_exceptions() as exc:
        exc.show()
        sys.exit(exc.exit_code)
    sys.exit(code if isinstance(code, int) else 0)


def _fail(message: str) -> None:
    """One line on stderr, exit status 2."""
    sys.stderr.write(f"lexwatch: {' '.join(message.split())}\n")
    sys.exit(2)


def click_exceptions() -> tuple[type[BaseException], ...]:
    """Click's usage errors, shown as Click shows them."""
    import click

    return (click.ClickException,)


if __name__ == "__main__":
    main()
