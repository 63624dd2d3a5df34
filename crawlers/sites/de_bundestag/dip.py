"""What every DIP answer shape shares: the API's address and key, and the small readers of its
entities (text leaves, ids, paper references, KOM numbers)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from crawlers.sites.readers.json_data import object_or_none, one_line
from vocab.errors import ConfigError, MissingKey, ParseError
from vocab.fetch import Response, Target
from vocab.identifiers import find_identifiers

SLUG = "de_bundestag"
API = "https://search.dip.bundestag.de/api/v1/"
DIP_SITE = "https://dip.bundestag.de"  # the same documentation, as pages for people
KEY_NAME = "dip_api_key"

# The only host the key may be sent to; the crawler's guard refuses any other (crawlers/guard.py).
SECRET_HOSTS = {KEY_NAME: "search.dip.bundestag.de"}
MISSING_KEY = (
    "the Bundestag DIP API needs a key: set LEXWATCH_DIP_API_KEY "
    "(get one free at https://dip.bundestag.de/über-dip/hilfe/api)"
)
_ABBREVIATION = {"Drucksache": "Drs.", "Plenarprotokoll": "PlPr."}


def auth(target: Target) -> tuple[tuple[str, str], ...]:
    key = (target.secrets.get(KEY_NAME) or "").strip()
    if not key:
        raise MissingKey(MISSING_KEY)
    return (("Authorization", f"ApiKey {key}"),)


def kom_number(value: str) -> str:
    """'COM(2022) 209 final', 'COM/2022/209' … as one canonical 'COM(2022) 209'."""
    found = sorted(v for scheme, v in find_identifiers(value) if scheme == "com")
    if not found:
        raise ConfigError(f"{SLUG}: kom must be a Commission document such as COM(2022) 209")
    return found[0]


def kom_field(value: str) -> str:
    """A DIP `kom` field readable by find_identifiers: DIP writes '(2017) 600 endg.'."""
    return f"KOM{value}" if value.startswith("(") else value


def load_object(response: Response) -> dict[str, Any]:
    data = object_or_none(response.text())
    if data is None:
        raise ParseError("response is not a JSON object", url=response.url, kind=SLUG)
    return data


def is_list(body: Mapping[str, Any] | None) -> bool:
    return body is not None and isinstance(body.get("documents"), list)


def entities_of(body: Mapping[str, Any], response: Response) -> list[Mapping[str, Any]]:
    """The entities of a list page, or the one entity of a detail response."""
    if is_list(body):
        return [e for e in body["documents"] if isinstance(e, dict)]
    if body.get("typ"):
        return [body]
    raise ParseError("neither a DIP entity nor a DIP list", url=response.url, kind=SLUG)


def dip_text(value: Any) -> str:
    """A JSON leaf as one clean line of text ('' for null; lists joined with '; ')."""
    if isinstance(value, list):
        return "; ".join(filter(None, (dip_text(v) for v in value)))
    return one_line(value)


def of_typ(entities: Iterable[Mapping[str, Any]], typ: str) -> list[Mapping[str, Any]]:
    return [entity for entity in entities if entity.get("typ") == typ]


def id_number(entity: Mapping[str, Any]) -> int:
    # DIP ids are digit strings; they order positions that share a date.
    text = dip_text(entity.get("id"))
    return int(text) if text.isdigit() else 0


def paper_reference(paper: Mapping[str, Any], chamber: str = "") -> str:
    """'BT-Drs. 20/1234', 'BR-Drs. 337/22', 'BT-PlPr. 20/45': BT and BR numbers can collide."""
    number = dip_text(paper.get("dokumentnummer"))
    if not number:
        return ""
    kind = _ABBREVIATION.get(dip_text(paper.get("dokumentart")), "")
    prefix = "-".join(filter(None, [dip_text(paper.get("herausgeber")) or chamber, kind]))
    return f"{prefix} {number}".strip()


def is_drucksache(paper: Mapping[str, Any]) -> bool:
    return dip_text(paper.get("dokumentart")) == "Drucksache"


def nonempty(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple((name, value) for name, value in pairs if value)
