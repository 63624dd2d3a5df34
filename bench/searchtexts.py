"""The generated texts of the search benchmark (bench/search.py): short legislative-style
sentences from a seeded generator, with a few rare and many common words."""

from __future__ import annotations

import random

COMMON = [
    "regulation",
    "council",
    "parliament",
    "commission",
    "member",
    "states",
    "proposal",
    "article",
    "shall",
    "the",
    "of",
    "and",
    "to",
    "in",
    "for",
    "on",
    "by",
    "with",
    "data",
    "services",
    "providers",
    "authorities",
]
MEDIUM = [
    "detection",
    "orders",
    "encryption",
    "hosting",
    "messaging",
    "risk",
    "assessment",
    "mitigation",
    "abuse",
    "material",
    "child",
    "sexual",
    "online",
    "centre",
    "coordinating",
    "authority",
    "removal",
    "blocking",
    "reporting",
    "safeguards",
    "proportionality",
    "fundamental",
    "rights",
    "privacy",
    "scanning",
    "kindermisbruik",
    "chatcontrole",
    "verordening",
    "Chatkontrolle",
    "Verordnung",
    "surveillance",
    "trilogue",
    "mandate",
    "rapporteur",
    "amendment",
    "plenary",
    "vote",
    "committee",
    "report",
    "opinion",
]
RARE = [
    "Aufdeckungsanordnung",
    "pédocriminalité",
    "detectiebevel",
    "grooming",
    "hashdatabase",
    "clientside",
    "Kinderschutz",
    "derogation",
    "ePrivacy",
    "interoperability",
]


class Texts:
    """Short legislative-style sentences from a seeded generator: a few rare, many common words."""

    def __init__(self, seed: int = 20221155) -> None:
        self.random = random.Random(seed)
        self.words = COMMON + MEDIUM + RARE
        weights = [400.0] * len(COMMON) + [25.0] * len(MEDIUM) + [0.05] * len(RARE)
        self.cumulative = [sum(weights[: i + 1]) for i in range(len(weights))]

    def sentence(self) -> str:
        """About twelve words with a capital and a full stop."""
        words = self.random.choices(
            self.words, cum_weights=self.cumulative, k=self.random.randint(8, 16)
        )
        return " ".join(words).capitalize() + "."


def history(texts: Texts, source_index: int, count: int) -> list[str]:
    """The text of each version of one source: five sentences, one rewritten per version."""
    sentences = [texts.sentence() for _ in range(5)]
    out = []
    for _ in range(count):
        sentences[texts.random.randrange(5)] = texts.sentence()
        out.append("\n".join(sentences))
    return out
