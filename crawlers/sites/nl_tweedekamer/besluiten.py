"""Decisions (Besluit) with their votes (Stemming), dated by their agenda item's Activiteit:
what stage a Zaak has reached, and each decision as an event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawlers.sites.nl_tweedekamer.odata import PUBLICATION, SOURCE, live, text
from crawlers.sites.readers.json_data import dig
from vocab.dates import parse_date
from vocab.records import Event

_VOTE_ORDER = {"Voor": 0, "Tegen": 1}


def zaak_stage(zaak: Mapping[str, Any], besluiten: list[Mapping[str, Any]]) -> str:
    """What the decisions say: the last vote's outcome, else the latest decision's kind.

    `Status` ("Vrijgegeven") is left out on purpose: it says the record is published,
    not where the Zaak stands.
    """
    ordered = sorted(besluiten, key=_besluit_order)
    decided = [result for result in map(_result, ordered) if result]
    if decided:
        return decided[-1]
    latest = text(ordered[-1].get("BesluitSoort")) if ordered else ""
    return latest or text(zaak.get("HuidigeBehandelstatus"))


def _result(besluit: Mapping[str, Any]) -> str:
    """'aangenomen' or 'verworpen' when the Besluit is a vote's outcome, else ''."""
    said = f"{text(besluit.get('BesluitSoort'))} {text(besluit.get('BesluitTekst'))}".lower()
    if "verworpen" in said:
        return "verworpen"
    # "Stemmen - zonder stemming aannemen" adopts a text without a vote.
    return "aangenomen" if "aangenomen" in said or "aannemen" in said else ""


def _besluit_order(besluit: Mapping[str, Any]) -> tuple[str, str, str]:
    moment = _besluit_date(besluit) or ""
    return moment, text(besluit.get("GewijzigdOp")), text(besluit.get("Id"))


def _besluit_date(besluit: Mapping[str, Any]) -> str | None:
    # A Besluit has no date of its own: its agenda item (or that item's activity) has it.
    if not isinstance(besluit.get("Agendapunt"), dict):
        return None
    day = dig(besluit, "Agendapunt", "Activiteit", "Datum")
    return parse_date(text(day or dig(besluit, "Agendapunt", "Aanvangstijd")))


def besluit_event(besluit: Mapping[str, Any], motion: str) -> Event:
    """A decision, dated by its activity, linked to the motion (and so its dossier)."""
    said = text(besluit.get("BesluitTekst")).rstrip(".") or text(besluit.get("BesluitSoort"))
    return Event(
        date=_besluit_date(besluit),
        title=said or "Besluit",
        kind=text(besluit.get("BesluitSoort")),
        reference=motion,
        url=PUBLICATION.format(motion) if motion.startswith("kst-") else "",
        source=SOURCE,
        details=_vote_details(besluit),
    )


def _vote_details(besluit: Mapping[str, Any]) -> str:
    """How each party (or member, in a roll call) voted: 'Voor: D66 (9), …; Tegen: …'."""
    groups: dict[str, list[str]] = {}
    for vote in live(besluit.get("Stemming")):
        groups.setdefault(text(vote.get("Soort")) or "?", []).append(_voter(vote))
    parts = [text(besluit.get("StemmingsSoort"))]
    for choice in sorted(groups, key=lambda c: (_VOTE_ORDER.get(c, 2), c)):
        parts.append(f"{choice}: {', '.join(sorted(groups[choice]))}")
    return "; ".join(part for part in parts if part)


def _voter(vote: Mapping[str, Any]) -> str:
    party = text(vote.get("ActorFractie"))
    if vote.get("Persoon_Id"):
        label = f"{text(vote.get('ActorNaam'))} ({party})"
    else:
        label = f"{party} ({text(vote.get('FractieGrootte'))})"
    return label + (" (vergissing)" if vote.get("Vergissing") is True else "")
