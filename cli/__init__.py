"""The `lexwatch` command (entry point `cli:main`).

`cli.app` holds the command tree and `main`; each command group lives in a module of
its own (`sources`, `crawling`, `files`, `service`, `people`), and what commands print
in `output`.
"""

from cli.app import app, main

__all__ = ["app", "main"]
