"""The bundled gazetteer: look-up and ranking (:mod:`~geomap.gazetteer.core`), the memory-mapped
column storage (:mod:`~geomap.gazetteer.storage`) and the region outlines
(:mod:`~geomap.gazetteer.boundaries`).
"""

from geomap.gazetteer.core import (
    DEFAULT_WEIGHTS,
    FORMAT_VERSION,
    KINDS,
    Gazetteer,
    Hints,
    Resolution,
    Weights,
    derived_cache_path,
    gazetteer_identity,
    near_hint_points,
    parse_query,
)
from geomap.gazetteer.storage import (
    BLOCK,
    FLAG_ESTIMATED,
    FLAG_MINOR,
    FLAG_NOTABLE,
    MARK_CURRENT,
    MINOR_POPULATION,
)
from geomap.records import Candidate

__all__ = [
    "BLOCK",
    "DEFAULT_WEIGHTS",
    "FLAG_ESTIMATED",
    "FLAG_MINOR",
    "FLAG_NOTABLE",
    "FORMAT_VERSION",
    "KINDS",
    "MARK_CURRENT",
    "MINOR_POPULATION",
    "Candidate",
    "Gazetteer",
    "Hints",
    "Resolution",
    "Weights",
    "derived_cache_path",
    "gazetteer_identity",
    "near_hint_points",
    "parse_query",
]
