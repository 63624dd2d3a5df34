"""Term and reference matching: the seeded CSA watch on real captures, aliases and look-alikes."""

from __future__ import annotations

import pytest

from crawlers.sites import eu_ep_api, nl_tweedekamer
from db.models import Watch
from digests import relevance
from digests.watches import SEEDS, matcher, try_record
from tests.helpers import FIXTURES, capture
from vocab import topics
from vocab.records import Record

CSA = next(w for w in SEEDS if w.name == "csa-regulation")
ODATA = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/"
MOTIONS = {
    "motie_32317-891_Kathmann_CSAM-detectiebevel.xml": "9bb5279f-1eb4-44b2-ab3d-68456f3b1766",
    "motie_32317-892_VanHouwelingen_CSAM-tegen.xml": "0466db76-f7dd-42b7-a5f5-18ca422b7532",
    "motie_21501-33-1152_Ceder_CSAM-compromis.xml": "810648f1-bc8e-438f-9de7-5face5273fc1",
}
EP_PROCEDURES = {
    "procedure_2016-0132-COD.json": "procedures/2016-0132?format=application%2Fld%2Bjson",
    "procedure_2024-2006-REG.json": "procedures/2024-2006?format=application%2Fld%2Bjson",
    "procedure_2024-2511-RSP_compact.json": "procedures/2024-2511?format=application%2Fld%2Bjson",
    "procedures-list_limit3.json": "procedures?limit=3",
    "meeting_MTG-PL-2024-07-16.xml": "meetings/MTG-PL-2024-07-16?format=application%2Frdf%2Bxml",
}


def _text(text: str, watch: Watch = CSA) -> relevance.Match:
    return relevance.explain(matcher(watch), relevance.subject(text=text))


def test_every_fixture_named_here_exists() -> None:
    for name in MOTIONS:
        assert (FIXTURES / "nl_tweedekamer" / name).is_file()
    for name in EP_PROCEDURES:
        assert (FIXTURES / "eu_ep_api" / name).is_file()


@pytest.mark.parametrize("name", sorted(MOTIONS))
def test_the_tweede_kamer_motions_on_the_csa_regulation_match(name: str) -> None:
    url = f"{ODATA}DocumentPublicatie({MOTIONS[name]})/Resource"
    record = nl_tweedekamer.parse([capture("nl_tweedekamer", name, url)], {})

    found = try_record(CSA, record)

    assert found.matched
    assert "CSAM-verordening" in found.terms  # every one names the regulation this way


def test_the_kathmann_motion_matches_on_dutch_words_too() -> None:
    name = "motie_32317-891_Kathmann_CSAM-detectiebevel.xml"
    url = f"{ODATA}DocumentPublicatie({MOTIONS[name]})/Resource"
    found = try_record(CSA, nl_tweedekamer.parse([capture("nl_tweedekamer", name, url)], {}))
    # "onlinekindermisbruik" is a compound; "detectiebevel" is the Dutch "detection order".
    assert {"kindermisbruik", "detectiebevel"} <= set(found.terms)


@pytest.mark.parametrize("name", sorted(EP_PROCEDURES))
def test_ep_procedures_on_other_subjects_do_not_match(name: str) -> None:
    url = f"{eu_ep_api.API}/{EP_PROCEDURES[name]}"
    record = eu_ep_api.parse([capture("eu_ep_api", name, url)], {})

    found = try_record(CSA, record)

    assert not found.matched, found
    assert record.title or record.items or record.events  # there was text to match against


@pytest.mark.parametrize(
    "text",
    [
        "child sexual abuse",
        "Child Sexual Abuse Material",
        "CSAM",
        "chat control",
        "Chatkontrolle",
        "kindermisbruik",
        "seksueel misbruik van kinderen",
        "abus sexuels sur enfants",
        "pédopornographie",
        "PEDOPORNOGRAPHIE",
        "2022/0155(COD)",
        "COM(2022) 209",
    ],
)
def test_the_seeded_aliases_all_match(text: str) -> None:
    assert _text(text).matched


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Proposal COM(2022) 209 final", "COM(2022) 209"),
        ("KOM(2022) 209 endg.", "COM(2022) 209"),
        ("COM(2022)0209", "COM(2022) 209"),
        ("COM/2022/209", "COM(2022) 209"),
        ("2022/155(COD)", "2022/0155(COD)"),
        ("procedure 2022/0155/COD", "2022/0155(COD)"),
    ],
)
def test_every_spelling_of_the_references_matches(text: str, why: str) -> None:
    assert _text(text).references == (why,)


@pytest.mark.parametrize(
    "text",
    [
        "Proposal for a regulation on the Union Customs Code and customs duties",
        "Single Market for Digital Services (Digital Services Act): illegal content, notice and action",
        "Laying down harmonised rules on artificial intelligence (Artificial Intelligence Act)",
        "Addressing the dissemination of terrorist content online: removal orders",
        "Council Recommendation establishing a European Child Guarantee",
        "Wet bestuursrechtelijke aanpak online terroristisch en kinderpornografisch materiaal (36377)",
        "Encryption and lawful access to data for effective law enforcement",
        "COM(2022) 208 on a different subject",
        "2022/0156(COD)",
        "sexual health services for children and the abuse of a dominant position",
    ],
)
def test_look_alikes_do_not_match(text: str) -> None:
    assert not _text(text).matched, _text(text)


def test_word_forms_match_through_stemming() -> None:
    assert _text("the sexual abuse of a child online").matched
    assert not _text("abuse of a child's sexual health data").matched  # other words, other order
    assert _text("Bekämpfung des sexuellen Missbrauchs von Kindern").terms
    assert _text("Darstellungen sexuellen Kindesmissbrauchs").terms  # genitive, stemmed
    assert _text("online kindermisbruiken").matched  # Dutch plural
    assert _text("les abus sexuels sur des enfants").matched
    assert _text("DETECTION ORDERS").matched  # English plural, any case


def test_a_term_matches_words_in_a_row_only() -> None:
    watch = Watch(name="w", terms=["detection order"])
    assert _text("a detection order was issued", watch).matched
    assert not _text("the order of detection", watch).matched
    assert not _text("detection of an order", watch).matched


def test_an_alias_stands_for_its_whole_topic() -> None:
    watch = Watch(name="mine", terms=["chat control"])
    assert _text("Die Chatkontrolle kommt", watch).terms == ("Chatkontrolle",)
    assert _text("seksueel misbruik van kinderen", watch).matched
    named = Watch(name="named", terms=["topic:child-sexual-abuse"])
    assert _text("pédocriminalité", named).matched
    assert "topic:child-sexual-abuse" not in [t.label for t in matcher(named).terms]


def test_a_plain_term_matches_alone() -> None:
    watch = Watch(name="fish", terms=["fisheries"])
    assert _text("Common Fisheries Policy", watch).terms == ("fisheries",)
    assert not _text("child sexual abuse", watch).matched


def test_a_dossier_key_reference_names_one_file_not_its_whole_kamerstuk_dossier() -> None:
    watch = Watch(name="one", references=["NL:kst-32317-891"])
    mine = relevance.subject(keys=["NL:kst-32317-891"], identifiers=[("nl_dossier", "32317")])
    other = relevance.subject(keys=["NL:kst-32317-892"], identifiers=[("nl_dossier", "32317")])
    assert relevance.matches(matcher(watch), mine)
    assert not relevance.matches(matcher(watch), other)


def test_jurisdictions_limit_a_watch() -> None:
    watch = Watch(name="eu", terms=["CSAM"], jurisdictions=["EU"])
    nl = relevance.subject(text="CSAM", jurisdiction="NL")
    eu = relevance.subject(text="CSAM", jurisdiction="eu")
    assert not relevance.matches(matcher(watch), nl)
    assert relevance.matches(matcher(watch), eu)


def test_a_record_is_matched_on_everything_it_says() -> None:
    record = Record(kind="page", title="Agenda", fields=(("subject", "Kindesmissbrauch"),))
    assert try_record(CSA, record).terms == ("Kindesmissbrauch",)


def test_the_other_seeded_watches_find_their_files() -> None:
    by_name = {w.name: w for w in SEEDS}
    assert _text("Regulation (EU) 2021/1232", by_name["eprivacy-interim-derogation"]).matched
    assert _text(
        "a temporary derogation from certain provisions of Directive 2002/58/EC",
        by_name["eprivacy-interim-derogation"],
    ).matched
    assert _text("2023/0452(COD)", by_name["eprivacy-derogation-extension"]).matched
    assert _text("COM(2024) 60 final", by_name["csa-directive-recast"]).matched
    assert not _text("COM(2024) 60 final", CSA).references


def test_every_topic_is_documented_and_its_aliases_match_themselves() -> None:
    for slug, topic in topics.TOPICS.items():
        assert topics.summary(topic), slug
        assert topic.aliases and all(topic.aliases.values()), slug
        check = relevance.compile_watch([f"topic:{slug}"], [])
        for alias in topic.all_aliases():
            assert relevance.matches(check, relevance.subject(text=alias)), (slug, alias)
