"""The sources Lexwatch watches out of the box (crawlers/defaults.yaml), as Source rows."""

from __future__ import annotations

from pathlib import Path

from crawlers.sourcespec import to_source
from crawlers.sourceyaml import specs_from_yaml
from db.models import Source

DEFAULTS = Path(__file__).with_name("defaults.yaml")


def default_sources(*, default_every: str) -> list[Source]:
    """The default sources: the CSA files in the EU, NL, DE, UK and US."""
    specs = specs_from_yaml(DEFAULTS.read_text(encoding="utf-8"))
    # The shipped list is trusted: no address check, so an offline first start works.
    return [to_source(spec, default_every=default_every, allow_private=True) for spec in specs]
