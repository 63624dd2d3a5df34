"""Digests delivered to a real SMTP server on 127.0.0.1 and read back: plain, STARTTLS, TLS, AUTH.

The week's changes are real ones (tests/digests/world.py); the server is aiosmtpd.
Every test reads what the server received, never what Lexwatch says it sent.
"""

from __future__ import annotations

import mailbox
import socket
import threading
from datetime import timedelta
from email import message_from_bytes
from email.policy import default

import pytest

from db import repo
from db.engine import get_engine, session_scope
from digests.send import Delivery, period_for, send_due
from tests.digests import world
from tests.digests.smtp import PASSWORD, USER

FAST = Delivery(delays=(0.01, 0.01), timeout=5)
CSA_PAGE = f"{world.BASE_URL}/files/EU:2022/0155(COD)"
MOTION_PAGE = f"{world.BASE_URL}/files/NL:kst-32317-891"


def _parts(received) -> tuple[object, str, str]:
    message = received.message()
    assert message.get_content_type() == "multipart/alternative"
    plain, html = (part for part in message.iter_parts())
    assert (plain.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
    return message, plain.get_content(), html.get_content()


def test_plain_smtp_delivers_one_grouped_ordered_digest_per_subscriber(
    settings, smtp, lexwatch
) -> None:
    server = smtp("plain")
    config = settings(smtp_url=server.url())
    world.build_week(config, ["ann@example.org", "bob@example.org"])

    result = lexwatch("digest", "send", "--now", world.NOW_ISO)

    assert result.code == 0, result.err
    assert "2 of 2 digests sent to SMTP" in result.out
    assert sorted(r.rcpt_tos[0] for r in server.handler.received) == [
        "ann@example.org",
        "bob@example.org",
    ]
    ann = server.handler.to("ann@example.org")
    assert len(ann) == 1 and ann[0].rcpt_tos == ["ann@example.org"]
    assert ann[0].mail_from == "digest@lexwatch.example.org"
    message, text, html = _parts(ann[0])
    assert (
        message["Subject"] == "Lexwatch digest, week of 6 Oct 2025: 5 changes in 2 files (1 major)"
    )
    assert message["To"] == "Ann <ann@example.org>"
    # The EU file (a major change) comes before the Dutch motion (notable); its stage change first.
    for part in (text, html):
        assert part.index("Preventing and combating child sexual abuse") < part.index("Kathmann")
        assert part.index("Stage changed") < part.index("Debate in Parliament")
        assert CSA_PAGE in part and MOTION_PAGE in part
        assert "Artificial Intelligence Act" not in part and "Eurodac" not in part
    assert "stage now: Awaiting Council's 1st reading position" in text
    assert f'href="{world.REPORT_URL}"' in html and world.REPORT_URL in text
    assert f'href="{world.OEIL_CSA}"' in html.replace("&amp;", "&")
    assert "verzoekt de regering [-bovendien-]{+voorts+} om een" in text  # the short diff
    assert "2025-10-21" in text and "Indicative plenary sitting date" in text  # coming up


def test_list_unsubscribe_is_one_click_and_personal(settings, smtp, lexwatch) -> None:
    server = smtp("plain")
    config = settings(smtp_url=server.url())
    world.build_week(config, ["ann@example.org", "bob@example.org"])
    assert lexwatch("digest", "send", "--now", world.NOW_ISO).code == 0

    for address in ("ann@example.org", "bob@example.org"):
        message, text, html = _parts(server.handler.to(address)[0])
        token = world.token(config, address)
        link = f"{world.BASE_URL}/unsubscribe/{token}"
        assert len(token) >= 20
        assert message["List-Unsubscribe"].strip() == f"<{link}>"  # folded: a long header
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert link in text and f'href="{link}"' in html
    assert world.token(config, "ann@example.org") != world.token(config, "bob@example.org")


def test_a_second_send_for_the_same_period_sends_nothing(settings, smtp, lexwatch) -> None:
    server = smtp("plain")
    config = settings(smtp_url=server.url())
    world.build_week(config, ["ann@example.org", "bob@example.org"])
    assert lexwatch("digest", "send", "--now", world.NOW_ISO).code == 0
    later = (world.NOW + timedelta(days=2)).isoformat()  # the same period, seen on Wednesday

    again = lexwatch("digest", "send", "--now", later, "--format", "json")

    assert again.code == 0 and again.json() == []
    assert len(server.handler.received) == 2
    assert {s for s, _, _ in world.runs(config).values()} == {"sent"}


def test_starttls_with_auth_delivers_over_an_encrypted_logged_in_session(
    settings, smtp, lexwatch, monkeypatch
) -> None:
    server = smtp("starttls", auth=True)
    monkeypatch.setenv(
        "SSL_CERT_FILE", str(server.cert)
    )  # trust the test's self-signed certificate
    config = settings(smtp_url=server.url(USER, PASSWORD))
    world.build_week(config, ["ann@example.org"])

    result = lexwatch("digest", "send", "--now", world.NOW_ISO)

    assert result.code == 0, result.err
    [received] = server.handler.received
    assert received.tls and received.authenticated
    assert server.handler.logins == [USER]
    _parts(received)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls_with_auth(settings, smtp, monkeypatch) -> None:
    server = smtp("tls", auth=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(server.cert))
    config = settings(smtp_url=server.url(USER, PASSWORD))
    world.build_week(config, ["ann@example.org"])

    [result] = send_due(get_engine(config.db_url), config, world.NOW, delivery=FAST)

    assert result.status == "sent", result.error
    [received] = server.handler.received
    assert received.tls and received.authenticated


def test_a_password_is_never_sent_over_a_plain_connection(settings, smtp) -> None:
    server = smtp("plain")
    config = settings(smtp_url=server.url(USER, PASSWORD))
    world.build_week(config, ["ann@example.org"])

    [result] = send_due(get_engine(config.db_url), config, world.NOW, delivery=FAST)

    assert (result.status, result.attempts) == ("failed", 1)
    assert "offers no STARTTLS" in result.error
    assert server.handler.logins == [] and server.handler.received == []


def test_an_untrusted_certificate_fails_at_once_and_is_recorded(settings, smtp) -> None:
    server = smtp("starttls")
    config = settings(smtp_url=server.url())
    world.build_week(config, ["ann@example.org"])

    [result] = send_due(get_engine(config.db_url), config, world.NOW, delivery=FAST)

    assert (result.status, result.attempts) == ("failed", 1)
    assert "certificate is not trusted" in result.error
    assert world.runs(config)["ann@example.org"][0] == "failed"
    assert server.handler.received == []


def test_a_451_then_success_delivers_exactly_one_message(settings, smtp) -> None:
    server = smtp("plain")
    server.handler.data_answers = ["451 4.3.0 Try again later"]
    config = settings(smtp_url=server.url())
    world.build_week(config, ["ann@example.org"])
    waits: list[float] = []

    [result] = send_due(
        get_engine(config.db_url), config, world.NOW, delivery=FAST, sleep=waits.append
    )

    assert (result.status, result.attempts) == ("sent", 2)
    assert waits == [0.01]
    assert len(server.handler.received) == 1
    assert world.runs(config)["ann@example.org"] == ("sent", 2, "")


def test_a_server_that_keeps_failing_is_reported_after_the_last_try_and_retried_next_run(
    settings, smtp
) -> None:
    server = smtp("plain")
    server.handler.data_answers = ["451 4.7.1 Greylisted"] * 3
    config = settings(smtp_url=server.url())
    world.build_week(config, ["ann@example.org"])
    engine = get_engine(config.db_url)

    [first] = send_due(engine, config, world.NOW, delivery=FAST, sleep=lambda _s: None)

    assert (first.status, first.attempts) == ("failed", 3)
    assert "451" in first.error and "Greylisted" in first.error
    status, attempts, error = world.runs(config)["ann@example.org"]
    assert (status, attempts) == ("failed", 3) and "451" in error
    assert server.handler.received == []
    [second] = send_due(engine, config, world.NOW + timedelta(hours=1), delivery=FAST)
    assert second.status == "sent" and len(server.handler.received) == 1
    assert world.runs(config)["ann@example.org"][:2] == ("sent", 4)


def test_a_550_marks_that_address_and_the_others_still_get_theirs(settings, smtp) -> None:
    server = smtp("plain")
    server.handler.refuse["gone@example.org"] = "550 5.1.1 No such user"
    config = settings(smtp_url=server.url())
    world.build_week(config, ["ann@example.org", "gone@example.org", "zoe@example.org"])
    engine = get_engine(config.db_url)

    results = {r.email: r for r in send_due(engine, config, world.NOW, delivery=FAST)}

    assert {e: r.status for e, r in results.items()} == {
        "ann@example.org": "sent",
        "gone@example.org": "bounced",
        "zoe@example.org": "sent",
    }
    assert results["gone@example.org"].attempts == 1 and "550" in results["gone@example.org"].error
    assert sorted(r.rcpt_tos[0] for r in server.handler.received) == [
        "ann@example.org",
        "zoe@example.org",
    ]
    assert world.statuses(config)["gone@example.org"] == "bounced"
    next_week = send_due(engine, config, world.NOW + timedelta(weeks=1), delivery=FAST)
    assert sorted(r.email for r in next_week) == ["ann@example.org", "zoe@example.org"]


def test_no_server_fails_one_and_leaves_the_others_for_the_next_run(settings, smtp) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    config = settings(smtp_url=f"smtp://127.0.0.1:{dead}")
    world.build_week(config, ["ann@example.org", "bob@example.org", "zoe@example.org"])
    engine = get_engine(config.db_url)

    down = send_due(engine, config, world.NOW, delivery=FAST, sleep=lambda _s: None)

    assert [(r.email, r.status) for r in down] == [
        ("ann@example.org", "failed"),
        ("bob@example.org", "deferred"),
        ("zoe@example.org", "deferred"),
    ]
    assert down[0].attempts == 3 and "could not reach the SMTP server" in down[0].error
    assert set(world.runs(config)) == {"ann@example.org"}  # the others were never claimed
    server = smtp("plain")
    config = settings(smtp_url=server.url())
    up = send_due(engine, config, world.NOW + timedelta(hours=3), delivery=FAST)
    assert [r.status for r in up] == ["sent"] * 3
    assert len(server.handler.received) == 3


def test_a_run_left_pending_by_a_crash_is_never_sent_again(settings, smtp) -> None:
    server = smtp("plain")
    config = settings(smtp_url=server.url())
    world.build_week(config, ["ann@example.org", "bob@example.org"])
    engine = get_engine(config.db_url)
    start, end = period_for(world.NOW, config.timezone)
    with session_scope(engine) as session:  # a process claimed Ann's digest, then died
        ann = repo.find_subscriber(session, email="ann@example.org")
        assert repo.claim_digest(session, subscriber_id=ann.id, start=start, end=end)

    results = send_due(engine, config, world.NOW, delivery=FAST)

    assert [(r.email, r.status) for r in results] == [("bob@example.org", "sent")]
    assert server.handler.to("ann@example.org") == []
    assert world.runs(config)["ann@example.org"][0] == "pending"


def test_two_processes_at_once_send_each_digest_once(settings, smtp) -> None:
    server = smtp("plain")
    config = settings(smtp_url=server.url())
    people = [f"p{i}@example.org" for i in range(6)]
    world.build_week(config, people)
    engine = get_engine(config.db_url)
    outcomes: list[list] = []
    together = threading.Barrier(2)

    def run() -> None:
        together.wait()  # both start at once and race for the same claims
        outcomes.append(send_due(engine, config, world.NOW, delivery=FAST))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(r.rcpt_tos[0] for r in server.handler.received) == people
    sent = [r.email for results in outcomes for r in results if r.status == "sent"]
    assert sorted(sent) == people


def test_the_outbox_is_a_maildir_when_no_smtp_is_set(settings, lexwatch, home) -> None:
    config = settings()
    world.build_week(config, ["ann@example.org", "bob@example.org"])

    result = lexwatch("digest", "send", "--now", world.NOW_ISO)

    assert result.code == 0, result.err
    assert "2 of 2 digests sent to the outbox" in result.out
    box = mailbox.Maildir(home / "data" / "outbox", create=False)
    messages = [message_from_bytes(box.get_bytes(key), policy=default) for key in box.iterkeys()]
    assert sorted(m["To"] for m in messages) == ["Ann <ann@example.org>", "Bob <bob@example.org>"]
    for message in messages:
        assert message.get_content_type() == "multipart/alternative"
        assert CSA_PAGE in message.get_body(("plain",)).get_content()
        assert CSA_PAGE in message.get_body(("html",)).get_content()
    assert lexwatch("digest", "send", "--now", world.NOW_ISO).code == 0
    assert len(box) == 2
