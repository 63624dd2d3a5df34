"""A watch's alerts in the web app: channels added, shown only masked, removed; quiet hours and
the alert threshold checked as the CLI checks them; a failing channel on the health board."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import FastAPI

from db import repo
from db.engine import session_scope

from .test_people import WATCH, field_error, post, watches

SECRET = "xoxb-very-secret-token"
HOOK = f"json://lexwatch:{SECRET}@127.0.0.1:9/hook"
MAIL = "mailto://127.0.0.1:2525?from=alerts@example.org&to=desk@ngo.example"


def _channels(app: FastAPI, name: str) -> list:
    with session_scope(app.state.engine) as session:
        return repo.alert_channels(session, watch_id=watches(app)[name].id)


def test_an_admin_adds_channels_sees_them_masked_and_removes_one(app, admin) -> None:
    added = post(
        admin,
        "/admin/watches/new",
        WATCH | {"alerts": f"{HOOK}\n{MAIL}", "alert_min": "notable", "quiet_hours": "22-07"},
    )
    assert added.status_code == 303
    stored = watches(app)["csa"]
    assert (stored.alert_min, stored.quiet_hours) == ("notable", "22-07")
    assert [c.url for c in _channels(app, "csa")] == [HOOK, MAIL]
    edit = admin.get(f"/admin/watches/{stored.id}/edit").text
    assert "json://127.0.0.1:9/…" in edit and "mailto://127.0.0.1:2525/…" in edit
    assert SECRET not in edit and "desk@ngo.example" not in edit

    first = _channels(app, "csa")[0].id
    saved = post(
        admin,
        f"/admin/watches/{stored.id}/edit",
        WATCH | {"remove_channel": str(first), "quiet_hours": ""},
    )
    assert saved.status_code == 303
    assert [c.url for c in _channels(app, "csa")] == [MAIL] and not watches(app)["csa"].quiet_hours


def test_a_refused_channel_or_quiet_hours_is_explained_next_to_its_field(app, admin) -> None:
    bad = post(admin, "/admin/watches/new", WATCH | {"alerts": f"nonsense://{SECRET}"})
    assert bad.status_code == 400 and "not an alert channel" in field_error(bad.text, "alerts")
    assert SECRET not in bad.text.replace(f"nonsense://{SECRET}</textarea>", "")
    late = post(admin, "/admin/watches/new", WATCH | {"quiet_hours": "22-31"})
    assert late.status_code == 400 and "22-07" in field_error(late.text, "quiet_hours")
    assert "csa" not in watches(app)


def test_a_failing_channel_shows_on_the_board_masked(app, admin) -> None:
    post(admin, "/admin/watches/new", WATCH | {"alerts": HOOK})
    channel = _channels(app, "csa")[0]
    with session_scope(app.state.engine) as session:
        repo.note_channel(
            session, channel_id=channel.id, now=datetime.now(UTC), error="Connection refused"
        )
    board = admin.get("/admin").text
    assert "Alert channels failing" in board and "json://127.0.0.1:9/…" in board
    assert "Connection refused" in board and SECRET not in board
