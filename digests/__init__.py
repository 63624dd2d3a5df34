"""Digests: who follows what, and the weekly email about it.

watches (seeded watches, checks), relevance (pure matching; the topics and
the folding of words it reads are vocab's), select (pure: which changes each subscriber is told of), model
and compose (pure: the digest and its templates), message (the email), send (the
period, claims, retries; SMTP or the outbox through transport).
"""
