"""Earlier states of real captured pages, for the demo and the tests. Pure: bytes in, bytes out.

The demo serves each file first as it stood one step earlier, then as captured.
Every earlier state is built here from the real capture by removing what the
later step added, and says so (`LABELS`, sent by the replay server as
`X-Lexwatch-Demo-State`). The captures themselves are never edited.
"""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup

LABELS = {
    "oeil_before_plenary_decision": "built from the real OEIL page: the 'Decision by Parliament' row removed, status set back",
    "eurlex_before_last_council_step": "built from the real EUR-Lex page: the newest Council step (ST 7536/24) removed",
    "zaak_before_motion": "built from the real Tweede Kamer Zaak: its motion document not yet attached",
    "feed_before_latest_issue": "built from the real gazette feed: its newest issue not yet published",
}


def _soup(page: bytes | str) -> BeautifulSoup:
    return BeautifulSoup(page, "lxml")


def oeil_key_event_rows(soup: BeautifulSoup) -> list:
    """The rows of an OEIL procedure file's key-events table (current layout)."""
    section = soup.find("h2", string="Key events").find_parent("div", class_="oeil-spy-section")
    return section.find("tbody").find_all("tr", recursive=False)


def oeil_before_plenary_decision(page: bytes | str) -> bytes:
    """The OEIL page before the plenary decision: that row gone, the status 'Awaiting plenary debate/vote'."""
    soup = _soup(page)
    for row in oeil_key_event_rows(soup):
        if "Decision by Parliament" in row.get_text():
            row.decompose()
    soup.find("p", string="Status").find_next("p").string = "Awaiting plenary debate/vote"
    return str(soup).encode("utf-8")


def oeil_rows_reversed(page: bytes | str) -> bytes:
    """The OEIL page with its key-event rows in the opposite order (no change at all)."""
    soup = _soup(page)
    rows = oeil_key_event_rows(soup)
    body = rows[0].parent
    for row in rows:
        row.extract()
    body.extend(reversed(rows))
    return str(soup).encode("utf-8")


def eurlex_before_last_council_step(page: bytes | str) -> bytes:
    """The EUR-Lex procedure page before the Council step of 18 March 2024 (ST 7536 2024 INIT)."""
    soup = _soup(page)
    soup.find("div", id="2024-03-18_DIS_byCONSIL").decompose()
    soup.find("div", id="R1CONSIL_DIS_byCONSIL1").decompose()
    return str(soup).encode("utf-8")


def zaak_before_motion(zaak: bytes) -> bytes:
    """The Tweede Kamer Zaak before its motion document was attached."""
    data = json.loads(zaak)
    data["Document"] = []
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def feed_before_latest_issue(feed: bytes) -> bytes:
    """The RSS feed before its newest item was published."""
    return re.sub(rb"<item>.*?</item>\s*", b"", feed, count=1, flags=re.DOTALL)
