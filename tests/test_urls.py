"""One reading of a URL for checking and fetching: a matrix of spellings, at save and at fetch.

For every spelling the save-time check accepts, the URL it stores is the URL
Scrapy fetches, character for character, and the host it judged is the host
Twisted connects to. Every private spelling is refused when saved, and again
when fetched (a row saved while private targets were allowed, a link a site
module follows): the fetch-time guard reads the request as the crawler does.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest
import scrapy
from twisted.internet._idna import _idnaBytes
from twisted.internet.endpoints import HostnameEndpoint
from twisted.web.client import URI

from crawlers import reactor
from crawlers.crawl import crawl
from crawlers.targets import check_target, is_public
from crawlers.urls import host_of, literal_address, read_url
from tests import internet
from vocab.errors import ConfigError
from vocab.fetch import Plan, Target
from vocab.settings import get_settings

# (spelling, the address it names) — every one private, loopback, link-local, reserved…
PRIVATE = [
    ("http://127.0.0.1/", "127.0.0.1"),
    ("http://127.0.0.1:8721/admin", "127.0.0.1"),
    ("http://2130706433/", "127.0.0.1"),  # one decimal number
    ("http://017700000001/", "127.0.0.1"),  # one octal number
    ("http://0x7f000001/", "127.0.0.1"),  # one hex number
    ("http://0x7f.1/", "127.0.0.1"),
    ("http://0177.0.0.1/", "127.0.0.1"),
    ("http://0x7f.0.0.0x1/", "127.0.0.1"),
    ("http://127.000.000.001/", "127.0.0.1"),
    ("http://127.1/", "127.0.0.1"),
    ("http://127.0.0.1./", "127.0.0.1"),  # trailing dot
    ("http://１２７.０.０.１/", "127.0.0.1"),  # full-width digits and dots
    ("http://127。0。0。1/", "127.0.0.1"),  # ideographic full stops
    ("HTTP://127.0.0.1:80/", "127.0.0.1"),
    (" http://127.0.0.1/ ", "127.0.0.1"),
    ("http://127.0.0.1\t/", "127.0.0.1"),  # a tab is dropped by WHATWG and w3lib alike
    ("http://localhost/", "127.0.0.1"),
    ("http://LOCALHOST./", "127.0.0.1"),
    ("http://ｌｏｃａｌｈｏｓｔ/", "127.0.0.1"),  # full-width letters fold to localhost
    ("http://[::1]/", "::1"),
    ("http://[0:0:0:0:0:0:0:1]/", "::1"),
    ("http://[::]/", "::"),
    ("http://[::127.0.0.1]/", "::7f00:1"),  # IPv4-compatible
    ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1"),  # IPv4-mapped
    ("http://[::ffff:7f00:1]/", "::ffff:7f00:1"),
    ("http://[::ffff:0:127.0.0.1]/", "::ffff:0:7f00:1"),  # IPv4-translated (SIIT)
    ("http://[64:ff9b::127.0.0.1]/", "64:ff9b::7f00:1"),  # NAT64
    ("http://[64:ff9b:1::a00:1]/", "64:ff9b:1::a00:1"),  # local-use NAT64
    ("http://[2002:7f00:1::]/", "2002:7f00:1::"),  # 6to4 around 127.0.0.1
    ("http://[2002:a9fe:a9fe::1]/", "2002:a9fe:a9fe::1"),  # 6to4 around the metadata service
    ("http://[::ffff:a9fe:a9fe]/latest/meta-data/", "::ffff:a9fe:a9fe"),
    ("http://0.0.0.0/", "0.0.0.0"),
    ("http://0/", "0.0.0.0"),
    ("http://10.0.0.1/", "10.0.0.1"),
    ("http://172.16.0.1/", "172.16.0.1"),
    ("http://192.168.1.1/", "192.168.1.1"),
    ("http://100.64.0.1/", "100.64.0.1"),  # carrier-grade NAT
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    ("http://224.0.0.1/", "224.0.0.1"),  # multicast
    ("http://240.0.0.1/", "240.0.0.1"),  # reserved
    ("http://255.255.255.255/", "255.255.255.255"),
    ("http://[fe80::1]/", "fe80::1"),
    ("http://[fc00::1]/", "fc00::1"),
    ("http://[ff02::1]/", "ff02::1"),  # multicast
]

# Spellings refused for their shape whatever their address: (spelling, what Scrapy would fetch).
SHAPE = [
    ("http://127.0.0.1:8721\\@93.184.215.14/", "127.0.0.1"),  # the audit's backslash
    ("http:\\\\127.0.0.1\\x", "127.0.0.1"),
    ("http://93.184.215.14\\@127.0.0.1/", "93.184.215.14"),
    ("http://user@127.0.0.1/", "127.0.0.1"),
    ("http://user:secret@127.0.0.1/", "127.0.0.1"),
    ("http://93.184.215.14@127.0.0.1/", "127.0.0.1"),
    ("http://%31%32%37.0.0.1/", "%31%32%37.0.0.1"),  # percent-encoded digits
    ("http://127%2e0%2e0%2e1/", "127%2e0%2e0%2e1"),  # encoded dots
    ("http://1.2.3.4.5/", "1.2.3.4.5"),  # ends in a number, yet no IPv4 address
    ("http://08.0.0.1/", "08.0.0.1"),  # not octal, not a name
    ("ftp://93.184.215.14/", "93.184.215.14"),
    ("file:///etc/passwd", ""),
    ("javascript:alert(1)", ""),
]

# Public spellings: accepted, and read the same way by the check and the fetch.
PUBLIC = [
    ("http://93.184.215.14/page", "93.184.215.14"),
    ("http://1572394766/", "93.184.215.14"),  # one decimal number
    ("http://0x5d.0xb8.0xd7.0x0e/", "93.184.215.14"),
    ("http://[2606:4700:4700::1111]/", "2606:4700:4700::1111"),
    ("http://[64:ff9b::808:808]/", "64:ff9b::808:808"),  # NAT64 around a public address
    ("http://[2002:808:808::1]/", "2002:808:808::1"),  # 6to4 around a public address
    ("http://EXAMPLE.org./a b?q=1#frag", None),
    ("https://bücher.example/x", None),  # IDN
    ("https://xn--fa-hia.example/", None),  # IDNA 2008 punycode stays itself
    ("https://example.org:0443/", None),
]


def twisted_host(url: str) -> str:
    """The host name Twisted's agent connects to for this URL (what the resolver is asked)."""
    host = URI.fromBytes(url.encode("ascii")).host
    text = HostnameEndpoint._hostAsBytesAndText(host)[2]
    return text if ":" in text else _idnaBytes(text).decode("ascii")


def test_the_matrix_has_at_least_forty_spellings() -> None:
    assert len(PRIVATE) + len(SHAPE) + len(PUBLIC) >= 40 and len(PRIVATE) >= 40


@pytest.mark.parametrize(("url", "address"), PRIVATE + PUBLIC)
def test_checking_and_fetching_read_the_same_url_and_host(url: str, address: str | None) -> None:
    read = read_url(url)
    fetched = scrapy.Request(read).url
    assert fetched == read, "the crawler must fetch exactly the URL that was checked"
    assert host_of(read) == twisted_host(fetched)
    literal = literal_address(host_of(read))
    if address is None or host_of(read).strip(".") == "localhost":
        assert literal is None
        return
    assert literal == ipaddress.ip_address(address)
    _agrees_with_the_system(host_of(read), literal)


def _agrees_with_the_system(host: str, literal: ipaddress._BaseAddress) -> None:
    """inet_aton (what getaddrinfo does with a numeric host) reads the same address."""
    try:
        infos = socket.getaddrinfo(host, None, flags=socket.AI_NUMERICHOST)
    except socket.gaierror:
        assert host.endswith(".")  # glibc takes '127.0.0.1.' for a name; both refuse it
        return
    assert {ipaddress.ip_address(i[4][0].split("%")[0]) for i in infos} == {literal}


@pytest.mark.parametrize(("url", "address"), PRIVATE)
def test_every_private_spelling_is_refused_at_save(url: str, address: str, monkeypatch) -> None:
    internet.install(monkeypatch)  # 'localhost' answers without a resolver
    assert not is_public(ipaddress.ip_address(address))
    with pytest.raises(ConfigError, match="private, loopback or link-local"):
        check_target(url, allow_private=False)


@pytest.mark.parametrize(("url", "fetched_host"), SHAPE)
def test_backslashes_userinfo_and_odd_hosts_are_refused_outright(url: str, fetched_host: str):
    for allow_private in (False, True):
        with pytest.raises(ConfigError, match="is not a web address"):
            check_target(url, allow_private=allow_private)


@pytest.mark.parametrize(("url", "address"), PUBLIC)
def test_public_spellings_are_accepted_as_the_crawler_reads_them(url, address, monkeypatch):
    world = internet.install(monkeypatch)
    world.names |= {h: ["93.184.215.14"] for h in ("example.org.", "example.org")}
    world.names |= {h: ["93.184.215.14"] for h in ("xn--bcher-kva.example", "xn--fa-hia.example")}
    assert check_target(url, allow_private=False) == read_url(url)


@pytest.fixture
def strict(home, monkeypatch):
    """Production settings: private targets not allowed."""
    monkeypatch.setenv("LEXWATCH_ALLOW_PRIVATE_TARGETS", "0")
    monkeypatch.setenv("LEXWATCH_RETRY_TIMES", "0")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def test_every_private_spelling_is_refused_at_fetch(strict, monkeypatch) -> None:
    """Handed to the crawler as a site module would (no save-time check): all refused."""
    internet.install(monkeypatch)
    raw = [url for url, _ in PRIVATE] + [url for url, host in SHAPE if _private_host(host)]
    plans = [Plan(i, f"s{i}", "page", Target(url.strip(), {})) for i, url in enumerate(raw)]
    outcomes = reactor.run_coroutine(crawl(plans, engine=None, settings=strict), timeout=120)
    for plan in plans:
        outcome = outcomes[plan.source_id]
        assert outcome.fetched == [], plan.target.url
        assert len(outcome.errors) == 1, (plan.target.url, outcome.errors)
        assert "private address" in outcome.errors[0], (plan.target.url, outcome.errors)


def _private_host(host: str) -> bool:
    literal = literal_address(host) if host else None
    return literal is not None and not is_public(literal)
