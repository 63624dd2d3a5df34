"""What a procedure's activities mean: the stage each one leaves a file in, and the title
OEIL gives it."""

from __future__ import annotations

from collections.abc import Iterable

from vocab.records import Event

# Who decides once Parliament has voted: the column of STAGE_AFTER to read.
COUNCIL_DECIDES = frozenset({"NLE", "CNS", "APP"})

# Stage phrases per column: (COD, Council decides, Parliament alone), OEIL's wording.
_COMMITTEE = ("Awaiting committee decision",) * 3
_PLENARY = (
    "Awaiting Parliament's position in 1st reading",
    "Awaiting Parliament's vote",
    "Awaiting Parliament's vote",
)
_VOTED = (
    "Awaiting Council's 1st reading position",
    "Awaiting final decision",
    "Procedure completed",
)
_SIGNED = ("Procedure completed, awaiting publication in Official Journal",) * 3
_PUBLISHED = ("Procedure completed",) * 3

# activity code -> (how far the file has come, stage phrases by column). The rank only
# breaks ties between activities of the same day.
STAGE_AFTER: dict[str, tuple[int, tuple[str, str, str]]] = {
    "REFERRAL": (1, _COMMITTEE),
    "COMMITTEE_REFERRAL": (1, _COMMITTEE),
    "COMMITTEE_TABLING_REPORT": (1, _COMMITTEE),
    "COMMITTEE_TABLING_AMENDMENT": (1, _COMMITTEE),
    "COMMITTEE_TABLING_OPINION": (1, _COMMITTEE),
    "COMMITTEE_ADOPTING_OPINION": (1, _COMMITTEE),
    "COMMITTEE_ADOPTING_REPORT": (2, _PLENARY),
    "TABLING_PLENARY": (2, _PLENARY),
    "PLENARY_ENDORSE_COMMITTEE_INTERINSTITUTIONAL_NEGOTIATIONS": (2, _PLENARY),
    "INTERINSTITUTIONAL_NEGOTIATION": (2, _PLENARY),
    "COMMITTEE_APPROVE_PROVISIONAL_AGREEMENT": (2, _PLENARY),
    "PLENARY_DEBATE": (2, _PLENARY),
    "PLENARY_VOTE": (3, _VOTED),
    "PLENARY_VOTE_RESULTS": (3, _VOTED),
    "PLENARY_AMEND_PROPOSAL": (3, _VOTED),
    "SIGNATURE": (4, _SIGNED),
    "PUBLICATION_OFFICIAL_JOURNAL": (5, _PUBLISHED),
}

# OEIL's wording where OEIL lists the same step, so that both sources read alike.
ACTIVITY_TITLES: dict[str, str] = {
    "REFERRAL": "Committee referral announced in Parliament",
    "COMMITTEE_REFERRAL": "Committee referral announced in Parliament",
    "COMMITTEE_TABLING_REPORT": "Committee draft report tabled",
    "COMMITTEE_TABLING_AMENDMENT": "Amendments tabled in committee",
    "COMMITTEE_TABLING_OPINION": "Committee draft opinion tabled",
    "COMMITTEE_ADOPTING_OPINION": "Committee opinion adopted",
    "COMMITTEE_ADOPTING_REPORT": "Vote in committee",
    "TABLING_PLENARY": "Committee report tabled for plenary",
    "PLENARY_ENDORSE_COMMITTEE_INTERINSTITUTIONAL_NEGOTIATIONS": (
        "Committee mandate for interinstitutional negotiations confirmed by plenary"
    ),
    "INTERINSTITUTIONAL_NEGOTIATION": "Interinstitutional negotiations",
    "COMMITTEE_APPROVE_PROVISIONAL_AGREEMENT": "Provisional agreement approved in committee",
    "PLENARY_DEBATE": "Debate in Parliament",
    "PLENARY_VOTE": "Vote in plenary",
    "PLENARY_VOTE_RESULTS": "Results of vote in Parliament",
    "PLENARY_AMEND_PROPOSAL": "Decision by Parliament",
    "SIGNATURE": "Final act signed",
    "PUBLICATION_OFFICIAL_JOURNAL": "Final act published in Official Journal",
}


def derive_stage(events: Iterable[Event], procedure_type: str) -> str:
    """The stage reached after the latest activity of `STAGE_AFTER` (see the module doc)."""
    known = [e for e in events if not e.forecast and e.date and e.kind in STAGE_AFTER]
    if not known:
        return ""
    latest = max(known, key=lambda e: (e.date, STAGE_AFTER[e.kind][0]))
    return STAGE_AFTER[latest.kind][1][_column(procedure_type)]


def _column(procedure_type: str) -> int:
    if procedure_type == "COD":
        return 0
    return 1 if procedure_type in COUNCIL_DECIDES else 2
