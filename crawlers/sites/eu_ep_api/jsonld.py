"""The API's addresses and the small readers of its JSON-LD: ids, texts, labels by language."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from crawlers.sites.readers.json_data import listed
from vocab.errors import ConfigError
from vocab.identifiers import procedure, procedure_from_parts

SLUG = "eu_ep_api"
API = "https://data.europarl.europa.eu/api/v2"
BASE = "https://data.europarl.europa.eu/"  # the JSON-LD @base: ids like eli/dl/doc/... hang off it
JSON_LD = "format=application%2Fld%2Bjson"

# Languages to take a label in, best first; the API labels most things in all 24.
LANGUAGES = ("en", "fr", "de")
PROCESS_ID = re.compile(r"^(\d{4})-(\d{1,4})$")
_YEAR_NUMBER = re.compile(r"^(\d{4})[/-](\d{1,4})\b")


def url_for(reference: str) -> str:
    """The API URL of a procedure: `2022/0155(COD)` -> `…/procedures/2022-0155?format=…`."""
    text = procedure(reference) or reference.strip()  # also the API's own `2022-0155`
    match = _YEAR_NUMBER.match(text)
    if not match:
        raise ConfigError(
            f"not a procedure reference: {reference!r} (expected e.g. 2022/0155(COD))"
        )
    return f"{API}/procedures/{match[1]}-{int(match[2]):04d}?{JSON_LD}"


def id_of(value: Any) -> str:
    """The id a JSON-LD value names: a plain string, or an object's `id` / `@id`."""
    if isinstance(value, dict):
        value = value.get("id", value.get("@id", ""))
    return value if isinstance(value, str) else ""


def ids_of(value: Any) -> list[str]:
    return [ref for ref in map(id_of, listed(value)) if ref]


def last_segment(uri: str) -> str:
    """`def/ep-activities/PLENARY_VOTE` -> `PLENARY_VOTE` (also after '#')."""
    return re.split(r"[/#]", uri.rstrip("/"))[-1] if uri else ""


def short_id(ref: str) -> str:
    """`eli/dl/doc/A-8-2017-0212` (or its full URI) -> `A-8-2017-0212`."""
    return last_segment(ref)


def value_text(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("@value", value.get("value", ""))
    return str(value).strip() if value is not None else ""


def english(value: Any) -> str:
    """The English text of a language map, a list of `@language` values, or a plain string.

    Without English, another language (`LANGUAGES` order) beats an empty title.
    """
    if isinstance(value, dict) and "@value" not in value:
        return preferred({lang: value_text(text) for lang, text in value.items()})
    if isinstance(value, list):
        pairs = [(v.get("@language", ""), value_text(v)) for v in value if isinstance(v, dict)]
        return preferred(dict(reversed(pairs)))  # reversed: the first text of a language wins
    return value_text(value)


def preferred(texts: Mapping[str, str]) -> str:
    ranked = sorted(texts, key=lambda lang: (_rank(lang), lang))
    return next((texts[lang] for lang in ranked if texts[lang]), "")


def _rank(lang: str) -> int:
    return LANGUAGES.index(lang) if lang in LANGUAGES else len(LANGUAGES)


def absolute(ref: str) -> str:
    return ref if "://" in ref else BASE + ref.lstrip("/")


def humanize(code: str) -> str:
    words = code.replace("_", " ").replace("-", " ").strip().lower()
    return words[:1].upper() + words[1:]


def reference_or_none(node: Mapping[str, Any]) -> str | None:
    """`2016/0132(COD)` from `label`, else from `process_id` + `process_type`."""
    found = procedure(value_text(node.get("label")))
    match = PROCESS_ID.match(value_text(node.get("process_id")))
    kind = last_segment(id_of(node.get("process_type")))
    if not found and match and re.fullmatch(r"[A-Z]{3}", kind):
        found = procedure_from_parts(match[1], match[2], kind)
    return found
