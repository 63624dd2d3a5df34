"""EUR-Lex procedure pages (every step, its documents, the status) and EUR-Lex document pages.

A procedure page (https://eur-lex.europa.eu/procedure/EN/2022_155) becomes a `procedure`
record keyed `EU:2022/0155(COD)`: the heading gives title, status and type, the collapsed
"More information" block gives legal basis, EuroVoc terms and directory codes, and the
"Follow the steps of procedure" section gives one event per step with its documents.
A document page (legal-content/EN/ALL/?uri=…) becomes a `document` record.

EUR-Lex sometimes answers scripted clients with a redirect or a bot challenge instead
of the page: a redirect page is a fetch problem (`FetchError`), a challenge (its AWS WAF
JavaScript page, a captcha, a `202` with an empty body) is `Blocked`; neither is a change.

Follows: EUR-Lex's pages as served (https://eur-lex.europa.eu/procedure/EN/{year}_{number},
legal-content/EN/ALL/?uri=…); EUR-Lex publishes no machine-readable description of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from crawlers.sites.eu_eurlex.address import BASE, SLUG, url_for
from crawlers.sites.eu_eurlex.answers import is_document_page, is_procedure_page, refuse_wall
from crawlers.sites.eu_eurlex.document import document_record
from crawlers.sites.eu_eurlex.procedure import procedure_record
from crawlers.sites.readers.html_text import parse_html
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Request, Response, Target
from vocab.records import Record, first_identifier

# The site-module contract (crawlers/sites/__init__.py); url_for lives with the addresses.
__all__ = ["HOSTS", "PARAMS", "URL_HELP", "official_page", "parse", "requests", "url_for"]

URL_HELP = (
    "A EUR-Lex procedure page such as https://eur-lex.europa.eu/procedure/EN/2022_155, "
    "or just the procedure reference (2022/0155(COD)); a EUR-Lex document page "
    "(https://eur-lex.europa.eu/legal-content/EN/ALL/?uri=…) is read as one document."
)
HOSTS = ("eur-lex.europa.eu",)
PARAMS: dict[str, str] = {
    "reference": "procedure reference such as 2022/0155(COD), used when no URL is given",
}
_HEADERS = (("Accept", "text/html"), ("Accept-Language", "en"))


def requests(target: Target) -> list[Request]:
    """One request: the page given, or the procedure page of the reference given."""
    given = target.url.strip() or target.params.get("reference", "").strip()
    if not given:
        raise ConfigError("eu_eurlex needs a EUR-Lex URL or a reference=2022/0155(COD) parameter")
    url = given if given.startswith(("http://", "https://")) else url_for(given)
    return [Request(url=url, headers=_HEADERS)]


def parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record:
    """A procedure record from a procedure page, else a document record from a document page."""
    if not responses:
        raise ParseError("no EUR-Lex response to read", kind=SLUG)
    pages = [(response, parse_html(response.text())) for response in responses]
    for response, soup in pages:
        refuse_wall(response, soup)
    for response, soup in pages:
        if is_procedure_page(response, soup):
            return procedure_record(response, soup)
    for response, soup in pages:
        if is_document_page(response, soup):
            return document_record(response, soup)
    raise ParseError(
        "neither a procedure page (#procedureHeading) nor a document page (p.DocumentTitle)",
        url=responses[0].url,
        kind=SLUG,
    )


def official_page(record: Record) -> tuple[str, str] | None:
    """The procedure page on EUR-Lex, else the EUR-Lex page the record was read from."""
    reference = first_identifier(record, "procedure")
    if reference:
        return ("EUR-Lex", url_for(reference))
    return ("EUR-Lex", record.url) if record.url.startswith(f"{BASE}/") else None
