"""The `lexwatch` command: one thin function per command.

Every deliberate error (errors.LexwatchError) ends as one line on stderr and exit
status 2; `--format json` gives machine-readable output wherever a person might
script it.
"""

from __future__ import annotations

import json
import sys
import tempfile
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from pydantic import ValidationError
from rich import box
from rich.console import Console
from rich.table import Column, Table
from rich.text import Text
from sqlalchemy.exc import OperationalError

from crawlers.sites import SITES, kinds_markdown, summary
from crawlers.sourcespec import SourceSpec, parse_params, to_source
from crawlers.sourceyaml import read_entries, to_yaml
from db import repo
from db.engine import get_engine, session_scope
from monitor.normalise import normalise
from vocab import logs
from vocab.errors import ConfigError, EntriesRefused, LexwatchError, NotFound
from vocab.fetch import Response
from vocab.records import record_to_json
from vocab.settings import get_settings
from web import views as status_view


def _help_when_bare(ctx: typer.Context) -> None:
    """Bare `lexwatch` or a bare group prints its help and exits 0, as `--help` does."""
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)


def _group(help: str) -> typer.Typer:
    """A command group (or the app) that answers a bare call with its help."""
    group = typer.Typer(help=help)
    group.callback(invoke_without_command=True)(_help_when_bare)
    return group


app = _group("Lexwatch: follow legislative files across EU and national sources.")
sources_app = _group("Add, list, test and remove watched sources.")
app.add_typer(sources_app, name="sources")
out = Console(soft_wrap=True)  # lines stay whole in pipes and logs


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
    from pipeline.startup import seed_once

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
    with _flags():
        spec = SourceSpec(kind, url, name, jurisdiction, every, cron, parse_params(param or []))
        source = to_source(spec, default_every=get_settings().default_every)
        with session_scope(_engine()) as session:
            repo.add_source(session, source=source)
            data = status_view.source_dict(source)
    _print_json(data) if format == Format.json else out.print(
        f"Added source '{source.name}' ({source.kind})"
    )


@contextmanager
def _flags(**labels: str) -> Iterator[None]:
    """A refused field is named by the option that set it: `--every: …`; `labels` name the
    fields a command takes otherwise (an argument: `name="NAME"`)."""
    try:
        yield
    except ConfigError as exc:
        if not exc.field:
            raise
        raise ConfigError(f"{labels.get(exc.field) or _flag(exc.field)}: {exc}") from exc


_WATCH_FLAGS = {"name": "NAME", "terms": "--term", "references": "--reference",
                "jurisdictions": "--jurisdiction", "min_significance": "--min-significance"}  # fmt: skip


def _flag(field: str) -> str:
    """`every` -> `--every`, `params.selector` -> `--param selector`, the schedule -> both."""
    if field.startswith("params"):
        return " ".join(["--param", *field.split(".", 1)[1:]])
    return "--every/--cron" if field == "schedule" else f"--{field}"


@sources_app.command("list")
def sources_list(format: FormatOpt = Format.text) -> None:
    """List watched sources."""
    with session_scope(_engine()) as session:
        rows = [status_view.source_dict(s) for s in repo.list_sources(session)]
    if format == Format.json:
        return _print_json(rows)
    columns = ("name", "kind", "jurisdiction", "schedule", "enabled", "url")
    print_table(columns, [[str(row[c]) for c in columns] for row in rows])


@sources_app.command("remove")
def sources_remove(name: Annotated[str, typer.Argument(help="source name or id")]) -> None:
    """Stop watching a source and delete its history."""
    with session_scope(_engine()) as session:
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
    with session_scope(_engine()) as session:
        stored = {source.name: source for source in repo.list_sources(session)}
        try:
            planned = plan_import(entries, stored, default_every=get_settings().default_every)
        except EntriesRefused as exc:
            _fail_each(exc.problems)
        if not dry_run:
            added = [p.source for p in planned if p.action == "add"]
            updated = [(p.old, p.source) for p in planned if p.action == "update"]
            repo.save_import(session, added=added, updated=updated)
    sys.stdout.write("".join(f"{line}\n" for line in report_lines(planned, dry_run=dry_run)))


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
    from pipeline.run import try_source
    from vocab.fetch import Plan, Target

    settings = get_settings()
    logs.configure(settings.log_file)
    with _flags():
        spec = SourceSpec(kind, url, "test", params=parse_params(param or []))
        source = to_source(spec, default_every="1d")
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
    from pipeline.passes import crawl_pass
    from pipeline.run import outcome, summarise

    settings = get_settings()
    logs.configure(settings.log_file)  # a source's traceback goes to the log file, not here
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
        _print_json([r.__dict__ for r in reports])
    else:
        for report in reports:
            out.print(report.line(), markup=False, highlight=False)
        out.print(summarise(reports), markup=False, highlight=False)
    if any(outcome(r) == "failed" for r in reports):
        raise typer.Exit(1)  # a script or cron job learns that a source needs looking at


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
        ids = [status_view.named_source(session, s).id for s in source or []]
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


TIMES = ("last_run_at", "last_success_at", "last_change_at", "next_run_at")


@app.command("status")
def status(format: FormatOpt = Format.text) -> None:
    """Sources with their health, last run, last success, last change and next run."""
    tz = get_settings().timezone
    with session_scope(_engine()) as session:
        rows = status_view.status_rows(session, now=datetime.now(UTC), timezone=tz)
    if format == Format.json:
        return _print_json(rows)
    columns = ("source", "kind", "health", "last run", "last success", "last change", "next run",
               "reason")  # fmt: skip
    print_table(columns, [
        [r["name"], r["kind"], r["health"], *(_when(r[k], tz) for k in TIMES), r["health_reason"]]
        for r in rows
    ])  # fmt: skip


@app.command("run")
def run() -> None:
    """Run the service: crawl every source on its schedule, send the weekly digests (Ctrl-C stops)."""
    from scheduler import daemon as scheduler

    _engine()
    raise typer.Exit(scheduler.run(get_settings()))


@app.command("worker")
def worker(
    burst: Annotated[bool, typer.Option("--burst", help="stop when the queue is empty")] = False,
) -> None:
    """Take crawl jobs from the shared queue (LEXWATCH_REDIS_URL); SIGTERM finishes the current one."""
    from pipeline import worker as crawl_worker

    _engine()  # the schema is upgraded before the first job, not by every job
    raise typer.Exit(crawl_worker.work(get_settings(), burst=burst))


@app.command("demo")
def demo(
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="stop after the digest; start no web app")
    ] = False,
    port: Annotated[int, typer.Option(help="port of the demo's web app", min=1, max=65535)] = 8000,
) -> None:
    """Show Lexwatch working, offline: crawl real captured pages, move files on, digest, web app."""
    from demo.run import run_demo

    def say(line: str) -> None:
        out.print(line, markup=False, highlight=False)

    with out.status("Running the demo…", spinner="dots"):
        result = run_demo(get_settings(), say, keep_replay=not no_serve)
    _demo_summary(result, say)
    if not no_serve:
        from demo.run import serve_demo

        serve_demo(result, port, say)


def _demo_summary(result, say) -> None:
    changes = [r for r in result.second if r.changes]
    say(f"Changes found: {sum(r.changes for r in changes)} in {len(changes)} sources")
    say(f"Database: {result.database}")
    say(f"Outbox (a Maildir any mail client opens): {result.outbox}")
    say(f"Try: LEXWATCH_DATA_DIR={result.data_dir} lexwatch changes")


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


# -- watches, subscribers, digests ------------------------------------------------

watches_app = _group("Watches: the files and words a digest follows.")
subscribers_app = _group("People who receive the weekly digest.")
digest_app = _group("Preview and send the weekly digest.")
app.add_typer(watches_app, name="watches")
app.add_typer(subscribers_app, name="subscribers")
app.add_typer(digest_app, name="digest")


class Significance(StrEnum):
    minor = "minor"
    notable = "notable"
    major = "major"


ManyOpt = list[str] | None
NowOpt = Annotated[str, typer.Option(help="pretend it is this time (ISO; local time if no offset)")]


@watches_app.command("add")
def watches_add(
    name: Annotated[str, typer.Argument(help="a unique name, e.g. csa-regulation")],
    term: Annotated[ManyOpt, typer.Option("--term", help="word or phrase, any language")] = None,
    reference: Annotated[
        ManyOpt, typer.Option("--reference", help="2022/0155(COD), COM(2022) 209, a file key")
    ] = None,
    jurisdiction: Annotated[ManyOpt, typer.Option("--jurisdiction", help="default: all")] = None,
    min_significance: Annotated[
        Significance, typer.Option("--min-significance", help="least significant change to tell")
    ] = Significance.notable,
    format: FormatOpt = Format.text,
) -> None:
    """Add a watch: changes of files it names or that speak of its terms go into digests."""
    from digests import watches

    with _flags(**_WATCH_FLAGS):
        watch = watches.new_watch(
            name, terms=term or [], references=reference or [], jurisdictions=jurisdiction or [],
            min_significance=min_significance.value,
        )  # fmt: skip
    with session_scope(_engine()) as session:
        repo.add_watch(session, watch=watch)
        data = watches.describe(watch)
    _print_json(data) if format == Format.json else out.print(f"Added watch '{name}'", markup=False)


@watches_app.command("list")
def watches_list(format: FormatOpt = Format.text) -> None:
    """List watches with what they follow and how many subscribers follow them."""
    from digests import watches

    with session_scope(_engine()) as session:
        counts = repo.subscriber_counts(session)
        rows = [watches.describe(w, counts.get(w.id, 0)) for w in repo.list_watches(session)]
    if format == Format.json:
        return _print_json(rows)
    table = []
    for r in rows:
        terms = "; ".join(r["terms"]) + (f" ({', '.join(r['topics'])})" if r["topics"] else "")
        table.append([r["name"], "; ".join(r["references"]), terms, ", ".join(r["jurisdictions"]) or "all",
                      r["min_significance"], str(r["subscribers"])])  # fmt: skip
    print_table(
        ("name", "references", "terms (topics)", "jurisdictions", "min", "subscribers"), table
    )


@watches_app.command("test")
def watches_test(
    name: Annotated[str, typer.Argument(help="watch name")],
    file: Annotated[Path, typer.Argument(help="a saved response")],
    kind: Annotated[str, typer.Option(help="source kind that reads it")],
    url: Annotated[str, typer.Option(help="the URL it was fetched from")] = "",
    param: ParamOpt = None,
    format: FormatOpt = Format.text,
) -> None:
    """Parse a saved response and say whether the watch matches it, and why."""
    from digests import watches

    if kind not in SITES:
        raise ConfigError(f"unknown kind '{kind}': choose one of {', '.join(sorted(SITES))}")
    if not file.is_file():
        raise ConfigError(f"no file at {file}: give the path of a saved response")
    response = Response(url or file.resolve().as_uri(), file.read_bytes())
    record = normalise(SITES[kind].parse([response], parse_params(param or [])))
    with session_scope(_engine()) as session:
        found = watches.try_record(repo.find_watch(session, name=name), record)
    data = {
        "matched": found.matched,
        "terms": list(found.terms),
        "references": list(found.references),
    }
    if format == Format.json:
        return _print_json(data)
    why = "; ".join(f"{k}: {', '.join(data[k])}" for k in ("references", "terms") if data[k])
    verdict = f"matches ({why})" if found.matched else "does not match"
    out.print(
        f"Watch '{name}' {verdict}: {record.title or file.name}", markup=False, highlight=False
    )


@subscribers_app.command("add")
def subscribers_add(
    email: Annotated[str, typer.Argument(help="address the digest goes to")],
    watch: Annotated[ManyOpt, typer.Option("--watch", help="watch name; repeatable")] = None,
    name: Annotated[str, typer.Option(help="how the digest greets them")] = "",
    language: Annotated[str, typer.Option(help="en, nl, de, fr")] = "",
) -> None:
    """Add a subscriber (or more watches to one), and make them active again."""
    from digests import subscribers

    with _flags(email="EMAIL"):
        address, code = subscribers.check_email(email), subscribers.check_language(language)
    if not watch:
        raise ConfigError("give at least one --watch NAME: see `lexwatch watches list`")
    with session_scope(_engine()) as session:
        chosen = [repo.find_watch(session, name=w) for w in watch]
        subscriber, created = repo.upsert_subscriber(
            session, email=address, name=name, language=code
        )
        repo.subscribe(session, subscriber=subscriber, watches=chosen)
    verb = "Added" if created else "Updated"
    out.print(f"{verb} subscriber {address}: {', '.join(watch)}", markup=False, highlight=False)


@subscribers_app.command("list")
def subscribers_list(format: FormatOpt = Format.text) -> None:
    """List subscribers with their watches and status (active, bounced, unsubscribed)."""
    from digests import subscribers

    with session_scope(_engine()) as session:
        rows = [subscribers.describe(s, repo.subscriber_watches(session, subscriber_id=s.id))
                for s in repo.list_subscribers(session)]  # fmt: skip
    if format == Format.json:
        return _print_json(rows)
    print_table(
        ("email", "name", "language", "status", "watches"),
        [
            [r["email"], r["name"], r["language"], r["status"], ", ".join(r["watches"])]
            for r in rows
        ],
    )


@subscribers_app.command("remove")
def subscribers_remove(email: Annotated[str, typer.Argument(help="address")]) -> None:
    """Delete a subscriber with their subscriptions and digest history."""
    with session_scope(_engine()) as session:
        repo.remove_subscriber(session, subscriber=repo.find_subscriber(session, email=email))
    out.print(f"Removed subscriber {email}", markup=False, highlight=False)


@digest_app.command("preview")
def digest_preview(
    subscriber: Annotated[str, typer.Option(help="the subscriber's email address")],
    now: NowOpt = "",
    html: Annotated[bool, typer.Option("--html", help="print the HTML part")] = False,
) -> None:
    """Print the digest a subscriber would get for the last complete week, without sending it."""
    from digests.send import compose_for

    settings = get_settings()
    email = compose_for(_engine(), settings, subscriber, _moment(now, settings.timezone))
    sys.stdout.write(email.html if html else f"Subject: {email.subject}\n\n{email.text}")


@digest_app.command("send")
def digest_send(now: NowOpt = "", format: FormatOpt = Format.text) -> None:
    """Send the last complete week's digests that are not sent yet (SMTP, or the outbox)."""
    from digests.send import send_due

    settings = get_settings()
    results = send_due(_engine(), settings, _moment(now, settings.timezone))
    if format == Format.json:
        _print_json([r.__dict__ for r in results])
    else:
        for result in results:
            out.print(result.line(), markup=False, highlight=False)
        where = "SMTP" if settings.smtp_url else f"the outbox {settings.outbox}"
        sent = sum(r.status == "sent" for r in results)
        summary = f"{sent} of {len(results)} digests sent to {where}"
        out.print(summary if results else "No digests due", markup=False, highlight=False)
    if any(r.status in ("failed", "deferred") for r in results):
        raise typer.Exit(1)  # a script or cron job learns that some must be tried again


def _moment(text: str, timezone: str) -> datetime:
    from zoneinfo import ZoneInfo

    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"--now '{text}' is not a date: write 2026-11-30T08:00") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))


# -- the web app and who signs in to it -------------------------------------------

users_app = _group("People who sign in to the web app.")
app.add_typer(users_app, name="users")


@app.command("serve")
def serve(
    host: Annotated[
        str, typer.Option(help="beyond 127.0.0.1 needs LEXWATCH_SECRET_KEY")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on", min=1, max=65535)] = 8000,
) -> None:
    """Start the web app: search, file pages, feeds, the JSON API and the admin area."""
    from web.serve import serve as run_web

    run_web(get_settings(), host, port, prepare=_engine)


@users_app.command("add")
def users_add(
    email: Annotated[str, typer.Argument(help="their email address, used to sign in")],
    role: Annotated[str, typer.Option(help="admin (changes things) or reader")] = "reader",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
) -> None:
    """Add a person who signs in to the web app (the first one: --role admin)."""
    from web.auth import create_user

    password = _new_password(password_stdin)
    with session_scope(_engine()) as session:
        create_user(session, email=email, password=password, role=role)
    out.print(f"Added {role} {email}", markup=False, highlight=False)


@users_app.command("list")
def users_list(format: FormatOpt = Format.text) -> None:
    """List the people who sign in to the web app."""
    from web.auth import user_dict

    with session_scope(_engine()) as session:
        rows = [user_dict(user) for user in repo.list_users(session)]
    if format == Format.json:
        return _print_json(rows)
    tz = get_settings().timezone
    print_table(("email", "role", "since"),
                [[r["email"], r["role"], _when(r["created_at"], tz)] for r in rows])  # fmt: skip


@users_app.command("password")
def users_password(
    email: Annotated[str, typer.Argument(help="the user's email address")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the new password from standard input")
    ] = False,
) -> None:
    """Set a user's password; every session they have open ends (their feed token stays)."""
    from web.auth import change_password

    password = _new_password(password_stdin)
    with session_scope(_engine()) as session:
        change_password(session, user=_user(session, email), password=password)
    out.print(f"New password for {email}; their sessions have ended", markup=False, highlight=False)


@users_app.command("token")
def users_token(
    email: Annotated[str, typer.Argument(help="the user's email address")],
    rotate: Annotated[
        bool, typer.Option("--rotate", help="issue a new token; the old one stops working at once")
    ] = False,
) -> None:
    """Print a user's feed token (`--rotate`: a new one). It opens feeds, exports and the API only."""
    from web.auth import feed_token
    from web.keys import secret_key

    with session_scope(_engine()) as session:
        user = _user(session, email)
        if rotate:
            repo.rotate_token(session, user=user)
        token = feed_token(secret_key(get_settings()), user)
    sys.stdout.write(token + "\n")  # the token alone on stdout: scripts read it as is


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


def _user(session: Any, email: str) -> Any:
    user = repo.user_by_email(session, email=email.strip())
    if user is None:
        raise NotFound(f"no user {email}: see `lexwatch users list`")
    return user


def _when(value: str | datetime | None, timezone: str) -> str:
    """A stored UTC time as a person reads it: to the minute, in LEXWATCH_TIMEZONE."""
    from zoneinfo import ZoneInfo

    if not value:
        return "-"
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return f"{moment.astimezone(ZoneInfo(timezone)):%Y-%m-%d %H:%M}"


# -- live checks of sources, and captures of live answers ---------------------------


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
    with session_scope(_engine()) as session:
        plans = plans_for(status_view.choose_sources(session, names or []), settings.secrets())
    busy = out.status(f"Checking {len(plans)} sources…", spinner="dots")
    with busy if format == Format.text else _nothing():
        verdicts = reactor.run_coroutine(check(plans, settings))
    if format == Format.json:
        _print_json([verdict.as_dict() for verdict in verdicts])
    else:
        print_table(
            ("source", "verdict", "what to do"), [[v.source, v.text, v.advice] for v in verdicts]
        )
    if not all(verdict.ok for verdict in verdicts):
        raise typer.Exit(1)  # a script learns that a source needs looking at


@app.command("capture")
def capture(
    url: Annotated[str, typer.Argument(help="the address to fetch")],
    kind: Annotated[str, typer.Option(help="the source kind whose requests fetch it")],
    out_dir: Annotated[Path, typer.Option("--out", help="folder to save under")] = Path("captures"),
    param: ParamOpt = None,
) -> None:
    """Save a live answer (body, headers, a MANIFEST.tsv row) for a test fixture or a bug report."""
    from crawlers import capture as captures
    from crawlers import reactor
    from vocab.fetch import Plan, Target

    settings = get_settings()
    logs.configure(settings.log_file)
    with _flags():
        spec = SourceSpec(kind, url, "capture", params=parse_params(param or []))
        source = to_source(spec, default_every="1d")
    plan = Plan(0, "capture", kind, Target(source.url, source.params, settings.secrets()), raw=True)
    fetched = reactor.run_coroutine(captures.fetch(plan, settings))
    clean = [captures.cleaned(answer, settings.secret_values()) for answer in fetched.answers]
    if fetched.blocked:  # what was saved is the wall, not the page: say so
        out.print(f"Note: {fetched.blocked}", markup=False, highlight=False)
    for saved in captures.save(clean, out_dir, kind):
        out.print(f"Saved {saved.path} (HTTP {saved.status}, sha256 {saved.row[3][:12]}…), its "
                  f".headers and a row of {saved.path.parent / 'MANIFEST.tsv'}", markup=False,
                  highlight=False)  # fmt: skip


# -- tables: whole cells, in a terminal and in a pipe ------------------------------


def print_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print a table that never cuts a cell: plain columns in a pipe, wrapped on a terminal."""
    cells = [[" ".join(str(cell).split()) for cell in row] for row in rows]
    if sys.stdout.isatty():
        out.print(wrapped_table(columns, cells, out.width))
    else:
        sys.stdout.write(plain_table(columns, cells))


def plain_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Aligned columns without box drawing, for pipes, files and scripts (`cut`, `awk`)."""
    lines = [list(columns), *(list(row) for row in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(columns))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        + "\n"
        for line in lines
    )


WHOLE = 10  # characters a word keeps on one line when the terminal has room: a date, 2026-12-04


def wrapped_table(columns: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> Table:
    """A rich table whose cells wrap (a long word folds) instead of ending in an ellipsis.

    Short words (dates, kinds) stay whole when every column's fits in `width`;
    otherwise rich would crop the table's right edge, so then everything may fold.
    """
    least = [min(WHOLE, max(len(word) for cell in cells for word in [*cell.split(), ""]))
             for cells in zip(columns, *rows, strict=True)]  # fmt: skip
    fits = sum(least) + 3 * len(columns) + 1 <= width  # a space each side of a cell, a rule
    table = Table(*(Column(name, overflow="fold", min_width=n if fits else None)
                    for name, n in zip(columns, least, strict=True)), box=box.SIMPLE_HEAD)  # fmt: skip
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))  # Text: a '[' in a name is not markup
    return table


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
    """Entry point: every way a command ends is one of these, and none prints a traceback.

    A usage mistake: Click's usage lines, exit status 2. A deliberate error
    (LexwatchError, a bad setting): one line, exit 2. Anything else is a bug: one
    line naming the log file that holds its traceback, exit 1.
    """
    try:
        code = app(args=argv, standalone_mode=False, prog_name="lexwatch")
    except typer.TyperException as exc:  # typer's own Click: usage errors, not `click`'s
        _usage_error(exc)
    except LexwatchError as exc:
        _fail(str(exc))
    except ValidationError as exc:
        first = exc.errors()[0]
        _fail(f"setting LEXWATCH_{str(first['loc'][0]).upper()}: {first['msg']}")
    except typer.Abort:  # Ctrl-C or end of input at a prompt
        sys.stderr.write("Aborted!\n")
        sys.exit(1)
    except OperationalError as exc:  # the database went away after the command started
        _fail(f"the database failed: {str(exc.orig or exc).strip().splitlines()[0]}")
    except Exception as exc:
        _internal_error(exc)
    sys.exit(code if isinstance(code, int) else 0)


def _usage_error(exc: typer.TyperException) -> NoReturn:
    """As Click shows it: the usage line, where to get help, `Error: …` (with "Did you mean")."""
    show = getattr(exc, "show", None)
    if callable(show):
        show()
    else:
        sys.stderr.write(f"Error: {exc.format_message()}\n")
    sys.exit(exc.exit_code)


def _fail(message: str) -> NoReturn:
    """One line on stderr, exit status 2."""
    sys.stderr.write(f"lexwatch: {' '.join(message.split())}\n")
    sys.exit(2)


def _internal_error(exc: Exception) -> NoReturn:
    """A bug: one line on stderr, the traceback in the log file, exit status 1."""
    where = _log_traceback(exc)
    what = " ".join(f"{type(exc).__name__} {exc}".split())[:300]
    sys.stderr.write(
        f"lexwatch: internal error: {what} — this is a bug in Lexwatch; the traceback is in {where}\n"
    )
    sys.exit(1)


def _fail_each(problems: list[str]) -> NoReturn:
    """One line on stderr per problem (an import names each bad entry), exit status 2."""
    for problem in problems:
        sys.stderr.write(f"lexwatch: {' '.join(problem.split())}\n")
    sys.exit(2)


def _log_traceback(exc: Exception) -> str:
    """Append the traceback to the data folder's log file (else the temporary folder's)."""
    entry = f"{datetime.now(UTC).isoformat()} internal error\n" + "".join(
        traceback.format_exception(exc)
    )
    for path in (_log_file(), Path(tempfile.gettempdir()) / "lexwatch.log"):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as log:
                log.write(entry)
            return str(path)
        except OSError:
            continue
    return "no file (none could be written)"


def _log_file() -> Path:
    try:
        return get_settings().log_file
    except Exception:  # settings that cannot be read must not hide the first error
        return Path("data") / "lexwatch.log"


if __name__ == "__main__":
    main()
