"""Kamerstukdossiers and the kamerstuk numbers (`kst-32317-892`) they give a Zaak's documents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawlers.sites.nl_tweedekamer.odata import live, text


def dossier_pairs(entity: Mapping[str, Any]) -> list[tuple[str, str]]:
    """nl_dossier (and nl_kamerstuk with the entity's Volgnummer) from an expanded dossier."""
    pairs = []
    for dossier in live(entity.get("Kamerstukdossier")):
        name = "-".join(
            filter(None, [text(dossier.get("Nummer")), text(dossier.get("Toevoeging"))])
        )
        pairs.append(("nl_dossier", name))
        if entity.get("Volgnummer") is not None:
            pairs.append(("nl_kamerstuk", f"{name}-{text(entity.get('Volgnummer'))}"))
    return pairs


def publication_ids(document: Mapping[str, Any]) -> list[str]:
    """The `kst-…` identifiers of the document's current version and its publications."""
    version = document.get("HuidigeDocumentVersie")
    if not isinstance(version, dict):
        return []
    found = [text(version.get("ExterneIdentifier"))]
    return found + [text(p.get("Identifier")) for p in live(version.get("DocumentPublicatie"))]


def motion_reference(zaak: Mapping[str, Any], documents: list[Mapping[str, Any]]) -> str:
    """`kst-32317-892`: the kamerstuk the Zaak's votes are about, else the Zaak's number.

    The documents' current version names it (`ExterneIdentifier`); else the dossier and the
    Zaak's Volgnummer make it up.
    """
    for document in sorted(documents, key=lambda d: text(d.get("DocumentNummer"))):
        found = [i for i in publication_ids(document) if i.startswith("kst-")]
        if found:
            return found[0]
    kamerstuk = [v for s, v in dossier_pairs(zaak) if s == "nl_kamerstuk"]
    return f"kst-{kamerstuk[0]}" if kamerstuk else text(zaak.get("Nummer"))
