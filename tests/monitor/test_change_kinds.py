"""Every change kind monitor/ can produce, from a pair of records built on a real capture.

Each case parses a capture from tests/fixtures with its site module (normalised, as a
crawl stores it) and makes the other version of the pair by one small edit of the record
or of the capture: an edit the source really makes, said in the case's docstring. The
pair goes through monitor.diff and monitor.classify as a crawl's does, and the change is
laid out as the digest lays it out (digests.compose.sections): its significance, its line
and, for the kinds the digest shows a diff of, a piece of that diff are checked.

The guards fail when a kind (or a significance of one) in monitor.classify.RULES has no
case, when a differ in monitor.diff.DIFFERS finds nothing in any case, or when a case
produces a difference no rule classifies.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest

from crawlers.sites import eu_ep_api, eu_oeil, feed
from digests.compose import sections
from digests.model import ChangeView, FileRef
from monitor.classify import RULES, ChangeSpec, classify_all
from monitor.diff import DIFFERS, Seen, diff_records
from monitor.normalise import normalise
from tests.helpers import FIXTURES, capture
from vocab.fetch import Response
from vocab.records import Event, Record

EP_URL = f"{eu_ep_api.API}/procedures/2016-0132?format=application%2Fld%2Bjson"
OEIL_URL = "https://oeil.europarl.europa.eu/oeil/en/document-summary?id=1651118"
FEED_NAME = "magyarkozlony-official-gazette_feed_2026-10-09.xml"
FEED_URL = "https://magyarkozlony.hu/feed"
COUNCIL = "Awaiting Council's 1st reading position"
PARLIAMENT = "Awaiting Parliament's position in 1st reading"
SIGNED = "Procedure completed, awaiting publication in Official Journal"
T0 = datetime(2024, 5, 1, 6, 0, tzinfo=UTC)

Pair = tuple[Record, Record, Seen]


@cache
def ep_procedure() -> Record:
    """The EP API's procedure 2016/0132(COD) (Eurodac), as a crawl stores it."""
    response = capture("eu_ep_api", "procedure_2016-0132-COD.json", EP_URL)
    return normalise(eu_ep_api.parse([response], {}))


@cache
def oeil_summary() -> Record:
    """OEIL's summary of the resolution on Myanmar (2021/2540(RSP)), as a crawl stores it."""
    response = capture("eu_oeil", "new-document-summary_1651118.html", OEIL_URL)
    return normalise(eu_oeil.parse([response], {}))


def gazette(edit: Callable[[str], str] = lambda body: body) -> Record:
    """The Hungarian official gazette's RSS feed, its body edited by `edit`, as a crawl stores it."""
    body = (FIXTURES / "feed" / FEED_NAME).read_text(encoding="utf-8")
    response = Response(FEED_URL, edit(body).encode("utf-8"))
    return normalise(feed.parse([response], {}))


def dropped(record: Record, title: str, *, forecast: bool = False) -> Record:
    """`record` without its events of this title (facts, or forecasts)."""
    kept = [e for e in record.events if (e.title, e.forecast) != (title, forecast)]
    assert len(kept) < len(record.events), f"no event {title!r} in the capture"
    return replace(record, events=tuple(kept))


def stage_flipped_back() -> Pair:
    """The API derived "Awaiting Council's 1st reading position" for five days, then went back
    to 'Procedure completed' (the flip-flop a referral makes). Edit: the old version's stage,
    and the stage history the store reads."""
    new = ep_procedure()
    history = ((new.stage, T0), (COUNCIL, T0 + timedelta(days=1)))
    return replace(new, stage=COUNCIL), new, Seen(history, T0 + timedelta(days=6))


def referred_back() -> Pair:
    """A plenary vote sent the file back to committee, and the API derived the Council's stage
    from it. Edit: the old version holds the capture's steps up to the committee's approval of
    the agreement (2024-02-14); the new one adds the vote and the referral of that sitting."""
    base = ep_procedure()
    facts = tuple(e for e in base.events if not e.forecast and (e.date or "") <= "2024-02-14")
    sitting = (
        Event("2024-03-13", "Vote in plenary", "PLENARY_VOTE", source="EP"),
        Event("2024-03-13", "Committee referral announced in Parliament", "REFERRAL", source="EP"),
    )
    old = replace(base, stage=PARLIAMENT, events=facts)
    return old, replace(old, stage=COUNCIL, events=facts + sitting), Seen()


def act_published() -> Pair:
    """The last crawl came after the signature and before the Official Journal published the
    act; now the API lists the publication and says 'Procedure completed'. Edit: the old
    version lacks that step and has the stage the API gives a signed act."""
    new = ep_procedure()
    old = dropped(new, "Final act published in Official Journal")
    return replace(old, stage=SIGNED), new, Seen()


def debate_held() -> Pair:
    """The last crawl came before the plenary debate was recorded. Edit: the debate (a fact,
    not the agenda's forecast of it) is not in the old version."""
    new = ep_procedure()
    return dropped(new, "Debate in Parliament"), new, Seen()


def vote_scheduled() -> Pair:
    """The plenary agenda put the vote on the sitting of 10 April after the last crawl. Edit:
    the forecast vote is not in the old version."""
    new = ep_procedure()
    return dropped(new, "Vote in plenary", forecast=True), new, Seen()


def debate_postponed() -> Pair:
    """The debate was on the plenary agenda of 13 March and was moved to the sitting of
    10 April. Edit: the old version's forecast debate is dated 2024-03-13."""
    new = ep_procedure()
    moved = [
        replace(e, date="2024-03-13") if e.forecast and e.title == "Debate in Parliament" else e
        for e in new.events
    ]
    return replace(new, events=tuple(moved)), new, Seen()


def activity_unlisted() -> Pair:
    """The API no longer lists a plenary activity it listed before. Edit: the new version has
    no 'Plenary activity' of 2020-11-11."""
    old = ep_procedure()
    return old, dropped(old, "Plenary activity"), Seen()


def text_adopted_published() -> Pair:
    """Parliament publishes the text adopted after the vote. Edit: the old version does not
    list document T9-0183/2024 yet."""
    new = ep_procedure()
    kept = tuple(d for d in new.documents if d.reference != "T9-0183/2024")
    return replace(new, documents=kept), new, Seen()


def title_corrected() -> Pair:
    """The title was corrected: the system's name gained its quotation marks. Edit: the old
    version's title reads Eurodac where the capture reads 'Eurodac'."""
    new = ep_procedure()
    return replace(new, title=new.title.replace("'Eurodac'", "Eurodac", 1)), new, Seen()


def rapporteur_replaced() -> Pair:
    """A new rapporteur took the file over, as when the previous one leaves Parliament. Edit:
    the old version's rapporteur is another person of the EP's register."""
    new = ep_procedure()
    fields = tuple(
        (name, "person/96750" if name == "rapporteur" else value) for name, value in new.fields
    )
    return replace(new, fields=fields), new, Seen()


def summary_corrected() -> Pair:
    """OEIL corrected a figure of the vote in its summary, one word of one paragraph. Edit: the
    old version reads '26 abstentions' where the capture reads '27 abstentions'."""
    new = oeil_summary()
    old = replace(new, text=new.text.replace("27 abstentions", "26 abstentions", 1))
    return old, new, Seen()


def issue_published() -> Pair:
    """The gazette published issue 151 after the last crawl. Edit: the old feed is the
    capture without that item."""
    item = re.compile(r"\s*<item>(?:(?!</item>).)*?151\. szám.*?</item>", re.DOTALL)
    return gazette(lambda body: item.sub("", body, count=1)), gazette(), Seen()


def issue_retitled() -> Pair:
    """The gazette corrected an item's title: the issue number was wrong. Edit: the old feed
    names the official bulletin's issue 49 where the capture names it 50."""
    wrong = "Hivatalos Értesítő 2026. évi 49. szám"
    old = gazette(lambda body: body.replace("Hivatalos Értesítő 2026. évi 50. szám", wrong))
    return old, gazette(), Seen()


@dataclass(frozen=True)
class Case:
    """A pair of versions, the change it makes, and that change's line in the digest.

    `shows` is a piece of the short diff the digest prints under the line (DIFF_KINDS).
    """

    pair: Callable[[], Pair]
    kind: str
    significance: str
    line: str
    shows: str = ""


TITLE = ep_procedure().title
CASES = (
    Case(
        act_published,
        "stage_changed",
        "major",
        f"Stage changed from '{SIGNED}' to 'Procedure completed'",
    ),
    Case(
        stage_flipped_back,
        "stage_changed",
        "minor",
        f"Stage changed from '{COUNCIL}' to 'Procedure completed' (reverts within 5 days)",
    ),
    Case(
        referred_back,
        "stage_changed",
        "notable",
        f"Stage changed from '{PARLIAMENT}' to '{COUNCIL}' (referred back to committee)",
    ),
    Case(
        act_published,
        "event_added",
        "major",
        "New event: Final act published in Official Journal (2024-05-22)",
    ),
    Case(
        debate_held,
        "event_added",
        "notable",
        "New event: Debate in Parliament (2024-04-10) [A8-0212/2017]",
    ),
    Case(
        vote_scheduled,
        "forecast_added",
        "notable",
        "Forecast: Vote in plenary (2024-04-10) [OJQ-9-2024-04-10]",
    ),
    Case(
        debate_postponed,
        "forecast_changed",
        "notable",
        "Forecast moved: Debate in Parliament from 2024-03-13 to 2024-04-10",
    ),
    Case(
        activity_unlisted,
        "event_removed",
        "minor",
        "Event no longer listed: Plenary activity (2020-11-11)",
    ),
    Case(
        text_adopted_published,
        "document_added",
        "notable",
        "T9-0183/2024 — Text adopted by Parliament (2024-04-10)",
    ),
    Case(
        title_corrected,
        "title_changed",
        "minor",
        f"Title changed to '{TITLE}'",
        "[-Eurodac-]{+'Eurodac'+}",
    ),
    Case(
        rapporteur_replaced,
        "fields_changed",
        "notable",
        "1 field changed: rapporteur",
        "~ rapporteur: person/96750 → person/197829",
    ),
    Case(summary_corrected, "text_amended", "notable", "1 paragraph changed", "[-26-]{+27+}"),
    Case(
        issue_published,
        "item_published",
        "notable",
        "New item: 'Magyar Közlöny 2026. évi 151. szám'",
    ),
    Case(
        issue_retitled,
        "item_updated",
        "minor",
        "Item edited: 'Hivatalos Értesítő 2026. évi 50. szám'",
        "évi [-49.-]{+50.+} szám",
    ),
)


def changes(pair: Pair) -> list[ChangeSpec]:
    """What a crawl stores for this pair: the differences, classified."""
    old, new, seen = pair
    return classify_all(diff_records(old, new, seen=seen))


def in_digest(spec: ChangeSpec) -> tuple[str, str, str]:
    """(significance, line, short diff) of one change in a digest; a new document is a line of
    its file's document list."""
    when = datetime(2024, 6, 3, 7, 0, tzinfo=UTC)
    file = FileRef("EU:2016/0132(COD)", "Eurodac")
    view = ChangeView(1, file, spec.kind, spec.significance, spec.summary, spec.diff, when, "EP")
    [section] = sections([view], "https://lexwatch.example", ZoneInfo("Europe/Brussels"))
    if section.documents:
        return section.significance, section.documents[0][0], ""
    [entry] = section.entries
    return entry.significance, entry.summary, "\n".join(entry.diff)


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.kind}-{case.significance}")
def test_each_change_kind_is_produced_from_a_real_capture(case: Case) -> None:
    made = changes(case.pair())
    found = [s for s in made if (s.kind, s.significance) == (case.kind, case.significance)]
    assert len(found) == 1, made
    significance, line, diff = in_digest(found[0])
    assert (significance, line) == (case.significance, case.line)
    assert case.shows in diff


def test_every_kind_and_significance_of_the_rules_has_a_case() -> None:
    untested = {(r.kind, r.significance) for r in RULES} - {(c.kind, c.significance) for c in CASES}
    assert untested == set(), f"no test produces {sorted(untested)}"


def test_every_differ_finds_something_in_some_case() -> None:
    pairs = [case.pair() for case in CASES]
    idle = [d.__name__ for d in DIFFERS if not any(d(old, new) for old, new, _ in pairs)]
    assert idle == [], f"no test exercises {idle}"


def test_every_difference_a_case_makes_has_a_rule() -> None:
    pairs = [case.pair() for case in CASES]
    differences = [d for old, new, seen in pairs for d in diff_records(old, new, seen=seen)]
    unruled = [d.what for d in differences if not any(r.matches(d) for r in RULES)]
    assert unruled == [], f"no rule classifies {unruled}"
