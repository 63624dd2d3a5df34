"""Scraped text is untrusted: markup, template syntax and header-like lines arrive harmless.

Once through the whole path (a record stored by the monitor, a digest sent to a
real SMTP server and read back), and once straight into compose and the message
builder, where nothing upstream has cleaned the text yet (raw CR/LF included).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

from db.engine import get_engine
from db.models import Source
from digests.compose import compose
from digests.message import build
from digests.model import ChangeView, DigestInput, EventView, FileRef, Recipient, Trouble
from digests.send import Delivery, send_due
from tests.digests import world

EVIL = "<script>alert('pwned')</script> {{ 7*7 }} {% if 1 %}x{% endif %}\r\nBcc: victim@example.org\r\nX-Injected: yes"


def _assert_harmless(raw: bytes, to: str) -> None:
    message = message_from_bytes(raw, policy=default)
    assert "Bcc" not in message and "X-Injected" not in message
    for name, value in message.items():
        assert "\r" not in str(value) and "\n" not in str(value), name
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "<script" not in html.lower() and "&lt;script&gt;alert(&#39;pwned&#39;)" in html
    assert "javascript:" not in html.lower() and "javascript:" not in text.lower()
    for part in (text, html):
        assert "{{ 7*7 }}" in part and "{% if 1 %}x{% endif %}" in part  # shown, never run
        # Scraped text never starts a line of its own: it cannot even look like a header.
        assert not any(line.startswith(("Bcc:", "X-Injected:")) for line in part.splitlines())
    assert "<script>alert('pwned')</script>" in text  # plain text shows it as text
    assert message["To"].addresses[0].addr_spec == to


def test_hostile_scraped_text_arrives_harmless_over_smtp(settings, smtp) -> None:
    server = smtp("plain")
    config = settings(smtp_url=server.url())
    first = replace(world.CSA, title=f"Child sexual abuse {EVIL}", text="Intro")
    second = replace(
        first,
        stage=EVIL,
        url="javascript:alert(1)",
        text=f"Intro\n{EVIL}",
        events=(*first.events, world.Event("2025-10-07", EVIL, url="javascript:alert(2)")),
        documents=(world.Document(EVIL, "A9-0364/2023", "2023-11-16", "javascript:alert(3)"),),
    )
    source = Source(name="hostile", kind="page", url="https://example.org/csa", jurisdiction="EU")
    world.build_week(config, [])
    world.add_versions(config, [(source, first, second)])
    world.subscribe(config, ["ann@example.org"])

    [result] = send_due(get_engine(config.db_url), config, world.NOW, delivery=Delivery((0.01,)))

    assert result.status == "sent", result.error
    [received] = server.handler.received
    assert received.rcpt_tos == ["ann@example.org"]
    _assert_harmless(received.data, "ann@example.org")


def test_compose_and_build_neutralise_raw_hostile_values() -> None:
    file = FileRef("EU:2022/0155(COD)", EVIL, EVIL, "EU")
    when = datetime(2025, 10, 8, 10, tzinfo=UTC)
    changes = (
        ChangeView(
            1, file, "stage_changed", "major", EVIL, EVIL, when, EVIL, "javascript:alert(1)"
        ),
        ChangeView(
            2, file, "text_amended", "notable", EVIL, f"~ {EVIL}", when, "s", "https://e.org/"
        ),
        ChangeView(
            3,
            file,
            "document_added",
            "notable",
            f"New document: {EVIL}",
            f"+ {EVIL}\n  javascript:alert(2)",
            when,
            "s",
        ),
    )
    data = DigestInput(
        reader=Recipient("ann@example.org", EVIL, "token"),
        start=datetime(2025, 10, 6, 5, tzinfo=UTC),
        end=datetime(2025, 10, 13, 5, tzinfo=UTC),
        changes=changes,
        upcoming=(EventView(file, "2025-10-20", EVIL, EVIL, "javascript:alert(3)"),),
        troubles=(Trouble(EVIL, "unreachable", (when,)), Trouble(EVIL, "not_checked", (), when)),
        watches=("csa-regulation",),
        base_url=world.BASE_URL,
        timezone="Europe/Brussels",
    )
    email = compose(data, now=datetime(2025, 10, 13, 9, tzinfo=UTC))
    message = build(
        email,
        sender="Lexwatch <digest@lexwatch.example.org>",
        to="ann@example.org",
        name=EVIL,
        now=datetime(2025, 10, 13, 9, tzinfo=UTC),
        msgid="<1@lexwatch.example.org>",
    )
    _assert_harmless(bytes(message), "ann@example.org")
