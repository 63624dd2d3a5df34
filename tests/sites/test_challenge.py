"""Bot walls: a challenge answer is recorded as health `blocked` with a plain reason, per site.

The challenge page is BUILT to the shape AWS WAF serves (tests/fixtures/challenge/README.md);
the pages it stands in for are real captures. The end-to-end test crawls a local server that
answers a `202` with an empty body, then the challenge page, then the real page.
"""

from __future__ import annotations

from typing import Any

import pytest

from crawlers.sites import eu_ep_api, eu_ep_press, eu_eurlex, eu_oeil
from crawlers.sites.challenge import challenge_reason
from db import repo
from db.engine import get_engine, session_scope
from db.models import Source
from tests.helpers import FIXTURES, capture
from vocab.errors import Blocked, ParseError
from vocab.fetch import Response
from vocab.settings import get_settings

WALL = (FIXTURES / "challenge" / "built_aws-waf-challenge-page_HTTP202.html").read_bytes()
OEIL_URL = "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2024/2006(REG)"
REAL_PAGES = [
    ("eu_oeil", "new-procedure-file_2024-2006-REG.html"),
    ("eu_oeil", "secure-procedure-file_2023-2019-INI.html"),
    ("eu_ep_press", "press-release_20241212IPR25960.html"),
    ("eu_eurlex", "procedure_2021_106.html"),
    ("eu_eurlex", "document_P9-A-2021-0270.html"),
]
SITES_BEHIND_THE_WALL = {
    "eu_oeil": (eu_oeil, OEIL_URL),
    "eu_ep_press": (
        eu_ep_press,
        "https://www.europarl.europa.eu/news/en/press-room/20241212IPR25960",
    ),
    "eu_eurlex": (eu_eurlex, "https://eur-lex.europa.eu/procedure/EN/2022_155"),
    "eu_ep_api": (eu_ep_api, "https://data.europarl.europa.eu/api/v2/procedures/2022-0155"),
}


# --- the recogniser -----------------------------------------------------------------------


def test_the_built_waf_page_and_an_empty_202_are_challenges() -> None:
    assert "AWS WAF challenge page" in challenge_reason(Response("u", WALL, 202))
    assert challenge_reason(Response("u", b"", 202)) == "HTTP 202 with an empty body"
    assert challenge_reason(Response("u", b"  \n", 200)) == "an empty answer, HTTP 200"
    assert challenge_reason(Response("u", b"", 204), empty_is_wall=False) == ""


@pytest.mark.parametrize(("slug", "name"), REAL_PAGES)
def test_real_pages_are_not_challenges(slug: str, name: str) -> None:
    assert challenge_reason(capture(slug, name, "https://example.org/")) == ""


# --- per site: Blocked, never a ParseError ------------------------------------------------


@pytest.mark.parametrize("slug", sorted(SITES_BEHIND_THE_WALL))
@pytest.mark.parametrize(("body", "status"), [(WALL, 202), (b"", 202), (WALL, 200)])
def test_each_site_behind_the_wall_raises_blocked(slug: str, body: bytes, status: int) -> None:
    module, url = SITES_BEHIND_THE_WALL[slug]
    with pytest.raises(Blocked, match="the site answered with a bot challenge") as caught:
        module.parse([Response(url, body, status)], {})
    assert caught.value.health == "blocked" and not isinstance(caught.value, ParseError)


def test_eurlex_redirect_page_stays_a_fetch_problem_not_a_challenge() -> None:
    from vocab.errors import FetchError

    page = capture("eu_eurlex", "eurlex-search_HTTP302.html", "https://eur-lex.europa.eu/x")
    with pytest.raises(FetchError) as caught:
        eu_eurlex.parse([page], {})
    assert not isinstance(caught.value, Blocked)


# --- end to end: the crawl records `blocked`, `lexwatch status` shows it -------------------


def _add_oeil_source(url: str) -> None:
    """Stored directly: the site's own host check is not what this test is about."""
    engine = get_engine(get_settings().db_url)
    with session_scope(engine) as session:
        repo.add_source(
            session,
            source=Source(name="oeil", kind="eu_oeil", url=url, params={}, every_seconds=3600),
        )


def _status(lexwatch) -> dict[str, Any]:
    return {row["name"]: row for row in lexwatch("status", "--format", "json").json()}["oeil"]


def test_a_challenge_is_recorded_as_blocked_then_the_page_heals_it(site, lexwatch) -> None:
    path = "/oeil/en/procedure-file?reference=2024/2006(REG)"
    _add_oeil_source(site.url(path))
    real = (FIXTURES / "eu_oeil" / "new-procedure-file_2024-2006-REG.html").read_bytes()

    site.serve(path, b"", status=202)
    report = lexwatch("crawl", "--format", "json").json()[0]
    assert report["status"] == "blocked"
    status = _status(lexwatch)
    assert status["health"] == "blocked"
    assert "the site answered with a bot challenge instead of the page" in status["health_reason"]
    assert "HTTP 202 with an empty body" in status["health_reason"]

    site.serve(path, WALL, status=202)
    assert lexwatch("crawl", "--format", "json").json()[0]["status"] == "blocked"
    assert "AWS WAF challenge page" in _status(lexwatch)["health_reason"]

    site.serve(path, real)
    assert lexwatch("crawl", "--format", "json").json()[0]["status"] == "ok"
    healed = _status(lexwatch)
    assert (healed["health"], healed["health_reason"]) == ("ok", "")
    text = lexwatch("status").out
    assert "oeil" in text
