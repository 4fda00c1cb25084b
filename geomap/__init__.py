"""geomap: an offline strike mapper.

News articles in, geocoded and dated strike events out, as GIS files and a layered
Folium map that works without a network. Importing geomap is cheap: every stage
loads its heavy dependencies (spaCy, geopandas, folium) on first use.

>>> import geomap
>>> geomap.geocode("Stanislav, Kherson Oblast").match.admin1_name  # doctest: +SKIP
'Kherson Oblast'
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geomap.api import extract, make_map, places
    from geomap.gazetteer import Gazetteer, Resolution
    from geomap.geocoder import GazetteerGeocoder
    from geomap.records import Article, Candidate, Mention, Source, StrikeEvent

try:
    __version__ = version("geomap")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without metadata
    __version__ = "0+unknown"

__all__ = [
    "Article",
    "Candidate",
    "Gazetteer",
    "GazetteerGeocoder",
    "Mention",
    "Source",
    "StrikeEvent",
    "__version__",
    "extract",
    "geocode",
    "make_map",
    "places",
]

#: Public names loaded on first use: name -> (module, attribute).
_LAZY = {
    "Article": ("geomap.records", "Article"),
    "Candidate": ("geomap.records", "Candidate"),
    "Gazetteer": ("geomap.gazetteer", "Gazetteer"),
    "GazetteerGeocoder": ("geomap.geocoder", "GazetteerGeocoder"),
    "Mention": ("geomap.records", "Mention"),
    "Source": ("geomap.records", "Source"),
    "StrikeEvent": ("geomap.records", "StrikeEvent"),
    "extract": ("geomap.api", "extract"),
    "make_map": ("geomap.api", "make_map"),
    "places": ("geomap.api", "places"),
}


def geocode(query: str, *, country: str | None = None) -> Resolution:
    """Resolve one query against the bundled gazetteer (a :class:`~geomap.gazetteer.Resolution`)."""
    from geomap.gazetteer import Gazetteer, Hints

    return Gazetteer.default().resolve(query, country, Hints())


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'geomap' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
