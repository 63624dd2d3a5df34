"""`lexwatch demo --no-serve`: the whole demo offline, checked by what it leaves behind."""

from __future__ import annotations

import email
import email.policy
import mailbox
import re
from pathlib import Path

import pytest


def _digests(outbox: Path) -> list[email.message.EmailMessage]:
    def read(handle):
        return email.message_from_binary_file(handle, policy=email.policy.default)

    return list(mailbox.Maildir(outbox, factory=read, create=False))


# The demo always makes its own SQLite database in <data_dir>/demo, whatever the test's backend.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_demo_crawls_moves_files_on_and_writes_the_digest(lexwatch, home, monkeypatch) -> None:
    result = lexwatch("demo", "--no-serve")
    assert result.code == 0, result.err
    assert "Changes found: 7 in 4 sources" in result.out
    demo = home / "data" / "demo"
    assert (demo / "lexwatch.db").is_file()

    monkeypatch.setenv("LEXWATCH_DATA_DIR", str(demo))
    monkeypatch.delenv("LEXWATCH_SEED_DEFAULTS")  # the default (true) must not seed the demo
    from db.engine import dispose_engines
    from vocab.settings import get_settings

    dispose_engines()
    get_settings.cache_clear()
    changes = lexwatch("changes", "--format", "json").json()
    kinds = sorted((c["source"], c["kind"]) for c in changes)
    assert kinds == [
        ("EUR-Lex 2021/0106(COD)", "document_added"),
        ("EUR-Lex 2021/0106(COD)", "event_added"),
        ("Magyar Közlöny (official gazette)", "item_published"),
        ("OEIL 2022/2852(RSP)", "event_added"),
        ("OEIL 2022/2852(RSP)", "stage_changed"),
        ("Tweede Kamer Zaak 2024Z15447", "document_added"),
        ("Tweede Kamer Zaak 2024Z15447", "event_added"),
    ]
    statuses = {row["name"]: row["health"] for row in lexwatch("status", "--format", "json").json()}
    assert set(statuses.values()) == {"ok"} and len(statuses) == 10

    digests = {d["To"]: d for d in _digests(demo / "outbox")}
    officer = digests["Policy officer <policy.officer@example.org>"]
    # The CSA regulation's story: the Dutch motion, and the titled EU file it cites.
    assert "2 changes in 1 file" in officer["Subject"]
    text = officer.get_body(preferencelist=("plain",)).get_content()
    assert "CSAM-verordening" in text
    cites = "Cites: Regulation laying down rules to prevent and combat child sexual abuse"
    assert cites in " ".join(text.split())
    html = officer.get_body(preferencelist=("html",)).get_content()
    assert "/files/EU:2022/0155(COD)" in html
    analyst = digests["EU analyst <eu.analyst@example.org>"]
    assert "5 changes in 3 files (2 major)" in analyst["Subject"]
    other = analyst.get_body(preferencelist=("plain",)).get_content()
    assert other.index("Stage changed from 'Awaiting plenary debate/vote'") < other.index(
        "Magyar Közlöny 2026"
    )
    assert "ST 7536/24" in other and "CSAM-verordening" not in other
    # Every source was read a minute before: no false alarm.
    for digest in digests.values():
        body = digest.get_body(preferencelist=("plain",)).get_content()
        assert "Sources we could not check" not in body and "could not" not in body


# The demo's web app: "Test before saving" reads the demo's sources from the replay server,
# which stays up while the web app serves (it used to be closed first: every test failed).
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_test_before_saving_works_in_the_demo_while_it_serves(home, monkeypatch) -> None:
    import warnings

    from demo import run as demo_run
    from demo.catalogue import CATALOGUE
    from vocab.settings import get_settings
    from web.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    result = demo_run.run_demo(get_settings(), lambda line: None, keep_replay=True)
    oeil = next(entry for entry in CATALOGUE if entry.kind == "eu_oeil")
    form = {
        "kind": "eu_oeil",
        "url": oeil.url,
        "name": "OEIL again",
        "every": "1d",
        "action": "test",
    }
    try:
        with TestClient(create_app(result.settings), follow_redirects=False) as client:
            token = _sign_in(client, demo_run.DEMO_ADMIN, result.admin_password)
            page = client.get("/admin/sources/new").text
            assert "This is the demo" in page and result.replay.url in page
            tested = client.post("/admin/sources/new", data=form | {"csrf_token": token}).text
            assert "What the parser would record" in tested and "Test failed" not in tested, (
                re.findall(r"(?:error|Test failed)[^<]{0,300}", tested)
            )
            assert "2022/2852(RSP)" in tested
            elsewhere = form | {
                "url": "https://oeil.secure.europarl.europa.eu/oeil/en/procedure-file?reference=2099/0001(COD)"
            }
            refused = client.post("/admin/sources/new", data=elsewhere | {"csrf_token": token}).text
            assert "Test failed" in refused and "404" in refused
    finally:
        result.replay.close()

    served: list[str] = []
    monkeypatch.setattr("web.serve.serve", lambda *args, **kwargs: served.append("served"))
    again = demo_run.DemoResult(
        *[
            getattr(result, f)
            for f in (
                "settings",
                "data_dir",
                "database",
                "outbox",
                "first",
                "second",
                "digests",
                "admin_password",
            )
        ],
        replay=_Closing(),
    )
    demo_run.serve_demo(again, 8000, lambda line: None)
    assert served == ["served"] and again.replay.closed, "the replay server ends with the web app"


class _Closing:
    """Stands for the replay server: records that serve_demo closed it."""

    closed = False
    url = "http://127.0.0.1:1"

    def close(self) -> None:
        self.closed = True


def _sign_in(client, email: str, password: str) -> str:
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin").text).group(1)
