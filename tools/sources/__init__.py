"""Source readers and curated tables for the gazetteer build (issue 15, gazetteer v2).

Each module reads one source into typed records; ``tools/build_gazetteer.py`` decides
how they are merged. Nothing here touches the network.

* :mod:`tools.sources.romanize` — official Ukrainian romanisation (2010);
* :mod:`tools.sources.wof` — Who's On First localities and neighbourhoods of Ukraine;
* :mod:`tools.sources.airports` — aerodromes of UA/RU/BY from ``airportsdata`` plus
  ``tools/data/airbases.csv``;
* :mod:`tools.sources.districts` — city districts (``tools/data/city_districts.csv``);
* :mod:`tools.sources.populations` — curated city populations (``tools/data/populations.csv``);
* :mod:`tools.sources.country_points` — GeoNames-like country points
  (``tools/data/country_points.csv``).
"""

from __future__ import annotations

from pathlib import Path

#: Folder of the curated tables (CSV with a ``source`` column).
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: Default folder of the large third-party inputs (see its README).
SHARED_SOURCES = Path(__file__).resolve().parents[3] / "shared" / "gazetteer-sources"
