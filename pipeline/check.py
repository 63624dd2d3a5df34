"""`lexwatch sources check`: one live fetch of each source, and a verdict a person can act on.

Each source is fetched through the crawl's own fetch path (a one-shot crawler,
the guard, the browser after a challenge) and parsed, and nothing is stored.
`judge` turns what happened into one verdict, the first of this list that
holds, each with one line of what to do:

    needs an API key · blocked (challenge) · not found · unreachable (…)
    · broken (a bug in Lexwatch) · moved (now at …) · shape changed (… missing) · ok

"moved" comes before the parse: a page that moved somewhere else is better
explained by the move than by what its new place lacks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from db.models import Source
from vocab.errors import Blocked, Fault, MissingKey, ParseError
from vocab.fetch import Outcome, Plan, Target
from vocab.redact import redact
from vocab.settings import Settings

ADVICE = {
    "ok": "nothing to do",
    "needs_key": "{detail}, then check again",
    "blocked": "the site lets no plain client through: add --param render=browser (with Chromium "
    "installed); if the browser is blocked too, crawl it less often or ask the site for access",
    "not_found": "the address is gone: find the file's new page on the site and change the "
    "source's URL (or remove the source)",
    "unreachable": "check the address and this machine's network; if the site is down, the next "
    "runs catch up on their own",
    "broken": "a bug in Lexwatch: report it with the output of `lexwatch sources test` for this source",
    "moved": "change the source's URL to the new address (`lexwatch sources import`, or edit it "
    "in /admin): every run follows the redirect until then",
    "shape_changed": "the site changed its pages: save one with `lexwatch capture URL --kind KIND` "
    "and report it, so that the parser can be fixed",
}
LABELS = {
    "ok": "ok",
    "needs_key": "needs an API key",
    "blocked": "blocked (challenge)",
    "not_found": "not found",
    "unreachable": "unreachable ({detail})",
    "broken": "broken ({detail})",
    "moved": "moved (now at {detail})",
    "shape_changed": "shape changed ({detail})",
}
GONE = (404, 410)


@dataclass(frozen=True)
class Verdict:
    """What one live fetch of a source says about it."""

    source: str
    kind: str
    verdict: str  # a key of LABELS
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    @property
    def text(self) -> str:
        """`moved (now at https://…)`, as a person reads it."""
        return LABELS[self.verdict].format(detail=self.detail)

    @property
    def advice(self) -> str:
        """One line of what to do about it."""
        return ADVICE[self.verdict].format(detail=self.detail)

    def as_dict(self) -> dict[str, str | bool]:
        return asdict(self) | {"ok": self.ok, "text": self.text, "advice": self.advice}


def judge(outcome: Outcome, parse: Callable[[], object]) -> Verdict:
    """The verdict on one source's fetch; `parse` reads what was fetched (it may raise)."""
    plan = outcome.plan
    found = _fetch_verdict(outcome)
    if found is not None:
        return Verdict(plan.name, plan.kind, *found)
    try:
        parse()
    except MissingKey as exc:
        return Verdict(plan.name, plan.kind, "needs_key", redact(str(exc)))
    except Blocked as exc:  # a site module that knows its own site's wall
        return Verdict(plan.name, plan.kind, "blocked", redact(str(exc)))
    except ParseError as exc:
        return Verdict(plan.name, plan.kind, "shape_changed", _missing(exc))
    except Fault as exc:
        return Verdict(plan.name, plan.kind, "broken", redact(str(exc))[:300])
    return Verdict(plan.name, plan.kind, "ok")


def _fetch_verdict(outcome: Outcome) -> tuple[str, str] | None:
    """(verdict, detail) when the fetch alone decides; None when the answers must be parsed."""
    gone = [url for url, status in outcome.statuses.items() if status in GONE]
    errors = outcome.errors + outcome.faults
    for verdict, detail in (
        ("needs_key", outcome.skipped),
        ("blocked", str(outcome.blocked or "")),
        ("not_found", gone[0] if gone else ""),
        ("unreachable", errors[0] if errors else ""),
        ("moved", next(iter(outcome.moved.values()), "")),
    ):
        if detail:
            return verdict, redact(detail)
    if not outcome.fetched:
        return "unreachable", "nothing came back before the time limit"
    return None


def _missing(exc: ParseError) -> str:
    """What the parser did not find, without the kind and URL the message starts with."""
    return redact(exc.what or str(exc))


def plans_for(sources: Sequence[Source], secrets: dict[str, str]) -> list[Plan]:
    """What to fetch for each source: no validators, so every answer is a whole one to parse."""
    return [Plan(s.id, s.name, s.kind, Target(s.url, dict(s.params), secrets)) for s in sources]


async def check(plans: Sequence[Plan], settings: Settings) -> list[Verdict]:
    """One live fetch of each plan, nothing stored, and its verdict (on the reactor's loop)."""
    from crawlers.crawl import crawl
    from pipeline.parse import parse_responses, responses_of

    outcomes = await crawl(plans, engine=None, settings=settings)
    return [
        judge(outcome, lambda o=outcome: parse_responses(o.plan, responses_of(o)))
        for outcome in (outcomes[plan.source_id] for plan in plans)
    ]


def check_now(settings: Settings, source: Source) -> Verdict:
    """The verdict on one source, from any thread (the web app's "Check now")."""
    from crawlers import reactor

    [plan] = plans_for([source], settings.secrets())
    [verdict] = reactor.run_coroutine(
        check([plan], settings), timeout=settings.crawl_time_limit + 30
    )
    return verdict
