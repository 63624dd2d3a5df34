"""Data functions for watches, subscribers and digest runs."""

__all__: list[str] = []
