"""Digests: compose (pure), templates, send."""
