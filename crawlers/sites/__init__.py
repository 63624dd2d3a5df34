"""The registry of source kinds: slug -> site module.

The same slug names a kind's site module, its fixture folder and its test
module. Each module's docstring (first line), `URL_HELP` and `PARAMS` make up
the user documentation of that kind (`lexwatch kinds`, docs/KINDS.md).
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
