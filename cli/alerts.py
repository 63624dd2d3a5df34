"""`lexwatch watches edit` (a watch's alerts), `lexwatch alerts send` and `lexwatch alerts list`.

Channel URLs hold secrets: every output shows them masked (vocab.channels.mask).
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli.database import engine
from cli.groups import group
from cli.options import flags
from cli.output import Format, FormatOpt, out, print_json, print_table
from cli.people import _WATCH_FLAGS, AlertOpt, NowOpt, Significance, moment, watches_app
from db import repo
from db.engine import session_scope
from vocab.channels import mask
from vocab.settings import get_settings

alerts_app = group("Alerts: changes told at once, through apprise channels.")


@watches_app.command("edit")
def watches_edit(
    name: Annotated[str, typer.Argument(help="watch name")],
    alert: AlertOpt = None,
    no_alerts: Annotated[bool, typer.Option("--no-alerts", help="remove every channel")] = False,
    alert_min: Annotated[
        Significance | None, typer.Option("--alert-min", help="least significant change to alert")
    ] = None,
    quiet_hours: Annotated[
        str | None, typer.Option("--quiet-hours", help="e.g. 22-07; '' for none")
    ] = None,
    format: FormatOpt = Format.text,
) -> None:
    """Change a watch's alerts: --alert replaces its channels (a channel kept keeps its history)."""
    from digests import watches

    with session_scope(engine()) as session:
        watch = repo.find_watch(session, name=name)
        with flags(**_WATCH_FLAGS):
            new = _edited(watch, alert_min, quiet_hours)
            channels = [] if no_alerts else watches.alert_channels(alert or [])
        repo.update_watch(session, watch=watch, new=new)
        if alert or no_alerts:
            repo.set_alert_channels(session, watch=watch, urls=channels)
        kept = [c.url for c in repo.alert_channels(session, watch_id=watch.id)]
        data = watches.describe(watch) | watches.alert_settings(watch, kept)
    print_json(data) if format == Format.json else out.print(f"Saved watch '{name}'", markup=False)


def _edited(watch, alert_min: Significance | None, quiet_hours: str | None):
    from digests import watches

    new = watches.new_watch(
        watch.name,
        terms=watch.terms,
        references=watch.references,
        jurisdictions=watch.jurisdictions,
        min_significance=watch.min_significance,
        alert_min=alert_min.value if alert_min else watch.alert_min,
        quiet_hours=watch.quiet_hours if quiet_hours is None else quiet_hours,
    )
    new.description = watch.description
    return new


@alerts_app.command("send")
def alerts_send(now: NowOpt = "", format: FormatOpt = Format.text) -> None:
    """Send the alerts that are due now (the scheduler does this every minute and after crawls)."""
    from pipeline.alerts import deliver

    settings = get_settings()
    results = deliver(engine(), settings, moment(now, settings.timezone))
    if format == Format.json:
        return print_json([r.__dict__ for r in results])
    for result in results:
        out.print(result.line(), markup=False, highlight=False)
    if not results:
        out.print("No alerts due", markup=False)
    if any(r.status != "sent" for r in results):
        raise typer.Exit(1)  # a script learns that some must be tried again


@alerts_app.command("list")
def alerts_list(
    limit: Annotated[int, typer.Option(help="how many, newest first")] = 50,
    format: FormatOpt = Format.text,
) -> None:
    """The newest alerts: watch, channel (masked), change, status, tries and why one failed."""
    with session_scope(engine()) as session:
        rows = [_row(*found) for found in repo.list_alerts(session, limit=limit)]
    if format == Format.json:
        return print_json(rows)
    if not rows:
        return out.print("No alerts yet", markup=False)
    columns = ("watch", "channel", "change", "status", "tries", "error")
    print_table(columns, [[str(r[c]) for c in columns] for r in rows])


def _row(alert, watch: str, channel, change) -> dict:
    return {
        "watch": watch,
        "channel": mask(channel.url),
        "change": change.summary[:120],
        "status": alert.status,
        "tries": alert.attempts,
        "due": alert.due_at.isoformat(),
        "sent": alert.sent_at.isoformat() if alert.sent_at else "",
        "error": alert.error,
    }
