"""The admin area without a browser: sources (test before saving, add, edit, pause, delete), the
health board, watches, subscribers and their digest preview."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import escape, unescape

from db import repo
from db.engine import session_scope
from db.models import Watch
from web import board

from .conftest import csrf_token

PAGE = """<html><body><div id="main"><h2>Status</h2><p>Awaiting committee decision</p>
<h2>Key events</h2><p>2022-05-11 Legislative proposal published</p>
<p>Scraped &lt;script&gt;alert(1)&lt;/script&gt; text</p></div></body></html>"""


def _form(client, site, **fields: str) -> dict[str, str]:
    data = {
        "kind": "page",
        "url": site.url("/libe.html"),
        "params": "selector=#main",
        "name": "libe",
        "jurisdiction": "eu",
        "every": "6h",
        "csrf_token": csrf_token(client, "/admin/sources/new"),
    }
    return data | fields


def test_test_before_saving_shows_the_record_and_saves_nothing(admin, site) -> None:
    site.serve("/libe.html", PAGE)
    response = admin.post("/admin/sources/new", data=_form(admin, site, action="test"))
    assert response.status_code == 200
    html = response.text
    assert "What the parser would record" in html and "Legislative proposal published" in html
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)" in html
    assert 'value="libe"' in html, "the form keeps what was typed"
    assert admin.get("/api/sources").json() == []


def test_a_failing_test_says_why(admin, site) -> None:
    site.serve("/libe.html", "<html><body><p>no main here</p></body></html>")
    html = admin.post("/admin/sources/new", data=_form(admin, site, action="test")).text
    assert "Test failed" in html and "#main" in html


def test_bad_input_is_shown_on_the_form(admin, site) -> None:
    for fields, message in [
        ({"kind": "nope"}, "unknown kind"),
        ({"url": "example.org"}, "not a web address"),
        ({"every": "soon"}, "not an interval"),
        ({"params": "oops"}, "must be key=value"),
    ]:
        response = admin.post(
            "/admin/sources/new", data=_form(admin, site, action="save", **fields)
        )
        assert response.status_code == 400 and message in response.text


def test_add_edit_pause_and_delete_a_source(app, admin, site) -> None:
    site.serve("/libe.html", PAGE)
    assert (
        admin.post("/admin/sources/new", data=_form(admin, site, action="save")).status_code == 303
    )
    board_page = admin.get("/admin").text
    assert "Added libe." in board_page and ">libe</a>" in board_page
    source = admin.get("/api/sources").json()[0]
    assert (source["jurisdiction"], source["schedule"], source["params"]) == (
        "EU",
        "every 6h",
        {"selector": "#main"},
    )
    sid = source["id"]

    edit = admin.get(f"/admin/sources/{sid}/edit").text
    assert 'value="libe"' in edit and "selector=#main" in edit
    data = _form(admin, site, action="save", name="libe-csa", every="1d", enabled="1")
    assert admin.post(f"/admin/sources/{sid}/edit", data=data).status_code == 303
    assert [(s["name"], s["schedule"]) for s in admin.get("/api/sources").json()] == [
        ("libe-csa", "every 1d")
    ]

    token = csrf_token(admin, "/admin")
    assert admin.post(f"/admin/sources/{sid}/pause", data={"csrf_token": token}).status_code == 303
    assert admin.get("/api/sources").json()[0]["enabled"] is False
    assert "Paused libe-csa." in admin.get("/admin").text
    admin.post(f"/admin/sources/{sid}/pause", data={"csrf_token": token})
    assert admin.get("/api/sources").json()[0]["enabled"] is True

    assert "Delete libe-csa?" in admin.get(f"/admin/sources/{sid}/delete").text
    assert admin.post(f"/admin/sources/{sid}/delete", data={"csrf_token": token}).status_code == 303
    assert admin.get("/api/sources").json() == []
    assert admin.get(f"/admin/sources/{sid}/edit").status_code == 404


def test_a_name_taken_by_another_source_is_refused(admin, site) -> None:
    for name in ("one", "two"):
        admin.post(
            "/admin/sources/new",
            data=_form(admin, site, action="save", name=name, url=site.url(f"/{name}")),
        )
    two = next(s for s in admin.get("/api/sources").json() if s["name"] == "two")
    response = admin.post(
        f"/admin/sources/{two['id']}/edit", data=_form(admin, site, action="save", name="one")
    )
    assert response.status_code == 400 and "exists already" in response.text


def test_the_health_board_shows_health_last_error_next_run_and_recent_runs(
    admin, site, lexwatch
) -> None:
    site.serve("/libe.html", PAGE)
    admin.post("/admin/sources/new", data=_form(admin, site, action="save"))
    assert lexwatch("crawl").code == 0
    site.serve("/libe.html", "<html><body>maintenance</body></html>")
    assert lexwatch("crawl").code == 1  # the source broke: crawl says so in its exit status
    html = admin.get("/admin").text
    assert 'class="health-broken"' in html and "selector &#39;#main&#39; matched nothing" in html
    assert html.count('<rect class="run-') == 2 and "run-ok" in html and "run-error" in html
    assert "Recent runs" in html and "Next run" in html
    detail = admin.get(f"/admin/sources/{admin.get('/api/sources').json()[0]['id']}").text
    assert "parse_error" in detail


def test_sparkline_bars_run_oldest_to_newest(app, admin, site, lexwatch) -> None:
    site.serve("/libe.html", PAGE)
    admin.post("/admin/sources/new", data=_form(admin, site, action="save"))
    for _ in range(3):
        lexwatch("crawl")
    with session_scope(app.state.engine) as session:
        runs = repo.last_runs(session, source_id=1)
        bars = board.sparkline(runs)
        rows = board.board_rows(session, now=datetime.now(UTC), timezone="Europe/Brussels")
    assert [b.x for b in bars] == [0, 7, 14] and runs[0].started_at >= runs[-1].started_at
    assert bars[-1].label.startswith(f"{runs[0].started_at:%Y-%m-%d %H:%M}")
    assert rows[0]["health"] == "ok" and rows[0]["last_success_at"]


def test_watches_and_subscribers_with_their_digest_preview(app, admin, history) -> None:
    with session_scope(app.state.engine) as session:
        watch = repo.add_watch(
            session, watch=Watch(name="csa", terms=["chat control"], references=["2022/0155(COD)"])
        )
        person, _new = repo.upsert_subscriber(session, email="officer@example.org", name="Officer")
        repo.subscribe(session, subscriber=person, watches=[watch])
        person_id = person.id
    watches = admin.get("/admin/watches").text
    assert "csa" in watches and "2022/0155(COD)" in watches and "<td>1</td>" in watches
    people = admin.get("/admin/subscribers").text
    assert "officer@example.org" in people and f"/admin/subscribers/{person_id}/digest" in people
    preview = admin.get(f"/admin/subscribers/{person_id}/digest")
    assert preview.status_code == 200 and "Plain-text part" in preview.text
    html = admin.get(f"/admin/subscribers/{person_id}/digest.html")
    assert html.status_code == 200 and "sandbox" in html.headers["content-security-policy"]
    assert admin.get("/admin/subscribers/999/digest").status_code == 404


def _field_error(html: str, field: str) -> str:
    """The text of the refusal shown next to a field, or '' when there is none."""
    found = re.search(rf'<p class="error field-error" id="{field}-error">(.*?)</p>', html)
    return unescape(found.group(1)) if found else ""


def test_a_refused_field_is_shown_next_to_it_with_what_was_typed_kept(admin, site) -> None:
    cases = [
        ({"params": "selector=###"}, "params", "selector: '###' is not a CSS selector"),
        ({"params": "xpath=//div["}, "params", "xpath: '//div[' is not an XPath expression"),
        ({"kind": "json", "params": "path=data["}, "params", "path: 'data[' is not a JMESPath"),
        ({"cron": "0 6 * * *"}, "schedule", "give an interval or a cron schedule, not both"),
        ({"every": "soon"}, "every", "'soon' is not an interval"),
        ({"jurisdiction": "Narnia"}, "jurisdiction", "'Narnia' is not a known jurisdiction"),
        ({"kind": "eu_oeil", "url": "https://example.org/", "params": ""}, "url", "eu_oeil reads"),
        ({"url": "https://exa mple.org/"}, "url", "'exa mple.org' is not a host name"),
        ({"name": "ok[/x]"}, "name", "has characters a name cannot have"),
    ]
    for fields, field, message in cases:
        for action in ("save", "test"):
            response = admin.post(
                "/admin/sources/new", data=_form(admin, site, action=action, **fields)
            )
            assert response.status_code == 400, (fields, action)
            shown = _field_error(response.text, field)
            assert message in shown and "--" not in shown, (fields, shown)
            assert "Not saved: see the field marked below." in response.text
            assert f'aria-describedby="{field}-error"' in response.text
            for name, value in fields.items():
                assert escape(value) in response.text, f"the form keeps {name} as typed"
    assert admin.get("/api/sources").json() == []
    assert site.requests == [], "a refused source is not fetched, not even by a test run"


def test_an_edit_with_a_bad_selector_changes_nothing(admin, site) -> None:
    site.serve("/libe.html", PAGE)
    assert (
        admin.post("/admin/sources/new", data=_form(admin, site, action="save")).status_code == 303
    )
    source = admin.get("/api/sources").json()[0]
    data = _form(admin, site, action="save", params="selector=div >", every="1d", enabled="1")
    response = admin.post(f"/admin/sources/{source['id']}/edit", data=data)
    assert response.status_code == 400
    assert "selector: 'div >' is not a CSS selector" in _field_error(response.text, "params")
    stored = admin.get("/api/sources").json()[0]
    assert {k: stored[k] for k in ("params", "schedule")} == {
        "params": {"selector": "#main"},
        "schedule": "every 6h",
    }


def test_a_taken_name_is_shown_next_to_the_name(admin, site) -> None:
    assert (
        admin.post("/admin/sources/new", data=_form(admin, site, action="save")).status_code == 303
    )
    again = admin.post("/admin/sources/new", data=_form(admin, site, action="save"))
    assert again.status_code == 400
    assert (
        _field_error(again.text, "name")
        == "a source named 'libe' exists already: pick another name"
    )
