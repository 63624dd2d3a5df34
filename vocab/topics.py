"""Topics: the words people use for one subject, in several languages, as one set.

A watch term that is an alias of a topic stands for every alias of that topic, so
a watch on "chat control" also finds "Chatkontrolle", "kindermisbruik" and
"abus sexuels sur enfants" (`expand_topics`). A watch term may
also name a topic outright: `topic:<slug>`.

`TOPICS` is the registry (slug -> topic class). Each class's docstring is its
documentation: what it covers and which look-alikes it deliberately leaves out.
Aliases are matched as digests.relevance matches any term: case and diacritics
folded, word forms stemmed, several words as a phrase, a long single word also
inside a compound. Look-alike words (the Digital Services Act, the AI Act,
terrorist content, "kinderpornografisch" in the Dutch ATKM bill) are kept out on
purpose: an alias must name this subject and nothing else.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import ClassVar

from vocab.words import words

_TOPIC_PREFIX = "topic:"


class Topic:
    """A subject and its names by language (ISO 639-1 code -> aliases)."""

    aliases: ClassVar[dict[str, tuple[str, ...]]] = {}

    @classmethod
    def all_aliases(cls) -> tuple[str, ...]:
        """Every alias, in every language, in the order written."""
        return tuple(alias for names in cls.aliases.values() for alias in names)


class ChildSexualAbuse(Topic):
    """Child sexual abuse online: the CSA regulation 2022/0155(COD) ("chat control", detection orders, CSAM) and the files around it.

    Left out on purpose: "child" or "children" alone (the European Child
    Guarantee), "illegal content" (the Digital Services Act), "removal order"
    (the terrorist content regulation), encryption and lawful access in general,
    and Dutch "kinderpornografisch" (the ATKM bill 36377 on removing material
    from websites, a different law).
    """

    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "en": (
            "child sexual abuse",
            "child sexual abuse material",
            "sexual abuse of children",
            "sexual abuse of a child",
            "child sexual exploitation",
            "CSAM",
            "CSA regulation",
            "CSAM regulation",
            "chat control",
            "chatcontrol",
            "detection order",
            "EU Centre on child sexual abuse",
        ),
        "nl": (
            "kindermisbruik",
            "seksueel misbruik van kinderen",
            "seksueel kindermisbruik",
            "CSAM-verordening",
            "chatcontrole",
            "detectiebevel",
        ),
        "de": (
            "sexueller Kindesmissbrauch",
            "sexueller Missbrauch von Kindern",
            "sexuellen Missbrauchs von Kindern",
            "Kindesmissbrauch",
            "Missbrauchsdarstellungen",
            "CSA-Verordnung",
            "Chatkontrolle",
            "Chat-Kontrolle",
            "Aufdeckungsanordnung",
        ),
        "fr": (
            "abus sexuels sur enfants",
            "abus sexuels sur des enfants",
            "abus sexuels commis contre des enfants",
            "abus sexuels concernant des enfants",
            "pédopornographie",
            "pédocriminalité",
            "règlement CSAM",
            "contrôle des conversations",
            "injonction de détection",
        ),
    }


class EprivacyDerogation(Topic):
    """The interim derogation from the ePrivacy Directive (Regulation (EU) 2021/1232, 2020/0259(COD)) and its extensions.

    Only the derogation's own names: "ePrivacy" alone also names the ePrivacy
    Regulation and the 2002 directive, which are other files.
    """

    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "en": (
            "interim ePrivacy derogation",
            "ePrivacy derogation",
            "temporary derogation from certain provisions of Directive 2002/58",
        ),
        "nl": ("tijdelijke afwijking van bepaalde bepalingen van Richtlijn 2002/58",),
        "de": ("vorübergehende Ausnahme von bestimmten Vorschriften der Richtlinie 2002/58",),
        "fr": ("dérogation temporaire à certaines dispositions de la directive 2002/58",),
    }


class CsaDirective(Topic):
    """The directive on combating the sexual abuse and sexual exploitation of children (2011/93/EU) and its recast 2024/0035(COD).

    The directive's titles only: its subject words are also aliases of
    child-sexual-abuse, which a watch on the whole subject uses instead.
    """

    aliases: ClassVar[dict[str, tuple[str, ...]]] = {
        "en": ("combating the sexual abuse and sexual exploitation of children",),
        "nl": ("bestrijding van seksueel misbruik en seksuele uitbuiting van kinderen",),
        "de": ("Bekämpfung des sexuellen Missbrauchs und der sexuellen Ausbeutung von Kindern",),
        "fr": ("lutte contre les abus sexuels et l'exploitation sexuelle des enfants",),
    }


TOPICS: dict[str, type[Topic]] = {
    "child-sexual-abuse": ChildSexualAbuse,
    "eprivacy-derogation": EprivacyDerogation,
    "csa-directive": CsaDirective,
}


def summary(topic: type[Topic]) -> str:
    """The one-line description of a topic: the first line of its docstring."""
    return (topic.__doc__ or "").strip().splitlines()[0]


def expand_topics(labels: Sequence[str]) -> list[str]:
    """The terms with every alias of each topic they name or belong to, each once."""
    out: list[str] = []
    for label in labels:
        slug = topic_of(label)
        named = label.strip().lower().startswith(_TOPIC_PREFIX)
        expansion = list(TOPICS[slug].all_aliases()) if slug else []
        for alias in ([] if named else [label]) + expansion:
            if alias not in out:
                out.append(alias)
    return out


def topic_of(label: str) -> str | None:
    """The slug of the topic a term names (`topic:slug`) or is an alias of, else None."""
    text = label.strip()
    if text.lower().startswith(_TOPIC_PREFIX):
        slug = text[len(_TOPIC_PREFIX) :].strip()
        return slug if slug in TOPICS else None
    return _alias_topics().get(tuple(words(text)))


@lru_cache(maxsize=1)
def _alias_topics() -> dict[tuple[str, ...], str]:
    return {
        tuple(words(alias)): slug for slug, topic in TOPICS.items() for alias in topic.all_aliases()
    }
