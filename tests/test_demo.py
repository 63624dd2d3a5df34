"""`lexwatch demo --no-serve`: the whole demo offline, checked by what it leaves behind."""

from __future__ import annotations

import email
import email.policy
import mailbox
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
    from config import get_settings
    from db.engine import dispose_engines

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
