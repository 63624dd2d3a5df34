"""A Zaak's activities (Activiteit: plenary debates, votes, committee meetings) as its
scheduled steps: planned ones are forecasts, held ones steps, cancelled ones left out.

An activity reaches a Zaak directly (`Zaak.Activiteit`) or as the meeting one of its agenda
items belongs to (`Zaak.Agendapunt` → `Activiteit`); each is read once, by its `Id`, which
the step keeps as its own (`Event.step_id`): the agenda knows it by that id when it moves.
An activity that dates one of the Zaak's decisions is that decision's step already.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from crawlers.sites.nl_tweedekamer.odata import SOURCE, TK_SITE, live, text
from crawlers.sites.readers.json_data import dig
from vocab.dates import parse_date
from vocab.records import Event

CANCELLED = "geannuleerd"
HELD = "uitgevoerd"
# tweedekamer.nl shows an activity by its Nummer, in the plenary or the committee part of the site.
_PLENARY_PAGE = TK_SITE + "/debat_en_vergadering/plenaire_vergaderingen/details/activiteit?id={}"
_COMMITTEE_PAGE = TK_SITE + "/debat_en_vergadering/commissievergaderingen/details?id={}"
_PLENARY_KINDS = (
    "plenair debat",
    "stemmingen",
    "hamerstukken",
    "vragenuur",
    "regeling van werkzaamheden",
)


def activity_events(zaak: Mapping[str, Any], besluiten: list[Mapping[str, Any]]) -> list[Event]:
    """The Zaak's activities still on, each once, as events (those dating a decision left out)."""
    voted = {text(dig(b, "Agendapunt", "Activiteit", "Id")) for b in besluiten}
    found = {text(a.get("Id")): a for a in _activities(zaak) if text(a.get("Id"))}
    return [
        activity_event(a)
        for key, a in found.items()
        if key not in voted and text(a.get("Status")).casefold() != CANCELLED
    ]


def _activities(zaak: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield from live(zaak.get("Activiteit"))
    for item in live(zaak.get("Agendapunt")):
        yield from live(item.get("Activiteit"))


def activity_event(activity: Mapping[str, Any]) -> Event:
    """One activity: 'Soort: Onderwerp' on its day, a forecast until it was held."""
    number = text(activity.get("Nummer"))
    return Event(
        date=parse_date(text(activity.get("Datum")) or text(activity.get("Aanvangstijd"))),
        title=activity_title(activity),
        kind=text(activity.get("Soort")),
        reference=number,
        url=activity_page(number, text(activity.get("Soort"))),
        source=SOURCE,
        forecast=text(activity.get("Status")).casefold() != HELD,
        details=_details(activity),
        step_id=text(activity.get("Id")),
    )


def activity_title(activity: Mapping[str, Any]) -> str:
    """Soort and Onderwerp as the Kamer writes them, the Onderwerp once when it repeats the Soort."""
    kind, subject = text(activity.get("Soort")), text(activity.get("Onderwerp"))
    if not subject or subject.casefold() == kind.casefold():
        return kind or subject or "Activiteit"
    return f"{kind}: {subject}" if kind else subject


def activity_page(number: str, kind: str) -> str:
    """The activity's page on tweedekamer.nl ('' without a Nummer)."""
    if not number:
        return ""
    plenary = kind.casefold().startswith(_PLENARY_KINDS)
    return (_PLENARY_PAGE if plenary else _COMMITTEE_PAGE).format(number)


def _details(activity: Mapping[str, Any]) -> str:
    """Its hours, place, who leads it and, unless simply planned or held, its status."""
    status = text(activity.get("Status"))
    parts = [
        _hours(activity),
        text(activity.get("Locatie")),
        text(activity.get("Voortouwnaam")),
        "" if status.casefold() in ("gepland", HELD) else status,
    ]
    return "; ".join(part for part in parts if part)


def _hours(activity: Mapping[str, Any]) -> str:
    # The API gives Dutch local times with their offset: '2025-10-16T14:00:00+02:00'.
    start, end = (_clock(activity.get(name)) for name in ("Aanvangstijd", "Eindtijd"))
    return f"{start}–{end}" if start and end else start


def _clock(value: Any) -> str:
    moment = text(value)
    return moment[11:16] if len(moment) >= 16 and moment[10] == "T" else ""
