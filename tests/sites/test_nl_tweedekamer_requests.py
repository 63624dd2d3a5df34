"""The Tweede Kamer site module: the requests it sends (checked against the OData `$metadata`
capture) and the SyncFeed; its records are tested in test_nl_tweedekamer.py."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from crawlers.sites import nl_tweedekamer
from tests.helpers import FIXTURES
from vocab.errors import ConfigError
from vocab.fetch import Request, Response, Target

SLUG = "nl_tweedekamer"
ODATA = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/"
ZAAK = "zaak_2024Z15447_expand-Document.json"
ZAAK_URL = f"{ODATA}Zaak(efa2fc06-c058-42a7-9f12-94b21526a197)?$expand=Document"
MOTIONS = {
    "motie_32317-891_Kathmann_CSAM-detectiebevel.xml": "9bb5279f-1eb4-44b2-ab3d-68456f3b1766",
    "motie_32317-892_VanHouwelingen_CSAM-tegen.xml": "0466db76-f7dd-42b7-a5f5-18ca422b7532",
    "motie_21501-33-1152_Ceder_CSAM-compromis.xml": "810648f1-bc8e-438f-9de7-5face5273fc1",
}
KATHMANN = "motie_32317-891_Kathmann_CSAM-detectiebevel.xml"


SYNCFEED = "https://gegevensmagazijn.tweedekamer.nl/SyncFeed/2.0/Feed?category=Zaak"
ATOM_BUILT_IN_TEST = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Zaak</title>
  <id>https://gegevensmagazijn.tweedekamer.nl/SyncFeed/2.0/Feed</id>
  <updated>2024-10-10T10:00:00Z</updated>
  <link rel="next" href="https://gegevensmagazijn.tweedekamer.nl/SyncFeed/2.0/Feed?skiptoken=12345"/>
  <entry>
    <title>efa2fc06-c058-42a7-9f12-94b21526a197</title>
    <id>https://gegevensmagazijn.tweedekamer.nl/SyncFeed/2.0/Entiteiten/efa2fc06-c058-42a7-9f12-94b21526a197</id>
    <updated>2024-10-10T09:59:24Z</updated>
    <category term="zaak"/>
    <content type="application/xml">
      <zaak xmlns="http://www.tweedekamer.nl/xsd/tkData/v1-0"
            xmlns:tk="http://www.tweedekamer.nl/xsd/tkData/v1-0"
            id="efa2fc06-c058-42a7-9f12-94b21526a197" tk:verwijderd="false">
        <nummer>2024Z15447</nummer>
        <onderwerp>Motie van het lid Van Houwelingen over de CSAM-verordening</onderwerp>
      </zaak>
    </content>
  </entry>
  <entry>
    <title>11111111-2222-3333-4444-555555555555</title>
    <id>https://gegevensmagazijn.tweedekamer.nl/SyncFeed/2.0/Entiteiten/11111111-2222-3333-4444-555555555555</id>
    <updated>2024-10-10T09:00:00+02:00</updated>
    <link rel="enclosure" href="https://gegevensmagazijn.tweedekamer.nl/SyncFeed/2.0/Resources/11111111-2222-3333-4444-555555555555"/>
    <content type="application/xml">
      <document xmlns="http://www.tweedekamer.nl/xsd/tkData/v1-0"
                xmlns:tk="http://www.tweedekamer.nl/xsd/tkData/v1-0" tk:verwijderd="true"/>
    </content>
  </entry>
</feed>
"""


def test_syncfeed_minimal_atom_built_in_test_without_capture_gives_items() -> None:
    record = nl_tweedekamer.parse([Response(url=SYNCFEED, body=ATOM_BUILT_IN_TEST)], {})
    assert record.kind == "syncfeed"
    deleted, zaak = record.items  # sorted by id: the guid sorts before the Nummer
    assert (zaak.id, zaak.updated) == ("2024Z15447", "2024-10-10T09:59:24")
    assert zaak.title == "Motie van het lid Van Houwelingen over de CSAM-verordening"
    assert zaak.summary == "zaak"
    assert deleted.id == "11111111-2222-3333-4444-555555555555"
    assert deleted.summary == "document (verwijderd)"
    assert deleted.link.endswith("/Resources/11111111-2222-3333-4444-555555555555")
    assert deleted.updated == "2024-10-10T07:00:00"


def test_syncfeed_minimal_atom_built_in_test_follows_next_until_a_page_is_empty() -> None:
    target = Target(url=SYNCFEED)
    follow = nl_tweedekamer.follow(Response(url=SYNCFEED, body=ATOM_BUILT_IN_TEST), target)
    assert [r.url for r in follow] == [f"{SYNCFEED.split('?')[0]}?skiptoken=12345"]
    empty = re.sub(rb"<entry>.*</entry>", b"", ATOM_BUILT_IN_TEST, flags=re.S)
    assert nl_tweedekamer.follow(Response(url=SYNCFEED, body=empty), target) == []


# --- requests -------------------------------------------------------------------------------------


def _url(**params: str) -> str:
    return nl_tweedekamer.requests(Target(url="", params=params))[0].url


ACTIVITY = (
    "Activiteit($select=Id,Soort,Nummer,Onderwerp,Datum,Aanvangstijd,Eindtijd,Locatie,Status,"
    "Voortouwnaam,Verwijderd)"
)
EXPAND = (
    "&$expand=Document($expand=HuidigeDocumentVersie),"
    "Besluit($expand=Stemming,Agendapunt($expand=Activiteit)),Kamerstukdossier,"
    f"{ACTIVITY},Agendapunt($select=Verwijderd;$expand={ACTIVITY})"
)


def test_requests_for_a_zaak_expand_what_dates_and_links_its_votes() -> None:
    assert _url(zaak="2024Z15447") == f"{ODATA}Zaak?$filter=Nummer%20eq%20'2024Z15447'{EXPAND}"


def test_requests_for_a_dossier_filter_on_kamerstukdossier_and_expand_the_zaken() -> None:
    assert _url(dossier="32317") == (
        f"{ODATA}Zaak?$filter=Kamerstukdossier/any(d:d/Nummer%20eq%2032317)%20and%20Verwijderd%20eq%20false"
        + EXPAND
    )
    assert "d/Nummer%20eq%2021501%20and%20d/Toevoeging%20eq%20'33'" in _url(dossier="21501-33")


def test_requests_for_a_word_and_since_combine_filters() -> None:
    url = _url(query="kinder'misbruik", since="2024-10-01")
    assert url == (
        f"{ODATA}Zaak?$filter=contains(Onderwerp,'kinder''misbruik')%20and%20"
        "GewijzigdOp%20gt%202024-10-01T00:00:00Z%20and%20Verwijderd%20eq%20false" + EXPAND
    )
    assert "GewijzigdOp%20gt%202024-10-01T08:00:00Z" in _url(since="2024-10-01T10:00:00+02:00")


def test_requests_without_parameters_use_the_url() -> None:
    assert nl_tweedekamer.requests(Target(url=SYNCFEED)) == [Request(SYNCFEED)]


@pytest.mark.parametrize(
    "params",
    [{}, {"zaak": "32317-892"}, {"dossier": "kst-32317"}, {"since": "last week"}],
)
def test_requests_with_wrong_or_no_parameters_are_config_errors(params: dict[str, str]) -> None:
    with pytest.raises(ConfigError):
        nl_tweedekamer.requests(Target(url="", params=params))


# --- the module against the $metadata capture ------------------------------------------------------


def test_every_odata_field_read_is_declared_in_the_metadata_capture() -> None:
    edm = "{http://docs.oasis-open.org/odata/ns/edm}"
    root = ET.parse(FIXTURES / SLUG / "odata-v4-2.0_metadata.xml").getroot()
    declared = {
        entity.get("Name"): {
            p.get("Name") for p in entity if p.tag in (f"{edm}Property", f"{edm}NavigationProperty")
        }
        for entity in root.iter(f"{edm}EntityType")
    }
    for entity, names in nl_tweedekamer.ODATA_FIELDS.items():
        assert set(names) <= declared[entity], (entity, set(names) - declared[entity])


def test_every_expansion_of_a_zaak_is_a_navigation_property_of_the_metadata_capture() -> None:
    # Each step of ZAAK_EXPAND, read from the $metadata: property -> the entity it leads to.
    edm = "{http://docs.oasis-open.org/odata/ns/edm}"
    root = ET.parse(FIXTURES / SLUG / "odata-v4-2.0_metadata.xml").getroot()
    navigation = {
        (entity.get("Name"), p.get("Name")): p.get("Type", "").split(".")[-1].rstrip(")")
        for entity in root.iter(f"{edm}EntityType")
        for p in entity
        if p.tag == f"{edm}NavigationProperty"
    }
    steps = {
        ("Zaak", "Document"): "Document",
        ("Document", "HuidigeDocumentVersie"): "DocumentVersie",
        ("Zaak", "Besluit"): "Besluit",
        ("Besluit", "Stemming"): "Stemming",
        ("Besluit", "Agendapunt"): "Agendapunt",
        ("Agendapunt", "Activiteit"): "Activiteit",  # where a vote's date lives
        ("Zaak", "Kamerstukdossier"): "Kamerstukdossier",
        ("Zaak", "Activiteit"): "Activiteit",  # the Zaak's scheduled and held activities
        ("Zaak", "Agendapunt"): "Agendapunt",  # ... and those it is an agenda item of
    }
    assert {step: navigation[step] for step in steps} == steps
    without_select = re.sub(r"\$select=[A-Za-z,]+;?", "", nl_tweedekamer.ZAAK_EXPAND)
    named = re.findall(r"([A-Za-z]+)(?=[(,)]|$)", without_select)
    assert sorted(named) == sorted([name for _, name in steps] + ["Activiteit"])  # twice


def test_every_selected_property_of_a_zaak_s_activities_is_in_the_metadata_capture() -> None:
    # Changed on purpose with the activities: each $select names properties of its entity.
    expand = nl_tweedekamer.ZAAK_EXPAND
    selected = re.findall(r"([A-Za-z]+)\(\$select=([A-Za-z,]+)", expand)
    assert [entity for entity, _ in selected] == ["Activiteit", "Agendapunt", "Activiteit"]
    for entity, names in selected:
        assert set(names.split(",")) <= set(nl_tweedekamer.ODATA_FIELDS[entity]), entity


def test_module_documents_itself() -> None:
    first_line = (nl_tweedekamer.__doc__ or "").splitlines()[0]
    assert first_line.startswith("Tweede Kamer open data")
    assert nl_tweedekamer.URL_HELP
    assert set(nl_tweedekamer.PARAMS) == {"zaak", "dossier", "query", "since"}
