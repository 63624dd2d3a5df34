"""Source kinds, parsing a saved response, crawling now, changes, status and live captures."""

from __future__ import annotations

import sys
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from cli.database import engine
from cli.options import ParamOpt, one_off
from cli.output import Format, FormatOpt, busy, out, print_json, print_table, say, when
from crawlers.sites import SITES, kinds_markdown, summary
from crawlers.sourcespec import parse_params
from db import repo
from db.engine import session_scope
from monitor.normalise import normalise
from vocab import logs
from vocab.errors import ConfigError
from vocab.fetch import Response
from vocab.records import Record, record_to_json
from vocab.settings import get_settings
from web import views as status_view

SourceOpt = Annotated[list[str] | None, typer.Option("--source", help="name or id; repeatable")]


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
        return print_json(rows)
    for row in rows:
        out.print(f"[bold]{row['kind']}[/bold]: {row['description']}\n  URL: {row['url']}")


def parse(
    file: Annotated[Path, typer.Argument(help="a saved response")],
    kind: Annotated[str, typer.Option(help="source kind that reads it")],
    url: Annotated[str, typer.Option(help="the URL it was fetched from")] = "",
    param: ParamOpt = None,
) -> None:
    """Parse a saved response offline and print the record as JSON."""
    print_json(record_to_json(read_saved(file, kind, url, param)))


def read_saved(file: Path, kind: str, url: str, param: list[str] | None) -> Record:
    """A saved response parsed by `kind` and normalised, as a crawl would record it."""
    if kind not in SITES:
        raise ConfigError(f"unknown kind '{kind}': choose one of {', '.join(sorted(SITES))}")
    if not file.is_file():
        raise ConfigError(f"no file at {file}: give the path of a saved response")
    response = Response(url or file.resolve().as_uri(), file.read_bytes())
    return normalise(SITES[kind].parse([response], parse_params(param or [])))


def crawl(source: SourceOpt = None, format: FormatOpt = Format.text) -> None:
    """Crawl now: every enabled source, or the ones named."""
    from crawlers import reactor
    from pipeline.passes import crawl_pass
    from pipeline.run import outcome, summarise

    settings = get_settings()
    logs.configure(settings.log_file)  # a source's traceback goes to the log file, not here
    made = engine()
    with session_scope(made) as session:
        chosen = [repo.key_of(s) for s in status_view.choose_sources(session, source or [])]
    with busy(f"Crawling {len(chosen)} sources…", format):
        reports = reactor.run_coroutine(crawl_pass(made, settings, chosen))
    if format == Format.json:
        print_json([asdict(r) for r in reports])
    else:
        for line in [*(report.line() for report in reports), summarise(reports)]:
            say(line)
    if any(outcome(r) == "failed" for r in reports):
        raise typer.Exit(1)  # a script or cron job learns that a source needs looking at


def changes(
    since: Annotated[str, typer.Option(help="ISO date or datetime, or 7d / 24h")] = "",
    source: SourceOpt = None,
    format: FormatOpt = Format.text,
) -> None:
    """List recorded changes, oldest first."""
    moment = _since(since)
    with session_scope(engine()) as session:
        ids = [status_view.named_source(session, s).id for s in source or []]
        rows = [
            status_view.change_dict(c, n, k)
            for c, n, k in repo.changes(session, since=moment, source_ids=ids)
        ]
    if format == Format.json:
        return print_json(rows)
    for row in rows:
        out.print(
            f"{row['detected_at'][:16]} [{row['significance']}] {row['source']}: {row['summary']}",
            markup=False,
        )


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


TIMES = ("last_run_at", "last_success_at", "last_change_at", "next_run_at")


def status(format: FormatOpt = Format.text) -> None:
    """Sources with their health, last run, last success, last change and next run."""
    tz = get_settings().timezone
    with session_scope(engine()) as session:
        rows = status_view.status_rows(session, now=datetime.now(UTC), timezone=tz)
    if format == Format.json:
        return print_json(rows)
    columns = (
        "source",
        "kind",
        "health",
        "last run",
        "last success",
        "last change",
        "next run",
        "reason",
    )
    print_table(
        columns,
        [
            [
                r["name"],
                r["kind"],
                r["health"],
                *(when(r[k], tz) for k in TIMES),
                r["health_reason"],
            ]
            for r in rows
        ],
    )


def capture(
    url: Annotated[str, typer.Argument(help="the address to fetch")],
    kind: Annotated[str, typer.Option(help="the source kind whose requests fetch it")],
    out_dir: Annotated[Path, typer.Option("--out", help="folder to save under")] = Path("captures"),
    param: ParamOpt = None,
) -> None:
    """Save a live answer (body, headers, a MANIFEST.tsv row) for a test fixture or a bug report."""
    from crawlers import capture as captures
    from crawlers import reactor

    settings, plan = one_off(kind, url, "capture", param, raw=True)
    fetched = reactor.run_coroutine(captures.fetch(plan, settings))
    clean = [captures.cleaned(answer, settings.secret_values()) for answer in fetched.answers]
    if fetched.blocked:  # what was saved is the wall, not the page: say so
        say(f"Note: {fetched.blocked}")
    for saved in captures.save(clean, out_dir, kind):
        say(
            f"Saved {saved.path} (HTTP {saved.status}, sha256 {saved.row[3][:12]}…), its "
            f".headers and a row of {saved.path.parent / 'MANIFEST.tsv'}"
        )
