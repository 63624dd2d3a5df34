"""Which stored changes reach which subscriber: references, links between files, terms, filters.

The changes are made by the monitor from two versions of each record; the
digest is composed by digests.send.compose_for, exactly as `digest preview` does.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from db import repo
from db.engine import get_engine, session_scope
from db.models import Source, Watch
from digests.send import Delivery, compose_for, preview, send_due
from tests.digests import world
from vocab.records import Event, Item, Record

MOTION = Record(
    kind="motion",
    key="NL:kst-21501-33-1200",
    title="Motie van het lid Jansen",
    url="https://zoek.officielebekendmakingen.nl/kst-21501-33-1200.html",
    identifiers=(("com", "COM(2022) 209"), ("nl_kamerstuk", "21501-33-1200")),
    text="De Kamer,\nverzoekt de regering tegen te stemmen,\nen gaat over tot de orde van de dag.",
)
MOTION_LATER = replace(MOTION, text=MOTION.text.replace("tegen te stemmen", "niet voor te stemmen"))


def _watch(config, watch: Watch, emails: list[str]) -> None:
    with session_scope(get_engine(config.db_url)) as session:
        repo.add_watch(session, watch=watch)
    world.subscribe(config, emails, watch.name)


def _csa_and_motion(config) -> None:
    world.add_versions(
        config,
        [
            (
                Source(name="oeil-csa", kind="eu_oeil", url=world.OEIL_CSA, jurisdiction="EU"),
                world.CSA,
                world.CSA_LATER,
            ),
            (
                Source(name="tk-jansen", kind="nl_tweedekamer", url=MOTION.url, jurisdiction="NL"),
                MOTION,
                MOTION_LATER,
            ),
        ],
    )


def test_a_motion_citing_the_file_reaches_a_watch_that_names_only_the_procedure(settings) -> None:
    config = settings()
    _csa_and_motion(config)
    _watch(
        config,
        Watch(name="by-number", references=["2022/0155(COD)"], min_significance="minor"),
        ["ann@example.org"],
    )
    with session_scope(get_engine(config.db_url)) as session:  # the monitor linked the motion
        motion = repo.dossier_by_key(session, key=MOTION.key)
        assert [d.key for _, d in repo.links_of(session, dossier_id=motion.id)] == [world.CSA.key]

    text = compose_for(get_engine(config.db_url), config, "ann@example.org", world.NOW).text

    assert "Motie van het lid Jansen" in text  # its text names no procedure: the link did it
    assert "Preventing and combating child sexual abuse" in text


def test_minimum_significance_and_jurisdictions_filter(settings) -> None:
    config = settings()
    _csa_and_motion(config)
    _watch(
        config,
        Watch(name="major-only", references=["2022/0155(COD)"], min_significance="major"),
        ["major@example.org"],
    )
    _watch(
        config,
        Watch(
            name="dutch",
            terms=["CSAM"],
            references=["2022/0155(COD)"],
            jurisdictions=["NL"],
            min_significance="minor",
        ),
        ["nl@example.org"],
    )
    engine = get_engine(config.db_url)

    major = compose_for(engine, config, "major@example.org", world.NOW).text
    dutch = compose_for(engine, config, "nl@example.org", world.NOW).text

    assert "Stage changed" in major and "Debate in Parliament" not in major
    assert "Motie van het lid Jansen" not in major
    assert "Motie van het lid Jansen" in dutch and "Stage changed" not in dutch  # no EU change
    assert "Cites: Preventing and combating child sexual abuse" in dutch  # only its name


def test_a_new_feed_item_is_judged_on_itself_not_on_the_rest_of_the_feed(settings) -> None:
    config = settings()
    csam = Item("a", "Council discusses the CSAM regulation", "https://council.example.org/a")
    customs = Item("b", "Council adopts customs duties on steel", "https://council.example.org/b")
    first = Record(kind="feed", title="Council press", items=(csam, customs))
    later_customs = Item("c", "Customs union: new tariff codes", "https://council.example.org/c")
    later_chat = Item(
        "d", "Ministers fail to agree on chat control", "https://council.example.org/d"
    )
    second = replace(first, items=(*first.items, later_customs, later_chat))
    source = Source(
        name="council-press",
        kind="feed",
        url="https://council.example.org/feed.xml",
        jurisdiction="EU",
    )
    world.add_versions(config, [(source, first, second)])
    _watch(config, Watch(name="csa", terms=["CSAM"], min_significance="minor"), ["ann@example.org"])

    email = compose_for(get_engine(config.db_url), config, "ann@example.org", world.NOW)

    assert "Ministers fail to agree on chat control" in email.text  # an alias of the topic
    assert 'href="https://council.example.org/d"' in email.html  # the item's own link
    assert "tariff codes" not in email.text


def test_forecasts_are_those_of_the_files_a_subscriber_follows(settings) -> None:
    config = settings()
    ai_later = replace(
        world.AI_ACT_LATER,
        events=(Event("2025-10-22", "Vote scheduled in plenary", forecast=True),),
    )
    world.add_versions(
        config,
        [
            (
                Source(name="oeil-csa", kind="eu_oeil", url=world.OEIL_CSA, jurisdiction="EU"),
                world.CSA,
                world.CSA_LATER,
            ),
            (
                Source(
                    name="oeil-ai",
                    kind="eu_oeil",
                    url="https://oeil.example.org/ai",
                    jurisdiction="EU",
                ),
                world.AI_ACT,
                ai_later,
            ),
        ],
    )
    _watch(config, Watch(name="csa", references=["2022/0155(COD)"]), ["ann@example.org"])

    ann = compose_for(get_engine(config.db_url), config, "ann@example.org", world.NOW).text

    assert "2025-10-21  Indicative plenary sitting date" in ann
    assert "Vote scheduled in plenary" not in ann  # the AI Act is not followed


def test_a_digest_that_could_not_go_out_is_caught_up_by_the_next_one(settings) -> None:
    config = settings()
    world.build_week(config, ["ann@example.org"])  # changes in the week to 13 Oct
    engine = get_engine(config.db_url)
    earlier = world.NOW - timedelta(weeks=1)
    assert [r.status for r in send_due(engine, config, earlier, delivery=Delivery(()))] == ["sent"]
    # No digest went out on 13 Oct (the server was down); the next one is on 20 Oct.
    later = world.NOW + timedelta(weeks=1)

    text = compose_for(engine, config, "ann@example.org", later).text
    [result] = send_due(engine, config, later, delivery=Delivery(()))

    assert "Changes seen from Mon 6 Oct 2025 07:00 to Mon 20 Oct 2025 07:00" in text
    assert "Stage changed" in text
    assert (result.status, result.changes) == ("sent", 5)


def test_preview_in_a_session_writes_nothing_but_a_missing_stamp(settings) -> None:
    config = settings()
    world.build_week(config, ["ann@example.org"])
    engine = get_engine(config.db_url)
    with session_scope(engine) as session:
        ann = repo.find_subscriber(session, email="ann@example.org")
        ann.unsubscribe_token = ""
    with session_scope(engine) as session:
        ann = repo.find_subscriber(session, email="ann@example.org")
        email = preview(session, config, ann.id, world.NOW)
        assert ann.unsubscribe_token

    assert f"/unsubscribe/{world.token(config, 'ann@example.org')}" in email.text
    assert world.runs(config) == {}
    assert email.subject.startswith("Lexwatch digest, week of 6 Oct 2025: 5 changes")


def test_an_unsubscribed_subscriber_gets_nothing_and_the_others_theirs(settings) -> None:
    config = settings()
    world.build_week(config, ["ann@example.org", "bob@example.org"])
    engine = get_engine(config.db_url)
    with session_scope(engine) as session:
        repo.unsubscribe(session, subscriber=repo.find_subscriber(session, email="ann@example.org"))

    results = send_due(engine, config, world.NOW, delivery=Delivery(()))

    assert [(r.email, r.status) for r in results] == [("bob@example.org", "sent")]
    assert world.statuses(config)["ann@example.org"] == "unsubscribed"
