"""Pages from Jinja2 templates. Autoescape is on for every template, HTML and Atom alike.

Each language of vocab.languages has its environment, with its gettext catalogue
installed (Jinja2's i18n extension); a page is rendered in the first language of
the browser's Accept-Language that Lexwatch writes in. Only the templates that mark
their text (the layout, the sign-in page, the digest preview) are translated; the
others read in English whatever the browser asks.

Scraped text reaches templates only as data ({{ value }}), never as template
source, and links from scraped pages only when they are http(s): a
`javascript:` URL escaped is still a script.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from monitor.link import display_name, reference
from vocab.languages import from_accept_language, translations
from vocab.links import agenda_path, file_path, watch_agenda_path
from vocab.redact import redact
from web import csrf

TEMPLATES = Path(__file__).parent / "templates"
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def http_url(url: str | None) -> str:
    """The URL when it is http(s), else '' (templates then show text, not a link)."""
    try:
        scheme = urlsplit(url or "").scheme.lower()
    except ValueError:
        return ""
    return url if scheme in ("http", "https") else ""


def token_query(token: str) -> str:
    """`?token=…` for a feed link of a signed-in user; nothing for a visitor (no token)."""
    return f"?{urlencode({'token': token})}" if token else ""


def when(moment: datetime | str | None) -> str:
    """A time as people read it: 2026-11-30 09:15 UTC."""
    if not moment:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def short_when(moment: datetime | str | None) -> str:
    """A time in little room, for the health board's columns: 03 Dec 09:15 (UTC)."""
    if not moment:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.strftime("%d %b %H:%M")


def xml_text(value: Any) -> str:
    """Text without the control characters XML 1.0 forbids (scraped pages contain them)."""
    return _XML_ILLEGAL.sub("", "" if value is None else str(value))


def with_params(request: Request, path: str = "", **changes: Any) -> str:
    """This page's address (or `path`) with some query parameters changed ('' drops one).

    Changing a filter goes back to the first page; a page link passes `page` itself.
    """
    params = {k: v for k, v in request.query_params.items() if k not in changes and k != "page"}
    params |= {k: v for k, v in changes.items() if v not in (None, "")}
    return (path or request.url.path) + ("?" + urlencode(params) if params else "")


def environment(language: str = "en") -> Environment:
    """The template environment of one language."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        extensions=["jinja2.ext.i18n"],
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters |= {
        "http_url": http_url,
        "when": when,
        "short_when": short_when,
        "xml_text": xml_text,
        "redact": redact,
        "unkeyed": unkeyed,
    }
    env.globals |= {
        "file_path": file_path,
        "with_params": with_params,
        "agenda_path": agenda_path,
        "watch_agenda_path": watch_agenda_path,
        "file_name": display_name,
        "file_ref": reference,
        "token_query": token_query,
    }
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    env.globals["language"] = language
    return env


def language_of(request: Request) -> str:
    """The language a page is written in for this browser (its Accept-Language)."""
    return from_accept_language(request.headers.get("accept-language", ""))


def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A rendered page, with who is signed in and the CSRF token for its forms."""
    viewer = getattr(request.state, "viewer", None)
    templates = request.app.state.templates[language_of(request)]
    html = templates.get_template(name).render(
        request=request,
        user=viewer,
        csrf_token=csrf.token(request),
        feed_token=viewer.token if viewer else "",
        calendar_token=viewer.calendar if viewer else "",
        visitor=getattr(request.state, "shared", False),
        **context,
    )
    return HTMLResponse(html, status_code=status, headers={"Vary": "Accept-Language"})


def text(request: Request, name: str, **context: Any) -> str:
    """A rendered template as text (the Atom feeds)."""
    templates = request.app.state.templates["en"]
    return templates.get_template(name).render(request=request, **context)


# A file key in indexed text, whole (`EU:2022/0155(COD)`), or its prefix ending a snippet
# piece that a mark cuts (`EU:` + marked `2022/0155(COD)`); "EU: new rules" is no key.
_KEY = re.compile(r"\b(?:SRC|EU|NL|DE|UK|US):(?:[^\s<>]+|$)")


def unkeyed(text: str) -> str:
    """Indexed text as readers see it: a file key is shown as its reference, never as a key.

    A file's index row holds its key so that searching the key finds it; the snippet
    shows what the key stands for (`EU:2022/0155(COD)` -> `2022/0155(COD)`).
    """
    return _KEY.sub(lambda m: reference(m[0]) or m[0].partition(":")[2], str(text or ""))
