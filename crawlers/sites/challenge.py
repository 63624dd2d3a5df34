"""Bot walls as the watched sites serve them, told apart from the page a parser expects.

Since 2025 the EP's sites (OEIL, the press room, the Open Data API) and EUR-Lex sit
behind an AWS WAF. Instead of the page, a scripted client may then get:

- `202 Accepted` with an empty body (the WAF's challenge for a client it will not
  show a page to);
- a JavaScript challenge page: an empty `<title>`, `window.awsWafCookieDomainList`,
  `window.gokuProps`, a `<script src="https://….awswaf.com/…/challenge.js">` and a
  `<noscript>` notice "JavaScript is disabled … verify that you're not a robot".

A site module calls `refuse_challenge` where the page it expects is missing, so a
real page that quotes one of these words is never taken for a wall. Such an answer
raises `Blocked` (health `blocked`), never a ParseError and never a change.
"""

from __future__ import annotations

from vocab.errors import Blocked
from vocab.fetch import Response

# Names only an AWS WAF challenge page carries: safe to look for in any body.
_WAF_MARKERS = (
    b"awswafcookiedomainlist",
    b"gokuprops",
    b"awswafintegration",
    b".awswaf.com/",
    b"aws-waf-token",
)
_WAF_HINTS = (b"waf", b"goku")  # each marker holds one: two looks through a page, not five
# Other walls (Cloudflare's, a bare captcha) name themselves in a small page only.
_WALL_PHRASES = (
    b"javascript is disabled",
    b"enable javascript and cookies",
    b"verify that you're not a robot",
    b"verify that you are not a robot",
    b"verify you are human",
    b"cf_chl_opt",
    b"cf-browser-verification",
)
_SMALL_PAGE = 16_000  # bytes: a real page of these sites is several times bigger
_SNIFF = 200_000  # bytes: a wall names itself near the top


def challenge_reason(response: Response, *, empty_is_wall: bool = True) -> str:
    """What shows that `response` is a bot challenge, or '' when nothing does.

    `empty_is_wall`: an empty body is a wall (a page never is empty); an API that
    documents `204 No Content` passes False and judges an empty 204 itself.
    """
    body = response.body.strip()
    if not body:
        return _empty_reason(response.status, empty_is_wall)
    # Every marker is ASCII, and a wall writes it so: the bytes with their ASCII letters
    # lowered are enough to find it (decoding a 45 KB page only to look cost 0.14 ms).
    lowered = body[:_SNIFF].lower()
    hinted = any(hint in lowered for hint in _WAF_HINTS)
    marker = next((m for m in _WAF_MARKERS if m in lowered), b"") if hinted else b""
    if marker:
        name = marker.decode().strip("./")
        return f"AWS WAF challenge page ({name}), HTTP {response.status}"
    if len(body) <= _SMALL_PAGE:
        phrase = next((p for p in _WALL_PHRASES if p in lowered), b"")
        if phrase:
            return f"JavaScript challenge page ('{phrase.decode()}'), HTTP {response.status}"
    return ""


def _empty_reason(status: int, empty_is_wall: bool) -> str:
    if status == 202:
        return "HTTP 202 with an empty body"
    return f"an empty answer, HTTP {status}" if empty_is_wall else ""


def refuse_challenge(response: Response, *, empty_is_wall: bool = True) -> None:
    """Raise `Blocked` when `response` is a bot challenge instead of the page."""
    reason = challenge_reason(response, empty_is_wall=empty_is_wall)
    if reason:
        raise Blocked(reason, url=response.url)
