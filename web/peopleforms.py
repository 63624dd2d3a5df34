"""The admin's watch and subscriber forms: what they hold, and how they become checked rows.

A watch goes through digests.watches.new_watch and a subscriber through
digests.subscribers.check_email / check_language, exactly as `lexwatch watches add` and
`lexwatch subscribers add` do; each refusal names the form field it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from db.models import AlertChannel, Subscriber, Watch
from digests import subscribers, watches
from vocab.errors import ConfigError, LexwatchError

WATCH_FIELDS = (
    "name",
    "description",
    "terms",
    "references",
    "jurisdictions",
    "min_significance",
    "alert_min",
    "quiet_hours",
    "alerts",
)
SUBSCRIBER_FIELDS = ("email", "name", "language", "watches")


def lines(text: str) -> list[str]:
    """One entry per line (a term may hold commas: "abus sexuels, enfants")."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass(frozen=True)
class WatchForm:
    """A watch as typed: terms and references one per line, jurisdictions separated by commas;
    alert channels to add one per line, and the ids of those to remove. Stored channels are
    never filled in (their URLs hold secrets): the page lists them masked."""

    name: str = ""
    description: str = ""
    terms: str = ""
    references: str = ""
    jurisdictions: str = ""
    min_significance: str = "notable"
    alert_min: str = "major"
    quiet_hours: str = ""
    alerts: str = ""
    remove: tuple[int, ...] = ()

    @classmethod
    def of(cls, watch: Watch) -> WatchForm:
        """The form filled in from a stored watch (for editing)."""
        return cls(
            watch.name,
            watch.description,
            "\n".join(watch.terms),
            "\n".join(watch.references),
            ", ".join(watch.jurisdictions),
            watch.min_significance,
            watch.alert_min,
            watch.quiet_hours,
        )

    def channels(self, stored: list[AlertChannel]) -> list[str]:
        """The channel URLs after this form: those kept, then those added (checked)."""
        added = watches.alert_channels(lines(self.alerts))
        return [c.url for c in stored if c.id not in self.remove] + added

    def watch(self) -> Watch:
        """A checked Watch; a ConfigError names the field that is wrong."""
        checked = watches.new_watch(
            self.name,
            terms=lines(self.terms),
            references=lines(self.references),
            jurisdictions=re.split(r"[\s,;]+", self.jurisdictions),
            min_significance=self.min_significance,
            alert_min=self.alert_min,
            quiet_hours=self.quiet_hours,
        )
        checked.description = self.description.strip()
        return checked


@dataclass(frozen=True)
class SubscriberForm:
    """A subscriber as typed, with the ids of the watches ticked."""

    email: str = ""
    name: str = ""
    language: str = "en"
    watches: tuple[int, ...] = ()

    @classmethod
    def of(cls, person: Subscriber, watch_ids: list[int]) -> SubscriberForm:
        return cls(person.email, person.name, person.language, tuple(watch_ids))

    def checked(self) -> tuple[str, str]:
        """(address, language) when the form is right; a ConfigError names the field otherwise."""
        address = subscribers.check_email(self.email)
        language = subscribers.check_language(self.language)
        if not self.watches:
            raise ConfigError(
                "tick at least one watch: a digest tells what the watches follow", field="watches"
            )
        return address, language


def refusal(exc: LexwatchError, fields: tuple[str, ...]) -> tuple[str, str]:
    """(form field, message) of a refusal; a field the form lacks shows it above the form."""
    field = getattr(exc, "field", "")
    return (field if field in fields else ""), str(exc)
