"""A source is checked when it is saved, on the one path the CLI, the web form and YAML share:
what would crash or mislead at crawl time is refused with one line naming the field."""

from __future__ import annotations

import re

import pytest

from crawlers.jurisdictions import ISO_3166
from crawlers.sites import SITES, json, page
from crawlers.sourcechecks import check_host
from crawlers.sourcespec import SourceSpec, to_source
from demo.catalogue import CATALOGUE
from vocab.errors import ConfigError, ParseError
from vocab.fetch import Response

URL = "https://example.org/dossier.html"
GENERIC = ("page", "feed", "json")


@pytest.mark.parametrize(
    ("args", "flag", "expected"),
    [
        (["--param", "selector=###"], "--param selector", "is not a CSS selector"),
        (["--param", "ignore=div >"], "--param ignore", "is not a CSS selector"),
        (["--param", "xpath=//div["], "--param xpath", "is not an XPath expression"),
        (["--param", "xpath=//x:div"], "--param xpath", "Undefined namespace prefix"),
        (["--every", "1h", "--cron", "0 6 * * *"], "--every/--cron", "not both"),
        (["--jurisdiction", "Narnia"], "--jurisdiction", "not a known jurisdiction"),
        (["--name", "ok[/x]"], "--name", "has characters a name cannot have"),
        (["--every", "soon"], "--every", "is not an interval"),
        (["--cron", "at dawn"], "--cron", "is not a crontab expression"),
    ],
)
def test_a_page_source_with_a_bad_field_is_one_line_naming_its_flag(
    lexwatch, args: list[str], flag: str, expected: str
) -> None:
    result = lexwatch("sources", "add", "--kind", "page", "--url", URL, *args)
    assert result.code == 2, result.out
    assert result.err.startswith(f"lexwatch: {flag}: ") and expected in result.err
    assert len(result.err.splitlines()) == 1 and "Traceback" not in result.err
    assert lexwatch("sources", "list", "--format", "json").json() == []


@pytest.mark.parametrize(
    ("args", "flag", "expected"),
    [
        (["--kind", "json", "--url", URL, "--param", "path=data["], "--param path", "JMESPath"),
        (["--kind", "json", "--url", URL, "--param", "items=foo(@)"], "--param items", "foo()"),
        (["--kind", "eu_oeil", "--url", "https://example.org/"], "--url", "oeil.europarl"),
        (["--kind", "page", "--url", "https://exa mple.org/"], "--url", "is not a host name"),
        (["--kind", "page", "--url", "https://e.org:99999/"], "--url", "is not a port"),
        (["--kind", "page", "--param", "selector=#main"], "--url", "page needs a URL"),
        (
            ["--kind", "eu_oeil", "--param", "reference=chat"],
            "--param reference",
            "not a procedure",
        ),
        (["--kind", "nl_tweedekamer", "--param", "zaak=x"], "--param", "zaak must look like"),
    ],
)
def test_other_kinds_with_a_bad_field_are_refused_too(
    lexwatch, args: list[str], flag: str, expected: str
) -> None:
    result = lexwatch("sources", "add", *args)
    assert result.code == 2 and result.err.startswith(f"lexwatch: {flag}: "), result.err
    assert expected in result.err and len(result.err.splitlines()) == 1
    assert lexwatch("sources", "list", "--format", "json").json() == []


def test_sources_test_refuses_a_bad_selector_before_fetching_anything(lexwatch, site) -> None:
    site.serve("/p.html", "<html><body><p>x</p></body></html>")
    result = lexwatch(
        "sources", "test", "--kind", "page", "--url", site.url("/p.html"), "--param", "selector=###"
    )
    assert result.code == 2 and "--param selector: '###' is not a CSS selector" in result.err
    assert site.requests == []


def test_a_jurisdiction_is_stored_upper_case_and_may_be_empty(lexwatch) -> None:
    for name, given in (("nl", "nl"), ("uk", "Uk"), ("eu", "eu"), ("none", "")):
        added = lexwatch(
            "sources",
            "add",
            "--kind",
            "page",
            "--url",
            f"{URL}?{name}",
            "--name",
            name,
            "--jurisdiction",
            given,
        )
        assert added.code == 0, added.err
    listed = {
        s["name"]: s["jurisdiction"] for s in lexwatch("sources", "list", "--format", "json").json()
    }
    assert listed == {"nl": "NL", "uk": "UK", "eu": "EU", "none": ""}


def test_every_iso_country_code_and_eu_are_known() -> None:
    assert len(ISO_3166) == 249 and {"NL", "DE", "FR", "US", "GB", "HU"} <= ISO_3166
    for code in ("de", "EU", "UK", " fr "):
        assert (
            to_source(
                SourceSpec("page", URL, jurisdiction=code), default_every="1d", allow_private=True
            ).jurisdiction
            == code.strip().upper()
        )
    for wrong in ("Narnia", "NLD", "XX", "E U"):
        with pytest.raises(ConfigError) as refused:
            to_source(
                SourceSpec("page", URL, jurisdiction=wrong), default_every="1d", allow_private=True
            )
        assert refused.value.field == "jurisdiction"


def test_names_that_display_as_typed_are_accepted() -> None:
    for name in ("de_bundestag:COM(2022) 209", "Magyar Közlöny (official gazette)", "a-b.c/d"):
        assert _source(name=name).name == name
    for name in ("ok[/x]", "<b>bold</b>", "tab\there", "a*b", "{{ x }}"):
        with pytest.raises(ConfigError, match="letters, digits, spaces") as refused:
            _source(name=name)
        assert refused.value.field == "name"


def test_a_url_must_parse_with_a_clean_host() -> None:
    for url in (
        "https://exa mple.org/",
        "https://exa\tmple.org/",
        "ftp://example.org/",
        "https://example.org:99999/",
        "https://[::1/",
        "https://exa<mple.org/",
        "example.org",
    ):
        with pytest.raises(ConfigError) as refused:
            _source(url=url)
        assert refused.value.field == "url", url
    # Stored as the crawler fetches it (w3lib's safe_url_string): spaces and IDN encoded.
    for url, stored in (
        ("https://example.org/a b?c=d e", "https://example.org/a%20b?c=d%20e"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
    ):
        assert _source(url=url).url == stored


def test_every_site_module_names_its_hosts_and_its_own_examples_are_on_them() -> None:
    for slug, module in SITES.items():
        if slug in GENERIC:
            assert not hasattr(module, "HOSTS"), f"{slug} reads any site"
            continue
        assert module.HOSTS and all(h == h.lower() for h in module.HOSTS), slug
        for url in re.findall(r"https?://[^\s,;)]+", module.URL_HELP):
            check_host(slug, url.rstrip("."), allow_private=False)


# Real addresses of the captures in tests/fixtures (their MANIFEST.tsv and the site tests).
REAL = {
    "eu_oeil": [
        "https://oeil.secure.europarl.europa.eu/oeil/popups/ficheprocedure.do?reference=2022/2201(INI)&l=en",
        "https://oeil.secure.europarl.europa.eu/oeil/en/document-summary?id=1651118",
        "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference=2024/2006(REG)",
    ],
    "eu_ep_api": [
        "https://data.europarl.europa.eu/api/v2/meetings/MTG-PL-2024-07-16?format=application%2Frdf%2Bxml",
        "https://oeil.secure.europarl.europa.eu/oeil/en/procedure-file?reference=2022/0155(COD)",
    ],
    "eu_eurlex": [
        "https://eur-lex.europa.eu/procedure/EN/2021_106",
        "https://eur-lex.europa.eu/legal-content/EN/ALL/?uri=EP:P9_A(2021)0270",
    ],
    "eu_cellar": [
        "http://publications.europa.eu/resource/celex/32014R0001",
        "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:52022PC0209",
    ],
    "eu_ep_press": ["https://www.europarl.europa.eu/news/en/press-room/20221014IPR43206/x"],
    "eu_commission_hys": [
        "https://ec.europa.eu/info/law/better-regulation/brpapi/searchInitiatives?text=gender&size=2"
    ],
    "nl_tweedekamer": ["https://gegevensmagazijn.tweedekamer.nl/SyncFeed/2.0/Feed?category=Zaak"],
    "de_bundestag": ["https://search.dip.bundestag.de/api/v1/vorgang?f.titel=Missbrauchs"],
    "uk_bills": [
        "https://bills.parliament.uk/bills/2818",
        "https://bills-api.parliament.uk/api/v1/Bills/2818",
    ],
    "us_congress": [
        "https://www.congress.gov/bill/117th-congress/house-bill/21",
        "https://api.congress.gov/v3/bill/117/hr/21",
    ],
}


@pytest.mark.parametrize("slug", sorted(REAL))
def test_the_real_addresses_of_each_site_are_accepted_and_another_site_is_not(slug: str) -> None:
    for url in REAL[slug]:
        assert _source(kind=slug, url=url).url == url
    with pytest.raises(ConfigError, match="give a URL on that site") as refused:
        _source(kind=slug, url="https://example.org/2022/0155(COD)")
    assert refused.value.field == "url"


def test_the_default_and_demo_sources_pass() -> None:
    from crawlers.defaults import default_sources

    assert len(default_sources(default_every="6h")) == 24
    for entry in CATALOGUE:
        spec = SourceSpec(
            entry.kind, entry.url, entry.name, entry.jurisdiction, "1d", params=entry.params
        )
        assert to_source(spec, default_every="1d", allow_private=True).url == entry.url


def test_a_local_server_stands_in_for_a_site_only_when_private_targets_are_allowed() -> None:
    # Tests and mirrors serve OEIL pages from 127.0.0.1; the demo keeps real URLs (replayed).
    local = "http://127.0.0.1:8001/oeil/en/procedure-file?reference=2024/2006(REG)"
    assert _source(kind="eu_oeil", url=local).url == local
    check_host("eu_oeil", "http://localhost:8001/x", allow_private=True)
    for url in (local, "http://localhost:8001/x", "http://10.0.0.7/x"):
        with pytest.raises(ConfigError, match="give a URL on that site"):
            check_host("eu_oeil", url, allow_private=False)


# A selector is refused when saved exactly when the parser could not apply it.
CSS = [
    "#main",
    "div.content > p",
    "table.events tr:nth-child(2n)",
    "###",
    "div >",
    "a[href",
    "p:unknown",
]
XPATH = ["//div[@id='main']", "//p/text()", "count(//p)", "//div[", "foo()", "//x:div", "///"]
JMESPATH = ["data.status", "results[*].title", "length(data)", "data[", "foo(@)", "a..b"]
HTML = b"<html><body><div id='main' class='content'><p>Status</p></div></body></html>"


@pytest.mark.parametrize("selector", CSS)
def test_a_css_selector_is_refused_exactly_when_the_page_parser_cannot_use_it(
    selector: str,
) -> None:
    assert _refused("page", {"selector": selector}) == _parser_fails(
        page, {"selector": selector}, HTML
    )
    assert _refused("page", {"ignore": selector}) == _parser_fails(page, {"ignore": selector}, HTML)


@pytest.mark.parametrize("expression", XPATH)
def test_an_xpath_is_refused_exactly_when_the_page_parser_cannot_use_it(expression: str) -> None:
    assert _refused("page", {"xpath": expression}) == _parser_fails(
        page, {"xpath": expression}, HTML
    )


@pytest.mark.parametrize("expression", JMESPATH)
def test_a_jmespath_is_refused_exactly_when_the_json_parser_cannot_use_it(expression: str) -> None:
    answer = b'{"data": {"status": "draft"}, "results": [{"title": "t"}]}'
    for param in ("path", "items"):
        assert _refused("json", {param: expression}) == _parser_fails(
            json, {param: expression}, answer
        )


def test_every_parameter_that_is_an_expression_is_checked_when_saved() -> None:
    for slug, module in SITES.items():
        for name, help_ in module.PARAMS.items():
            if re.search(r"selector|xpath|jmespath", help_, re.IGNORECASE):
                assert name in getattr(module, "EXPRESSIONS", {}), f"{slug}: {name}"


def _source(**fields: str):
    spec = SourceSpec(**{"kind": "page", "url": URL, **fields})
    return to_source(spec, default_every="1d", allow_private=True)


def _refused(kind: str, params: dict[str, str]) -> bool:
    try:
        _source(kind=kind, params=params)
    except ConfigError as exc:
        assert exc.field == f"params.{next(iter(params))}"
        return True
    return False


def _parser_fails(module, params: dict[str, str], body: bytes) -> bool:
    """True when the expression itself is the problem: an exception, or a ParseError saying so."""
    try:
        module.parse([Response("https://example.org/", body)], params)
    except ParseError as exc:
        return "is not valid" in str(exc)
    except Exception:
        return True
    return False
