"""Tests of geomap.render and geomap.map.assets (no browser; see test_browser.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import HOSTILE_QUOTE, HOSTILE_TITLE, JINJA, sample_events, tiny_base_layers
from conftest import event_row as _event

from geomap.exc import GeomapError, InputError, OutputError
from geomap.map import assets as _assets
from geomap.map import render


def tiny_basemap() -> dict:
    """A small document in the schema of tools/build_basemap.py (data/basemap/README.md):
    one river, one lake, a coast line, three towns and two oblast label points."""

    def flat(points: list[tuple[float, float]]) -> list[int]:  # (lat, lon) -> delta ints
        ints = [(round(lat * 1000), round(lon * 1000)) for lat, lon in points]
        out = [ints[0][0], ints[0][1]]
        for (a, b), (c, d) in zip(ints, ints[1:]):
            out += [c - a, d - b]
        return out

    river = {"n": "Dnipro", "z": 2, "g": [flat([(51.5, 30.6), (50.4, 30.6), (49.0, 32.5), (46.6, 32.6)])]}
    lake = {
        "n": "Kremenchuk Reservoir",
        "z": 3,
        "g": [[flat([(49.3, 32.2), (49.3, 33.3), (48.9, 33.3), (48.9, 32.2)])]],
    }
    coast = {"z": 0, "g": [flat([(46.6, 30.2), (46.4, 30.8), (46.3, 31.6)])]}
    level = {"rivers": [river], "lakes": [lake], "coast": [coast]}
    return {
        "format": "geomap-basemap",
        "version": 1,
        "scale": 1000,
        "order": "lat,lon",
        "bounds": [44, 22, 53, 41],
        "attribution": "Made with Natural Earth (public domain); names: GeoNames (CC BY 4.0)",
        "levels": {
            "low": {"zoom": [0, 6], "tolerance": 0.01, **level},
            "high": {"zoom": [7, 19], "tolerance": 0.002, **level},
        },
        "towns": {
            "fields": ["name", "lat", "lon", "pop", "z", "cap"],
            "rows": [
                ["Kyiv", 50.45, 30.52, 2900000, 4, 2],
                ["Kharkiv", 49.99, 36.23, 1400000, 5, 0],
                ["Poltava", 49.59, 34.55, 280000, 6, 0],
            ],
        },
        "regions": {
            "fields": ["name", "lat", "lon", "z", "cc"],
            "rows": [["Kharkiv Oblast", 49.5, 36.5, 5, "UA"], ["Odesa Oblast", 46.8, 30.2, 5, "UA"]],
        },
    }


def _data_block(page: str) -> dict:
    return render.page_data(page)


@pytest.fixture(scope="module")
def page() -> str:
    m = render.render_map(
        sample_events(),
        title="Strikes <b>&</b> 'test'",
        base_layers=tiny_base_layers(),
        basemap=tiny_basemap(),
    )
    return m.get_root().render()


# --------------------------------------------------------------------------- the page


def test_page_fetches_nothing(page):
    assert _assets.external_refs(page) == []
    assert not re.search(r"<script[^>]*\bsrc=", page)
    assert not re.search(r"<link\b", page)
    low = page.lower()
    for cdn in (
        "cdn.jsdelivr",
        "cdnjs",
        "code.jquery",
        "bootstrapcdn",
        "fontawesome",
        "awesome-markers",
    ):
        assert cdn not in low


def test_assets_are_inlined(page):
    assert "Leaflet 1.9.4" in page  # leaflet.js banner
    assert "L.HeatLayer" in page or "heatLayer" in page
    assert "geomap.initFromElement" in page
    assert ".gm-time" in page  # geomap.css
    assert ".leaflet-pane" in page  # leaflet.css
    assert "url(images/" not in page  # CSS images inlined as data: URIs
    # geomap's own scripts, split by concern, inlined in their order
    at = [page.index(f"/* {name} */") for name in _assets.OWN_JS]
    assert at == sorted(at) and page.index("/* leaflet-heat.js */") < at[0]


def test_folium_class_lists_untouched(page):
    import folium

    names = [name for name, _ in folium.Map.default_js]
    assert "jquery" in names and all(url.startswith("https://") for _, url in folium.Map.default_js)


def test_hostile_text_is_escaped(page):
    # Exactly the script elements geomap writes: none opened or closed by data.
    assert page.count("</script>") == page.count("<script")
    assert "window.__pwned" not in page.replace('window.__pwned=1\\"\\u003e', "").replace(
        "\\u003cscript\\u003ewindow.__pwned=2", ""
    )
    assert "<img src=x" not in page
    data = _data_block(page)
    quotes = data["events"]["quote"]["values"]
    assert HOSTILE_QUOTE in quotes and JINJA in quotes  # round-trips exactly, Jinja not evaluated
    assert HOSTILE_TITLE in data["sources"]["title"]["values"]


def test_title_is_escaped(page):
    assert "<title>Strikes &lt;b&gt;&amp;&lt;/b&gt; &#x27;test&#x27;</title>" in page
    assert _data_block(page)["title"] == "Strikes <b>&</b> 'test'"


def test_tile_url_only_in_data(page):
    data = _data_block(page)
    assert data["tiles"]["url"].startswith("https://tile.openstreetmap.org/")
    assert "tile.openstreetmap.org" not in page  # only inside the compressed block


def test_data_block_is_compressed_base64(page):
    m = re.search(
        r'<script type="application/octet-stream" id="[^"]+" data-encoding="zlib\+base64">'
        r"([A-Za-z0-9+/=]+)</script>",
        page,
    )
    assert m
    assert render.page_data(page)["format"] == "geomap-map"


def test_data_block_is_named_tables(page):
    data = _data_block(page)
    assert data["version"] == render.DATA_VERSION
    ev = data["events"]
    assert set(render.EVENT_FIELDS) <= set(ev)
    for name, col in ev.items():
        if isinstance(col, dict):  # dictionary-coded text
            assert set(col) == {"values", "codes"}
            assert col["codes"] is None or len(col["codes"]) == data["n"], name
        else:
            assert len(col) == data["n"], name
    assert set(data["sources"]) == set(render.SOURCE_FIELDS)
    assert [c["key"] for c in data["categories"]] == [c["key"] for c in render.CATEGORIES]
    assert [s["value"] for s in data["sides"]][:2] == ["strikes on Ukraine", "strikes on Russia"]
    assert data["basemap"]["format"] == "geomap-basemap"


def test_same_input_same_bytes(tmp_path):
    a = render.write_map(sample_events(), tmp_path / "a.html", base_layers=tiny_base_layers())
    b = render.write_map(sample_events(), tmp_path / "b.html", base_layers=tiny_base_layers())
    assert a == tmp_path / "a.html"
    assert a.read_bytes() == b.read_bytes()
    assert "map_1" in a.read_text(encoding="utf-8")


def test_map_save_is_offline_too(tmp_path, sample_frame):
    m = render.render_map(sample_frame, base_layers={})
    m.save(str(tmp_path / "m.html"))
    assert _assets.external_refs((tmp_path / "m.html").read_text(encoding="utf-8")) == []


# --------------------------------------------------------------------------- encoding


@pytest.fixture(scope="module")
def data() -> dict:
    return render.encode_events(sample_events(), base_layers=tiny_base_layers(), basemap={})


def _str(data: dict, col: str, i: int) -> str | None:
    column = data["events"][col]
    codes = column["codes"]
    if codes is None:
        return column["values"][i]
    return None if codes[i] < 0 else column["values"][codes[i]]


def _col(data: dict, name: str) -> list:
    return data["events"][name]


def _row(data: dict, event_id: str) -> int:
    return [_str(data, "event_id", i) for i in range(data["n"])].index(event_id)


def test_shapes_follow_precision(data):
    assert _col(data, "shape")[_row(data, "town-1")] == 1
    assert _col(data, "shape")[_row(data, "near-1")] == 2
    i = _row(data, "region-1")
    assert _col(data, "shape")[i] == 3
    assert data["regions"][_col(data, "region")[i]]["type"] == "Polygon"


def test_region_event_without_polygon_uses_admin1_outline(data):
    import geopandas as gpd

    gdf = gpd.GeoDataFrame(
        [
            _event(event_id="r", geo_precision=3, place_text="Kharkiv region"),
            _event(event_id="r2", geo_precision=3, country_code="UA", admin1="99"),
        ],
        geometry="geometry",
        crs="EPSG:4326",
    )
    d = render.encode_events(gdf, base_layers=tiny_base_layers(), basemap={})
    assert _col(d, "shape") == [3, 2]  # outline found / not found: circle, never a pin
    assert _col(d, "region") == [0, -1]
    assert d["regions"][0]["coordinates"][0][0] == [35.0, 48.5]


def test_categories_and_sides(data):
    def cat(event_id: str) -> str:
        return data["categories"][_col(data, "category")[_row(data, event_id)]]["key"]

    assert cat("town-1") == "drone"
    assert cat("near-1") == "missile"
    assert cat("region-1") == "intercepted"  # intercepted wins over weapon
    assert cat("town-2") == "bomb"  # aerial bomb
    assert cat("town-3") == "artillery"  # mlrs -> artillery
    assert data["sides"][_col(data, "side")[_row(data, "region-1")]]["key"] == "russia"
    assert data["sides"][_col(data, "side")[_row(data, "town-1")]]["key"] == "ukraine"


def test_unknown_weapon_and_side(data):
    import geopandas as gpd

    gdf = gpd.GeoDataFrame(
        [_event(weapon="slingshot", side="other"), _event(weapon=None, side=None)],
        geometry="geometry",
        crs="EPSG:4326",
    )
    d = render.encode_events(gdf, base_layers={}, basemap={})
    assert [d["categories"][k]["key"] for k in _col(d, "category")] == ["unknown", "unknown"]
    assert [d["sides"][k]["key"] for k in _col(d, "side")] == ["other", "other"]


def test_dates(data):
    assert data["t0"] == "2024-01-13" and data["span"] == 3
    assert _col(data, "day")[_row(data, "town-1")] == 0
    assert _col(data, "day")[_row(data, "region-1")] == 2
    assert _col(data, "day")[_row(data, "town-2")] == -1


def test_long_span():
    import geopandas as gpd

    gdf = gpd.GeoDataFrame(
        [_event(date="2024-01-01"), _event(date="2024-03-01"), _event(date="not a date")],
        geometry="geometry",
        crs="EPSG:4326",
    )
    d = render.encode_events(gdf, base_layers={}, basemap={})
    assert d["span"] == 61 and _col(d, "day") == [0, 60, -1]


def test_casualties_and_flags(data):
    i = _row(data, "near-1")
    assert _col(data, "killed")[i] == -1 and _col(data, "injured")[i] == 3
    assert _col(data, "intercepted")[_row(data, "region-1")] == 1
    assert _col(data, "confidence")[i] == 0.7


def _source(data: dict, field: str, k: int) -> str | None:
    column = data["sources"][field]
    if column["codes"] is None:
        return column["values"][k]
    code = column["codes"][k]
    return None if code < 0 else column["values"][code]


def test_only_http_urls_are_kept(data):
    rows = range(len(data["sources"]["title"]["codes"] or data["sources"]["title"]["values"]))
    urls = [_source(data, "url", k) for k in rows]
    assert "https://example.org/a?x=1&y='2'" in urls
    assert all(u is None or u.startswith("https://") for u in urls)
    titles = [_source(data, "title", k) for k in rows]
    assert "Bad link" in titles  # the title is kept, as text
    k = titles.index("Bad link")
    assert _source(data, "url", k) is None and _source(data, "outlet", k) is None


def test_sources_are_stored_once_with_their_outlet(data):
    srcs = _col(data, "sources")
    assert srcs[_row(data, "town-2")] == srcs[_row(data, "town-3")]  # one article, one row
    k = srcs[_row(data, "town-1")][0]
    assert _source(data, "outlet", k) == "example.org"
    assert _source(data, "published", k) == "2024-01-13"


def test_strings_are_dictionary_encoded(data):
    i = _row(data, "region-1")
    assert _str(data, "admin1_name", i) == "Belgorod Oblast"
    assert _col(data, "admin1_name")["values"].count("Belgorod Oblast") == 1
    assert _col(data, "event_id")["codes"] is None  # all distinct: no code column
    ids = ["town-1", "near-1", "region-1", "town-2", "town-3"]
    assert _col(data, "event_id")["values"] == ids
    assert _col(data, "weapon_model")["codes"][_row(data, "town-1")] == -1


def test_rows_without_coordinates_are_skipped():
    import geopandas as gpd
    from shapely.geometry import Point

    gdf = gpd.GeoDataFrame(
        [_event(), _event(lat=None, lon=None, geometry=None), _event(geometry=Point())],
        geometry="geometry",
        crs="EPSG:4326",
    )
    gdf.loc[2, ["lat", "lon"]] = [None, None]
    d = render.encode_events(gdf, base_layers={}, basemap={})
    assert d["n"] == 1 and d["skipped"] == 2


def test_point_geometry_wins_and_crs_is_converted():
    import geopandas as gpd

    gdf = gpd.GeoDataFrame([_event(lat=0.0, lon=0.0)], geometry="geometry", crs="EPSG:4326")
    gdf.geometry = gpd.points_from_xy([36.25], [49.98], crs="EPSG:4326")
    d = render.encode_events(gdf.to_crs("EPSG:3857"), base_layers={}, basemap={})
    assert _col(d, "lat") == [pytest.approx(49.98)] and _col(d, "lon") == [pytest.approx(36.25)]


def test_base_layers_are_cut_to_the_events(data):
    names = [lab[2] for lab in data["base"]["country_labels"]]
    assert names == ["Ukraine", "Russia"]  # Chile is far away
    assert [lab[2] for lab in data["base"]["admin1_labels"]] == ["Kharkiv Oblast", "Odesa Oblast"]
    assert data["bounds"][0][0] <= 46.48 and data["bounds"][1][1] >= 38.5


def test_empty_events_render():
    import geopandas as gpd

    gdf = gpd.GeoDataFrame({"event_id": [], "geometry": []}, geometry="geometry", crs="EPSG:4326")
    page = render.render_map(gdf, base_layers=tiny_base_layers(), basemap={}).get_root().render()
    d = _data_block(page)
    assert d["n"] == 0 and d["bounds"] is None and d["t0"] is None


def test_no_tiles(sample_frame):
    d = render.encode_events(sample_frame, tiles=False, base_layers={}, basemap={})
    assert d["tiles"] is None and d["base"] == {} and d["basemap"] is None


def test_script_json_escapes():
    text = render.script_json({"q": "</script><b>&'x'\u2028"})
    assert not set("<>&'") & set(text)
    assert json.loads(text) == {"q": "</script><b>&'x'\u2028"}


# --------------------------------------------------------------------------- errors and output


def test_not_a_geodataframe():
    import pandas as pd

    with pytest.raises(InputError, match="GeoDataFrame"):
        render.render_map(pd.DataFrame({"a": [1]}))


def test_save_to_missing_directory(tmp_path, sample_frame):
    m = render.render_map(sample_frame, base_layers={})
    with pytest.raises(OutputError) as err:
        render.save_map(m, tmp_path / "nope" / "map.html")
    assert "\n" not in str(err.value) and "does not exist" in str(err.value)


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path, sample_frame):
    target = tmp_path / "map.html"
    target.write_text("old", encoding="utf-8")
    render.write_map(sample_frame, target, base_layers={})
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_cdn_element_is_refused(tmp_path, sample_frame):
    from branca.element import JavascriptLink

    m = render.render_map(sample_frame, base_layers={})
    m.get_root().header.add_child(JavascriptLink("https://cdn.example.org/x.js"), name="x")
    with pytest.raises(OutputError, match="self-contained"):
        render.save_map(m, tmp_path / "m.html")
    assert not (tmp_path / "m.html").exists()


def test_missing_vendored_asset_says_make_install(tmp_path, monkeypatch, sample_frame):
    monkeypatch.setattr(_assets, "vendor_dir", lambda: tmp_path / "vendor")
    m = render.render_map(sample_frame, base_layers={})
    with pytest.raises(GeomapError) as err:
        render.save_map(m, tmp_path / "m.html")
    assert isinstance(err.value, FileNotFoundError)
    assert "make install" in str(err.value) and "\n" not in str(err.value)


def test_external_refs():
    assert _assets.external_refs('<script src="https://x/y.js"></script>') == ['<script src="https://x/y.js">']
    assert _assets.external_refs("<link rel=stylesheet href=//x/y.css>")
    assert _assets.external_refs('<img src="data:image/png;base64,AA">') == []
    assert _assets.external_refs('<a href="https://example.org">x</a>') == []


def test_vendor_copies_files_and_writes_notice(tmp_path):
    nm = tmp_path / "node_modules"
    (nm / "leaflet" / "dist" / "images").mkdir(parents=True)
    (nm / "leaflet" / "dist" / "leaflet.js").write_text("/* leaflet */", encoding="utf-8")
    (nm / "leaflet" / "dist" / "leaflet.css").write_text(".a{background:url(images/layers.png)}", encoding="utf-8")
    (nm / "leaflet" / "dist" / "images" / "layers.png").write_bytes(b"\x89PNG")
    (nm / "leaflet" / "package.json").write_text('{"version": "1.9.4"}', encoding="utf-8")
    (nm / "leaflet" / "LICENSE").write_text("BSD 2-Clause License", encoding="utf-8")
    (nm / "leaflet.heat" / "dist").mkdir(parents=True)
    (nm / "leaflet.heat" / "dist" / "leaflet-heat.js").write_text("/* heat */", encoding="utf-8")
    (nm / "leaflet.heat" / "package.json").write_text('{"version": "0.2.0"}', encoding="utf-8")
    out = tmp_path / "vendor"
    assert _assets.main(["--vendor", str(nm), "--dest", str(out)]) == 0
    css = (out / "leaflet.css").read_text(encoding="utf-8")
    assert "url(data:image/png;base64,iVBORw==)" in css
    notice = (out / "NOTICE").read_text(encoding="utf-8")
    assert "leaflet 1.9.4" in notice and "leaflet.heat 0.2.0" in notice
    assert notice.count("BSD-2-Clause") >= 3 and "BSD 2-Clause License" in notice


def test_vendor_ships_the_basemap(tmp_path):
    nm = tmp_path / "node_modules"
    for pkg, files in (
        ("leaflet", ("dist/leaflet.js", "dist/leaflet.css")),
        ("leaflet.heat", ("dist/leaflet-heat.js",)),
    ):
        for f in files:
            (nm / pkg / f).parent.mkdir(parents=True, exist_ok=True)
            (nm / pkg / f).write_text("/* x */", encoding="utf-8")
        (nm / pkg / "package.json").write_text('{"version": "1"}', encoding="utf-8")
    bm = tmp_path / "data" / "basemap" / "basemap.json"
    bm.parent.mkdir(parents=True)
    bm.write_text(json.dumps(tiny_basemap()), encoding="utf-8")
    out = tmp_path / "vendor"
    assert _assets.main(["--vendor", str(nm), "--dest", str(out)]) == 0  # found beside node_modules
    assert json.loads((out / "basemap.json").read_text(encoding="utf-8"))["format"] == "geomap-basemap"
    assert "basemap.json" in (out / "NOTICE").read_text(encoding="utf-8")


def test_basemap_is_embedded_whole(page):
    bm = _data_block(page)["basemap"]
    assert bm == tiny_basemap()


def test_vendor_without_npm_ci(tmp_path, capsys):
    assert _assets.main(["--vendor", str(tmp_path / "missing"), "--dest", str(tmp_path / "v")]) == 1
    assert "npm ci" in capsys.readouterr().err


def test_default_boundaries_when_available():
    pytest.importorskip("geomap.gazetteer.boundaries")
    d = render.encode_events(sample_events())
    assert d["base"]["countries"]["features"] and d["base"]["admin1"]["features"]
    assert any(lab[2].startswith("Kharkiv") for lab in d["base"]["admin1_labels"])


def test_own_assets_are_committed_files():
    for name in _assets.OWN:
        assert Path(_assets.asset_path(name)).is_file()


def test_same_bytes_across_processes(tmp_path):
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    code = (
        "import sys; from test_render import sample_events, tiny_base_layers; "
        "from geomap.map.render import write_map; "
        "write_map(sample_events(), sys.argv[1], base_layers=tiny_base_layers())"
    )
    for seed in ("1", "2"):
        env = dict(
            os.environ,
            PYTHONHASHSEED=seed,
            PYTHONPATH=os.pathsep.join([str(root), str(root / "tests")]),
        )
        subprocess.run([sys.executable, "-c", code, str(tmp_path / f"{seed}.html")], check=True, env=env)
    assert (tmp_path / "1.html").read_bytes() == (tmp_path / "2.html").read_bytes()
