"""Exports, split by concern and depending on the records only:

* :mod:`geomap.io.table`: the event table derived from :class:`~geomap.records.StrikeEvent`'s
  fields (:data:`COLUMNS`, :func:`to_geodataframe`, :func:`from_geodataframe`);
* :mod:`geomap.io.gis`: the files (GeoJSON, GeoPackage, CSV, KML, FlatGeobuf, GeoParquet:
  :func:`write_events`, :func:`read_events`);
* :mod:`geomap.io.acled`: ACLED's columns (:func:`to_acled`).

The public names are re-exported here: ``from geomap import io`` then ``io.write_events(...)``.
"""

from geomap.io.acled import ACLED_COLUMNS, to_acled
from geomap.io.gis import FORMATS, areas_path, check_output_path, read_events, write_events
from geomap.io.table import COLUMNS, from_geodataframe, to_geodataframe

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
