"""EP Legislative Observatory (OEIL): a procedure file's status, key events, forecasts and documents.

OEIL has served a procedure file in three layouts, and this module reads all of them:

- the old page (`/oeil/popups/ficheprocedure.do`), built of `div.ep-table` rows, where a
  section's heading names its content block through `span.proc-section-switch[data-id]`;
- the 2023 page (`/oeil/en/procedure-file`, `erpl_` classes) and the current one
  (`es_` classes), which share one structure: `div.oeil-spy-section` blocks, each headed
  by an `h2` and holding real `<table>`s.

It also reads OEIL's document summary page (`/oeil/en/document-summary?id=…`) into a
Record of kind "summary". Which page it is comes from the content, never from the URL.

Follows: OEIL's current pages as served on https://oeil.europarl.europa.eu (relaunched site,
2025–2026; OEIL publishes no machine-readable description). The former address
`oeil.secure.europarl.europa.eu` answers `307` to the current one: requests are built on the
current host, an old-host URL is rewritten before it is fetched, and a record's URL is the
page's address on the current host. The Forecasts table is `Date | Subject`; the
documentation gateway's national parliaments table names each document's chamber in a
`Parliament/Chamber` column. OEIL sits behind an AWS WAF: its challenge (a `202` with an empty
body, or a JavaScript challenge page) raises `Blocked` (crawlers.sites.challenge).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from crawlers.sites.challenge import refuse_challenge
from crawlers.sites.eu_oeil.address import HOSTS, KIND, current_url, url_for
from crawlers.sites.eu_oeil.layout import Page, glimpse, page_error, page_layout, sections_of
from crawlers.sites.eu_oeil.procedure import read_procedure
from crawlers.sites.eu_oeil.summary import read_summary
from crawlers.sites.readers.html_text import parse_html
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Request, Response, Target
from vocab.records import Record, first_identifier

# The site-module contract (crawlers/sites/__init__.py); HOSTS and url_for live with the
# addresses they describe.
__all__ = ["HOSTS", "PARAMS", "URL_HELP", "official_page", "parse", "requests", "url_for"]

URL_HELP = (
    "An OEIL procedure file, e.g. "
    "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2022/0155(COD) "
    "(old ficheprocedure.do links and oeil.secure addresses work too), or an OEIL document summary "
    "(…/oeil/en/document-summary?id=1651118); or no URL and --param reference=2022/0155(COD)."
)
PARAMS: dict[str, str] = {
    "reference": "procedure reference, e.g. 2022/0155(COD), used to build the URL when no URL is given",
}


def requests(target: Target) -> list[Request]:
    """One request: the source's URL on the current host, else the procedure file of `reference`."""
    if target.url:
        return [Request(url=current_url(target.url))]
    reference = target.params.get("reference", "")
    if not reference:
        raise ConfigError("eu_oeil needs a URL or a reference=2022/0155(COD) parameter")
    return [Request(url=url_for(reference))]


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """The procedure file (or document summary) in the first response, as a Record."""
    if not responses:
        raise ParseError("no response to parse", kind=KIND)
    response = responses[0]
    # Response.text() replaces bad bytes: some captures carry U+FFFD in the footer.
    soup = parse_html(response.text())
    layout = page_layout(soup)
    if layout is None:
        refuse_challenge(response)  # the WAF's answer is not a broken page
        raise page_error(
            f"not an OEIL procedure file or document summary ({glimpse(soup)})", response
        )
    if layout == "summary":
        return read_summary(soup, response)
    return read_procedure(Page(soup, sections_of(soup, layout), response))


def official_page(record: Record) -> tuple[str, str] | None:
    """The procedure file on OEIL (a document summary's too: its procedure's file)."""
    reference = first_identifier(record, "procedure")
    return ("OEIL", url_for(reference)) if reference else None
