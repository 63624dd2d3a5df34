"""The exact requests Lexwatch sends for every source it ships (crawlers/defaults.yaml).

`SHIPPED` is the table a reviewer with internet can check by eye, one request a line:
source name, role, URL (with its parameters and expansions), extra headers. Run
`pytest tests/sites/test_shipped_requests.py -s` to print it. API keys are left out of
the table (where a key travels is tested with the key handling, not here).

Each request is then checked against the description its source publishes, copied into
tests/fixtures with a MANIFEST row: the DIP OpenAPI v1.2, the EP Open Data OpenAPI v2,
the congress.gov swagger, the Tweede Kamer OData `$metadata`.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

import pytest
import yaml

from crawlers.defaults import DEFAULTS
from crawlers.sites import SITES
from crawlers.sourceyaml import specs_from_yaml
from tests.helpers import FIXTURES
from vocab.fetch import Request, Target

SECRETS = {"dip_api_key": "KEY", "congress_api_key": "KEY"}
KEY_PARAMS = {"api_key", "apikey"}
KEY_HEADERS = {"authorization", "x-api-key"}
TK = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak?$filter="
TK_ACTIVITY = (  # the Zaak's activities, for the agenda (changed with them, on purpose)
    "Activiteit($select=Id,Soort,Nummer,Onderwerp,Datum,Aanvangstijd,Eindtijd,Locatie,Status,"
    "Voortouwnaam,Verwijderd)"
)
TK_EXPAND = (
    "&$expand=Document($expand=HuidigeDocumentVersie),"
    "Besluit($expand=Stemming,Agendapunt($expand=Activiteit)),Kamerstukdossier,"
    f"{TK_ACTIVITY},Agendapunt($select=Verwijderd;$expand={TK_ACTIVITY})"
)
LIVE = "%20and%20Verwijderd%20eq%20false"
EP = "https://data.europarl.europa.eu/api/v2/procedures/"
EP_FORMAT = "?format=application%2Fld%2Bjson | Accept: application/ld+json"
OEIL = "https://oeil.europarl.europa.eu/oeil/en/procedure-file?reference="
EURLEX = "https://eur-lex.europa.eu/procedure/EN/"
EURLEX_HEADERS = " | Accept: text/html; Accept-Language: en"
CONGRESS = "https://api.congress.gov/v3/bill/"
BILLS = "https://bills-api.parliament.uk/api/v1/Bills/3137"


def _tk(name: str, odata_filter: str, since: str) -> str:
    since_filter = f"%20and%20GewijzigdOp%20gt%20{since}T00:00:00Z"
    return f"{name} | main | {TK}{odata_filter}{since_filter}{LIVE}{TK_EXPAND}"


def _dossier(number: str, toevoeging: str = "") -> str:
    extra = f"%20and%20d/Toevoeging%20eq%20'{toevoeging}'" if toevoeging else ""
    return f"Kamerstukdossier/any(d:d/Nummer%20eq%20{number}{extra})"


def _procedure(reference: str, process_id: str, eurlex: str) -> list[str]:
    return [
        f"eu_ep_api:{reference} | main | {EP}{process_id}{EP_FORMAT}",
        f"eu_oeil:{reference} | main | {OEIL}{reference}",
        f"eu_eurlex:{reference} | main | {EURLEX}{eurlex}{EURLEX_HEADERS}",
    ]


def _bill(congress: str, number: str) -> list[str]:
    base, name = f"{CONGRESS}{congress}/s/{number}", f"us_congress:{congress}-s-{number}"
    return [
        f"{name} | detail | {base}?format=json",
        f"{name} | actions | {base}/actions?format=json&limit=250",
        f"{name} | summaries | {base}/summaries?format=json",
        f"{name} | text | {base}/text?format=json",
    ]


SHIPPED = [
    _tk("nl_tweedekamer:CSAM", "contains(Onderwerp,'CSAM')", "2022-05-01"),
    _tk("nl_tweedekamer:kindermisbruik", "contains(Onderwerp,'kindermisbruik')", "2022-05-01"),
    _tk("nl_tweedekamer:chatcontrol", "contains(Onderwerp,'chatcontrol')", "2022-05-01"),
    _tk("nl_tweedekamer:encryptie", "contains(Onderwerp,'encryptie')", "2022-05-01"),
    _tk("nl_tweedekamer:32317", _dossier("32317"), "2024-01-01"),
    _tk("nl_tweedekamer:26643", _dossier("26643"), "2024-01-01"),
    _tk("nl_tweedekamer:21501-33", _dossier("21501", "33"), "2024-01-01"),
    _tk("nl_tweedekamer:22112", _dossier("22112"), "2022-05-01"),
    "de_bundestag:COM(2022) 209 | main | "
    "https://search.dip.bundestag.de/api/v1/vorgang?f.titel=sexuellen%20Missbrauchs%20von%20Kindern",
    f"uk_bills:3137 | detail | {BILLS} | Accept: application/json",
    f"uk_bills:3137 | stages | {BILLS}/Stages | Accept: application/json",
    f"uk_bills:3137 | publications | {BILLS}/Publications | Accept: application/json",
    *_bill("118", "1207"),
    *_bill("119", "1829"),
    *_procedure("2022/0155(COD)", "2022-0155", "2022_155"),
    *_procedure("2020/0259(COD)", "2020-0259", "2020_259"),
    *_procedure("2023/0452(COD)", "2023-0452", "2023_452"),
    *_procedure("2024/0035(COD)", "2024-0035", "2024_35"),
]


def _shipped() -> list[tuple[str, str, Request]]:
    """(source name, kind, request) for every request of every shipped source."""
    specs = specs_from_yaml(DEFAULTS.read_text(encoding="utf-8"))
    return [
        (spec.name, spec.kind, request)
        for spec in specs
        for request in SITES[spec.kind].requests(Target(spec.url, dict(spec.params), SECRETS))
    ]


def _without_key(url: str) -> str:
    parts = urlsplit(url)
    if not any(name in KEY_PARAMS for name, _ in parse_qsl(parts.query)):
        return url  # untouched: re-encoding would change how the URL reads
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in KEY_PARAMS]
    return urlunsplit(parts._replace(query=urlencode(query)))


def _line(name: str, request: Request) -> str:
    headers = "; ".join(f"{k}: {v}" for k, v in request.headers if k.lower() not in KEY_HEADERS)
    line = f"{name} | {request.role} | {_without_key(request.url)}"
    return f"{line} | {headers}" if headers else line


def test_the_exact_requests_of_every_shipped_source() -> None:
    lines = [_line(name, request) for name, _, request in _shipped()]
    print("\n" + "\n".join(lines))  # the table, for `pytest -s`
    assert lines == SHIPPED


# --- each request against the description its source publishes ------------------------------


@cache
def _openapi(name: str) -> dict[str, Any]:
    path = FIXTURES / name
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text) if path.suffix == ".yaml" else json.loads(text)


DESCRIPTIONS = {
    "de_bundestag": ("de_bundestag/spec_dip-bundestag-openapi-v1.2.yaml", "/api/v1"),
    "eu_ep_api": ("eu_ep_api/spec_ep-open-data-openapi-v2.json", "/api/v2"),
    "us_congress": ("us_congress/spec_congress-gov-v3-swagger.json", "/v3"),
}
# specs/README.md: the later generated parameter model of the DIP API adds these to /vorgang.
DIP_LATER_MODEL = {"/vorgang": {"f.titel", "f.deskriptor", "f.vorgangstyp", "f.beratungsstand"}}


def _operation(spec: dict[str, Any], path: str) -> tuple[str, dict[str, Any]]:
    """The path template that `path` fills in, and its GET operation."""
    for template, item in spec["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path):
            return template, item["get"]
    raise AssertionError(f"{path} is no path of the description")


def _declared(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, list[str]]:
    """The query parameters an operation declares ($refs resolved), each with its enum if any,
    and the key's parameter."""
    names: dict[str, list[str]] = {}
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        if parameter.get("in") == "query":
            names[parameter["name"]] = parameter.get("schema", {}).get("enum", [])
    schemes = spec.get("components", {}).get("securitySchemes", {}).values()
    return names | {s["name"]: [] for s in schemes if s.get("in") == "query"}


@pytest.mark.parametrize("kind", sorted(DESCRIPTIONS))
def test_shipped_requests_use_only_documented_paths_and_parameters(kind: str) -> None:
    name, base = DESCRIPTIONS[kind]
    spec = _openapi(name)
    requests = [request for _, shipped_kind, request in _shipped() if shipped_kind == kind]
    assert requests, kind
    for request in requests:
        parts = urlsplit(request.url)
        template, operation = _operation(spec, parts.path.removeprefix(base))
        declared = _declared(spec, operation)
        allowed = set(declared) | DIP_LATER_MODEL.get(template, set())
        used = dict(parse_qsl(parts.query))
        assert set(used) <= allowed, (request.url, set(used) - allowed)
        for name, value in used.items():  # a value of an enumerated parameter is one of its values
            assert not declared.get(name) or value in declared[name], (request.url, name)


def test_dip_filters_of_a_vorgang_and_its_papers_are_in_v1_2_itself() -> None:
    spec = _openapi(DESCRIPTIONS["de_bundestag"][0])
    target = Target("", {"vorgang": "290001"}, SECRETS)
    for request in SITES["de_bundestag"].requests(target):
        parts = urlsplit(request.url)
        _, operation = _operation(spec, parts.path.removeprefix("/api/v1"))
        assert {k for k, _ in parse_qsl(parts.query)} <= set(_declared(spec, operation))
    papers = _operation(spec, "/drucksache")[1]
    assert "f.id" in _declared(spec, papers) and "f.vorgang" not in _declared(spec, papers)


def test_tweede_kamer_filters_name_properties_of_the_metadata_capture() -> None:
    edm = "{http://docs.oasis-open.org/odata/ns/edm}"
    root = ET.parse(FIXTURES / "nl_tweedekamer" / "odata-v4-2.0_metadata.xml").getroot()
    properties = {
        entity.get("Name"): {p.get("Name") for p in entity}
        for entity in root.iter(f"{edm}EntityType")
    }
    for _, kind, request in _shipped():
        if kind != "nl_tweedekamer":
            continue
        odata_filter = unquote(dict(parse_qsl(urlsplit(request.url).query))["$filter"])
        names = re.sub(r"'[^']*'", "", odata_filter)  # string literals are no property names
        dossier = set(re.findall(r"\bd/([A-Za-z]+)", names))  # any(d: …) ranges over dossiers
        zaak = set(re.findall(r"\b([A-Z][A-Za-z]+)\b", re.sub(r"\bd/[A-Za-z]+", "", names)))
        assert zaak <= properties["Zaak"], zaak - properties["Zaak"]
        assert dossier <= properties["Kamerstukdossier"], dossier - properties["Kamerstukdossier"]


def test_every_site_module_names_the_description_it_follows() -> None:
    for slug, module in SITES.items():
        assert "Follows:" in (module.__doc__ or ""), f"{slug}: say which description it follows"
