"""Helpers shared by the tests and the benchmarks: headless Chromium, synthetic event frames,
and the ``bundled_gazetteer`` fixture.

The browser (:data:`CHROMIUM`, :func:`launch_chromium`) comes from :mod:`tools.browser`, shared with
``bench/bench_map.py``.
The events come from one factory, :func:`make_event`, and the frames from
:func:`geomap.io.to_geodataframe`, so that the render and export tests do not depend on extraction.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

#: The gazetteer committed in the repository (data/gazetteer/).
BUNDLED_GAZETTEER = Path(__file__).resolve().parent.parent / "data" / "gazetteer"


@pytest.fixture(scope="session", autouse=True)
def _session_cache_dir(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN202
    """Derived tables (place table, fuzzy keys) of the bundled and the many temporary
    test gazetteers go to one directory per test run, not to the user's
    ``~/.cache/geomap``; subprocesses (CLI tests, Dask workers) inherit it."""
    old = os.environ.get("GEOMAP_CACHE_DIR")
    os.environ["GEOMAP_CACHE_DIR"] = str(tmp_path_factory.mktemp("geomap-cache"))
    yield
    if old is None:
        os.environ.pop("GEOMAP_CACHE_DIR", None)
    else:
        os.environ["GEOMAP_CACHE_DIR"] = old


@pytest.fixture
def bundled_gazetteer(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point geomap at the committed gazetteer, whatever ``GEOMAP_GAZETTEER_DIR`` says."""
    from geomap import settings

    monkeypatch.setattr(settings, "gazetteer_dir", BUNDLED_GAZETTEER)
    monkeypatch.delenv("GEOMAP_GAZETTEER_DIR", raising=False)
    return BUNDLED_GAZETTEER


from tools.browser import CHROMIUM, CHROMIUM_ARGS, launch_chromium  # noqa: E402,F401 - re-exported to the tests

# --------------------------------------------------------------------------- synthetic event frames

HOSTILE_QUOTE = '<img src=x onerror="window.__pwned=1">'
HOSTILE_TITLE = "</script><script>window.__pwned=2</script>"
JINJA = "{{ 7*7 }} {% raw %}"


def _box(w: float, s: float, e: float, n: float) -> dict:
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


def tiny_base_layers() -> dict:
    """Stand-ins for geomap.boundaries: two countries, two admin-1 units."""
    return {
        "countries": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {"name": "Ukraine"},
                    "geometry": _box(22, 44, 40, 52.4),
                },
                {
                    "type": "Feature",
                    "properties": {"name": "Russia"},
                    "geometry": _box(40, 44, 60, 60),
                },
                {
                    "type": "Feature",
                    "properties": {"name": "Chile"},
                    "geometry": _box(-76, -56, -66, -17),
                },
            ],
        },
        "admin1": {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {
                        "gn_a1_code": "UA.07",
                        "country_code": "UA",
                        "admin1": "07",
                        "iso_3166_2": "UA-63",
                        "name": "Kharkiv Oblast",
                        "name_local": "Харківська",
                        "label_lat": 49.5,
                        "label_lon": 36.5,
                    },
                    "geometry": _box(35, 48.5, 38.5, 50.5),
                },
                {
                    "type": "Feature",
                    "properties": {
                        "gn_a1_code": "UA.17",
                        "country_code": "UA",
                        "admin1": "17",
                        "iso_3166_2": "UA-51",
                        "name": "Odesa Oblast",
                        "name_local": "Одеська",
                        "label_lat": 46.8,
                        "label_lon": 30.2,
                    },
                    "geometry": _box(28.5, 45.2, 31.5, 48.2),
                },
            ],
        },
    }


def make_event(**overrides: Any) -> Any:
    """The one synthetic :class:`~geomap.records.StrikeEvent` of the tests: a drone strike on a
    house in Kharkiv reported by one article; ``overrides`` replace any field."""
    from geomap.records import Source, StrikeEvent

    fields: dict[str, Any] = {
        "event_id": "e",
        "date": "2024-01-13",
        "time_precision": 1,
        "date_source": "stated",
        "place_text": "Kharkiv",
        "place_name": "Kharkiv",
        "geonameid": 706483,
        "lat": 49.98,
        "lon": 36.25,
        "country_code": "UA",
        "admin1": "07",
        "admin1_name": "Kharkiv Oblast",
        "geo_precision": 1,
        "event_type": "Air/drone strike",
        "weapon": "drone",
        "weapon_model": None,
        "actor": "Russian forces",
        "target": "residential",
        "killed": 0,
        "injured": 0,
        "intercepted": False,
        "quote": "A drone hit a house.",
        "confidence": 0.7,
        "sources": [Source("a1", "Title", "https://example.org/a", "2024-01-13")],
        "geometry": None,
    }
    unknown = set(overrides) - set(fields)
    if unknown:
        raise TypeError(f"make_event: no StrikeEvent field {sorted(unknown)}")
    fields.update(overrides)
    return StrikeEvent(**fields)


def event_row(**kw) -> dict:
    """One row of an event frame: :func:`make_event`'s event in the export schema, then ``kw``
    set as they are (any column, also values the exporter would refuse, such as a bad date).
    ``geometry`` is ``Point(lon, lat)`` unless given (a GeoJSON dict or a shapely geometry)."""
    import pandas as pd
    from shapely.geometry import Point, shape

    from geomap.io import to_geodataframe

    row = to_geodataframe([make_event()]).drop(columns="geometry").astype(object).iloc[0]
    base = {name: None if pd.isna(value) else value for name, value in row.items()}
    base.update(kw)
    if "geometry" not in kw:
        base["geometry"] = Point(base["lon"], base["lat"])
    elif isinstance(kw["geometry"], dict):
        base["geometry"] = shape(kw["geometry"])
    return base


def sample_strike_events() -> list:
    """Synthetic events: a town pin, a "near" circle, a region polygon, both sides,
    three dates and one undated event, hostile article text."""
    from geomap.records import Source

    return [
        make_event(
            event_id="town-1",
            quote=HOSTILE_QUOTE,
            killed=2,
            injured=5,
            sources=[Source("a1", HOSTILE_TITLE, "https://example.org/a?x=1&y='2'", "2024-01-13")],
        ),
        make_event(
            event_id="near-1",
            date="2024-01-14",
            place_text="near Odesa",
            place_name="Odesa",
            lat=46.48,
            lon=30.72,
            admin1="17",
            admin1_name="Odesa Oblast",
            geo_precision=2,
            weapon="missile",
            weapon_model="Kh-101",
            target="port",
            killed=None,
            injured=3,
            quote=JINJA,
            sources=[Source("a2", "Bad link", "javascript:alert(1)", None)],
        ),
        make_event(
            event_id="region-1",
            date="2024-01-15",
            place_text="Belgorod region",
            place_name="Belgorod Oblast",
            lat=50.7,
            lon=37.0,
            country_code="RU",
            admin1="09",
            admin1_name="Belgorod Oblast",
            geo_precision=3,
            weapon="drone",
            intercepted=True,
            actor="Ukrainian forces",
            quote="Drones were shot down over the region.",
            geometry=_box(35.5, 50.0, 38.5, 51.5),
        ),
        make_event(
            event_id="town-2",
            date=None,
            time_precision=None,
            date_source="none",
            place_text="Kyiv",
            place_name="Kyiv",
            lat=50.45,
            lon=30.52,
            admin1="12",
            admin1_name="Kyiv City",
            weapon="aerial bomb",
            killed=1,
            injured=None,
            quote="Undated report.",
        ),
        make_event(
            event_id="town-3",
            date="2024-01-15",
            place_text="Belgorod",
            place_name="Belgorod",
            lat=50.6,
            lon=36.6,
            country_code="RU",
            admin1="09",
            admin1_name="Belgorod Oblast",
            weapon="mlrs",
            quote="Shelling of Belgorod.",
        ),
    ]


def sample_events():
    """:func:`sample_strike_events` as an event frame (:func:`geomap.io.to_geodataframe`)."""
    from geomap.io import to_geodataframe

    return to_geodataframe(sample_strike_events())


@pytest.fixture
def sample_frame():
    """:func:`sample_events` as a fixture (a fresh GeoDataFrame per test)."""
    return sample_events()
