"""A source as an admin describes it (CLI flags, a YAML file, a web form), checked and made a Source.

Every check fails with a ConfigError whose message says what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import yaml

from crawlers.sites import SITES
from crawlers.sites.base import Target
from crawlers.targets import check_target
from crawlers.urls import read_url
from db.models import Source
from errors import ConfigError

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class SourceSpec:
    """What an admin gives for one source."""

    kind: str
    url: str
    name: str = ""
    jurisdiction: str = ""
    every: str = ""
    cron: str = ""
    params: Mapping[str, str] = field(default_factory=dict)
    enabled: bool = True


def parse_every(text: str) -> int:
    """`30s`, `15m`, `6h`, `1d`, `2w` as seconds."""
    match = _EVERY.match(text or "")
    if not match:
        raise ConfigError(
            f"--every '{text}' is not an interval: write a number and a unit, e.g. 30s, 15m, 6h, 1d"
        )
    seconds = int(float(match[1]) * UNITS[match[2].lower()])
    if seconds < 1:
        raise ConfigError(f"--every '{text}' is too short: use at least 1s")
    return seconds


def check_cron(text: str) -> str:
    """A five-field crontab expression, checked by APScheduler."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(text)
    except ValueError as exc:
        raise ConfigError(
            f"--cron '{text}' is not a crontab expression ({exc}): e.g. \"0 6 * * *\""
        ) from exc
    return text


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """`key=value` strings as a dict."""
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--param '{pair}' must be key=value, e.g. --param selector=#content")
        params[key.strip()] = value.strip()
    return params


def check_kind(kind: str) -> str:
    """A known source kind."""
    if kind not in SITES:
        raise ConfigError(
            f"unknown kind '{kind}': choose one of {', '.join(sorted(SITES))} (see `lexwatch kinds`)"
        )
    return kind


def check_url(url: str) -> str:
    """An absolute http(s) URL, read (and stored) as the crawler will fetch it."""
    return read_url(url)


def check_params(kind: str, params: Mapping[str, str]) -> dict[str, str]:
    """Only the parameters the kind understands."""
    known = getattr(SITES[kind], "PARAMS", {})
    unknown = sorted(set(params) - set(known))
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise ConfigError(
            f"kind '{kind}' has no parameter {', '.join(unknown)}: it takes {allowed}"
        )
    return dict(params)


def resolve_url(kind: str, url: str, params: Mapping[str, str]) -> str:
    """The URL given; else one the kind builds from a reference; else '' when its parameters suffice."""
    if url:
        return check_url(url)
    module = SITES[kind]
    reference = params.get("reference") or params.get("bill") or ""
    if reference and hasattr(module, "url_for"):
        return module.url_for(reference)
    if params and _buildable(module, params):
        return ""
    raise ConfigError(
        f"kind '{kind}' needs --url or its parameters (see `lexwatch kinds`), e.g. {module.URL_HELP}"
    )


def _buildable(module: Any, params: Mapping[str, str]) -> bool:
    """True when the kind can make its requests from the parameters alone (placeholder keys)."""
    placeholders = {"dip_api_key": "-", "congress_api_key": "-"}
    try:
        return bool(module.requests(Target("", dict(params), placeholders)))
    except ConfigError:
        return False


def to_source(spec: SourceSpec, *, default_every: str, allow_private: bool | None = None) -> Source:
    """A checked Source row from a spec; a private target is refused unless allowed (default: settings)."""
    kind = check_kind(spec.kind)
    params = check_params(kind, spec.params)
    url = check_target(resolve_url(kind, spec.url, params), allow_private=_allow(allow_private))
    cron = check_cron(spec.cron) if spec.cron else None
    every = None if cron else parse_every(spec.every or default_every)
    name = spec.name or default_name(kind, url)
    return Source(name=name, kind=kind, url=url, params=params, jurisdiction=spec.jurisdiction.upper(),
                  every_seconds=every, cron=cron, enabled=spec.enabled)  # fmt: skip


def _allow(allow_private: bool | None) -> bool:
    from config import get_settings

    return get_settings().allow_private_targets if allow_private is None else allow_private


def default_name(kind: str, url: str) -> str:
    """A readable name from the kind and the URL's host and path."""
    parts = urlsplit(url)
    tail = re.sub(r"[^A-Za-z0-9]+", "-", f"{parts.path}-{parts.query}").strip("-")[-40:]
    return f"{kind}:{parts.hostname}" + (f"/{tail}" if tail else "")


def describe_every(seconds: int | None) -> str:
    """Seconds back as the shortest `--every` text."""
    if not seconds:
        return ""
    for unit in ("w", "d", "h", "m"):
        if seconds % UNITS[unit] == 0:
            return f"{seconds // UNITS[unit]}{unit}"
    return f"{seconds}s"


def specs_from_yaml(text: str) -> list[SourceSpec]:
    """Sources from a YAML document: `sources:` entries and `procedures:` references."""
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"the file is not valid YAML ({exc.__class__.__name__}): check its indentation"
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(
            "the file must hold a mapping with a 'sources:' list (see README, 'Sources in YAML')"
        )
    specs = [_spec(entry, index) for index, entry in enumerate(data.get("sources") or [], 1)]
    for reference in data.get("procedures") or []:
        specs += procedure_specs(str(reference))
    return specs


def _spec(entry: Any, index: int) -> SourceSpec:
    if not isinstance(entry, dict) or "kind" not in entry:
        raise ConfigError(f"source #{index} in the file needs at least 'kind' and 'url'")
    params = {str(k): str(v) for k, v in (entry.get("params") or {}).items()}
    return SourceSpec(kind=str(entry["kind"]), url=str(entry.get("url") or ""), name=str(entry.get("name") or ""),
                      jurisdiction=str(entry.get("jurisdiction") or ""), every=str(entry.get("every") or ""),
                      cron=str(entry.get("cron") or ""), params=params,
                      enabled=bool(entry.get("enabled", True)))  # fmt: skip


PROCEDURE_KINDS = ("eu_ep_api", "eu_oeil", "eu_eurlex")


def procedure_specs(reference: str) -> list[SourceSpec]:
    """The EU sources that follow one procedure: EP API, OEIL and EUR-Lex."""
    from monitor.identifiers import procedure

    canonical = procedure(reference)
    if canonical is None:
        raise ConfigError(
            f"'{reference}' is not a procedure reference: write it like 2022/0155(COD)"
        )
    kinds = [kind for kind in PROCEDURE_KINDS if kind in SITES]
    return [
        SourceSpec(
            kind=kind,
            url="",
            name=f"{kind}:{canonical}",
            jurisdiction="EU",
            params={"reference": canonical},
        )
        for kind in kinds
    ]


def to_yaml(sources: Iterable[Source]) -> str:
    """Sources as the YAML that `sources import` reads back."""
    entries = [_entry(s) for s in sources]
    return yaml.safe_dump({"sources": entries}, sort_keys=False, allow_unicode=True)


def _entry(source: Source) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": source.name, "kind": source.kind, "url": source.url}
    if source.jurisdiction:
        entry["jurisdiction"] = source.jurisdiction
    entry["cron" if source.cron else "every"] = source.cron or describe_every(source.every_seconds)
    if source.params:
        entry["params"] = dict(source.params)
    if not source.enabled:
        entry["enabled"] = False
    return entry
