"""Who is told what, and who signs in: `watches …`, `subscribers …`, `digest …`, `users …`."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.crawling import read_saved
from cli.database import engine
from cli.groups import group
from cli.options import ParamOpt, flags
from cli.output import Format, FormatOpt, out, print_json, print_table, say, when
from db import repo
from db.engine import session_scope
from vocab.errors import ConfigError, NotFound
from vocab.settings import get_settings

watches_app = group("Watches: the files and words a digest follows.")
subscribers_app = group("People who receive the weekly digest.")
digest_app = group("Preview and send the weekly digest.")
users_app = group("People who sign in to the web app.")


class Significance(StrEnum):
    minor = "minor"
    notable = "notable"
    major = "major"


ManyOpt = list[str] | None
NowOpt = Annotated[str, typer.Option(help="pretend it is this time (ISO; local time if no offset)")]

AlertOpt = Annotated[
    ManyOpt,
    typer.Option("--alert", help="apprise URL alerts go to (mailto://…, json://…); repeatable"),
]
AlertMinOpt = Annotated[
    Significance, typer.Option("--alert-min", help="least significant change to alert at once")
]
QuietOpt = Annotated[
    str, typer.Option("--quiet-hours", help="hours that hold alerts until they end, e.g. 22-07")
]

_WATCH_FLAGS = {
    "name": "NAME",
    "terms": "--term",
    "references": "--reference",
    "jurisdictions": "--jurisdiction",
    "min_significance": "--min-significance",
    "alerts": "--alert",
    "alert_min": "--alert-min",
    "quiet_hours": "--quiet-hours",
}


# -- watches ------------------------------------------------------------------------


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
    alert: AlertOpt = None,
    alert_min: AlertMinOpt = Significance.major,
    quiet_hours: QuietOpt = "",
    format: FormatOpt = Format.text,
) -> None:
    """Add a watch: changes of files it names or that speak of its terms go into digests,
    and those at or above --alert-min go at once to each --alert channel."""
    from digests import watches

    with flags(**_WATCH_FLAGS):
        watch = watches.new_watch(
            name,
            terms=term or [],
            references=reference or [],
            jurisdictions=jurisdiction or [],
            min_significance=min_significance.value,
            alert_min=alert_min.value,
            quiet_hours=quiet_hours,
        )
        channels = watches.alert_channels(alert or [])
    with session_scope(engine()) as session:
        repo.add_watch(session, watch=watch)
        repo.set_alert_channels(session, watch=watch, urls=channels)
        data = watches.describe(watch, channels=channels)
    print_json(data) if format == Format.json else out.print(f"Added watch '{name}'", markup=False)


@watches_app.command("list")
def watches_list(format: FormatOpt = Format.text) -> None:
    """List watches with what they follow and how many subscribers follow them."""
    from digests import watches

    with session_scope(engine()) as session:
        counts, channels = repo.subscriber_counts(session), _channels_by_watch(session)
        rows = [
            watches.describe(w, counts.get(w.id, 0), channels.get(w.id, []))
            for w in repo.list_watches(session)
        ]
    if format == Format.json:
        return print_json(rows)
    table = []
    for r in rows:
        terms = "; ".join(r["terms"]) + (f" ({', '.join(r['topics'])})" if r["topics"] else "")
        table.append(
            [
                r["name"],
                "; ".join(r["references"]),
                terms,
                ", ".join(r["jurisdictions"]) or "all",
                r["min_significance"],
                str(r["subscribers"]),
                ", ".join(r.get("alerts", [])) or "—",
            ]
        )
    print_table(
        ("name", "references", "terms (topics)", "jurisdictions", "min", "subscribers", "alerts"),
        table,
    )


def _channels_by_watch(session) -> dict[int, list[str]]:
    """Watch id -> its alert channel URLs (secrets: describe masks them)."""
    found: dict[int, list[str]] = {}
    for channel in repo.alert_channels(session):
        found.setdefault(channel.watch_id, []).append(channel.url)
    return found


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

    record = read_saved(file, kind, url, param)
    with session_scope(engine()) as session:
        found = watches.try_record(repo.find_watch(session, name=name), record)
    data = {
        "matched": found.matched,
        "terms": list(found.terms),
        "references": list(found.references),
    }
    if format == Format.json:
        return print_json(data)
    why = "; ".join(f"{k}: {', '.join(data[k])}" for k in ("references", "terms") if data[k])
    verdict = f"matches ({why})" if found.matched else "does not match"
    say(f"Watch '{name}' {verdict}: {record.title or file.name}")


# -- subscribers --------------------------------------------------------------------


@subscribers_app.command("add")
def subscribers_add(
    email: Annotated[str, typer.Argument(help="address the digest goes to")],
    watch: Annotated[ManyOpt, typer.Option("--watch", help="watch name; repeatable")] = None,
    name: Annotated[str, typer.Option(help="how the digest greets them")] = "",
    language: Annotated[str, typer.Option(help="en, nl, de, fr")] = "",
) -> None:
    """Add a subscriber (or more watches to one), and make them active again."""
    from digests import subscribers

    with flags(email="EMAIL"):
        address, code = subscribers.check_email(email), subscribers.check_language(language)
    if not watch:
        raise ConfigError("give at least one --watch NAME: see `lexwatch watches list`")
    with session_scope(engine()) as session:
        chosen = [repo.find_watch(session, name=w) for w in watch]
        subscriber, created = repo.upsert_subscriber(
            session, email=address, name=name, language=code
        )
        repo.subscribe(session, subscriber=subscriber, watches=chosen)
    verb = "Added" if created else "Updated"
    say(f"{verb} subscriber {address}: {', '.join(watch)}")


@subscribers_app.command("edit")
def subscribers_edit(
    email: Annotated[str, typer.Argument(help="the subscriber's address")],
    name: Annotated[str, typer.Option(help="how the digest greets them")] = "",
    language: Annotated[str, typer.Option(help="the digest's language: en, nl, de, fr")] = "",
) -> None:
    """Change a subscriber's name or digest language (their watches and status stay)."""
    from digests import subscribers

    code = subscribers.check_language(language)
    if not (name or code):
        raise ConfigError("give --name or --language to change")
    with session_scope(engine()) as session:
        person = repo.find_subscriber(session, email=email)
        person.name, person.language = name or person.name, code or person.language
    changed = [f"{field} {value}" for field, value in (("name", name), ("language", code)) if value]
    say(f"Updated subscriber {email}: {', '.join(changed)}")


@subscribers_app.command("list")
def subscribers_list(format: FormatOpt = Format.text) -> None:
    """List subscribers with their watches and status (active, bounced, unsubscribed)."""
    from digests import subscribers

    with session_scope(engine()) as session:
        rows = [
            subscribers.describe(s, repo.subscriber_watches(session, subscriber_id=s.id))
            for s in repo.list_subscribers(session)
        ]
    if format == Format.json:
        return print_json(rows)
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
    with session_scope(engine()) as session:
        repo.remove_subscriber(session, subscriber=repo.find_subscriber(session, email=email))
    say(f"Removed subscriber {email}")


# -- digests ------------------------------------------------------------------------


@digest_app.command("preview")
def digest_preview(
    subscriber: Annotated[str, typer.Option(help="the subscriber's email address")],
    now: NowOpt = "",
    html: Annotated[bool, typer.Option("--html", help="print the HTML part")] = False,
) -> None:
    """Print the digest a subscriber would get for the last complete week, without sending it."""
    from digests.send import compose_for

    settings = get_settings()
    email = compose_for(engine(), settings, subscriber, moment(now, settings.timezone))
    sys.stdout.write(email.html if html else f"Subject: {email.subject}\n\n{email.text}")


@digest_app.command("send")
def digest_send(now: NowOpt = "", format: FormatOpt = Format.text) -> None:
    """Send the last complete week's digests that are not sent yet (SMTP, or the outbox)."""
    from digests.send import send_due

    settings = get_settings()
    results = send_due(engine(), settings, moment(now, settings.timezone))
    if format == Format.json:
        print_json([r.__dict__ for r in results])
    else:
        for result in results:
            say(result.line())
        where = "SMTP" if settings.smtp_url else f"the outbox {settings.outbox}"
        sent = sum(r.status == "sent" for r in results)
        say(f"{sent} of {len(results)} digests sent to {where}" if results else "No digests due")
    if any(r.status in ("failed", "deferred") for r in results):
        raise typer.Exit(1)  # a script or cron job learns that some must be tried again


def moment(text: str, timezone: str) -> datetime:
    from zoneinfo import ZoneInfo

    if not text:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"--now '{text}' is not a date: write 2026-11-30T08:00") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))


# -- people who sign in to the web app ------------------------------------------------


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
    with session_scope(engine()) as session:
        create_user(session, email=email, password=password, role=role)
    say(f"Added {role} {email}")


@users_app.command("list")
def users_list(format: FormatOpt = Format.text) -> None:
    """List the people who sign in to the web app."""
    from web.auth import user_dict

    with session_scope(engine()) as session:
        rows = [user_dict(user) for user in repo.list_users(session)]
    if format == Format.json:
        return print_json(rows)
    tz = get_settings().timezone
    print_table(
        ("email", "role", "since"),
        [[r["email"], r["role"], when(r["created_at"], tz)] for r in rows],
    )


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
    with session_scope(engine()) as session:
        change_password(session, user=_user(session, email), password=password)
    say(f"New password for {email}; their sessions have ended")


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

    with session_scope(engine()) as session:
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
