"""Ingest: files, folders, JSONL and stdin in; cleaned :class:`~geomap.records.Article` records out.

:mod:`~geomap.ingest.readers` walks inputs and decodes them, :mod:`~geomap.ingest.html` and
:mod:`~geomap.ingest.markdown` take the text out of pages, :mod:`~geomap.ingest.dates` finds
publication dates and :mod:`~geomap.ingest.clean` removes page furniture.
"""

from geomap.ingest.clean import clean_text
from geomap.ingest.dates import detect_published, parse_date
from geomap.ingest.readers import SUFFIXES, article_from_text, read_articles
from geomap.records import DATE_SOURCES, Article

__all__ = [
    "DATE_SOURCES",
    "SUFFIXES",
    "Article",
    "article_from_text",
    "clean_text",
    "detect_published",
    "parse_date",
    "read_articles",
]
