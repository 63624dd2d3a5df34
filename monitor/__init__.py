"""Meaning: normalise, fingerprint, diff, classify, link; pipeline/run.py drives it."""
