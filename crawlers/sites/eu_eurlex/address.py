"""EUR-Lex's address and a procedure page's URL; the name errors give this kind."""

from __future__ import annotations

import re

from vocab.errors import ConfigError
from vocab.identifiers import procedure

SLUG = "eu_eurlex"
BASE = "https://eur-lex.europa.eu"
_YEAR_NUMBER = re.compile(r"\b(\d{4})\s*[/_\-]\s*(\d{1,4})\b")


def url_for(reference: str) -> str:
    """The EUR-Lex procedure page of a reference: 2022/0155(COD) → …/procedure/EN/2022_155."""
    canonical = procedure(reference) or reference
    match = _YEAR_NUMBER.search(canonical or "")
    if not match:
        raise ConfigError(
            f"not a procedure reference: {reference!r} (expected e.g. 2022/0155(COD))"
        )
    # EUR-Lex writes the number without leading zeros in its procedure URLs.
    return f"{BASE}/procedure/EN/{match[1]}_{int(match[2])}"
