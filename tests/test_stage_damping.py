"""EP Open Data stage damping, on a timeline shaped like a real referral back to committee.

The versions are BUILT from the real EP API capture of 2016/0132(COD) (Eurodac): its events up
to the committee's approval of the provisional agreement (2024-02-14), then, as on a real COD
file, a plenary vote that amended the text and referred it back to committee (the API then
derives "Awaiting Council's 1st reading position"), 18 days later a step in committee (the stage
flips back), then the real final vote of 2024-04-10 (forward again). The capture is unchanged;
the added activities have the shape of the capture's own.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from crawlers.sites import eu_ep_api
from db import repo
from db.engine import get_engine, session_scope
from db.models import Change, Source, Version
from monitor.classify import classify_all
from monitor.diff import REVERT_WINDOW, Seen, diff_records
from pipeline.store import store_record
from tests.helpers import FIXTURES
from vocab.fetch import Response
from vocab.records import Record
from vocab.settings import get_settings

URL = f"{eu_ep_api.API}/procedures/2016-0132?format=application%2Fld%2Bjson"
PARLIAMENT = "Awaiting Parliament's position in 1st reading"
COUNCIL = "Awaiting Council's 1st reading position"
T0 = datetime(2024, 3, 1, 6, 0, tzinfo=UTC)

# A plenary vote that amended the text and referred the file back (Rule 59(4)): the decision on
# the text adopted, the vote, and the referral recorded that day.
REFERRED_BACK = [
    {
        "id": "eli/dl/event/2016-0132-DEC-DCPL-2024-03-13",
        "type": "Decision",
        "activity_date": "2024-03-13",
        "activity_id": "2016-0132-DEC-DCPL-2024-03-13",
        "decided_on_a_realization_of": ["eli/dl/doc/TA-9-2024-0150"],
        "had_activity_type": "def/ep-activities/PLENARY_AMEND_PROPOSAL",
    },
    {
        "id": "eli/dl/event/MTG-PL-2024-03-13-PVCRE-ITM-7",
        "type": "Activity",
        "activity_date": "2024-03-13",
        "activity_id": "MTG-PL-2024-03-13-PVCRE-ITM-7",
        "had_activity_type": "def/ep-activities/PLENARY_VOTE",
        "recorded_in_a_realization_of": ["eli/dl/doc/PV-9-2024-03-13-ITM-007"],
    },
    {
        "id": "eli/dl/event/2016-0132-RENV-2024-03-13",
        "type": "Activity",
        "activity_date": "2024-03-13",
        "activity_id": "2016-0132-RENV-2024-03-13",
        "had_activity_type": "def/ep-activities/REFERRAL",
    },
]
IN_COMMITTEE = [
    {
        "id": "eli/dl/event/2016-0132-TRIL-2024-03-31",
        "type": "Activity",
        "activity_date": "2024-03-31",
        "activity_id": "2016-0132-TRIL-2024-03-31",
        "had_activity_type": "def/ep-activities/INTERINSTITUTIONAL_NEGOTIATION",
    },
]


def _capture() -> dict[str, Any]:
    path = FIXTURES / "eu_ep_api" / "procedure_2016-0132-COD.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _version(until: str, added: list[dict[str, Any]]) -> Record:
    """The real procedure with its events up to `until` (ISO date) and `added` activities."""
    data = _capture()
    process = data["data"][0]
    kept = [e for e in process["consists_of"] if e.get("activity_date", "") <= until]
    process["consists_of"] = kept + added
    process["was_scheduled_in"] = []
    return eu_ep_api.parse([Response(URL, json.dumps(data).encode())], {})


def _timeline() -> list[Record]:
    return [
        _version("2024-02-14", []),
        _version("2024-02-14", REFERRED_BACK),
        _version("2024-02-14", REFERRED_BACK + IN_COMMITTEE),
        _version("2024-04-10", REFERRED_BACK + IN_COMMITTEE),
    ]


def _stage_change(old: Record, new: Record, seen: Seen) -> Any:
    (change,) = [
        c for c in classify_all(diff_records(old, new, seen=seen)) if c.kind == "stage_changed"
    ]
    return change


def test_the_built_timeline_reads_as_the_referral_did() -> None:
    assert [record.stage for record in _timeline()] == [PARLIAMENT, COUNCIL, PARLIAMENT, COUNCIL]


def test_a_stage_moved_only_by_a_referral_back_to_committee_is_not_major() -> None:
    before, referred = _timeline()[:2]
    change = _stage_change(before, referred, Seen(((PARLIAMENT, T0),), T0 + timedelta(days=1)))
    assert change.significance == "notable"
    assert change.summary.endswith("(referred back to committee)")
    # The vote itself is still reported, as the step it is.
    changes = classify_all(diff_records(before, referred))
    assert any(c.kind == "event_added" and c.significance == "major" for c in changes)


def test_a_stage_that_reverts_after_18_days_is_not_major() -> None:
    referred, back = _timeline()[1:3]
    seen = Seen(((PARLIAMENT, T0), (COUNCIL, T0 + timedelta(days=1))), T0 + timedelta(days=19))
    change = _stage_change(referred, back, seen)
    assert change.significance == "minor"
    assert change.summary == (
        f"Stage changed from '{COUNCIL}' to '{PARLIAMENT}' (reverts within 18 days)"
    )


def test_forward_again_within_the_window_is_not_major_but_its_vote_is() -> None:
    back, voted = _timeline()[2:]
    history = (
        (PARLIAMENT, T0),
        (COUNCIL, T0 + timedelta(days=1)),
        (PARLIAMENT, T0 + timedelta(days=19)),
    )
    changes = classify_all(diff_records(back, voted, seen=Seen(history, T0 + timedelta(days=30))))
    stage = next(c for c in changes if c.kind == "stage_changed")
    assert stage.significance == "minor"
    votes = [c for c in changes if c.kind == "event_added" and "vote" in c.summary.lower()]
    assert votes and all(c.significance == "major" for c in votes)


def test_a_stage_held_longer_than_the_window_then_left_is_major() -> None:
    back, voted = _timeline()[2:]
    later = T0 + timedelta(days=19) + REVERT_WINDOW + timedelta(days=1)
    history = (
        (PARLIAMENT, T0),
        (COUNCIL, T0 + timedelta(days=1)),
        (PARLIAMENT, T0 + timedelta(days=19)),
    )
    assert _stage_change(back, voted, Seen(history, later)).significance == "major"


def test_a_plain_step_forward_stays_major() -> None:
    first, *_, voted = _timeline()
    assert _stage_change(first, voted, Seen(((PARLIAMENT, T0),), T0)).significance == "major"
    real_vote = _version("2024-04-10", [])  # the capture's own final vote, nothing added
    assert _stage_change(first, real_vote, Seen()).significance == "major"


# --- through the store: the stage history comes from the stored versions ----------------------


def _store(session: Any, source: Source, record: Record, stored_at: datetime) -> None:
    store_record(session, source=source, record=record)
    latest = repo.latest_version(session, source_id=source.id)
    latest.created_at = stored_at  # as if stored then: the window is measured on these
    session.flush()


def _stage_significances(session: Any, source: Source) -> list[str]:
    query = select(Change).where(Change.source_id == source.id, Change.kind == "stage_changed")
    return [c.significance for c in session.exec(query.order_by(Change.id))]


def test_stored_versions_give_the_history_that_damps_the_flip_flop(home) -> None:
    engine = get_engine(get_settings().db_url)
    first, referred, back, voted = _timeline()
    with session_scope(engine) as session:
        source = Source(name="ep-eurodac", kind="eu_ep_api", url=URL, jurisdiction="EU")
        session.add(source)
        session.flush()
        _store(session, source, first, datetime.now(UTC) - timedelta(days=60))
        _store(session, source, referred, datetime.now(UTC) - timedelta(days=18))
        _store(session, source, back, datetime.now(UTC))
        assert _stage_significances(session, source) == ["notable", "minor"]
        _store(session, source, voted, datetime.now(UTC))
        assert _stage_significances(session, source) == ["notable", "minor", "minor"]
        assert len(session.exec(select(Version).where(Version.source_id == source.id)).all()) == 4
