"""The `lexwatch` command: its tree of commands, and `main`, where every way a command ends
is decided.

Every deliberate error (vocab.errors.LexwatchError) ends as one line on stderr and exit
status 2; `--format json` gives machine-readable output wherever a person might
script it.
"""

from __future__ import annotations

import sys

import typer
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from cli import crawling, files, service
from cli.alerts import alerts_app
from cli.errors import fail, internal_error, usage_error
from cli.groups import group
from cli.people import digest_app, subscribers_app, users_app, watches_app
from cli.sources import sources_app
from vocab.errors import LexwatchError

app = group("Lexwatch: follow legislative files across EU and national sources.")

# In the order `lexwatch --help` lists them: the commands, then the groups.
COMMANDS = (
    crawling.kinds,
    crawling.parse,
    crawling.crawl,
    crawling.changes,
    crawling.status,
    service.run,
    service.worker,
    service.demo,
    files.files,
    files.file,
    service.serve,
    crawling.capture,
)
GROUPS = {
    "sources": sources_app,
    "watches": watches_app,
    "subscribers": subscribers_app,
    "digest": digest_app,
    "alerts": alerts_app,
    "users": users_app,
}

for command in COMMANDS:
    app.command(command.__name__)(command)
for name, commands in GROUPS.items():
    app.add_typer(commands, name=name)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every way a command ends is one of these, and none prints a traceback.

    A usage mistake: Click's usage lines, exit status 2. A deliberate error
    (LexwatchError, a bad setting): one line, exit 2. Anything else is a bug: one
    line naming the log file that holds its traceback, exit 1.
    """
    try:
        code = app(args=argv, standalone_mode=False, prog_name="lexwatch")
    except typer.TyperException as exc:  # typer's own Click: usage errors, not `click`'s
        usage_error(exc)
    except LexwatchError as exc:
        fail(str(exc))
    except ValidationError as exc:
        first = exc.errors()[0]
        fail(f"setting LEXWATCH_{str(first['loc'][0]).upper()}: {first['msg']}")
    except typer.Abort:  # Ctrl-C or end of input at a prompt
        sys.stderr.write("Aborted!\n")
        sys.exit(1)
    except OperationalError as exc:  # the database went away after the command started
        fail(f"the database failed: {str(exc.orig or exc).strip().splitlines()[0]}")
    except Exception as exc:
        internal_error(exc)
    sys.exit(code if isinstance(code, int) else 0)
