"""Benchmarks: run by `make bench`; each writes bench/results/<name>.json and rows for one table."""
