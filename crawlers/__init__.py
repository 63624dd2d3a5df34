"""Fetching: Scrapy settings, the capture item, the store pipeline and the spider."""
