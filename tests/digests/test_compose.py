"""compose is pure: plain data in, a digest out. Grouping, order, sections, and mail-client HTML."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from digests.compose import MAX_ENTRIES, compose, days_phrase
from digests.model import ChangeView, DigestInput, EventView, FileRef, Recipient, Trouble
from tests.digests.world import BASE_URL

NOW = datetime(2025, 10, 13, 7, 30, tzinfo=UTC)
START, END = datetime(2025, 10, 6, 5, tzinfo=UTC), datetime(2025, 10, 13, 5, tzinfo=UTC)
CSA = FileRef(
    "EU:2022/0155(COD)",
    "Preventing and combating child sexual abuse",
    "Awaiting Council position",
    "EU",
)
MOTION = FileRef("NL:kst-32317-891", "Motie van het lid Kathmann c.s.", "", "NL")
RECAST = FileRef("EU:2024/0035(COD)", "Combating child sexual abuse (recast)", "", "EU")


def _change(n: int, file: FileRef, significance: str, summary: str, **kw: str) -> ChangeView:
    when = datetime(2025, 10, 7, 10, tzinfo=UTC) + timedelta(minutes=n)
    values = {
        "kind": "event_added",
        "diff": "",
        "source": "oeil",
        "source_url": "https://oeil.example.org/f",
    }
    values |= kw
    return ChangeView(
        n,
        file,
        values["kind"],
        significance,
        summary,
        values["diff"],
        when,
        values["source"],
        values["source_url"],
    )


def _input(changes=(), upcoming=(), troubles=()) -> DigestInput:
    return DigestInput(
        Recipient("ann@example.org", "Ann", "tok3n"),
        START,
        END,
        tuple(changes),
        tuple(upcoming),
        tuple(troubles),
        ("csa-regulation",),
        BASE_URL,
        "Europe/Brussels",
    )


def test_a_week_with_nothing_new_says_so_in_one_line() -> None:
    email = compose(_input(), now=NOW)
    assert email.subject == "Lexwatch digest, week of 6 Oct 2025: nothing new"
    line = "Nothing new in the files you follow this week."
    assert email.text.count(line) == 1 and email.html.count(line) == 1
    assert "Mon 6 Oct 2025 07:00 to Mon 13 Oct 2025 07:00 (Europe/Brussels)" in email.text
    assert f"{BASE_URL}/unsubscribe/tok3n" in email.text


def test_files_by_their_most_significant_change_and_the_most_significant_first() -> None:
    changes = [
        _change(
            1, MOTION, "notable", "1 paragraph changed", kind="text_amended", diff="~ [-a-]{+b+}"
        ),
        _change(2, RECAST, "notable", "New event: Opinion"),
        _change(3, RECAST, "notable", "New event: Debate"),
        _change(4, CSA, "notable", "New event: Debate in Parliament"),
        _change(5, CSA, "major", "Stage changed from 'A' to 'Awaiting Council position'"),
    ]
    email = compose(_input(changes), now=NOW)
    for part in (email.text, email.html):
        order = [part.index(f.title) for f in (CSA, RECAST, MOTION)]
        assert order == sorted(order)  # major file, then the notable one with more, then the rest
        assert part.index("Stage changed") < part.index("Debate in Parliament")
    assert email.subject == "Lexwatch digest, week of 6 Oct 2025: 5 changes in 3 files (1 major)"
    assert "stage now: Awaiting Council position" in email.text
    assert "~ [-a-]{+b+}" in email.text and "~ [-a-]{+b+}" in email.html
    assert f"{BASE_URL}/files/EU:2022/0155(COD)#change-5" in email.html


def test_the_same_step_from_two_sources_is_one_line_with_both() -> None:
    changes = [
        _change(1, CSA, "notable", "New event: Debate in Parliament (2025-10-07)"),
        _change(
            2,
            CSA,
            "notable",
            "New event:  debate in parliament (2025-10-07)",
            source="ep-api",
            source_url="https://data.europarl.europa.eu/x",
        ),
    ]
    email = compose(_input(changes), now=NOW)
    assert email.text.lower().count("debate in parliament") == 1
    assert "source: oeil, ep-api" in email.text
    assert 'href="https://data.europarl.europa.eu/x"' in email.html


def test_new_documents_are_listed_with_their_links() -> None:
    diff = "+ A9-0364/2023 — Report (2023-11-16)\n  https://www.europarl.europa.eu/doceo/A9.html"
    changes = [
        _change(
            1,
            CSA,
            "notable",
            "New document: A9-0364/2023 — Report (2023-11-16)",
            kind="document_added",
            diff=diff,
        )
    ]
    email = compose(_input(changes), now=NOW)
    assert (
        "New documents:\n- A9-0364/2023 — Report (2023-11-16)\n  https://www.europarl.europa.eu/doceo/A9.html"
        in email.text
    )
    assert '<a href="https://www.europarl.europa.eu/doceo/A9.html"' in email.html
    assert "New document:" not in email.text  # not also a line of its own


def test_a_long_diff_is_cut_short_and_says_so() -> None:
    diff = "\n".join(f"+ line {i} " + "word " * 60 for i in range(20))
    changes = [_change(1, CSA, "notable", "20 paragraphs added", kind="text_amended", diff=diff)]
    email = compose(_input(changes), now=NOW)
    assert "line 5" in email.text and "line 6 " not in email.text
    assert "… 14 more lines" in email.text and "… 14 more lines" in email.html
    assert "…" in email.text.split("line 0", 1)[1].split("\n\n", 1)[0]  # a long line is cut


def test_a_busy_file_shows_the_most_significant_and_points_to_the_rest() -> None:
    changes = [_change(i, CSA, "notable", f"New event: step {i}") for i in range(MAX_ENTRIES + 3)]
    email = compose(_input(changes), now=NOW)
    assert "and 3 more on the file's page" in email.text
    assert email.subject.startswith(
        f"Lexwatch digest, week of 6 Oct 2025: {MAX_ENTRIES + 3} changes"
    )


def test_upcoming_events_of_the_next_weeks_soonest_first() -> None:
    upcoming = [
        EventView(CSA, "2025-11-03", "Vote scheduled in plenary", "oeil"),
        EventView(
            CSA,
            "2025-10-21",
            "Indicative plenary sitting date",
            "oeil",
            "https://oeil.example.org/f",
        ),
        EventView(CSA, "2025-10-01", "A date already past", "oeil"),
        EventView(CSA, "2026-03-01", "Too far ahead", "oeil"),
    ]
    email = compose(_input(upcoming=upcoming), now=NOW)
    part = email.text.split("Coming up in the next weeks", 1)[1]
    assert part.index("2025-10-21") < part.index("2025-11-03")
    assert "A date already past" not in email.text and "Too far ahead" not in email.text


def _at(day: int, hour: int = 9) -> datetime:
    return datetime(2025, 10, day, hour, tzinfo=UTC)


def test_sources_that_could_not_be_read_are_told_in_plain_words_with_their_days() -> None:
    troubles = [
        Trouble("Bundestag DIP", "unreachable", (_at(9), _at(9, 15), _at(10))),
        Trouble("OEIL 2022/0155(COD)", "unreadable", (_at(12, 23),)),  # Mon 01:00 in Brussels
        Trouble("Tweede Kamer", "not_checked", (), datetime(2025, 9, 30, 22, tzinfo=UTC)),
    ]
    email = compose(_input(troubles=troubles), now=NOW)
    for line in (
        "Bundestag DIP could not be reached on 9 and 10 October.",
        "OEIL 2022/0155(COD) was reached but could not be read on 13 October.",
        "Tweede Kamer has not been checked since 1 October.",
    ):
        assert line in " ".join(email.text.split())
    assert "<strong>Bundestag DIP</strong> could not be reached on 9 and 10 October." in email.html
    assert f'href="{BASE_URL}/admin"' in email.html and f"{BASE_URL}/admin" in email.text
    assert "Nothing new in the files you follow this week." in email.text  # and still says so


def test_at_most_three_troubles_are_listed_and_the_rest_counted() -> None:
    troubles = [Trouble(f"source {n}", "unreachable", (_at(8),)) for n in range(5)]
    email = compose(_input(troubles=troubles), now=NOW)
    assert "source 2 could not be reached" in email.text and "source 3" not in email.text
    assert "- and 2 more sources of your files." in email.text
    assert "and 2 more sources of your files." in email.html


def test_no_trouble_no_block() -> None:
    email = compose(_input(), now=NOW)
    assert "Sources we could not check" not in email.text + email.html


def test_days_read_as_a_person_writes_them() -> None:
    days = [date(2025, 10, d) for d in (6, 7, 8, 9)]
    assert days_phrase(days[:1]) == "on 6 October"
    assert days_phrase(days[:2]) == "on 6 and 7 October"
    assert days_phrase(days) == "from 6 to 9 October"
    assert days_phrase([days[0], days[2]]) == "on 6 and 8 October"
    assert days_phrase([date(2025, 9, 30), date(2025, 10, 1), date(2025, 10, 3)]) == (
        "on 30 September, 1 and 3 October"
    )
    assert days_phrase([date(2025, 10, d) for d in (1, 3, 5, 7)]) == "on 4 days from 1 to 7 October"


def test_html_is_for_mail_clients_and_text_is_not_escaped() -> None:
    file = replace(CSA, title="Justice & Home Affairs <Council>")
    email = compose(_input([_change(1, file, "major", "Stage changed to 'A & B'")]), now=NOW)
    html = email.html.lower()
    assert "<script" not in html and "<img" not in html and "<link" not in html
    assert "<style" not in html and "src=" not in html and "@import" not in html
    assert re.search(r"<td[^>]*style=", email.html)  # inline styles
    assert "Justice &amp; Home Affairs &lt;Council&gt;" in email.html
    assert "Justice & Home Affairs <Council>" in email.text and "&amp;" not in email.text
    assert "'A & B'" in email.text


def test_headers_ask_for_one_click_unsubscribe() -> None:
    headers = dict(compose(_input(), now=NOW).headers)
    assert headers["List-Unsubscribe"] == f"<{BASE_URL}/unsubscribe/tok3n>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
