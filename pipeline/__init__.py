"""The pipeline: the one place that runs a crawl end to end (fetch, store, parse, diff, link), here, in a queue worker, or as a check."""
