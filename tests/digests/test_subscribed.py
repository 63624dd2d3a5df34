"""Which week a subscriber gets: never one that ended before they subscribed, and the preview
(`lexwatch digest preview`, the admin's preview page) shows the week the send sends."""

from __future__ import annotations

import mailbox
import re
import warnings
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default

from db import repo
from db.engine import get_engine, session_scope
from digests.send import Delivery, send_due
from monitor import schedule
from tests.digests import world
from tests.web.conftest import add_user, sign_in
from web.app import create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

THURSDAY = datetime(2025, 10, 9, 14, 0, tzinfo=world.TZ)  # in the week of Mon 6 Oct
PERIOD = re.compile(r"Changes seen from .+?\)")
NONE = Delivery(())


def test_a_subscriber_added_on_thursday_gets_no_digest_of_the_week_before(
    settings, lexwatch
) -> None:
    config = settings()
    world.build_week(config, ["old@example.org"])  # subscribed long ago
    world.subscribe(config, ["new@example.org"], when=THURSDAY)
    engine = get_engine(config.db_url)

    # A send on that Thursday (by hand, or the scheduler's run at start) is the week to 6 Oct.
    thursday = send_due(engine, config, THURSDAY, delivery=NONE)
    preview = lexwatch(
        "digest", "preview", "--subscriber", "new@example.org", "--now", THURSDAY.isoformat()
    )
    monday = send_due(engine, config, world.NOW, delivery=NONE)

    assert [(r.email, r.status) for r in thursday] == [("old@example.org", "sent")]
    assert {r.email: r.status for r in monday} == {
        "old@example.org": "sent",
        "new@example.org": "sent",
    }
    with session_scope(engine) as session:
        new = repo.find_subscriber(session, email="new@example.org")
        periods = [r.period_start for r, email in repo.digest_runs(session) if email == new.email]
    assert periods == [datetime(2025, 10, 6, 5, tzinfo=UTC)]  # the week of 6 Oct, only
    sent = _outbox_text(config, "new@example.org")
    assert preview.out.startswith("Subject: Lexwatch digest, week of 6 Oct 2025: 5 changes")
    assert PERIOD.search(preview.out).group(0) == PERIOD.search(sent).group(0)
    assert "Mon 6 Oct 2025 07:00 to Mon 13 Oct 2025 07:00" in sent


def test_a_resubscription_does_not_catch_up_on_the_weeks_away(settings, lexwatch) -> None:
    config = settings()
    world.build_week(config, ["ann@example.org"])
    engine = get_engine(config.db_url)
    earlier = world.NOW - timedelta(weeks=3)
    assert [r.status for r in send_due(engine, config, earlier, delivery=NONE)] == ["sent"]
    with session_scope(engine) as session:  # she left, and an admin added her back on Thursday
        repo.find_subscriber(session, email="ann@example.org").status = "unsubscribed"
        ann, _new = repo.upsert_subscriber(session, email="ann@example.org")
        assert ann.status == "active" and ann.subscribed_at > THURSDAY  # made now
        ann.subscribed_at = THURSDAY

    text = lexwatch("digest", "preview", "--subscriber", "ann@example.org", "--now", world.NOW_ISO)

    assert "Changes seen from Mon 6 Oct 2025 07:00 to Mon 13 Oct 2025 07:00" in text.out


def test_the_admin_preview_shows_the_week_the_next_send_sends(settings) -> None:
    config = settings()
    world.build_week(config, [])
    world.subscribe(config, ["ann@example.org"], when=datetime.now(UTC))  # added just now
    with session_scope(get_engine(config.db_url)) as session:
        ann = repo.find_subscriber(session, email="ann@example.org").id
    app = create_app(config)
    add_user(app, "admin@example.org", "admin")
    with TestClient(app, base_url=world.BASE_URL, follow_redirects=False) as admin:  # https
        sign_in(admin, "admin@example.org")
        page = admin.get(f"/admin/subscribers/{ann}/digest").text

    next_send = schedule.digest_trigger(config.timezone).get_next_fire_time(None, datetime.now(UTC))
    [result] = send_due(get_engine(config.db_url), config, next_send, delivery=NONE)

    assert result.status == "sent"
    assert PERIOD.search(page).group(0) == PERIOD.search(
        _outbox_text(config, "ann@example.org")
    ).group(0)


def _outbox_text(config, address: str) -> str:
    box = mailbox.Maildir(config.outbox, create=False)
    found = [message_from_bytes(box.get_bytes(k), policy=default) for k in box.iterkeys()]
    [message] = [m for m in found if address in m["To"]]
    return message.get_body(("plain",)).get_content()
