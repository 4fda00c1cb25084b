"""The offline base map data/basemap/basemap.json and its builder (tools/build_basemap.py)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tools import build_basemap as bb

REPO = Path(__file__).resolve().parent.parent
BASEMAP = REPO / "data" / "basemap" / "basemap.json"
SOURCES = REPO.parent / "shared" / "basemap-sources"
#: Size cap of the built file (the map page embeds it whole).
MAX_BYTES = 600_000
KHERSON = (46.63, 32.6)


@pytest.fixture(scope="module")
def basemap() -> dict[str, Any]:
    with BASEMAP.open(encoding="utf-8") as fh:
        return json.load(fh)


def decode(flat: list[int], scale: int) -> list[tuple[float, float]]:
    """A flat delta array as [(lat, lon), ...]."""
    out, lat, lon = [], 0, 0
    for i in range(0, len(flat), 2):
        lat, lon = lat + flat[i], lon + flat[i + 1]
        out.append((lat / scale, lon / scale))
    return out


def test_layers(basemap: dict[str, Any]) -> None:
    assert basemap["format"] == "geomap-basemap" and basemap["version"] == bb.FORMAT_VERSION
    assert basemap["order"] == "lat,lon" and basemap["scale"] == bb.SCALE
    assert set(basemap["levels"]) == {"low", "high"}
    for level in basemap["levels"].values():
        for key in ("rivers", "lakes", "coast"):
            assert level[key], key
            assert all(isinstance(f["z"], int) and f["g"] for f in level[key])
    assert basemap["towns"]["fields"] == list(bb.TOWN_FIELDS)
    assert basemap["regions"]["fields"] == list(bb.REGION_FIELDS)
    # The low level only holds what is drawn at zoom <= 6, and fewer points than the high one.
    low, high = basemap["levels"]["low"], basemap["levels"]["high"]
    assert max(f["z"] for f in low["rivers"]) <= low["zoom"][1] < high["zoom"][0]
    assert bb.count_points(low["rivers"]) < bb.count_points(high["rivers"])


@pytest.mark.parametrize("level", ["low", "high"])
def test_dnipro_reaches_kherson(basemap: dict[str, Any], level: str) -> None:
    # Natural Earth ends the Dnipro line ~4 km east of Kherson (the coastline takes over there).
    scale = basemap["scale"]
    dnipro = [f for f in basemap["levels"][level]["rivers"] if f.get("n") == "Dnipro"]
    assert dnipro
    nearest = min(
        bb.haversine_km(*KHERSON, lat, lon) for f in dnipro for part in f["g"] for lat, lon in decode(part, scale)
    )
    assert nearest <= 5.0
    main_rivers = {f.get("n") for f in basemap["levels"][level]["rivers"]}
    assert {"Dnipro", "Dniester", "Don", "Desna", "Donets", "Pripyat", "Oskol"} <= main_rivers


def test_towns(basemap: dict[str, Any]) -> None:
    rows = [dict(zip(basemap["towns"]["fields"], r)) for r in basemap["towns"]["rows"]]
    names = {r["name"] for r in rows}
    assert {"Kharkiv", "Kyiv", "Odesa", "Kropyvnytskyi", "Dnipro", "Lviv"} <= names
    assert not {"Kharkov", "Kiev", "Odessa", "Kirovohrad", "Lvov", "Sevastapol"} & names
    kharkiv = next(r for r in rows if r["name"] == "Kharkiv")
    assert bb.haversine_km(kharkiv["lat"], kharkiv["lon"], 49.99, 36.23) < 10
    assert kharkiv["pop"] > 1_000_000 and kharkiv["z"] <= 5
    assert all(r["pop"] >= bb.MIN_POPULATION or r["cap"] for r in rows)
    kyiv = next(r for r in rows if r["name"] == "Kyiv")
    assert kyiv["cap"] == 2 and kyiv["z"] == min(r["z"] for r in rows)
    keys = [(r["z"], -r["pop"]) for r in rows]
    assert keys == sorted(keys)


def test_regions(basemap: dict[str, Any]) -> None:
    rows = [dict(zip(basemap["regions"]["fields"], r)) for r in basemap["regions"]["rows"]]
    ua = [r for r in rows if r["cc"] == "UA"]
    assert len(ua) == 27
    s, w, n, e = basemap["bounds"]
    assert all(s <= r["lat"] <= n and w <= r["lon"] <= e for r in rows)
    kherson = next(r for r in ua if r["name"].startswith("Kherson"))
    assert bb.haversine_km(kherson["lat"], kherson["lon"], *KHERSON) < 150


def test_size() -> None:
    assert BASEMAP.stat().st_size < MAX_BYTES


def test_encode_coords() -> None:
    line = [(32.6, 46.63), (32.6004, 46.6301), (32.602, 46.629)]
    assert bb.encode_coords(line) == [46630, 32600, -1, 2]
    ring = [(30.0, 50.0), (30.01, 50.0), (30.01, 50.01), (30.0, 50.0)]
    assert bb.encode_coords(ring, ring=True) == [50000, 30000, 0, 10, 10, 0]
    assert bb.encode_coords([(30.0, 50.0), (30.0001, 50.0)]) == []
    assert decode(bb.encode_coords(line), bb.SCALE)[-1] == (46.629, 32.602)


def _cand(name: str, lat: float, lon: float, cc: str = "UA", kind: str = "city", gid: int = 1) -> Any:
    return SimpleNamespace(name=name, lat=lat, lon=lon, country_code=cc, kind=kind, geonameid=gid)


def test_official_place() -> None:
    props = {
        "name": "Nikolayev",
        "nameascii": "Nikolayev",
        "namealt": None,
        "latitude": 46.97,
        "longitude": 32.0,
        "geonameid": 700569,
    }
    far, near = _cand("Mykolayiv", 49.52, 23.98, gid=2), _cand("Mykolaiv", 46.975, 31.994, gid=700569)
    namer = bb.TownNamer(
        lambda q, country=None: SimpleNamespace(match=far, alternatives=(near,)), lambda lat, lon, max_km=0: near
    )
    assert bb.official_place(props, namer) == ("Mykolaiv", 46.975, 31.994)
    # No name match nearby: the nearest place counts only with the same GeoNames id.
    no_match = bb.TownNamer(
        lambda q, country=None: SimpleNamespace(match=far, alternatives=()), lambda lat, lon, max_km=0: near
    )
    assert bb.official_place(props, no_match) == ("Mykolaiv", 46.975, 31.994)
    assert bb.official_place({**props, "geonameid": 5}, no_match) is None
    # Not in Ukraine: Natural Earth's name stands.
    abroad = bb.TownNamer(no_match.geocode, lambda lat, lon, max_km=0: _cand("Tiraspol", 46.8, 29.6, "MD"))
    assert bb.official_place(props, abroad) is None


def test_build_is_deterministic(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not (SOURCES / bb.PLACES_SOURCE).is_file():
        pytest.skip(f"Natural Earth sources not found at {SOURCES} (see data/basemap/README.md)")
    try:
        bb.TownNamer.bundled().geocode("Kharkiv", country="UA")
    except Exception as exc:  # noqa: BLE001 - any failure means the gazetteer cannot name towns
        pytest.skip(f"geomap's bundled gazetteer is unavailable ({type(exc).__name__}: {exc})")
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    for out in outs:
        assert bb.main(["--src", str(SOURCES), "--out", str(out)]) == 0
        report = json.loads(capsys.readouterr().out)
        assert report["bytes"] == out.stat().st_size < MAX_BYTES
        assert report["counts"]["towns_gazetteer_named"] >= 40
    assert outs[0].read_bytes() == outs[1].read_bytes()
