"""Digests: who follows what, the weekly email about it, and the alerts sent at once.

watches (seeded watches, checks), relevance (pure matching; the topics and
the folding of words it reads are vocab's), select (pure: which changes each subscriber is told of), model
and compose (pure: the digest and its templates), message (the email), send (the
period, claims, retries; SMTP or the outbox through transport). Alerts:
alertrules (pure: quiet hours, back-off, thresholds, channel URLs), alerts (pure:
what one alert says), alertsend (queue once per watch, change and channel; send
through apprise; record how it went).
"""
