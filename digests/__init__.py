"""Digests: who follows what, and the weekly email about it.

watches (seeded watches, checks), topics (multilingual alias sets), relevance
(pure matching), select (pure: which changes each subscriber is told of), model
and compose (pure: the digest and its templates), message (the email), send (the
period, claims, retries; SMTP or the outbox through transport).
"""
