"""The registry of source kinds: slug -> site module.

The same slug names a kind's site module, its fixture folder and its test
module. Each module's docstring (first line), `URL_HELP` and `PARAMS` make up
the user documentation of that kind (`lexwatch kinds`, docs/KINDS.md).

A site module is pure. It says which requests to make for a source (`requests`),
which further requests a response leads to (`follow`, optional), and turns the
responses of one source into one `Record` (`parse`). It never touches the
network or the database; the spider and the pipeline do.

A site module is `crawlers/sites/<slug>.py`, or a package `crawlers/sites/<slug>/` whose
`__init__.py` holds (or imports and lists in `__all__`) the contract below (its docstring is
the module docstring) and whose other files each read one page layout or answer shape.

Contract of a site module:

- module docstring: its first line is the one-line description shown in the docs;
- `URL_HELP: str`: which URL (or identifiers) to give a source of this kind;
- `PARAMS: dict[str, str]`: the `--param` names it understands, each documented;
- `HOSTS: tuple[str, ...]` (site-specific kinds): the hosts a source's URL may name;
  a kind without it (page, feed, json) reads any site;
- `EXPRESSIONS: dict[str, Callable[[str], None]]` (optional): the parameters that are
  selectors or paths, each with the check (`crawlers.sites.expressions`) that compiles
  it as the parser will, so a bad one is refused when the source is saved;
- `requests(target: Target) -> list[Request]`;
- `follow(response: Response, target: Target) -> list[Request]` (optional);
- `parse(responses: Sequence[Response], params: Mapping[str, str]) -> Record`,
  raising `vocab.errors.ParseError` when a response lacks what it needs. A parser that
  judges a body against the source's last good record (a feed cut short) takes
  a keyword argument `previous: Record | None` as well, and is given it.
- `official_page(record: Record) -> tuple[str, str] | None` (optional): the page a
  person opens on the official site for what the record is about, as (site name, URL),
  built from the record's identifiers; None when the record names no such page.

The types it speaks are `vocab.fetch` (Target, Request, Response) and `vocab.records`.
What several site modules read alike (JSON walked safely, XML through lxml with a parser
that resolves no entities, HTML as text on the lxml builder) is in `crawlers.sites.readers`;
a site module keeps only what is specific to its source.
"""

from __future__ import annotations

from types import ModuleType

from crawlers.sites import (
    de_bundestag,
    eu_cellar,
    eu_commission_hys,
    eu_ep_api,
    eu_ep_press,
    eu_eurlex,
    eu_oeil,
    feed,
    json,
    nl_tweedekamer,
    page,
    uk_bills,
    us_congress,
)

SITES: dict[str, ModuleType] = {
    "page": page,
    "feed": feed,
    "json": json,
    "eu_ep_api": eu_ep_api,
    "eu_oeil": eu_oeil,
    "eu_eurlex": eu_eurlex,
    "eu_cellar": eu_cellar,
    "eu_ep_press": eu_ep_press,
    "eu_commission_hys": eu_commission_hys,
    "nl_tweedekamer": nl_tweedekamer,
    "de_bundestag": de_bundestag,
    "uk_bills": uk_bills,
    "us_congress": us_congress,
}


# Which host may receive each secret: a key goes only to the API its site module names.
SECRET_HOSTS: dict[str, str] = {
    name: host
    for module in SITES.values()
    for name, host in getattr(module, "SECRET_HOSTS", {}).items()
}


def summary(module: ModuleType) -> str:
    """The one-line description of a kind: the first line of its module docstring."""
    return (module.__doc__ or "").strip().splitlines()[0]


def kinds_markdown() -> str:
    """The user documentation of every source kind, generated from the site modules."""
    lines = [
        "# Source kinds",
        "",
        "Generated from the site modules by `lexwatch kinds --format markdown`.",
        "",
    ]
    for slug, module in SITES.items():
        lines += [f"## `{slug}`", "", summary(module), "", f"**URL:** {module.URL_HELP}", ""]
        lines += [f"**Hosts:** {', '.join(module.HOSTS)}", ""] if hasattr(module, "HOSTS") else []
        lines += [f"- `--param {name}=…`: {help_}" for name, help_ in module.PARAMS.items()] or [
            "No parameters."
        ]
        lines.append("")
    return "\n".join(lines)
