"""Watches and subscribers managed by admins in the web app, without a browser: each form valid,
invalid (the refusal next to its field, worded as the CLI words it but without flags),
without its CSRF token (refused), and by a reader (403)."""

from __future__ import annotations

import re
from html import escape, unescape

import pytest
from fastapi import FastAPI
from sqlmodel import select

from db import repo
from db.engine import session_scope
from db.models import Subscriber, Subscription, Watch

from .conftest import csrf_token

WATCH = {
    "name": "csa",
    "description": "the CSA regulation",
    "terms": "chat control\nChatkontrolle",
    "references": "2022/0155(COD)\nCOM(2022) 209",
    "jurisdictions": "eu, nl",
    "min_significance": "notable",
}


def field_error(html: str, field: str) -> str:
    """The refusal shown right after a field's label, or '' when there is none."""
    found = re.search(
        rf'</label>\s*<p class="error field-error" id="{field}-error">(.*?)</p>', html, re.S
    )
    return unescape(found.group(1)) if found else ""


def post(client, path: str, data: dict, *, token: bool = True):
    form = dict(data) | ({"csrf_token": csrf_token(client, "/admin/watches/new")} if token else {})
    return client.post(path, data=form)


def watches(app: FastAPI) -> dict[str, Watch]:
    with session_scope(app.state.engine) as session:
        return {w.name: w for w in session.exec(select(Watch)).all()}


def people(app: FastAPI) -> dict[str, tuple[Subscriber, set[str]]]:
    with session_scope(app.state.engine) as session:
        return {p.email: (p, set(names)) for p, names in repo.subscribers_with_watches(session)}


# -- watches ---------------------------------------------------------------------------------


def test_an_admin_adds_a_watch_as_the_cli_would(app, admin) -> None:
    response = post(admin, "/admin/watches/new", WATCH)
    assert response.status_code == 303 and response.headers["location"] == "/admin/watches"
    listing = admin.get("/admin/watches").text
    assert "Added the watch csa." in listing and "Chatkontrolle" in listing
    stored = watches(app)["csa"]
    assert (
        stored.terms,
        stored.references,
        stored.jurisdictions,
        stored.min_significance,
        stored.description,
    ) == (
        ["chat control", "Chatkontrolle"],
        ["2022/0155(COD)", "COM(2022) 209"],
        ["EU", "NL"],
        "notable",
        "the CSA regulation",
    )


@pytest.mark.parametrize(
    ("change", "field", "cli_args"),
    [
        ({"terms": "", "references": ""}, "terms", ["x"]),
        ({"terms": "topic:fish"}, "terms", ["x", "--term", "topic:fish"]),
        ({"name": "  "}, "name", [" "]),
        ({"min_significance": "huge"}, "min_significance", None),
    ],
)
def test_a_refused_watch_is_explained_next_to_its_field_as_the_cli_explains_it(
    app, admin, lexwatch, change, field, cli_args
) -> None:
    data = WATCH | change
    response = post(admin, "/admin/watches/new", data)
    assert response.status_code == 400
    shown = field_error(response.text, field)
    assert shown and "--" not in shown and "lexwatch" not in shown, shown
    assert f'aria-describedby="{field}-error"' in response.text
    for name in ("description", "references"):
        assert escape(data[name]) in response.text, f"the form keeps {name} as typed"
    if cli_args:  # the same check: the CLI says the same, after the flag it names
        said = lexwatch("watches", "add", *cli_args)
        assert said.code == 2 and said.err.strip().endswith(shown), said.err
    assert watches(app) == {}


def test_a_watch_name_is_taken_once(app, admin) -> None:
    assert post(admin, "/admin/watches/new", WATCH).status_code == 303
    again = post(admin, "/admin/watches/new", WATCH | {"terms": "other"})
    assert again.status_code == 400
    assert (
        field_error(again.text, "name") == "a watch named 'csa' exists already: pick another name"
    )


def test_an_admin_edits_and_removes_a_watch(app, admin) -> None:
    post(admin, "/admin/watches/new", WATCH)
    post(admin, "/admin/watches/new", WATCH | {"name": "other"})
    watch_id = watches(app)["csa"].id
    edit = admin.get(f"/admin/watches/{watch_id}/edit").text
    assert "Chatkontrolle" in edit and 'value="EU, NL"' in edit, (
        "the form shows the watch as stored"
    )
    taken = post(admin, f"/admin/watches/{watch_id}/edit", WATCH | {"name": "other"})
    assert taken.status_code == 400 and "exists already" in field_error(taken.text, "name")
    saved = post(
        admin,
        f"/admin/watches/{watch_id}/edit",
        WATCH | {"terms": "kindermisbruik", "min_significance": "major"},
    )
    assert saved.status_code == 303
    assert (watches(app)["csa"].terms, watches(app)["csa"].min_significance) == (
        ["kindermisbruik"],
        "major",
    )
    _follow(app, "officer@example.org", ["csa", "other"])
    confirm = admin.get(f"/admin/watches/{watch_id}/delete").text
    assert "1 subscriber follows it" in confirm
    removed = post(admin, f"/admin/watches/{watch_id}/delete", {})
    assert removed.status_code == 303 and "csa" not in watches(app)
    assert people(app)["officer@example.org"][1] == {"other"}, "the subscriber stays, without it"


def _follow(app: FastAPI, email: str, names: list[str]) -> None:
    with session_scope(app.state.engine) as session:
        person, _new = repo.upsert_subscriber(session, email=email)
        repo.subscribe(session, subscriber=person, watches=repo.watches_named(session, names=names))


# -- subscribers -------------------------------------------------------------------------------


@pytest.fixture
def two_watches(app, admin) -> dict[str, int]:
    post(admin, "/admin/watches/new", WATCH)
    post(admin, "/admin/watches/new", WATCH | {"name": "recast", "references": "2024/0035(COD)"})
    return {name: w.id for name, w in watches(app).items()}


def person(email: str, ids: list[int], **more: str) -> dict:
    return {
        "email": email,
        "name": "Officer",
        "language": "nl",
        "watch": [str(i) for i in ids],
    } | more


def test_an_admin_adds_a_subscriber_with_the_watches_they_follow(app, admin, two_watches) -> None:
    response = post(
        admin, "/admin/subscribers/new", person("officer@example.org", [two_watches["csa"]])
    )
    assert response.status_code == 303 and response.headers["location"] == "/admin/subscribers"
    assert "Added the subscriber officer@example.org." in admin.get("/admin/subscribers").text
    stored, follows = people(app)["officer@example.org"]
    assert (stored.name, stored.language, stored.status, follows) == (
        "Officer",
        "nl",
        "active",
        {"csa"},
    )
    assert stored.unsubscribe_token, "every subscriber can unsubscribe"


@pytest.mark.parametrize(
    ("change", "field", "cli_args"),
    [
        ({"email": "not an address"}, "email", ["not an address", "--watch", "csa"]),
        ({"email": "a@example.org\r\nBcc: b@example.org"}, "email", None),
        (
            {"language": "dutch"},
            "language",
            ["a@example.org", "--watch", "csa", "--language", "dutch"],
        ),
        ({"watch": []}, "watches", None),
    ],
)
def test_a_refused_subscriber_is_explained_next_to_its_field(
    app, admin, lexwatch, two_watches, change, field, cli_args
) -> None:
    data = person("a@example.org", [two_watches["csa"]]) | change
    response = post(admin, "/admin/subscribers/new", data)
    assert response.status_code == 400
    shown = (
        field_error(response.text, field) if field != "watches" else _fieldset_error(response.text)
    )
    assert shown and "--" not in shown, shown
    if cli_args:
        said = lexwatch("subscribers", "add", *cli_args)
        assert said.code == 2 and said.err.strip().endswith(shown), said.err
    assert people(app) == {}


def _fieldset_error(html: str) -> str:
    found = re.search(
        r'<p class="error field-error" id="watches-error">(.*?)</p>\s*</fieldset>', html, re.S
    )
    return unescape(found.group(1)) if found else ""


def test_an_address_is_a_subscriber_once(app, admin, two_watches) -> None:
    post(admin, "/admin/subscribers/new", person("officer@example.org", [two_watches["csa"]]))
    again = post(
        admin, "/admin/subscribers/new", person("Officer@Example.org", [two_watches["recast"]])
    )
    assert again.status_code == 400
    assert (
        field_error(again.text, "email")
        == "Officer@Example.org is a subscriber already: edit them instead"
    )


def test_an_admin_edits_what_a_subscriber_follows_and_removes_them(app, admin, two_watches) -> None:
    post(admin, "/admin/subscribers/new", person("officer@example.org", [two_watches["csa"]]))
    post(admin, "/admin/subscribers/new", person("other@example.org", [two_watches["csa"]]))
    officer = people(app)["officer@example.org"][0]
    form = admin.get(f"/admin/subscribers/{officer.id}/edit").text
    assert f'value="{two_watches["csa"]}" checked' in form
    saved = post(
        admin,
        f"/admin/subscribers/{officer.id}/edit",
        person("officer@example.org", [two_watches["recast"]], name="Policy officer"),
    )
    assert saved.status_code == 303
    stored, follows = people(app)["officer@example.org"]
    assert (stored.name, follows) == ("Policy officer", {"recast"})
    taken = post(
        admin,
        f"/admin/subscribers/{officer.id}/edit",
        person("other@example.org", [two_watches["csa"]]),
    )
    assert taken.status_code == 400 and "is a subscriber already" in field_error(
        taken.text, "email"
    )
    assert (
        "They receive no more digests" in admin.get(f"/admin/subscribers/{officer.id}/delete").text
    )
    assert post(admin, f"/admin/subscribers/{officer.id}/delete", {}).status_code == 303
    assert set(people(app)) == {"other@example.org"}
    with session_scope(app.state.engine) as session:
        assert (
            session.exec(select(Subscription).where(Subscription.subscriber_id == officer.id)).all()
            == []
        )


# -- CSRF and roles --------------------------------------------------------------------------------

FORMS = [  # every form this part adds: (path, what it posts)
    ("/admin/watches/new", WATCH),
    ("/admin/watches/{watch}/edit", WATCH),
    ("/admin/watches/{watch}/delete", {}),
    ("/admin/subscribers/new", {"email": "x@example.org", "language": "en", "watch": ["{watch}"]}),
    (
        "/admin/subscribers/{subscriber}/edit",
        {"email": "x@example.org", "language": "en", "watch": ["{watch}"]},
    ),
    ("/admin/subscribers/{subscriber}/delete", {}),
]


def _existing(app: FastAPI, admin) -> dict[str, int]:
    post(admin, "/admin/watches/new", WATCH)
    watch = watches(app)["csa"].id
    post(admin, "/admin/subscribers/new", person("officer@example.org", [watch]))
    return {"watch": watch, "subscriber": people(app)["officer@example.org"][0].id}


def _fill(value, ids: dict[str, int]):
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value.format(**ids) if isinstance(value, str) else value


def test_every_form_without_its_csrf_token_is_refused_and_changes_nothing(app, admin) -> None:
    ids = _existing(app, admin)
    before = (watches(app).keys(), people(app).keys())
    for path, data in FORMS:
        response = admin.post(path.format(**ids), data=_fill(data, ids))
        assert response.status_code == 403 and "did not come from Lexwatch" in response.text, path
    assert (watches(app).keys(), people(app).keys()) == before


def test_a_reader_can_neither_see_nor_use_the_forms(app, admin, reader) -> None:
    ids = _existing(app, admin)
    pages = ["/admin/watches", "/admin/watches/new", "/admin/subscribers", "/admin/subscribers/new"]
    pages += [p.format(**ids) for p, _data in FORMS if not p.endswith("/new")]
    for path in pages:
        assert reader.get(path).status_code == 403, path
    token = csrf_token(reader, "/")
    for path, data in FORMS:
        response = reader.post(path.format(**ids), data=_fill(data, ids) | {"csrf_token": token})
        assert response.status_code == 403 and "Only admins" in response.text, path
    assert "csa" in watches(app) and "officer@example.org" in people(app)


def test_the_links_of_the_lists_lead_to_the_forms(app, admin) -> None:
    ids = _existing(app, admin)
    for listing, links in (
        (
            "/admin/watches",
            [
                "/admin/watches/new",
                f"/admin/watches/{ids['watch']}/edit",
                f"/admin/watches/{ids['watch']}/delete",
            ],
        ),
        (
            "/admin/subscribers",
            [
                "/admin/subscribers/new",
                f"/admin/subscribers/{ids['subscriber']}/edit",
                f"/admin/subscribers/{ids['subscriber']}/delete",
            ],
        ),
    ):
        html = admin.get(listing).text
        for href in links:
            assert f'href="{href}"' in html, (listing, href)
            assert admin.get(href).status_code == 200, href
