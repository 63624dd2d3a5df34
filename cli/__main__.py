"""`python -m cli …` runs the `lexwatch` command."""

from cli.app import main

main()
