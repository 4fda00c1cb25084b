"""Runners over :mod:`geomap.pipeline`: Dask (:mod:`~geomap.runners.dask`) and the incremental
GeoPackage event store (:mod:`~geomap.runners.store`)."""
