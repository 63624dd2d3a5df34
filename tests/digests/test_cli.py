"""The digest commands: watches, subscribers, digest preview and send, and their one-line errors."""

from __future__ import annotations

import pytest

from db.engine import get_engine, session_scope
from digests.watches import seed
from tests.digests import world
from tests.helpers import FIXTURES

MOTION = FIXTURES / "nl_tweedekamer" / world.KATHMANN
EURODAC = FIXTURES / "eu_ep_api" / "procedure_2016-0132-COD.json"


def _seed(settings) -> None:
    with session_scope(get_engine(settings.db_url)) as session:
        assert seed(session)
        assert seed(session) == []  # a second call adds nothing


def test_watches_add_and_list(settings, lexwatch) -> None:
    settings()
    added = lexwatch(
        "watches",
        "add",
        "fish",
        "--term",
        "fisheries",
        "--term",
        "visserij",
        "--reference",
        "2023/0001(COD)",
        "--jurisdiction",
        "eu",
        "--jurisdiction",
        "NL",
        "--min-significance",
        "major",
        "--format",
        "json",
    )
    assert added.code == 0, added.err
    assert added.json()["jurisdictions"] == ["EU", "NL"]

    listed = lexwatch("watches", "list", "--format", "json").json()

    assert listed == [
        {
            "name": "fish",
            "description": "",
            "terms": ["fisheries", "visserij"],
            "topics": [],
            "references": ["2023/0001(COD)"],
            "jurisdictions": ["EU", "NL"],
            "min_significance": "major",
            "subscribers": 0,
        }
    ]
    assert "fish" in lexwatch("watches", "list").out


def test_the_seeded_watches_are_listed_with_their_topics(settings, lexwatch) -> None:
    _seed(settings())
    listed = {w["name"]: w for w in lexwatch("watches", "list", "--format", "json").json()}
    assert set(listed) == {
        "csa-regulation",
        "eprivacy-interim-derogation",
        "eprivacy-derogation-extension",
        "csa-directive-recast",
    }
    assert listed["csa-regulation"]["topics"] == ["child-sexual-abuse"]
    assert listed["csa-regulation"]["references"] == ["2022/0155(COD)", "COM(2022) 209"]


def test_watches_test_says_whether_and_why(settings, lexwatch) -> None:
    _seed(settings())
    motion = lexwatch(
        "watches",
        "test",
        "csa-regulation",
        str(MOTION),
        "--kind",
        "nl_tweedekamer",
        "--url",
        world.KATHMANN_URL,
        "--format",
        "json",
    )
    eurodac = lexwatch(
        "watches",
        "test",
        "csa-regulation",
        str(EURODAC),
        "--kind",
        "eu_ep_api",
        "--url",
        world.EURODAC_URL,
        "--format",
        "json",
    )
    text = lexwatch(
        "watches",
        "test",
        "csa-regulation",
        str(MOTION),
        "--kind",
        "nl_tweedekamer",
        "--url",
        world.KATHMANN_URL,
    )

    assert motion.code == 0, motion.err
    assert motion.json()["matched"] is True
    assert {"CSAM", "kindermisbruik"} <= set(motion.json()["terms"])
    assert motion.json()["references"] == []
    assert eurodac.json() == {"matched": False, "terms": [], "references": []}
    assert "Watch 'csa-regulation' matches (terms: CSAM" in text.out
    assert "Motie van het lid Kathmann c.s." in text.out


def test_subscribers_add_list_remove(settings, lexwatch) -> None:
    _seed(settings())
    assert (
        lexwatch(
            "subscribers",
            "add",
            "ann@example.org",
            "--watch",
            "csa-regulation",
            "--name",
            "Ann",
            "--language",
            "NL",
        ).code
        == 0
    )
    again = lexwatch("subscribers", "add", "ann@example.org", "--watch", "csa-directive-recast")
    assert again.code == 0 and "Updated subscriber ann@example.org" in again.out

    listed = lexwatch("subscribers", "list", "--format", "json").json()

    assert listed == [
        {
            "email": "ann@example.org",
            "name": "Ann",
            "language": "nl",
            "status": "active",
            "watches": ["csa-directive-recast", "csa-regulation"],
        }
    ]
    assert "token" not in str(listed)
    assert lexwatch("subscribers", "remove", "ann@example.org").code == 0
    assert lexwatch("subscribers", "list", "--format", "json").json() == []


def test_digest_preview_prints_text_or_html_and_sends_nothing(settings, lexwatch, home) -> None:
    config = settings()
    world.build_week(config, ["ann@example.org"])

    text = lexwatch("digest", "preview", "--subscriber", "ann@example.org", "--now", world.NOW_ISO)
    html = lexwatch(
        "digest", "preview", "--subscriber", "ann@example.org", "--now", world.NOW_ISO, "--html"
    )

    assert text.code == 0, text.err
    assert text.out.startswith("Subject: Lexwatch digest, week of 6 Oct 2025: 5 changes in 2 files")
    assert "* [MAJOR] Stage changed" in text.out
    assert html.out.startswith("<!DOCTYPE html>") and "</html>" in html.out
    assert world.runs(config) == {} and not (home / "data" / "outbox").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["watches", "add", "x"], "--term: give at least one term or reference"),
        (
            ["watches", "add", "x", "--term", "topic:fish"],
            "unknown topic 'topic:fish': choose one of topic:child-sexual-abuse",
        ),
        (
            ["watches", "add", "csa-regulation", "--term", "x"],
            "a watch named 'csa-regulation' exists already",
        ),
        (["watches", "test", "ghost", "README.md", "--kind", "page"], "no watch named 'ghost'"),
        (
            ["watches", "test", "csa-regulation", "missing.xml", "--kind", "page"],
            "no file at missing.xml",
        ),
        (
            ["watches", "test", "csa-regulation", "README.md", "--kind", "nope"],
            "unknown kind 'nope'",
        ),
        (
            ["subscribers", "add", "not an address", "--watch", "csa-regulation"],
            "EMAIL: 'not an address' is not an email address",
        ),
        (
            [
                "subscribers",
                "add",
                "a@example.org\r\nBcc: b@example.org",
                "--watch",
                "csa-regulation",
            ],
            "is not an email address",
        ),
        (["subscribers", "add", "a@example.org"], "give at least one --watch"),
        (["subscribers", "add", "a@example.org", "--watch", "ghost"], "no watch named 'ghost'"),
        (
            [
                "subscribers",
                "add",
                "a@example.org",
                "--watch",
                "csa-regulation",
                "--language",
                "dutch",
            ],
            "--language: 'dutch' is not a two-letter language code",
        ),
        (["subscribers", "remove", "ghost@example.org"], "no subscriber 'ghost@example.org'"),
        (
            ["digest", "preview", "--subscriber", "ghost@example.org"],
            "no subscriber 'ghost@example.org'",
        ),
        (["digest", "send", "--now", "next monday"], "is not a date"),
    ],
)
def test_bad_input_is_one_clear_line(settings, lexwatch, home, args, expected) -> None:
    _seed(settings())
    (home / "README.md").write_text("<p>hello</p>", encoding="utf-8")
    result = lexwatch(*args)
    assert result.code == 2, result.out
    assert expected in result.err
    assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1


def test_a_bad_smtp_url_is_one_line_and_claims_nothing(settings, lexwatch) -> None:
    config = settings(smtp_url="http://mail.example.org")
    world.build_week(config, ["ann@example.org"])
    result = lexwatch("digest", "send", "--now", world.NOW_ISO)
    assert result.code == 2 and "LEXWATCH_SMTP_URL must look like smtp://" in result.err
    assert world.runs(config) == {}


def test_digest_send_exits_1_when_a_digest_failed(settings, smtp, lexwatch) -> None:
    server = smtp("plain")
    server.handler.data_answers = ["554 5.6.0 Message rejected"]
    config = settings(smtp_url=server.url())
    world.build_week(config, ["ann@example.org"])

    failed = lexwatch("digest", "send", "--now", world.NOW_ISO)
    again = lexwatch("digest", "send", "--now", world.NOW_ISO)
    done = lexwatch("digest", "send", "--now", world.NOW_ISO)

    assert failed.code == 1 and "ann@example.org: failed" in failed.out and "554" in failed.out
    assert again.code == 0 and "1 of 1 digests sent to SMTP" in again.out
    assert done.code == 0 and "No digests due" in done.out
    assert len(server.handler.received) == 1
