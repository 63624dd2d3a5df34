"""Watches: the seeded ones, and how a watch is checked, described and tried on a record.

`SEEDS` are the watches Lexwatch starts with: the CSA regulation and the files
around it (see docs/DOMAIN.md). `seed(session)` adds those that are missing and never
touches one an admin has edited or removed-and-recreated under the same name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session

from db import repo
from db.models import Watch
from digests import alertrules, relevance, select
from monitor.classify import SIGNIFICANCE
from monitor.link import jurisdiction
from vocab.channels import mask
from vocab.errors import ConfigError
from vocab.records import Record
from vocab.topics import TOPICS, topic_of

SEEDS: tuple[Watch, ...] = (
    Watch(
        name="csa-regulation",
        description="Regulation to prevent and combat child sexual abuse online (chat control)",
        references=["2022/0155(COD)", "COM(2022) 209"],
        terms=["child sexual abuse", "chat control", "CSAM"],
        min_significance="notable",
    ),
    Watch(
        name="eprivacy-interim-derogation",
        description="Interim derogation from the ePrivacy Directive, Regulation (EU) 2021/1232",
        references=["2020/0259(COD)", "Regulation (EU) 2021/1232"],
        terms=["ePrivacy derogation"],
        min_significance="notable",
    ),
    Watch(
        name="eprivacy-derogation-extension",
        description="Extension of the interim derogation, Regulation (EU) 2024/1307",
        references=["2023/0452(COD)", "Regulation (EU) 2024/1307"],
        min_significance="notable",
    ),
    Watch(
        name="csa-directive-recast",
        description="Recast of the directive on combating child sexual abuse (COM(2024) 60)",
        references=["2024/0035(COD)", "COM(2024) 60"],
        terms=["combating the sexual abuse and sexual exploitation of children"],
        min_significance="notable",
    ),
)


def seed(session: Session) -> list[str]:
    """Add the seeded watches that are missing; the names added (none on a second call)."""
    present = {w.name for w in repo.watches_named(session, names=[w.name for w in SEEDS])}
    added = [_copy(w) for w in SEEDS if w.name not in present]
    for watch in added:
        repo.add_watch(session, watch=watch)
    return [w.name for w in added]


def _copy(watch: Watch) -> Watch:
    # The SEEDS rows are templates: a session must get fresh objects every time.
    return Watch(**watch.model_dump(exclude={"id", "created_at"}))


def new_watch(
    name: str,
    *,
    terms: Sequence[str],
    references: Sequence[str],
    jurisdictions: Sequence[str],
    min_significance: str,
    alert_min: str = "major",
    quiet_hours: str = "",
) -> Watch:
    """A checked Watch: a name, something to look for, known significances, quiet hours."""
    terms = [t.strip() for t in terms if t.strip()]
    references = [r.strip() for r in references if r.strip()]
    _check(name, terms, references, min_significance)
    alertrules.quiet_span(quiet_hours)
    return Watch(
        name=name.strip(),
        terms=terms,
        references=references,
        jurisdictions=sorted({j.strip().upper() for j in jurisdictions if j.strip()}),
        min_significance=min_significance,
        alert_min=alertrules.check_min(alert_min),
        quiet_hours=quiet_hours.strip(),
    )


def alert_channels(urls: Sequence[str]) -> list[str]:
    """Checked apprise URLs, each once; a ConfigError for one apprise cannot send to."""
    return list(dict.fromkeys(alertrules.check_channel(u) for u in urls if u.strip()))


def _check(name: str, terms: list[str], references: list[str], min_significance: str) -> None:
    # Each message says what to type instead; `field` lets each door (the CLI's flags, the web
    # form's fields) say where, so no message names a flag.
    if not name.strip():
        raise ConfigError("a watch needs a name, e.g. csa-regulation", field="name")
    if not terms and not references:
        raise ConfigError(
            "give at least one term or reference, or the watch matches nothing", field="terms"
        )
    unknown = [t for t in terms if t.lower().startswith("topic:") and not topic_of(t)]
    if unknown:
        known = ", ".join(f"topic:{slug}" for slug in TOPICS)
        raise ConfigError(f"unknown topic '{unknown[0]}': choose one of {known}", field="terms")
    if min_significance not in SIGNIFICANCE:
        raise ConfigError(
            f"the least significance must be one of {', '.join(SIGNIFICANCE)}",
            field="min_significance",
        )


def matcher(watch: Watch) -> relevance.Matcher:
    """The watch compiled for matching."""
    return select.compiled(watch)


def describe(watch: Watch, subscribers: int = 0, channels: Sequence[str] = ()) -> dict[str, Any]:
    """A watch as the CLI and the API show it, with the topics its terms expand to; a watch
    with alert channels also with those (apprise URLs, secrets: only masked) and its alert
    settings (a watch without keeps the shape it always had)."""
    topics = sorted({t for t in map(topic_of, watch.terms) if t})
    return {
        "name": watch.name,
        "description": watch.description,
        "terms": list(watch.terms),
        "topics": topics,
        "references": list(watch.references),
        "jurisdictions": list(watch.jurisdictions),
        "min_significance": watch.min_significance,
        "subscribers": subscribers,
    } | (alert_settings(watch, channels) if channels else {})


def alert_settings(watch: Watch, channels: Sequence[str]) -> dict[str, Any]:
    """A watch's alerts as shown: its channels masked, the least significance, quiet hours."""
    return {
        "alerts": [mask(url) for url in channels],
        "alert_min": watch.alert_min,
        "quiet_hours": watch.quiet_hours,
    }


def try_record(watch: Watch, record: Record) -> relevance.Match:
    """Which terms and references of the watch a parsed record matches."""
    found = relevance.record_subject(record, jurisdiction(record.key, ""))
    return relevance.explain(matcher(watch), found)
