"""Digests in the subscriber's language: Dutch and German readers get the fixed text, the
significance names and the dates in their language; the content stays as the source wrote it.

The week is tests/digests/world.py's real changes; languages are set the way an admin sets
them (`lexwatch subscribers add … --language`), and the mail is read back from aiosmtpd.
"""

from __future__ import annotations

from tests.digests import world
from tests.digests.test_send import _parts

DUTCH = {
    "subject": "Lexwatch-overzicht, week van 6 oktober 2025: 5 wijzigingen in 2 dossiers (1 belangrijk)",
    "heading": "Lexwatch-weekoverzicht voor Ann",
    "period": "maandag 6 oktober 2025 07:00 tot maandag 13 oktober 2025 07:00 (Europe/Brussels)",
    "label": "[BELANGRIJK] Stage changed",
    "stage": "fase nu: Awaiting Council's 1st reading position",
    "stop": "Deze e-mails stoppen",
    "coming": "De komende weken",
    "forecast": "21-10-2025  Indicative plenary sitting date",
}
GERMAN = {
    "subject": "Lexwatch-Übersicht, Woche vom 6. Oktober 2025: 5 Änderungen in 2 Vorgängen (1 wichtige)",
    "heading": "Lexwatch-Wochenübersicht für Bob",
    "period": "Montag, 6. Oktober 2025, 07:00 Uhr bis Montag, 13. Oktober 2025, 07:00 Uhr",
    "label": "[WICHTIG] Stage changed",
    "stage": "aktueller Stand: Awaiting Council's 1st reading position",
    "stop": "Diese E-Mails abbestellen",
    "coming": "In den nächsten Wochen",
    "forecast": "21.10.2025  Indicative plenary sitting date",
}


def _languages(lexwatch, **chosen: str) -> None:
    for address, language in chosen.items():
        said = lexwatch(
            "subscribers",
            "add",
            f"{address}@example.org",
            "--watch",
            "csa-regulation",
            "--language",
            language,
        )
        assert said.code == 0, said.err


def _in_language(subject: str, text: str, expected: dict[str, str]) -> None:
    assert subject == expected["subject"]
    for key in ("heading", "period", "label", "stage", "stop", "coming", "forecast"):
        assert expected[key] in text, (key, text)
    assert "Lexwatch digest" not in text and "stage now" not in text  # no English left over
    # The content as the source wrote it: the EU summary in English, the Dutch motion's diff.
    assert "Debate in Parliament" in text and "Indicative plenary sitting date (2025-10-21)" in text
    assert "verzoekt de regering [-bovendien-]{+voorts+} om een" in text


def test_dutch_and_german_subscribers_receive_their_digest_in_their_language(
    settings, smtp, lexwatch
) -> None:
    server = smtp("plain")
    config = settings(smtp_url=server.url())
    world.build_week(config, ["ann@example.org", "bob@example.org", "cat@example.org"])
    _languages(lexwatch, ann="nl", bob="de")

    assert lexwatch("digest", "send", "--now", world.NOW_ISO).code == 0

    for address, expected, lang in (("ann", DUTCH, "nl"), ("bob", GERMAN, "de")):
        message, text, html = _parts(server.handler.to(f"{address}@example.org")[0])
        _in_language(message["Subject"], text, expected)
        assert f'<html lang="{lang}">' in html
        assert expected["stop"] in html and expected["coming"] in html
        assert expected["label"].split("]")[0].strip("[") in html
    english = _parts(server.handler.to("cat@example.org")[0])[0]
    assert (
        english["Subject"] == "Lexwatch digest, week of 6 Oct 2025: 5 changes in 2 files (1 major)"
    )


def test_the_preview_of_a_dutch_and_a_german_digest_is_in_their_language(
    settings, lexwatch
) -> None:
    config = settings()
    world.build_week(config, ["ann@example.org", "bob@example.org"])
    _languages(lexwatch, ann="nl", bob="de")

    for address, expected in (("ann", DUTCH), ("bob", GERMAN)):
        shown = lexwatch(
            "digest", "preview", "--subscriber", f"{address}@example.org", "--now", world.NOW_ISO
        )
        assert shown.code == 0, shown.err
        head, _, text = shown.out.partition("\n\n")
        _in_language(head.removeprefix("Subject: "), text, expected)


def test_a_language_without_digests_is_refused_in_one_line_naming_the_choices(
    settings, lexwatch
) -> None:
    world.build_week(settings(), ["ann@example.org"])

    said = lexwatch(
        "subscribers", "add", "ann@example.org", "--watch", "csa-regulation", "--language", "es"
    )

    assert said.code == 2
    assert said.err.strip().splitlines() == [
        "lexwatch: --language: 'es' is not a language digests are written in: write en, nl, de or fr"
    ]


def test_subscribers_edit_changes_the_language_and_keeps_the_watches(settings, lexwatch) -> None:
    config = settings()
    world.build_week(config, ["ann@example.org"])

    said = lexwatch("subscribers", "edit", "ann@example.org", "--language", "FR")

    assert said.code == 0 and "Updated subscriber ann@example.org: language fr" in said.out
    listed = lexwatch("subscribers", "list", "--format", "json").json()
    assert [(p["language"], p["watches"]) for p in listed] == [("fr", ["csa-regulation"])]
    refused = lexwatch("subscribers", "edit", "ann@example.org", "--language", "klingon")
    assert refused.code == 2 and "write en, nl, de or fr" in refused.err
    assert len(refused.err.strip().splitlines()) == 1
