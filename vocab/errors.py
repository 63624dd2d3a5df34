"""The project's exception hierarchy: every error Lexwatch raises on purpose is a LexwatchError.

The CLI turns a LexwatchError into one line on stderr and exit status 2; the crawl
catches SourceError per source, records it on the CrawlRun and goes on.
"""


class LexwatchError(Exception):
    """Base of every deliberate error; its message is meant for a person."""


class ConfigError(LexwatchError):
    """A setting or a command-line argument is missing or wrong.

    `field` names the input the message is about (`every`, `url`, `params.selector`), so
    each door labels it its own way: the CLI with its flag, the web form next to the field,
    a YAML import with the entry. The message itself names no flag.
    """

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


class EntriesRefused(ConfigError):
    """Some entries of an import are wrong: one line per problem, and nothing is imported."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class NotFound(LexwatchError):
    """A named thing (source, watch, subscriber, file) does not exist."""


class SourceError(LexwatchError):
    """A watched source could not be read this time; recorded on its CrawlRun."""

    health = "failing"


class FetchError(SourceError):
    """The site did not answer usefully: HTTP error, timeout, redirect to a challenge page."""


class Blocked(SourceError):
    """The site answered with a bot challenge (a WAF or JavaScript wall) instead of the page.

    Neither a broken parser nor a change of the file: the source is `blocked` until a
    fetch gets the page again.
    """

    health = "blocked"
    REASON = "the site answered with a bot challenge instead of the page"

    def __init__(self, detail: str = "", *, url: str = "") -> None:
        self.detail, self.url = detail, url
        where = f"{url}: " if url else ""
        super().__init__(f"{where}{self.REASON}" + (f" ({detail})" if detail else ""))


class MissingKey(SourceError):
    """The source needs an API key that is not configured; it is skipped, not failed."""

    health = "skipped"


class ParseError(SourceError):
    """A response lacks what the parser needs: the page changed shape or came back broken."""

    health = "broken"

    def __init__(self, what: str, *, url: str = "", kind: str = "") -> None:
        self.what, self.url, self.kind = what, url, kind
        where = " ".join(part for part in (kind, url) if part)
        super().__init__(f"{where}: {what}" if where else what)


def describe_bug(what: str, exc: BaseException, *, report: str = "") -> str:
    """The reason shown for an exception Lexwatch did not expect: what failed, and how to report it.

    Such an exception is a bug in Lexwatch, not in the watched site: the reason says
    so, names the exception, and says which command reproduces it.
    """
    detail = f"{type(exc).__name__} {exc}".strip()
    how = f" with the output of `{report}`" if report else ""
    return f"{what} failed: {detail} — this is a bug in Lexwatch, please report it{how}"


class Fault(SourceError):
    """A bug of Lexwatch met while handling one source: that source's run is broken, no other."""

    health = "broken"
