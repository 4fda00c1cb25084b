"""Exceptions raised by geomap.

Every geomap error derives from :class:`GeomapError` and also from the matching
built-in exception, so callers can catch either (the geopy convention).
"""

from __future__ import annotations

__all__ = [
    "GeomapError",
    "GazetteerError",
    "InputError",
    "OutputError",
    "ProcessingError",
    "QueryError",
    "SettingsError",
]


class GeomapError(Exception):
    """Base class of all geomap errors."""


class GazetteerError(GeomapError, OSError):
    """The gazetteer data is missing, unreadable or corrupt."""


class QueryError(GeomapError, ValueError):
    """A geocoding query or argument is invalid (e.g. an unknown country code)."""


class InputError(GeomapError, ValueError):
    """An input file or record cannot be read as an article.

    The message names the file (and line, for JSONL) and the problem.
    """


class OutputError(GeomapError, OSError):
    """An output file cannot be written (missing directory, no permission ...)."""


class ProcessingError(GeomapError, RuntimeError):
    """Extracting events from one article failed (in this process or on a Dask worker).

    The message is one line that starts with the article's path or id.
    """


class SettingsError(GeomapError, ValueError):
    """A setting (or its ``GEOMAP_*`` environment override) is unknown or malformed."""
