"""Shared readers: the small helpers every site module uses to read its answers.

A site module holds only what is specific to its source (which element carries the
title, which label names the stage); reading the answer itself goes through these:

- `json_data`: walking a JSON answer (a path read safely, a list that may come as one
  object or not at all, strings stripped);
- `xml_data`: XML through lxml only, on a parser that resolves no entities and fetches
  nothing, with namespace-aware lookups;
- `html_text`: HTML parsed once on BeautifulSoup's lxml builder, then the text of an
  element on one line or split where its blocks break, absolute links, a page's
  canonical address, labels as field names;
- `tree_text`: HTML on one lxml tree, read as text string by string (the page kind's
  reader: the same text as BeautifulSoup's reading gave, at a fraction of the cost);
- `answers`: a source's answers sorted by shape (one thing's, or one list's, never mixed).

Readers are pure like the site modules that call them: text in, values out.
"""
