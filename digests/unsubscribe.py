"""Unsubscribe tokens: one per subscriber, signed, so a link can be checked but not made up. Pure.

A token is `<subscriber id>-<signature>`, the signature an HMAC-SHA256 (cut to
128 bits, plenty against guessing) of the id and the subscriber's random stamp
(`Subscriber.unsubscribe_token`) under the installation's unsubscribe key (kept
in the database, see migration 0005). Changing one character of a token makes
it worthless; a subscriber deleted and re-created under the same id gets a new
stamp, so old links do not reach the new person. The same token goes into the
"Stop these emails" link and the one-click `List-Unsubscribe` header; the web
app's /unsubscribe/<token> route (web/routes/unsubscribe.py) reads it.
"""

from __future__ import annotations

import re

from vocab import signing

PURPOSE = "unsubscribe"
SIGNATURE_CHARS = 32  # hex: 128 bits
MAX_ID = 2**31 - 1  # larger than any row id a database will hand out: reject before a lookup
_TOKEN = re.compile(r"^([1-9][0-9]{0,9})-([0-9a-f]{32})$")


def make(key: str, subscriber_id: int, stamp: str) -> str:
    """The unsubscribe token of one subscriber."""
    return f"{subscriber_id}-{_signature(key, subscriber_id, stamp)}"


def subscriber_of(token: str) -> int | None:
    """The subscriber id a token claims (unchecked), or None when it is not shaped like a token."""
    found = _TOKEN.match(token or "")
    if found is None or int(found.group(1)) > MAX_ID:
        return None
    return int(found.group(1))


def genuine(key: str, token: str, stamp: str) -> bool:
    """True when the token was made with this key for its subscriber with this stamp."""
    subscriber_id = subscriber_of(token)
    if subscriber_id is None or not stamp:
        return False
    return signing.same(token, make(key, subscriber_id, stamp))


def _signature(key: str, subscriber_id: int, stamp: str) -> str:
    return signing.mac(key, PURPOSE, f"{subscriber_id}:{stamp}")[:SIGNATURE_CHARS]
