"""What the demo watches: real sources at their real URLs, answered from real captures.

Each entry names a source as an admin would add it, the capture that answers it,
and, for files that move during the demo, the function of demo.states that
builds the earlier state from that capture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

CAPTURES = Path(__file__).parent / "captures"
TK = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0"


@dataclass(frozen=True)
class DemoSource:
    """One watched source of the demo."""

    name: str
    kind: str
    url: str
    capture: str
    content_type: str
    jurisdiction: str = "EU"
    params: dict[str, str] = field(default_factory=dict)
    earlier: str = ""  # a function of demo.states, when the file moves during the demo


CATALOGUE: tuple[DemoSource, ...] = (
    DemoSource(
        "OEIL 2022/2852(RSP)",
        "eu_oeil",
        "https://oeil.secure.europarl.europa.eu/oeil/en/procedure-file?reference=2022/2852(RSP)",
        "eu_oeil/new-procedure-file_2022-2852-RSP.html",
        "text/html; charset=utf-8",
        earlier="oeil_before_plenary_decision",
    ),
    DemoSource(
        "OEIL 2024/2006(REG)",
        "eu_oeil",
        "https://oeil.secure.europarl.europa.eu/oeil/en/procedure-file?reference=2024/2006(REG)",
        "eu_oeil/new-procedure-file_2024-2006-REG.html",
        "text/html; charset=utf-8",
    ),
    DemoSource(
        "EP API 2024/2006(REG)",
        "eu_ep_api",
        "https://data.europarl.europa.eu/api/v2/procedures/2024-2006?format=application%2Fld%2Bjson",
        "eu_ep_api/procedure_2024-2006-REG.json",
        "application/ld+json",
    ),
    DemoSource(
        "EUR-Lex 2021/0106(COD)",
        "eu_eurlex",
        "https://eur-lex.europa.eu/procedure/EN/2021_106",
        "eu_eurlex/procedure_2021_106.html",
        "text/html; charset=utf-8",
        earlier="eurlex_before_last_council_step",
    ),
    DemoSource(
        "EP press room",
        "eu_ep_press",
        "https://www.europarl.europa.eu/news/en/press-room/20241212IPR25960/ep-paves-way-for-the-use-of-eu-funds-to-finance-natural-disaster-recovery",
        "eu_ep_press/press-release_20241212IPR25960.html",
        "text/html; charset=utf-8",
    ),
    DemoSource(
        "Tweede Kamer Zaak 2024Z15447",
        "nl_tweedekamer",
        "",
        "nl_tweedekamer/zaak_2024Z15447_expand-Document.json",
        "application/json",
        "NL",
        {"zaak": "2024Z15447"},
        earlier="zaak_before_motion",
    ),
    DemoSource(
        "Motie Kathmann 32317-891",
        "nl_tweedekamer",
        f"{TK}/DocumentPublicatie(9bb5279f-1eb4-44b2-ab3d-68456f3b1766)/Resource",
        "nl_tweedekamer/motie_32317-891_Kathmann_CSAM-detectiebevel.xml",
        "application/xml",
        "NL",
    ),
    DemoSource(
        "Motie Van Houwelingen 32317-892",
        "nl_tweedekamer",
        f"{TK}/DocumentPublicatie(0466db76-f7dd-42b7-a5f5-18ca422b7532)/Resource",
        "nl_tweedekamer/motie_32317-892_VanHouwelingen_CSAM-tegen.xml",
        "application/xml",
        "NL",
    ),
    DemoSource(
        "Motie Ceder 21501-33-1152",
        "nl_tweedekamer",
        f"{TK}/DocumentPublicatie(810648f1-bc8e-438f-9de7-5face5273fc1)/Resource",
        "nl_tweedekamer/motie_21501-33-1152_Ceder_CSAM-compromis.xml",
        "application/xml",
        "NL",
    ),
    DemoSource(
        "Magyar Közlöny (official gazette)",
        "feed",
        "https://magyarkozlony.hu/feed",
        "feed/magyarkozlony-official-gazette_feed_2026-10-09.xml",
        "application/rss+xml",
        "HU",
        earlier="feed_before_latest_issue",
    ),
)


def capture(entry: DemoSource) -> bytes:
    """The real captured body that answers a demo source."""
    return (CAPTURES / entry.capture).read_bytes()
