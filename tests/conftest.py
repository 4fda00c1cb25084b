"""Helpers shared by the tests and the benchmarks: headless Chromium, synthetic event frames,
and the ``bundled_gazetteer`` fixture.

``bench/bench_map.py`` imports :data:`CHROMIUM`, :data:`CHROMIUM_ARGS` and
:func:`launch_chromium` from here, so the browser is started one way everywhere.
The frames are in the export schema (what :func:`geomap.io.export.to_geodataframe`
gives), made by hand so that the render tests do not depend on extraction.
"""

from __future__ import annotations

import json
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


#: The Chromium binary (Debian's ``chromium``); ``GEOMAP_CHROMIUM`` overrides it.
CHROMIUM = Path(os.environ.get("GEOMAP_CHROMIUM", "/usr/bin/chromium"))

#: Launch arguments for headless Chromium in a container, with no network chatter.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def launch_chromium(playwright: Any) -> Any:
    """A headless :data:`CHROMIUM` browser from a started ``sync_playwright()`` object."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))


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


def event_row(**kw) -> dict:
    from shapely.geometry import Point, shape

    base = {
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
        "side": "strikes on Ukraine",
        "quote": "A drone hit a house.",
        "confidence": 0.7,
        "source": "a1",
        "n_sources": 1,
        "source_titles": "Title",
        "source_urls": "https://example.org/a",
        "sources_json": json.dumps(
            [
                {
                    "id": "a1",
                    "title": "Title",
                    "url": "https://example.org/a",
                    "published": "2024-01-13",
                }
            ]
        ),
    }
    base.update(kw)
    if "geometry" not in kw:
        base["geometry"] = Point(base["lon"], base["lat"])
    elif isinstance(kw["geometry"], dict):
        base["geometry"] = shape(kw["geometry"])
    return base


def sample_events():
    """Synthetic events: a town pin, a "near" circle, a region polygon, both sides,
    three dates and one undated event, hostile article text."""
    import geopandas as gpd

    rows = [
        event_row(
            event_id="town-1",
            quote=HOSTILE_QUOTE,
            killed=2,
            injured=5,
            sources_json=json.dumps(
                [
                    {
                        "id": "a1",
                        "title": HOSTILE_TITLE,
                        "url": "https://example.org/a?x=1&y='2'",
                        "published": "2024-01-13",
                    }
                ]
            ),
        ),
        event_row(
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
            sources_json=json.dumps(
                [{"id": "a2", "title": "Bad link", "url": "javascript:alert(1)", "published": None}]
            ),
        ),
        event_row(
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
            side="strikes on Russia",
            actor="Ukrainian forces",
            quote="Drones were shot down over the region.",
            geometry=_box(35.5, 50.0, 38.5, 51.5),
        ),
        event_row(
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
        event_row(
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
            side="strikes on Russia",
            quote="Shelling of Belgorod.",
        ),
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


@pytest.fixture
def sample_frame():
    """:func:`sample_events` as a fixture (a fresh GeoDataFrame per test)."""
    return sample_events()
