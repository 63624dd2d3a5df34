"""Data functions for the web app: search, users, what file pages show."""

__all__: list[str] = []
