"""Bot walls, recognised where an answer is fetched: a challenge is not the page it stands for.

Since 2025 the EP's sites answer some requests with an AWS WAF challenge (HTTP
202, `x-amzn-waf-action: challenge`, an empty body when the request did not ask
for HTML, else a script that fetches a token and reloads), EUR-Lex with its own
JavaScript check, other sites with Cloudflare's. Stored as a snapshot, such an
answer read as a parse error of the file, or as a change. The crawler asks
`challenge_of` about every answer: a challenge is retried once through the
browser (crawlers/browser.py) for the kinds known to need it, and is otherwise
the source's health `blocked`, with the reason it gives.

Each rule is one line of a table: a name for the reason, and a test of the
status, the headers and the first bytes of the body. The site modules may know
more about their own site's wall; this is what any answer shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

SNIFF = 64 * 1024  # a challenge page is small, and its markers come early
_SCRIPTED_RELOAD = re.compile(
    rb"document\.cookie\s*=.{0,2000}?location\.(?:reload|replace|href|assign)",
    re.IGNORECASE | re.DOTALL,
)
_MARKERS = re.compile(
    rb"AwsWafIntegration|awswaf\.com|_cf_chl_opt|cf-browser-verification|challenge-platform"
    rb"|<title>\s*(?:Just a moment|Attention Required|Verifying your browser|Please wait)",
    re.IGNORECASE,
)

Rule = tuple[str, Callable[[int, Mapping[str, str], bytes], bool]]

RULES: tuple[Rule, ...] = (
    ("an AWS WAF challenge", lambda _s, headers, _b: "x-amzn-waf-action" in headers),
    ("a Cloudflare challenge", lambda _s, headers, _b: headers.get("cf-mitigated") == "challenge"),
    ("an empty 202 answer", lambda status, _h, body: status == 202 and not body.strip()),
    ("a bot-check page", lambda _s, _h, body: bool(_MARKERS.search(body))),
    ("a page whose script sets a cookie and reloads",
     lambda _s, _h, body: len(body) < 16384 and bool(_SCRIPTED_RELOAD.search(body))),
)  # fmt: skip


def challenge_of(status: int, headers: Mapping[str, str], body: bytes) -> str:
    """What kind of challenge this answer is ('' when it is an ordinary answer).

    `headers` are lower-cased names. A 304 is never a challenge: the site
    recognised our validators, so it served us, not a wall.
    """
    if status == 304:
        return ""
    sniffed = body[:SNIFF]
    return next((name for name, test in RULES if test(status, headers, sniffed)), "")


BLOCKED = "the site answered with a bot challenge instead of the page"


def blocked_reason(url: str, what: str, *, tried_browser: bool, hint: str = "") -> str:
    """The health reason of a source whose answer stayed a challenge."""
    tried = "; tried the browser too" if tried_browser else ""
    return f"{BLOCKED} ({what} from {url}){tried}" + (f"; {hint}" if hint else "")
