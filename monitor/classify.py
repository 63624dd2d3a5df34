"""Classify differences: a table of rules gives each one a Change kind and a significance.

Each rule is (what differs, a pattern over its subject or None for any, the
Change kind, the significance). The first rule that matches wins; `RULES` is
the documentation of how Lexwatch ranks legislative steps (see docs/DOMAIN.md):
votes, adoptions, mandates, agreements and publications are major; documents,
debates, trilogue rounds and amendments are notable; edits of wording are minor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.diff import Difference

SIGNIFICANCE = ("minor", "notable", "major")

MAJOR_STEPS = (
    r"legislative proposal published|proposal (?:for a regulation|adopted by the commission)"
    r"|COMMITTEE_ADOPTING_REPORT|vote in committee|vote scheduled in committee"
    r"|interinstitutional negotiations|PLENARY_ENDORSE_COMMITTEE_INTERINSTITUTIONAL_NEGOTIATIONS"
    r"|general approach|negotiating mandate|provisional agreement|COMMITTEE_APPROVE_PROVISIONAL_AGREEMENT"
    r"|PLENARY_VOTE|decision by parliament|results of vote in parliament|parliament's (?:1st|first) reading position"
    r"|act adopted by council|council (?:position|decision)|adopted by the council|SIGNATURE|final act signed"
    r"|PUBLICATION_OFFICIAL_JOURNAL|final act published|published in the official journal|procedure completed"
    r"|aangenomen|verworpen|stemming|abstimmung|beschluss|beschlussempfehlung|zustimmung"
    r"|royal assent|third reading|became (?:public )?law|passed (?:the )?(?:senate|house)|signed by president"
)
NOTABLE_STEPS = (
    r"amendment|opinion|debate|PLENARY_DEBATE|INTERINSTITUTIONAL_NEGOTIATION|trilogue|referral|rapporteur"
    r"|committee report tabled|COMMITTEE_TABLING|progress report|motie|motion|second reading|committee stage"
    r"|report stage|introduced|reported by|stellungnahme|unterrichtung|ausschuss"
)


@dataclass(frozen=True)
class Rule:
    """When `what` differs and `pattern` (or None) matches the subject: `kind` at `significance`."""

    what: str
    pattern: str | None
    kind: str
    significance: str

    def matches(self, difference: Difference) -> bool:
        if difference.what != self.what:
            return False
        return (
            self.pattern is None
            or re.search(self.pattern, difference.subject, re.IGNORECASE) is not None
        )


RULES: tuple[Rule, ...] = (
    # A stage that flips back within REVERT_WINDOW, or moves only because a plenary vote
    # referred the file back to committee, is no step of the file (monitor/diff.py tags it):
    # the vote itself is reported by its own event.
    Rule("stage", r"\[reverts within ", "stage_changed", "minor"),
    Rule("stage", r"\[referred back to committee\]", "stage_changed", "notable"),
    Rule("stage", None, "stage_changed", "major"),
    Rule("event_added", MAJOR_STEPS, "event_added", "major"),
    Rule("event_added", NOTABLE_STEPS, "event_added", "notable"),
    Rule("event_added", None, "event_added", "notable"),
    Rule("forecast_added", None, "forecast_added", "notable"),
    Rule("forecast_changed", None, "forecast_changed", "notable"),
    Rule("event_removed", None, "event_removed", "minor"),
    Rule("document_added", None, "document_added", "notable"),
    Rule("item_added", None, "item_published", "notable"),
    Rule("item_changed", None, "item_updated", "minor"),
    Rule("text", None, "text_amended", "notable"),
    Rule("fields", None, "fields_changed", "notable"),
    Rule("title", None, "title_changed", "minor"),
)


@dataclass(frozen=True)
class ChangeSpec:
    """A classified difference, ready to be stored as a Change."""

    kind: str
    significance: str
    summary: str
    diff: str


def classify(difference: Difference) -> ChangeSpec:
    """The first rule matching `difference` decides its kind and significance."""
    for rule in RULES:
        if rule.matches(difference):
            return ChangeSpec(rule.kind, rule.significance, difference.summary, difference.diff)
    return ChangeSpec(difference.what, "minor", difference.summary, difference.diff)


def classify_all(differences: list[Difference]) -> list[ChangeSpec]:
    """Every difference classified, most significant first (stable within a level)."""
    specs = [classify(d) for d in differences]
    return sorted(specs, key=lambda s: -SIGNIFICANCE.index(s.significance))


def at_least(significance: str, minimum: str) -> bool:
    """True when `significance` ranks at or above `minimum`."""
    return SIGNIFICANCE.index(significance) >= SIGNIFICANCE.index(minimum)
