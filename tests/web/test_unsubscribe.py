"""The unsubscribe links of a delivered digest, followed against the web app.

Each test reads the digest an aiosmtpd server on 127.0.0.1 received, takes the
address from the message itself (the List-Unsubscribe header or the "Stop these
emails" link) and sends it to the app, as a mail provider or a reader would.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from db import repo
from db.engine import dispose_engines, get_engine, session_scope
from digests.send import Delivery, send_due
from monitor import schedule
from tests.digests import world
from tests.digests.smtp import Received, SmtpServer
from vocab.settings import Settings, get_settings
from web.app import create_app

from .test_browser import CHROMIUM, _page, _shot, browser, server  # noqa: F401 (fixtures)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

FAST = Delivery(delays=(0.01,), timeout=5)
NEXT_WEEK = world.NOW + timedelta(weeks=1)
PEOPLE = ["ann@example.org", "bob@example.org"]
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason=f"no Chromium at {CHROMIUM}: apt-get install chromium"
)
STOP_LINK = re.compile(r'<a href="([^"]+)"[^>]*>Stop these emails</a>')


@pytest.fixture
def mail(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SmtpServer]:
    """A real SMTP server, and settings that send the week's digests to it."""
    smtp = SmtpServer(tmp_path)
    for name, value in {
        "BASE_URL": world.BASE_URL,
        "TIMEZONE": "Europe/Brussels",
        "MAIL_FROM": "Lexwatch <digest@lexwatch.example.org>",
        "SMTP_URL": smtp.url(),
    }.items():
        monkeypatch.setenv(f"LEXWATCH_{name}", value)
    get_settings.cache_clear()
    yield smtp
    smtp.stop()


def _week(people: list[str] = PEOPLE) -> Settings:
    config = get_settings()
    world.build_week(config, people)
    assert {
        r.status for r in send_due(get_engine(config.db_url), config, world.NOW, delivery=FAST)
    } == {"sent"}
    return config


def _client(config: Settings) -> TestClient:
    # The app at the digests' base URL, without a cookie: as a mail provider or a new browser.
    return TestClient(create_app(config), base_url=world.BASE_URL, follow_redirects=False)


def _header_url(received: Received) -> str:
    message = received.message()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    return message["List-Unsubscribe"].strip().removeprefix("<").removesuffix(">")


def _stop_link(received: Received) -> str:
    html = received.message().get_body(("html",)).get_content()
    [link] = STOP_LINK.findall(html)
    return link.replace("&amp;", "&")


def _next_week(config: Settings, now: datetime = NEXT_WEEK) -> list[str]:
    """Who gets next week's digest (or the one sent at `now`)."""
    results = send_due(get_engine(config.db_url), config, now, delivery=FAST)
    return sorted(r.email for r in results if r.status == "sent")


def _next_digest_time(config: Settings) -> datetime:
    """Just after the next Monday 07:00 from the real present (a resubscription happens now)."""
    trigger = schedule.digest_trigger(config.timezone)
    return trigger.get_next_fire_time(None, datetime.now(UTC)) + timedelta(minutes=1)


def test_the_one_click_post_of_the_header_unsubscribes_without_a_cookie(mail) -> None:
    config = _week()
    url = _header_url(mail.handler.to("ann@example.org")[0])
    assert url.startswith(f"{world.BASE_URL}/unsubscribe/")

    with _client(config) as provider:
        assert not provider.cookies  # no session, so no CSRF token either
        response = provider.post(url, data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200, response.text
    assert "cookie" not in response.request.headers
    assert world.statuses(config) == {
        "ann@example.org": "unsubscribed",
        "bob@example.org": "active",
    }
    assert _next_week(config) == ["bob@example.org"]
    assert len(mail.handler.to("ann@example.org")) == 1  # only the first week's


def test_a_one_click_post_sent_as_multipart_form_data_works_too(mail) -> None:
    config = _week()
    url = _header_url(mail.handler.to("bob@example.org")[0])

    with _client(config) as provider:  # RFC 8058 allows either form encoding
        response = provider.post(url, files={"List-Unsubscribe": (None, "One-Click")})

    assert response.status_code == 200
    assert response.request.headers["content-type"].startswith("multipart/form-data")
    assert world.statuses(config)["bob@example.org"] == "unsubscribed"


def test_the_link_shows_who_and_what_and_its_button_unsubscribes(mail) -> None:
    config = _week()
    link = _stop_link(mail.handler.to("ann@example.org")[0])
    assert link == _header_url(mail.handler.to("ann@example.org")[0])  # one address for both

    with _client(config) as reader:
        page = reader.get(link)
        assert page.status_code == 200
        assert "ann@example.org" in page.text and "csa-regulation" in page.text
        assert page.headers["referrer-policy"] == "no-referrer"
        assert world.statuses(config)["ann@example.org"] == "active"  # looking changes nothing
        form = re.search(r'<form method="post" action="([^"]+)"', page.text)
        done = reader.post(form.group(1), data={"List-Unsubscribe": "One-Click"})

    assert done.status_code == 200
    assert "You are unsubscribed" in done.text and "will receive no more" in done.text
    assert world.statuses(config)["ann@example.org"] == "unsubscribed"
    assert _next_week(config) == ["bob@example.org"]


def _other(char: str) -> str:
    return "0" if char != "0" else "1"


@pytest.mark.parametrize("change", ["last", "first", "id", "cut", "stamp"])
def test_a_tampered_token_is_a_plain_404_and_unsubscribes_no_one(mail, change) -> None:
    config = _week()
    url = _header_url(mail.handler.to("ann@example.org")[0])
    ann, signature = url.rsplit("/", 1)[1].split("-")
    bob = world.token(config, "bob@example.org").split("-")[0]
    forged = {
        "last": f"{ann}-{signature[:-1]}{_other(signature[-1])}",
        "first": f"{ann}-{_other(signature[0])}{signature[1:]}",
        "id": f"{bob}-{signature}",  # Ann's signature on Bob's id
        "cut": f"{ann}-{signature[:20]}",
        "stamp": "x" * 40,  # shaped like a link of the unsigned days, but no one's
    }[change]

    with _client(config) as stranger:
        shown = stranger.get(f"/unsubscribe/{forged}")
        posted = stranger.post(f"/unsubscribe/{forged}", data={"List-Unsubscribe": "One-Click"})

    for response in (shown, posted):
        assert response.status_code == 404
        assert "This unsubscribe link is not valid" in response.text
    assert set(world.statuses(config).values()) == {"active"}


@pytest.mark.parametrize(
    "path",
    [
        "/unsubscribe/99999999999999999999-" + "0" * 32,
        "/unsubscribe/%00",
        "/unsubscribe/-",
        "/unsubscribe/" + "9" * 5000,
        "/unsubscribe/1-" + "g" * 32,
    ],
)
def test_nonsense_tokens_are_404_never_500(mail, path) -> None:
    config = _week(["ann@example.org"])
    with _client(config) as stranger:
        assert stranger.get(path).status_code == 404
        assert stranger.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 404


def test_subscribers_add_again_resubscribes(mail, lexwatch) -> None:
    config = _week()
    with _client(config) as provider:
        url = _header_url(mail.handler.to("ann@example.org")[0])
        assert provider.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    listed = {
        r["email"]: r["status"] for r in lexwatch("subscribers", "list", "--format", "json").json()
    }
    assert listed["ann@example.org"] == "unsubscribed"

    added = lexwatch("subscribers", "add", "ann@example.org", "--watch", "csa-regulation")

    assert added.code == 0, added.err
    config = get_settings()
    assert world.statuses(config)["ann@example.org"] == "active"
    assert _next_week(config) == ["bob@example.org"]  # she was away for that week
    assert _next_week(config, _next_digest_time(config)) == PEOPLE  # the week she came back
    with _client(config) as provider:  # the old link still works: it is hers, whatever her status
        assert provider.get(url).status_code == 200


def test_one_watch_can_be_stopped_and_the_others_kept(mail) -> None:
    config = _week(["ann@example.org"])
    world.subscribe(config, ["ann@example.org"], "csa-directive-recast")
    link = _stop_link(mail.handler.to("ann@example.org")[0])
    with session_scope(get_engine(config.db_url)) as session:
        recast = repo.find_watch(session, name="csa-directive-recast").id

    with _client(config) as reader:
        page = reader.get(link).text
        assert f'name="watch" value="{recast}"' in page
        nothing = reader.post(link, data={"some": "1"})  # nothing ticked
        assert nothing.status_code == 200 and "Stop Lexwatch digests?" in nothing.text
        assert world.statuses(config)["ann@example.org"] == "active"
        partly = reader.post(link, data={"some": "1", "watch": [str(recast), "999"]})

    assert partly.status_code == 200 and "no longer receives changes about" in partly.text
    with session_scope(get_engine(config.db_url)) as session:
        ann = repo.find_subscriber(session, email="ann@example.org")
        assert [w.name for w in repo.subscriber_watches(session, subscriber_id=ann.id)] == [
            "csa-regulation"
        ]
        assert ann.status == "active"


def test_a_link_from_before_links_were_signed_still_works(mail) -> None:
    config = _week(["ann@example.org"])
    with session_scope(get_engine(config.db_url)) as session:
        stamp = repo.find_subscriber(session, email="ann@example.org").unsubscribe_token

    with _client(config) as provider:
        response = provider.post(f"/unsubscribe/{stamp}", data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert world.statuses(config)["ann@example.org"] == "unsubscribed"


def test_links_survive_a_restart_and_a_new_secret_key(mail, monkeypatch) -> None:
    _week(["ann@example.org"])
    url = _header_url(mail.handler.to("ann@example.org")[0])

    dispose_engines()  # a new process: nothing of the first one is kept but the database
    monkeypatch.setenv("LEXWATCH_SECRET_KEY", "a-new-key-after-a-leak-" + "x" * 20)
    get_settings.cache_clear()
    with _client(get_settings()) as provider:
        assert provider.get(url).status_code == 200
        assert provider.post(url, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert world.statuses(get_settings())["ann@example.org"] == "unsubscribed"


@needs_chromium
def test_in_a_browser_the_stop_link_of_a_delivered_digest_and_its_button_unsubscribe(
    mail,
    server,  # noqa: F811 (the fixtures of the browser tests)
    browser,  # noqa: F811
    lexwatch,
    monkeypatch,
) -> None:
    base, _app = server
    monkeypatch.setenv("LEXWATCH_BASE_URL", base)  # the digest links to the app the browser opens
    get_settings.cache_clear()
    config = _week()
    link = _stop_link(mail.handler.to("ann@example.org")[0])
    assert link.startswith(f"{base}/unsubscribe/")
    page = _page(browser, base)

    page.goto(link)
    asked = page.inner_text("#unsubscribe")
    assert "ann@example.org" in asked and "csa-regulation" in asked
    _shot(page, "unsubscribe-ask")
    page.click("#stop-all")
    page.wait_for_selector("#outcome")

    assert "ann@example.org will receive no more Lexwatch digests" in page.inner_text("#outcome")
    _shot(page, "unsubscribe-done")
    assert page.errors == []
    assert world.statuses(config)["ann@example.org"] == "unsubscribed"
    sent = lexwatch("digest", "send", "--now", NEXT_WEEK.isoformat())
    assert sent.code == 0, sent.err
    assert "1 of 1 digests sent" in sent.out
    assert len(mail.handler.to("ann@example.org")) == 1  # nothing after the first week
    assert len(mail.handler.to("bob@example.org")) == 2
