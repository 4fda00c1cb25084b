"""Compatibility alias: the exports live in :mod:`geomap.io.table`, :mod:`geomap.io.gis` and
:mod:`geomap.io.acled`, and their public names in :mod:`geomap.io`; ``from geomap.io.export import
read_events`` keeps working. New code imports from :mod:`geomap.io`.
"""

from geomap.io import (
    ACLED_COLUMNS,
    COLUMNS,
    FORMATS,
    areas_path,
    check_output_path,
    from_geodataframe,
    read_events,
    to_acled,
    to_geodataframe,
    write_events,
)

__all__ = [
    "ACLED_COLUMNS",
    "COLUMNS",
    "FORMATS",
    "areas_path",
    "check_output_path",
    "from_geodataframe",
    "read_events",
    "to_acled",
    "to_geodataframe",
    "write_events",
]
