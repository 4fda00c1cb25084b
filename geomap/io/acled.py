"""ACLED columns: the event frame renamed and derived so that it merges with an ACLED export.

ACLED's own columns come first, in the order of its post-March-2023 exports
(:data:`ACLED_COLUMNS`); geomap's extras follow under their geomap names. What
geomap fills, by ACLED's codebook:

``event_id_cnty``, ``event_date``, ``year``, ``time_precision``, ``geo_precision``
    from the event (``event_id``, ``date`` ...).
``disorder_type``, ``event_type``, ``sub_event_type``
    ``sub_event_type`` is geomap's ``event_type``; the other two follow from it.
``actor1``, ``inter1``
    geomap's ``actor``; ``inter1`` is ACLED's actor type code of ``actor1``
    (:data:`ACTOR_TYPES`: 1 = State Forces for the Russian and Ukrainian
    military), empty when the actor is unknown.
``actor2``, ``inter2``, ``civilian_targeting``
    civilians (``"Civilians (Ukraine)"``, ``inter2`` 7, "Civilian targeting") when
    the target is a civilian one (:data:`CIVILIAN_TARGETS`), else no second actor
    (``inter2`` 0).
``interaction``
    the two actor type codes as one two-digit number, the lower first and 0 (no
    second actor) last: 17 = State Forces vs civilians, 10 = State Forces alone.
    Empty when ``inter1`` is.
``iso``, ``country``, ``region``, ``admin1``, ``location``, ``latitude``, ``longitude``
    from the country code and the place (``admin1`` is the region *name*, ACLED's
    use; geomap's code is the extra ``admin1_code``).
``source``, ``notes``, ``fatalities``
    article ids, the quote, and the number killed (0 when unknown, as ACLED codes
    it; the extra ``killed`` stays empty then).
``timestamp``
    Unix time (seconds) of the record: when it was exported.

``assoc_actor_1``, ``assoc_actor_2``, ``admin2``, ``admin3``, ``source_scale`` and
``tags`` stay empty.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from geomap.io.table import COLUMNS, CRS, conform, present, typed

if TYPE_CHECKING:
    import geopandas
    import pandas

__all__ = ["ACLED_COLUMNS", "ACTOR_TYPES", "CIVILIAN_TARGETS", "from_acled", "is_acled", "to_acled"]

#: ACLED's own columns, in the order of its post-March-2023 exports.
_ACLED_CORE: tuple[tuple[str, str], ...] = (
    ("event_id_cnty", "str"),
    ("event_date", "str"),
    ("year", "Int32"),
    ("time_precision", "Int32"),
    ("disorder_type", "str"),
    ("event_type", "str"),
    ("sub_event_type", "str"),
    ("actor1", "str"),
    ("assoc_actor_1", "str"),
    ("inter1", "Int32"),
    ("actor2", "str"),
    ("assoc_actor_2", "str"),
    ("inter2", "Int32"),
    ("interaction", "Int32"),
    ("civilian_targeting", "str"),
    ("iso", "Int32"),
    ("region", "str"),
    ("country", "str"),
    ("admin1", "str"),
    ("admin2", "str"),
    ("admin3", "str"),
    ("location", "str"),
    ("latitude", "float64"),
    ("longitude", "float64"),
    ("geo_precision", "Int32"),
    ("source", "str"),
    ("source_scale", "str"),
    ("notes", "str"),
    ("fatalities", "Int64"),
    ("tags", "str"),
    ("timestamp", "Int64"),
)

#: geomap columns renamed to ACLED's (the rest of ACLED's columns are derived or empty).
_TO_ACLED: dict[str, str] = {
    "event_id": "event_id_cnty",
    "date": "event_date",
    "event_type": "sub_event_type",
    "actor": "actor1",
    "admin1_name": "admin1",
    "place_name": "location",
    "lat": "latitude",
    "lon": "longitude",
    "quote": "notes",
}

#: geomap columns that follow ACLED's, under their geomap names.
_ACLED_EXTRAS: tuple[str, ...] = (
    "country_code",
    "admin1_code",
    "place_text",
    "geonameid",
    "weapon",
    "weapon_model",
    "target",
    "killed",
    "injured",
    "intercepted",
    "side",
    "confidence",
    "date_source",
    "n_sources",
    "source_titles",
    "source_urls",
    "sources_json",
)

#: Full ``acled=True`` column order.
ACLED_COLUMNS: tuple[str, ...] = tuple(n for n, _ in _ACLED_CORE) + _ACLED_EXTRAS

#: ACLED sub-event type -> (disorder_type, event_type).
_ACLED_TYPES: dict[str, tuple[str, str]] = {
    "Air/drone strike": ("Political violence", "Explosions/Remote violence"),
    "Shelling/artillery/missile attack": ("Political violence", "Explosions/Remote violence"),
    "Remote explosive/landmine/IED": ("Political violence", "Explosions/Remote violence"),
    "Disrupted weapons use": ("Strategic developments", "Strategic developments"),
}

#: ISO 3166-1 alpha-2 -> (ACLED country name, ISO numeric, ACLED region).
_COUNTRIES: dict[str, tuple[str, int, str]] = {
    "UA": ("Ukraine", 804, "Europe"),
    "RU": ("Russia", 643, "Europe"),
    "BY": ("Belarus", 112, "Europe"),
    "MD": ("Moldova", 498, "Europe"),
    "PL": ("Poland", 616, "Europe"),
    "RO": ("Romania", 642, "Europe"),
}

#: geomap actor -> ACLED actor type code (``inter1``): 1 State Forces, 2 Rebel Groups,
#: 3 Political Militias, 4 Identity Militias, 5 Rioters, 6 Protesters, 7 Civilians,
#: 8 External/Other Forces.
ACTOR_TYPES: dict[str, int] = {"Russian forces": 1, "Ukrainian forces": 1}

#: geomap targets that make civilians ACLED's second actor (``inter2`` 7).
CIVILIAN_TARGETS = frozenset({"residential"})

_CIVILIANS = 7
_NO_ACTOR = 0


def interaction(inter1: int | None, inter2: int) -> int | None:
    """ACLED's ``interaction``: both actor type codes, the lower first, 0 (no second actor) last."""
    if inter1 is None:
        return None
    if inter2 == _NO_ACTOR:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def _acled_row(row: Mapping[str, Any], timestamp: int) -> dict[str, Any]:
    """ACLED-named values for one geomap row (see :func:`to_acled`)."""
    out = {acled: row[ours] for ours, acled in _TO_ACLED.items()}
    date = row["date"]
    disorder, event_type = _ACLED_TYPES.get(row["event_type"], (None, None))
    country = _COUNTRIES.get(row["country_code"] if present(row["country_code"]) else "")
    country_name = country[0] if country else row["country_code"]
    killed = row["killed"]
    inter1 = ACTOR_TYPES.get(row["actor"]) if present(row["actor"]) else None
    civilians = present(row["target"]) and row["target"] in CIVILIAN_TARGETS
    inter2 = _CIVILIANS if civilians else _NO_ACTOR
    out.update(
        year=int(date[:4]) if present(date) else None,
        time_precision=row["time_precision"],
        disorder_type=disorder,
        event_type=event_type,
        inter1=inter1,
        actor2=(f"Civilians ({country_name})" if present(country_name) else "Civilians") if civilians else None,
        inter2=inter2,
        interaction=interaction(inter1, inter2),
        civilian_targeting="Civilian targeting" if civilians else None,
        iso=country[1] if country else None,
        region=country[2] if country else None,
        country=country_name,
        geo_precision=row["geo_precision"],
        source=row["source"],  # article ids, "; "-separated like ACLED's source list
        # ACLED codes "no reported fatalities" as 0; geomap's `killed` keeps NA for unknown.
        fatalities=int(killed) if present(killed) else 0,
        timestamp=timestamp,
        admin1_code=row["admin1"],
    )
    for name in _ACLED_EXTRAS:
        out.setdefault(name, row.get(name))
    return out


def to_acled(gdf: pandas.DataFrame, *, timestamp: int | None = None) -> geopandas.GeoDataFrame:
    """Rename and derive columns so the frame merges with an ACLED export (see the module docstring).

    Parameters
    ----------
    gdf
        An event frame (``to_geodataframe``).
    timestamp
        ACLED's ``timestamp`` (Unix seconds) for every row; default: now.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns :data:`ACLED_COLUMNS` plus ``geometry``.
    """
    import geopandas as gpd
    import pandas as pd

    stamp = int(time.time()) if timestamp is None else int(timestamp)
    df = conform(gdf)
    rows = [_acled_row(r, stamp) for r in df.drop(columns="geometry").to_dict("records")]
    frame = pd.DataFrame(rows, index=df.index, columns=list(ACLED_COLUMNS))
    dtypes = dict(COLUMNS)
    extras = tuple((n, dtypes.get(n, "str")) for n in _ACLED_EXTRAS)
    return gpd.GeoDataFrame(typed(frame, _ACLED_CORE + extras), geometry=df.geometry, crs=CRS)


def is_acled(df: pandas.DataFrame) -> bool:
    """True for a frame in ACLED's columns (:func:`to_acled`, or read from such a file)."""
    return "event_id_cnty" in df.columns and "event_id" not in df.columns


def from_acled(df: pandas.DataFrame) -> pandas.DataFrame:
    """Inverse renaming of :func:`to_acled` (ACLED-only columns are dropped later by the schema)."""
    back = {acled: ours for ours, acled in _TO_ACLED.items()}
    df = df.drop(columns=[c for c in ("event_type",) if c in df.columns])
    return df.rename(columns={**back, "admin1_code": "admin1"})
