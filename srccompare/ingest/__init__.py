"""Ingest: paths, stdin, JSON Lines, URLs, feeds and the page cache -> Article.

``load`` reads local inputs, ``fetch`` web pages (through the page ``cache``),
``corpus`` reads and cleans a whole corpus in worker processes.
"""
