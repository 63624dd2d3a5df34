"""The OData queries a Tweede Kamer source asks: one Zaak by number, or the Zaken of a
dossier, of a word, changed since a moment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from crawlers.sites.nl_tweedekamer.odata import ODATA, SLUG, ZAAK_EXPAND
from vocab.dates import parse_datetime
from vocab.errors import ConfigError
from vocab.fetch import Request, Target

_ZAAK_NUMBER = re.compile(r"^\d{4}Z\d{5}$")
_DOSSIER = re.compile(r"^(\d{1,6})(?:-([0-9A-Za-z]+))?$")


def requests(target: Target) -> list[Request]:
    """The OData query for the target's parameters, or its URL as given."""
    params = target.params
    if params.get("zaak"):
        return [Request(_zaak_url(params["zaak"]))]
    filters = _list_filters(params)
    if filters:
        odata_filter = " and ".join([*filters, "Verwijderd eq false"])
        # Expanded like a single Zaak: the list then carries each Zaak's decisions and votes.
        return [Request(_query_url("Zaak", odata_filter) + f"&$expand={ZAAK_EXPAND}")]
    if target.url:
        return [Request(target.url)]
    raise ConfigError(f"{SLUG}: give a zaak, dossier, query or since parameter, or a URL")


def _zaak_url(number: str) -> str:
    number = number.strip()
    if not _ZAAK_NUMBER.match(number):
        raise ConfigError(f"{SLUG}: zaak must look like 2024Z15447, not {number!r}")
    return _query_url("Zaak", f"Nummer eq '{number}'") + f"&$expand={ZAAK_EXPAND}"


def _query_url(entity_set: str, odata_filter: str) -> str:
    # Spaces must be escaped; the OData punctuation stays readable in logs.
    return f"{ODATA}{entity_set}?$filter={quote(odata_filter, safe=chr(39) + '(),/:$')}"


def _list_filters(params: Mapping[str, str]) -> list[str]:
    filters = []
    if params.get("dossier"):
        filters.append(_dossier_filter(params["dossier"]))
    if params.get("query"):
        filters.append(f"contains(Onderwerp,{_literal(params['query'])})")
    if params.get("since"):
        filters.append(f"GewijzigdOp gt {_since(params['since'])}")
    return filters


def _dossier_filter(dossier: str) -> str:
    match = _DOSSIER.match(dossier.strip().replace(" ", ""))
    if not match:
        raise ConfigError(f"{SLUG}: dossier must look like 32317 or 21501-33, not {dossier!r}")
    condition = f"d/Nummer eq {int(match[1])}"
    if match[2]:
        condition += f" and d/Toevoeging eq {_literal(match[2])}"
    return f"Kamerstukdossier/any(d:{condition})"


def _literal(text: str) -> str:
    # OData string literals escape a quote by doubling it.
    return "'" + text.strip().replace("'", "''") + "'"


def _since(value: str) -> str:
    moment = parse_datetime(value)
    if not moment:
        raise ConfigError(f"{SLUG}: since must be a date or time, not {value!r}")
    return (moment if "T" in moment else f"{moment}T00:00:00") + "Z"
