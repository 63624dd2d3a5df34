"""OEIL's addresses: the current host, a procedure file's URL, an old address made current."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit, urlunsplit

from vocab.errors import ConfigError
from vocab.identifiers import procedure

OEIL = "https://oeil.europarl.europa.eu"
# The former address of the relaunched site: it answers 307 to OEIL, so URLs naming it are
# rewritten to OEIL before they are fetched.
OLD_HOST = "oeil.secure.europarl.europa.eu"
KIND = "eu_oeil"
# The Legislative Observatory: the relaunched site, its former "secure" address, and the
# www.europarl.europa.eu/oeil/ paths of the oldest ficheprocedure.do links.
HOSTS = ("oeil.europarl.europa.eu", "oeil.secure.europarl.europa.eu", "www.europarl.europa.eu")


def url_for(reference: str) -> str:
    """The procedure file URL of a procedure reference written any usual way."""
    canonical = procedure(reference)
    if canonical is None:
        raise ConfigError(f"not a procedure reference: {reference!r} (e.g. 2022/0155(COD))")
    return f"{OEIL}/oeil/en/procedure-file?reference={canonical}"


def current_url(url: str) -> str:
    """`url` on OEIL's current host: a procedure file by its reference, else the same path.

    The old host answers 307 to the new one; asking the new one directly saves the hop
    and keeps the stored address the one a reader's browser ends up at.
    """
    parts = urlsplit(url)
    if parts.hostname not in HOSTS or not parts.path.startswith("/oeil/"):
        return url
    reference = procedure(unquote(parts.query)) if "reference=" in parts.query else None
    if reference and parts.path.rstrip("/").endswith(("/procedure-file", "/ficheprocedure.do")):
        return url_for(reference)  # the old ficheprocedure.do page is now the procedure file
    return urlunsplit(parts._replace(scheme="https", netloc=urlsplit(OEIL).netloc))
