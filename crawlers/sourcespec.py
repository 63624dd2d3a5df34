"""A source as an admin describes it (CLI flags, a YAML file, a web form), checked and made a Source.

`to_source` is the one path every door takes, so a source is refused the same way
wherever it is typed. Every check fails with a ConfigError that carries the field
it is about (see crawlers.sourcechecks) and says what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from crawlers.jurisdictions import check_jurisdiction
from crawlers.sites import SITES
from crawlers.sourcechecks import (
    NAME_PUNCTUATION,
    check_host,
    check_kind,
    check_name,
    check_params,
    check_requests,
    check_url,
    on_field,
)
from crawlers.targets import check_target
from db.models import Source
from vocab.errors import ConfigError

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


def to_source(
    spec: SourceSpec,
    *,
    default_every: str,
    allow_private: bool | None = None,
    replaying: bool | None = None,
) -> Source:
    """A checked Source row from a spec; a private target is refused unless allowed (default: settings).

    `replaying` (default: settings): a replay server answers every address, so
    host names are not looked up (the demo runs offline).
    """
    allow = _allow(allow_private)
    kind = check_kind(spec.kind)
    name = check_name(spec.name)
    params = check_params(kind, spec.params)
    url = resolve_url(kind, spec.url.strip(), params)
    check_host(kind, url, allow_private=allow)
    check_requests(kind, url, params)
    every, cron = schedule(spec.every, spec.cron, default_every)
    jurisdiction = check_jurisdiction(spec.jurisdiction)
    with on_field("url"):  # last: it resolves the host name
        url = check_target(url, allow_private=allow, resolve_names=not _replaying(replaying))
    return Source(
        name=name or default_name(kind, url, params),
        kind=kind,
        url=url,
        params=params,
        jurisdiction=jurisdiction,
        every_seconds=every,
        cron=cron,
        enabled=spec.enabled,
    )


def _replaying(replaying: bool | None) -> bool:
    from vocab.settings import get_settings

    return bool(get_settings().replay_url) if replaying is None else replaying


def _allow(allow_private: bool | None) -> bool:
    from vocab.settings import get_settings

    return get_settings().allow_private_targets if allow_private is None else allow_private


def parse_every(text: str) -> int:
    """`30s`, `15m`, `6h`, `1d`, `2w` as seconds."""
    match = _EVERY.match(text or "")
    if not match:
        raise ConfigError(
            f"'{text}' is not an interval: write a number and a unit, e.g. 30s, 15m, 6h, 1d",
            field="every",
        )
    seconds = int(float(match[1]) * UNITS[match[2].lower()])
    if seconds < 1:
        raise ConfigError(f"'{text}' is too short: use at least 1s", field="every")
    return seconds


def check_cron(text: str) -> str:
    """A five-field crontab expression, checked by APScheduler."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(text)
    except ValueError as exc:
        raise ConfigError(
            f"'{text}' is not a crontab expression ({exc}): write five fields, e.g. 0 6 * * *",
            field="cron",
        ) from exc
    return text


def schedule(every: str, cron: str, default_every: str) -> tuple[int | None, str | None]:
    """(every_seconds, cron): the cron schedule, else the interval, else the default interval."""
    every, cron = (every or "").strip(), (cron or "").strip()
    if every and cron:
        # Both used to be accepted and cron silently won: the interval typed was lost.
        raise ConfigError("give an interval or a cron schedule, not both", field="schedule")
    if cron:
        return None, check_cron(cron)
    return parse_every(every or default_every), None


def parse_params(pairs: Iterable[str]) -> dict[str, str]:
    """`key=value` strings as a dict."""
    params = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"'{pair}' must be key=value, e.g. selector=#content", field="params")
        params[key.strip()] = value.strip()
    return params


def resolve_url(kind: str, url: str, params: Mapping[str, str]) -> str:
    """The URL given; else one the kind builds from a reference; else '' when its parameters suffice."""
    if url:
        return check_url(url)
    module = SITES[kind]
    key = next((key for key in ("reference", "bill") if params.get(key)), "")
    if key and hasattr(module, "url_for"):
        with on_field(f"params.{key}"):
            return module.url_for(params[key])
    if not params:
        takes = f", or parameters to build one from ({', '.join(module.PARAMS)})"
        raise ConfigError(
            f"{kind} needs a URL{takes if hasattr(module, 'HOSTS') else ''}", field="url"
        )
    return ""


def default_name(kind: str, url: str, params: Mapping[str, str] | None = None) -> str:
    """A readable name from the kind and the URL's host and path (or the parameters, without URL)."""
    parts = urlsplit(url)
    if not url:
        return _nameable(f"{kind}:{'/'.join((params or {}).values())}")
    tail = re.sub(r"[^A-Za-z0-9]+", "-", f"{parts.path}-{parts.query}").strip("-")[-40:]
    return _nameable(f"{kind}:{parts.hostname}" + (f"/{tail}" if tail else ""))


def _nameable(text: str) -> str:
    """Characters a name cannot have made '-'."""
    return "".join(c if c.isalnum() or c in NAME_PUNCTUATION else "-" for c in text)[:120].strip()


def describe_every(seconds: int | None) -> str:
    """Seconds back as the shortest `--every` text."""
    if not seconds:
        return ""
    for unit in ("w", "d", "h", "m"):
        if seconds % UNITS[unit] == 0:
            return f"{seconds // UNITS[unit]}{unit}"
    return f"{seconds}s"


PROCEDURE_KINDS = ("eu_ep_api", "eu_oeil", "eu_eurlex")


def procedure_specs(reference: str) -> list[SourceSpec]:
    """The EU sources that follow one procedure: EP API, OEIL and EUR-Lex."""
    from vocab.identifiers import procedure

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
