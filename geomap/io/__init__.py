"""Exports: the event table built from :class:`~geomap.records.StrikeEvent`'s fields, GIS files
(GeoJSON, GeoPackage, CSV, KML, FlatGeobuf, GeoParquet) and ACLED columns. Depends on the records only.
"""

from geomap.io.export import (
    ACLED_COLUMNS,
    COLUMNS,
    FORMATS,
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
    "check_output_path",
    "from_geodataframe",
    "read_events",
    "to_acled",
    "to_geodataframe",
    "write_events",
]
