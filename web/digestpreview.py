"""The digest a subscriber would receive now, for the admin to read before it goes out.

Composing is the digests package's job (digests.send.preview); this module only
hands over, and serves the HTML part as a document of its own: a composed mail
may carry inline styles, so it gets a CSP that allows them and nothing else
(no script, no request anywhere, sandboxed), instead of loosening the app's.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from vocab.settings import Settings

HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"


def available() -> bool:
    """True when the digests package can compose a preview."""
    try:
        from digests.send import preview  # noqa: F401
    except ImportError:
        return False
    return True


def preview(session: Session, settings: Settings, subscriber_id: int) -> Any:
    """The composed digest (subject, text, html) one subscriber would get for the last week."""
    from digests.send import preview as compose

    return compose(session, settings, subscriber_id)
