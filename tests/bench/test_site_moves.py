"""bench/site.py: the 5 % pass's pages are edited, then put back, and the site's time only
moves on, so that a tool asking If-Modified-Since alone hears of each move."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from bench.site import Site


def _get(url: str, **headers: str) -> tuple[int, bytes, str]:
    try:
        with urlopen(Request(url, headers=headers), timeout=10) as answer:
            return answer.status, answer.read(), answer.headers["Last-Modified"]
    except HTTPError as error:  # urllib raises for a 304
        if error.code == 304:
            return 304, b"", ""
        raise


def test_an_edit_put_back_serves_the_first_text_newer_than_the_edit() -> None:
    site = Site(40, seed=2026)
    try:
        urls = site.urls()
        first = {name: _get(url) for name, url in urls.items()}
        moved = site.edit(0.05)
        edited = {name: _get(urls[name]) for name in moved}
        assert moved and site.put_back(0.05) == moved
        for name in moved:
            status, body, modified = _get(urls[name])
            assert status == 200 and body == first[name][1] != edited[name][1]
            assert parsedate_to_datetime(modified) > parsedate_to_datetime(edited[name][2])
            assert _get(urls[name], **{"If-Modified-Since": edited[name][2]})[0] == 200
        unmoved = next(name for name in urls if name not in moved)
        assert _get(urls[unmoved], **{"If-Modified-Since": first[unmoved][2]})[0] == 304
    finally:
        site.close()
