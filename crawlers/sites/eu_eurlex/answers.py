"""What EUR-Lex answered: a procedure page, a document page, or a redirect page or bot
challenge sent instead of either."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from crawlers.sites.challenge import challenge_reason
from crawlers.sites.eu_eurlex.details import inline
from vocab.errors import Blocked, FetchError
from vocab.fetch import Response

# Markers of bot challenges (AWS WAF, captcha services, no-JavaScript walls). A real EUR-Lex
# page mentions "captcha" and "enable javascript" too, so these are only checked on pages
# that are not recognisably a procedure or document page.
_CHALLENGE_MARKERS = (
    "awswafintegration",
    "aws-waf-token",
    "gokuprops",
    "challenge.js",
    "javascript is disabled",
    "enable javascript and cookies",
    "verify you are human",
    "verify that you are human",
    "are you a robot",
    "g-recaptcha",
    "h-captcha",
    "captcha",
    "cf-challenge",
    "request unsuccessful",
)


def is_procedure_page(response: Response, soup: BeautifulSoup) -> bool:
    """A procedure page: it has the #procedureHeading block."""
    return soup.find(id="procedureHeading") is not None


def is_document_page(response: Response, soup: BeautifulSoup) -> bool:
    """A document page: its p.DocumentTitle heading, or a legal-content address."""
    return soup.select_one("p.DocumentTitle") is not None or "/legal-content/" in response.url


def refuse_wall(response: Response, soup: BeautifulSoup) -> None:
    """FetchError for a redirect page, Blocked for a bot challenge, sent instead of the page."""
    redirect = _redirect_reason(response, soup)
    if redirect:
        raise FetchError(
            f"EUR-Lex answered with a redirect page ({redirect}) instead of {response.url}"
        )
    wall = _wall_reason(response, soup)
    if wall:
        raise Blocked(wall, url=response.url)


def _is_page(response: Response, soup: BeautifulSoup) -> bool:
    return is_procedure_page(response, soup) or soup.select_one("p.DocumentTitle") is not None


def _redirect_reason(response: Response, soup: BeautifulSoup) -> str:
    if 300 <= response.status < 400:
        return f"HTTP {response.status} to {response.headers.get('location', '?')}"
    target = "" if _is_page(response, soup) else _redirect_target(soup)
    return f"redirect to {target}" if target else ""


def _wall_reason(response: Response, soup: BeautifulSoup) -> str:
    if response.body.strip() and _is_page(response, soup):
        return ""
    shared = challenge_reason(response)  # empty, AWS WAF, a JavaScript wall
    if shared:
        return shared
    lowered = response.text().lower()
    return next((f"'{m}' in the page" for m in _CHALLENGE_MARKERS if m in lowered), "")


def _redirect_target(soup: BeautifulSoup) -> str:
    """Where a '302 Moved' or meta-refresh page points, or '' when it is no such page."""
    refresh = soup.find("meta", attrs={"http-equiv": re.compile("^refresh$", re.I)})
    if refresh is not None:
        return str(refresh.get("content", "")).partition("=")[2].strip() or "?"
    title = inline(soup.title) if soup.title else ""
    # "302 Found", "302 Moved Temporarily", "Redirecting…"; not a "404 Not Found".
    if not re.search(r"\b30[12378]\b|\bmoved\b|\bredirect", title, re.I):
        return ""
    link = soup.find("a", href=True)
    return str(link["href"]) if link else "?"
