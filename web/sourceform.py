"""The admin's source form: what it holds, how it becomes a checked Source, and the test run.

The form goes through crawlers.sourcespec.to_source like the CLI and YAML
imports, so a source added on the web is checked exactly as one added on the
command line (kind, URL, parameters, schedule, and the private-address guard).
"""

from __future__ import annotations

from dataclasses import dataclass

from crawlers.sourcespec import SourceSpec, describe_every, parse_params, to_source
from db.models import Source
from vocab.errors import LexwatchError
from vocab.fetch import Target
from vocab.records import Record
from vocab.settings import Settings

# The form's fields a refusal can point at; the schedule is the fieldset of every and cron.
FIELDS = ("kind", "url", "params", "name", "jurisdiction", "schedule", "every", "cron")


@dataclass(frozen=True)
class SourceForm:
    """The fields as typed; params one `key=value` per line."""

    kind: str = "page"
    url: str = ""
    name: str = ""
    jurisdiction: str = ""
    every: str = ""
    cron: str = ""
    params: str = ""
    enabled: bool = True

    @classmethod
    def of(cls, source: Source) -> SourceForm:
        """The form filled in from a stored source (for editing)."""
        params = "\n".join(f"{k}={v}" for k, v in source.params.items())
        return cls(
            source.kind,
            source.url,
            source.name,
            source.jurisdiction,
            describe_every(source.every_seconds) if not source.cron else "",
            source.cron or "",
            params,
            source.enabled,
        )

    def source(self, settings: Settings) -> Source:
        """A checked Source; ConfigError says what is wrong."""
        lines = [line.strip() for line in self.params.splitlines() if line.strip()]
        spec = SourceSpec(
            self.kind,
            self.url.strip(),
            self.name.strip(),
            self.jurisdiction.strip(),
            self.every.strip(),
            self.cron.strip(),
            parse_params(lines),
            self.enabled,
        )
        return to_source(
            spec,
            default_every=settings.default_every,
            allow_private=settings.allow_private_targets,
            replaying=bool(settings.replay_url),
        )


def field_error(exc: LexwatchError) -> tuple[str, str]:
    """(form field, message) of a refusal, shown next to that field ('' : above the form).

    A parameter's problem goes next to the parameters box, with the parameter's name.
    """
    field, _, param = getattr(exc, "field", "").partition(".")
    if field not in FIELDS:
        return "", str(exc)
    return field, f"{param}: {exc}" if param else str(exc)


def test_run(settings: Settings, source: Source) -> Record:
    """Fetch and parse the source once, saving nothing: what it would record now."""
    from crawlers import reactor
    from pipeline.run import try_source
    from vocab.fetch import Plan

    target = Target(source.url, dict(source.params), settings.secrets())
    plan = Plan(0, source.name or "test", source.kind, target)
    return reactor.run_coroutine(try_source(plan, settings), timeout=settings.crawl_time_limit + 30)
