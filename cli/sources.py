"""`lexwatch sources …`: add, list, remove, import, export, test and check watched sources."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from cli.database import engine
from cli.errors import fail_each
from cli.groups import group
from cli.options import ParamOpt, flags, one_off
from cli.output import Format, FormatOpt, busy, out, print_json, print_table
from crawlers.sourcespec import SourceSpec, parse_params, to_source
from crawlers.sourceyaml import read_entries, to_yaml
from db import repo
from db.engine import session_scope
from vocab import logs
from vocab.errors import ConfigError, EntriesRefused
from vocab.records import record_to_json
from vocab.settings import get_settings
from web import views as status_view

sources_app = group("Add, list, test and remove watched sources.")


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
    with flags():
        spec = SourceSpec(kind, url, name, jurisdiction, every, cron, parse_params(param or []))
        source = to_source(spec, default_every=get_settings().default_every)
        with session_scope(engine()) as session:
            repo.add_source(session, source=source)
            data = status_view.source_dict(source)
    print_json(data) if format == Format.json else out.print(
        f"Added source '{source.name}' ({source.kind})"
    )


@sources_app.command("list")
def sources_list(format: FormatOpt = Format.text) -> None:
    """List watched sources."""
    with session_scope(engine()) as session:
        rows = [status_view.source_dict(s) for s in repo.list_sources(session)]
    if format == Format.json:
        return print_json(rows)
    columns = ("name", "kind", "jurisdiction", "schedule", "enabled", "url")
    print_table(columns, [[str(row[c]) for c in columns] for row in rows])


@sources_app.command("remove")
def sources_remove(name: Annotated[str, typer.Argument(help="source name or id")]) -> None:
    """Stop watching a source and delete its history."""
    with session_scope(engine()) as session:
        source = status_view.named_source(session, name)
        repo.remove_source(session, source=source)
    out.print(f"Removed source '{name}'")


@sources_app.command("import")
def sources_import(
    file: Annotated[Path, typer.Argument(help="YAML file with sources: and procedures:")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="show what would be added and updated, save nothing")
    ] = False,
) -> None:
    """Add new sources and update stored ones (by name) from a YAML file; all or nothing."""
    from crawlers.sourceimport import plan_import, report_lines

    if not file.is_file():
        raise ConfigError(f"no file at {file}: give the path of a YAML file")
    entries = read_entries(file.read_text(encoding="utf-8"))
    with session_scope(engine()) as session:
        stored = {source.name: source for source in repo.list_sources(session)}
        try:
            planned = plan_import(entries, stored, default_every=get_settings().default_every)
        except EntriesRefused as exc:
            fail_each(exc.problems)
        if not dry_run:
            added = [p.source for p in planned if p.action == "add"]
            updated = [(p.old, p.source) for p in planned if p.action == "update"]
            repo.save_import(session, added=added, updated=updated)
    sys.stdout.write("".join(f"{line}\n" for line in report_lines(planned, dry_run=dry_run)))


@sources_app.command("export")
def sources_export() -> None:
    """Print every source as YAML (what `sources import` reads)."""
    with session_scope(engine()) as session:
        sys.stdout.write(to_yaml(repo.list_sources(session)))


@sources_app.command("test")
def sources_test(
    kind: Annotated[str, typer.Option(help="source kind")],
    url: Annotated[str, typer.Option(help="address to fetch")] = "",
    param: ParamOpt = None,
) -> None:
    """Fetch and parse once, save nothing, print what would be recorded."""
    from crawlers import reactor
    from pipeline.run import try_source

    settings, plan = one_off(kind, url, "test", param)
    record = reactor.run_coroutine(try_source(plan, settings))
    print_json(record_to_json(record))


@sources_app.command("check")
def sources_check(
    names: Annotated[
        list[str] | None, typer.Argument(help="source names or ids (default: every enabled one)")
    ] = None,
    format: FormatOpt = Format.text,
) -> None:
    """Fetch each source once, live, save nothing, and say what to do about it."""
    from crawlers import reactor
    from pipeline.check import check, plans_for

    settings = get_settings()
    logs.configure(settings.log_file)
    with session_scope(engine()) as session:
        plans = plans_for(status_view.choose_sources(session, names or []), settings.secrets())
    with busy(f"Checking {len(plans)} sources…", format):
        verdicts = reactor.run_coroutine(check(plans, settings))
    if format == Format.json:
        print_json([verdict.as_dict() for verdict in verdicts])
    else:
        print_table(
            ("source", "verdict", "what to do"), [[v.source, v.text, v.advice] for v in verdicts]
        )
    if not all(verdict.ok for verdict in verdicts):
        raise typer.Exit(1)  # a script learns that a source needs looking at
