"""The web app's addresses, shared by the pages, the feeds and the digests' links.

Where a route and a link must agree, the route is declared with the path
pattern defined here (UNSUBSCRIBE, BOARD), so a digest never links to an
address the app does not serve.
"""

from __future__ import annotations

from urllib.parse import quote

UNSUBSCRIBE = "/unsubscribe/{token}"  # web.routes.unsubscribe serves GET and POST
BOARD = "/admin"  # the health board (web.routes.admin, prefix /admin)


def file_path(key: str) -> str:
    """The page of one legislative file: /files/EU:2022/0155(COD)."""
    return "/files/" + quote(key, safe=":/()")


def file_url(base_url: str, key: str) -> str:
    """The absolute address of a file's page."""
    return base_url.rstrip("/") + file_path(key)


def unsubscribe_path(token: str) -> str:
    """The unsubscribe page of a token: GET asks, POST unsubscribes (one click, RFC 8058)."""
    return UNSUBSCRIBE.format(token=quote(token, safe=""))


def unsubscribe_url(base_url: str, token: str) -> str:
    """The absolute one-click unsubscribe address of a subscriber."""
    return base_url.rstrip("/") + unsubscribe_path(token)


def board_url(base_url: str) -> str:
    """The absolute address of the admin's health board."""
    return base_url.rstrip("/") + BOARD


def change_url(base_url: str, key: str, change_id: int) -> str:
    """A change on its file's page."""
    return f"{file_url(base_url, key)}#change-{change_id}"


def agenda_path(key: str) -> str:
    """A file's Agenda page; its calendar feed is this with `.ics` added."""
    return file_path(key) + "/agenda"


def watch_agenda_path(watch_id: int) -> str:
    """A watch's Agenda page; its calendar feed is this with `.ics` added."""
    return f"/watches/{watch_id}/agenda"
