"""The bundled gazetteer: look-up and ranking (:mod:`~geomap.gazetteer.core`), the memory-mapped
column storage (:mod:`~geomap.gazetteer.storage`) and the region outlines
(:mod:`~geomap.gazetteer.boundaries`).
"""

from geomap.gazetteer.core import (
    FORMAT_VERSION,
    KINDS,
    Gazetteer,
    Hints,
    Resolution,
    derived_cache_path,
    gazetteer_identity,
    near_hint_points,
    parse_query,
)
from geomap.gazetteer.storage import BLOCK
from geomap.records import Candidate

__all__ = [
    "BLOCK",
    "FORMAT_VERSION",
    "KINDS",
    "Candidate",
    "Gazetteer",
    "Hints",
    "Resolution",
    "derived_cache_path",
    "gazetteer_identity",
    "near_hint_points",
    "parse_query",
]
