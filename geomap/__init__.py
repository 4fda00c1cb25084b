"""geomap: an offline strike mapper.

News articles in, geocoded and dated strike events out, as GIS files and a layered
Folium map that works without a network. Importing geomap is cheap: every stage
loads its heavy dependencies (spaCy, geopandas, folium) on first use.

>>> import geomap
>>> geomap.geocode("Stanislav, Kherson Oblast").match.admin1_name  # doctest: +SKIP
'Kherson Oblast'
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = [
    "GazetteerGeocoder",
    "Gazetteer",
    "StrikeEvent",
    "__version__",
    "extract",
    "geocode",
    "make_map",
    "places",
]

_LAZY = {
    "Gazetteer": ("geomap.gazetteer", "Gazetteer"),
    "GazetteerGeocoder": ("geomap.geocoder", "GazetteerGeocoder"),
    "StrikeEvent": ("geomap.events", "StrikeEvent"),
    "extract": ("geomap.api", "extract"),
    "make_map": ("geomap.api", "make_map"),
    "places": ("geomap.api", "places"),
}


def geocode(query: str, *, country: str | None = None) -> Any:
    """Resolve one query against the bundled gazetteer (a ``Resolution``)."""
    from geomap.gazetteer import Gazetteer, Hints

    return Gazetteer.default().resolve(query, country, Hints())


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'geomap' has no attribute {name!r}")
