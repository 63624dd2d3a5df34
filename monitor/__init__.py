"""Meaning: normalise, fingerprint, diff, classify, link; run.py drives it."""
