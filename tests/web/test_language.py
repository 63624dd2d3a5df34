"""The web app's fixed text follows the browser's Accept-Language where a catalogue exists
(the layout, the sign-in page, the digest preview); a page not translated stays English."""

from __future__ import annotations

import pytest

from db import repo
from db.engine import session_scope
from db.models import Watch
from vocab.languages import from_accept_language

from .conftest import add_user, csrf_token
from .test_people import field_error, people, person, post


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("nl-NL,nl;q=0.9,en;q=0.8", "nl"),
        ("de-DE", "de"),
        ("ja, fr-CA;q=0.5", "fr"),
        ("fr;q=0, nl;q=0.4", "nl"),
        ("ja", "en"),
        ("", "en"),
        ("de;q=x", "en"),
    ],
)
def test_the_first_accepted_language_with_a_catalogue_wins(header, language) -> None:
    assert from_accept_language(header) == language


def test_the_sign_in_page_is_in_the_browsers_language(anonymous) -> None:
    german = anonymous.get("/login", headers={"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"})
    assert german.status_code == 200 and "Accept-Language" in german.headers["vary"]
    assert "<h1>Anmelden</h1>" in german.text and "Passwort <input" in german.text
    assert "Sign in" not in german.text
    dutch = anonymous.get("/login", headers={"Accept-Language": "nl"}).text
    assert "<h1>Inloggen</h1>" in dutch and "Wachtwoord <input" in dutch
    english = anonymous.get("/login", headers={"Accept-Language": "ja"}).text
    assert "<h1>Sign in</h1>" in english and "Password <input" in english


def test_the_layout_and_digest_preview_follow_the_browser_and_the_digest_its_reader(
    app, admin, history
) -> None:
    with session_scope(app.state.engine) as session:
        watch = repo.add_watch(session, watch=Watch(name="csa", references=["2022/0155(COD)"]))
        person, _new = repo.upsert_subscriber(session, email="beamte@example.org", language="de")
        repo.subscribe(session, subscriber=person, watches=[watch])
        person_id = person.id
    page = admin.get(f"/admin/subscribers/{person_id}/digest", headers={"Accept-Language": "nl"})
    assert page.status_code == 200
    for dutch in (
        "Voorbeeld van het overzicht",
        ">Zoeken</a>",
        ">Uitloggen</button>",
        "Statusoverzicht",
        "Tekstdeel",
        "Onderwerp",
    ):
        assert dutch in page.text, dutch
    assert "Lexwatch-Übersicht, Woche vom" in page.text  # the digest is in its reader's language
    untranslated = admin.get("/admin/watches", headers={"Accept-Language": "nl"}).text
    assert ">Zoeken</a>" in untranslated and "<h1>Watches</h1>" in untranslated


def test_the_subscriber_form_refuses_a_language_digests_are_not_written_in(app, admin) -> None:
    with session_scope(app.state.engine) as session:
        watch_id = repo.add_watch(session, watch=Watch(name="csa", references=["x"])).id
    data = person("a@example.org", [watch_id]) | {"language": "es"}
    response = post(admin, "/admin/subscribers/new", data)
    assert response.status_code == 400
    said = field_error(response.text, "language")
    assert said == "'es' is not a language digests are written in: write en, nl, de or fr"
    assert people(app) == {}


def test_a_refused_sign_in_is_explained_in_the_browsers_language(app, anonymous) -> None:
    add_user(app, "ann@example.org", "reader")
    form = {
        "email": "ann@example.org",
        "password": "wrong",
        "next": "/",
        "csrf_token": csrf_token(anonymous),
    }
    refused = anonymous.post("/login", data=form, headers={"Accept-Language": "fr-BE, fr"})
    assert refused.status_code == 400
    assert "Adresse e-mail ou mot de passe incorrect" in refused.text
    assert "Se connecter" in refused.text and "Wrong email" not in refused.text
