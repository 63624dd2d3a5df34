"""Bot walls, recognised where an answer is fetched: a challenge is not the page it stands for.

Since 2025 the EP's sites answer some requests with an AWS WAF challenge (HTTP
202, `x-amzn-waf-action: challenge`, an empty body when the request did not ask
for HTML, else a script that fetches a token and reloads), EUR-Lex with its own
JavaScript check, other sites with Cloudflare's. Stored as a snapshot, such an
answer read as a parse error of the file, or as a change. The crawler asks
`challenge_of` about every answer: a challenge is retried once through the
browser (crawlers/browser.py) for the kinds known to need it, and is otherwise
the source's health `blocked` (`blocked`), never stored.

The page markers are the site modules' own (crawlers/sites/challenge.py, which
the parsers apply too); the crawler adds what only a fetch sees: the headers a
WAF sets, and a small page whose script sets a cookie and reloads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from crawlers.sites.challenge import challenge_reason
from vocab.errors import Blocked
from vocab.fetch import Response

SNIFF = 200_000  # what the site modules' markers look at
_SCRIPTED_RELOAD = re.compile(
    rb"document\.cookie\s*=.{0,2000}?location\.(?:reload|replace|href|assign)",
    re.IGNORECASE | re.DOTALL,
)
_SMALL = 16_000  # bytes: a challenge page is small; a real page that sets a cookie is not

Rule = Callable[[int, Mapping[str, str], bytes], str]


def _waf_header(status: int, headers: Mapping[str, str], _body: bytes) -> str:
    action = headers.get("x-amzn-waf-action", "")
    return f"AWS WAF {action} (x-amzn-waf-action), HTTP {status}" if action else ""


def _cloudflare_header(status: int, headers: Mapping[str, str], _body: bytes) -> str:
    mitigated = headers.get("cf-mitigated", "") == "challenge"
    return f"Cloudflare challenge (cf-mitigated), HTTP {status}" if mitigated else ""


def _wall_page(status: int, headers: Mapping[str, str], body: bytes) -> str:
    # An empty body is a wall only with a 202: an empty 200 is the parser's to judge.
    return challenge_reason(Response("", body, status, headers), empty_is_wall=False)


def _scripted_reload(status: int, _headers: Mapping[str, str], body: bytes) -> str:
    if len(body) < _SMALL and _SCRIPTED_RELOAD.search(body):
        return f"a page whose script sets a cookie and reloads, HTTP {status}"
    return ""


RULES: tuple[Rule, ...] = (_waf_header, _cloudflare_header, _wall_page, _scripted_reload)


def challenge_of(status: int, headers: Mapping[str, str], body: bytes) -> str:
    """What shows that this answer is a bot challenge ('' when it is an ordinary answer).

    `headers` have lower-case names. A 304 is never a challenge: the site
    recognised our validators, so it served us, not a wall.
    """
    if status == 304:
        return ""
    sniffed = body[:SNIFF]
    return next((found for rule in RULES if (found := rule(status, headers, sniffed))), "")


def blocked(url: str, what: str, *, tried_browser: bool, hint: str = "") -> Blocked:
    """The error of a source whose answer stayed a challenge: its reason is the health reason."""
    detail = "; ".join(filter(None, [what, "tried the browser too" if tried_browser else "", hint]))
    return Blocked(detail, url=url)
