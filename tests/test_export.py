"""Tests for geomap.io: the table from StrikeEvent's fields, every format's round trip, RFC 7946,
GPKG types, ACLED, errors. CSV, layers and the property tests: tests/test_io_*.py."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import pytest
from conftest import make_event

from geomap import io as export
from geomap.exc import InputError, OutputError
from geomap.io import gis, table
from geomap.records import Source, StrikeEvent

gpd = pytest.importorskip("geopandas")
pd = pytest.importorskip("pandas")
pyogrio = pytest.importorskip("pyogrio")
shapely = pytest.importorskip("shapely")

NASTY_QUOTE = "He said \"run!\"\nthen <script>alert('x')</script> — «Київ» & Харків"
KYIV = (30.5234, 50.4501)  # lon, lat
# A clockwise ring (wrong for RFC 7946): the writer must turn it counter-clockwise.
CW_RING = [[35.0, 49.0], [35.0, 50.5], [37.5, 50.5], [37.5, 49.0], [35.0, 49.0]]
EXTENSIONS = sorted(export.FORMATS)


def make_events() -> list[StrikeEvent]:
    """Point events, a region polygon, an undated event and one without any location
    (all from the one factory, :func:`conftest.make_event`)."""
    return [
        make_event(
            event_id="ev-kyiv",
            date="2024-01-02",
            date_source="stated: Jan. 2",
            place_text="Kyiv",
            place_name="Kyiv",
            geonameid=703448,
            lat=KYIV[1],
            lon=KYIV[0],
            admin1="12",
            admin1_name="Kyiv City",
            event_type="Shelling/artillery/missile attack",
            weapon="missile",
            weapon_model="Kh-101",
            killed=4,
            injured=None,
            quote=NASTY_QUOTE,
            confidence=0.875,
            sources=[
                Source("a1", "Missiles hit Kyiv", "https://example.org/a1", "2024-01-02"),
                Source("a2"),
            ],
        ),
        make_event(
            event_id="ev-belgorod",
            date="2024-03-15",
            time_precision=2,
            date_source="relative: overnight",
            place_text="Belgorod",
            place_name="Belgorod",
            geonameid=578072,
            lat=50.5977,
            lon=36.5858,
            country_code="RU",
            admin1="09",
            admin1_name="Belgorod Oblast",
            geo_precision=2,
            event_type="Disrupted weapons use",
            actor="Ukrainian forces",
            target=None,
            killed=None,
            intercepted=True,
            quote="",
            confidence=0.5,
            sources=[Source("b1", "Drones downed", None, None)],
        ),
        make_event(
            event_id="ev-kharkiv-oblast",
            date="2024-02-29",
            time_precision=3,
            date_source="stated: February",
            place_text="Kharkiv region",
            place_name="Kharkivs'ka Oblast'",
            geonameid=706482,
            lat=49.75,
            lon=36.25,
            admin1_name="Kharkiv",
            geo_precision=3,
            weapon="aerial bomb",
            actor=None,
            target=None,
            injured=None,
            quote="",
            confidence=0.5,
            sources=[],
            geometry={"type": "Polygon", "coordinates": [CW_RING]},
        ),
        make_event(
            event_id="ev-undated",
            date=None,
            time_precision=None,
            date_source="none",
            place_text="Odesa",
            place_name="Odesa",
            geonameid=698740,
            lat=46.4775,
            lon=30.7326,
            admin1="17",
            admin1_name="Odesa",
            weapon_model="Shahed",
            actor=None,
            target=None,
            killed=None,
            injured=None,
            quote="",
            confidence=0.5,
            sources=[],
        ),
        make_event(
            event_id="ev-nowhere",
            date="2024-04-01",
            place_text="a village near the front",
            place_name=None,
            geonameid=None,
            lat=None,
            lon=None,
            country_code=None,
            admin1=None,
            admin1_name=None,
            geo_precision=2,
            event_type="Remote explosive/landmine/IED",
            weapon="unknown",
            actor=None,
            target=None,
            killed=None,
            injured=None,
            quote="",
            confidence=0.5,
            sources=[],
        ),
    ]


@pytest.fixture
def events() -> list[StrikeEvent]:
    return make_events()


@pytest.fixture
def gdf(events):
    return export.to_geodataframe(events)


def _same_geometry(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return bool(shapely.equals_exact(shapely.normalize(a), shapely.normalize(b), tolerance=1e-6))


def _norm_event(e: StrikeEvent) -> StrikeEvent:
    """Event with its geometry dict replaced by a normalised WKT (orientation/tuple-free)."""
    d = e.to_dict()
    if d["geometry"] is not None:
        d["geometry"] = shapely.to_wkt(shapely.normalize(shapely.geometry.shape(d["geometry"])))
    d["sources"] = [Source(**s) for s in d["sources"]]
    return StrikeEvent(**d)


# ------------------------------------------------------------------ the frame


def test_schema_columns_dtypes_and_crs(gdf):
    assert list(gdf.columns) == [n for n, _ in export.COLUMNS] + ["geometry"]
    for name, dtype in export.COLUMNS:
        assert str(gdf[name].dtype) == str(pd.Series([], dtype=dtype).dtype), name
    assert gdf.crs.to_epsg() == 4326
    assert gdf.geometry.name == "geometry"


#: How each StrikeEvent field shows in the table: its own column, or the derived ones.
FIELD_COLUMNS = {
    "country_code": ["country_code", "side"],
    "sources": ["source", "n_sources", "source_titles", "source_urls", "sources_json"],
    "geometry": [],  # the geometry column
}


def test_columns_derive_from_strikeevent_fields():
    import dataclasses

    expected = [c for f in dataclasses.fields(StrikeEvent) for c in FIELD_COLUMNS.get(f.name, [f.name])]
    assert [n for n, _ in export.COLUMNS] == expected
    assert export.COLUMNS == table.columns_of(StrikeEvent)


@pytest.mark.parametrize(
    ("annotation", "dtype"),
    [
        ("str", "str"),
        ("str | None", "str"),
        ("int", "Int64"),
        ("int | None", "Int64"),
        ("float | None", "float64"),
        ("bool", "bool"),
    ],
)
def test_a_new_field_becomes_a_column(annotation, dtype):
    import dataclasses

    record = dataclasses.make_dataclass("R", [("event_id", "str"), ("new_field", annotation)])
    assert table.columns_of(record) == (("event_id", "str"), ("new_field", dtype))


@pytest.mark.parametrize("annotation", ["list[str]", "dict[str, int] | None", "int | str"])
def test_a_field_without_column_type_is_an_error(annotation):
    import dataclasses

    record = dataclasses.make_dataclass("R", [("new_field", annotation)])
    with pytest.raises(TypeError, match="new_field"):
        table.columns_of(record)


def test_precision_codes_are_32_bit():
    dtypes = dict(export.COLUMNS)
    assert (dtypes["time_precision"], dtypes["geo_precision"], dtypes["n_sources"]) == ("Int32",) * 3
    assert (dtypes["geonameid"], dtypes["killed"]) == ("Int64", "Int64")


def test_empty_input_gives_full_schema():
    empty = export.to_geodataframe([])
    assert len(empty) == 0
    assert list(empty.columns) == [n for n, _ in export.COLUMNS] + ["geometry"]
    assert empty.crs.to_epsg() == 4326
    assert str(empty["killed"].dtype) == "Int64"


def test_derived_columns(gdf):
    row = gdf.set_index("event_id")
    assert row.loc["ev-kyiv", "side"] == "strikes on Ukraine"
    assert row.loc["ev-belgorod", "side"] == "strikes on Russia"
    assert row.loc["ev-nowhere", "side"] == "other"
    assert row.loc["ev-kyiv", "source"] == "a1; a2"
    assert row.loc["ev-kyiv", "n_sources"] == 2
    assert row.loc["ev-kyiv", "source_titles"] == "Missiles hit Kyiv | a2"
    assert row.loc["ev-kyiv", "source_urls"] == "https://example.org/a1"
    assert json.loads(row.loc["ev-kyiv", "sources_json"]) == [
        {"id": "a1", "title": "Missiles hit Kyiv", "url": "https://example.org/a1", "published": "2024-01-02"},
        {"id": "a2", "title": None, "url": None, "published": None},
    ]
    assert pd.isna(row.loc["ev-kyiv", "injured"]) and row.loc["ev-belgorod", "injured"] == 0
    assert pd.isna(row.loc["ev-undated", "date"])
    assert row.loc["ev-nowhere", "n_sources"] == 0 and pd.isna(row.loc["ev-nowhere", "source"])


def test_geometry_choice(gdf):
    geoms = dict(zip(gdf.event_id, gdf.geometry, strict=True))
    assert geoms["ev-kyiv"].equals(shapely.Point(*KYIV))
    assert geoms["ev-kharkiv-oblast"].geom_type == "Polygon"
    assert geoms["ev-nowhere"] is None
    # oriented on the way in: exterior counter-clockwise
    assert geoms["ev-kharkiv-oblast"].exterior.is_ccw


def test_from_geodataframe_round_trip(events, gdf):
    back = export.from_geodataframe(gdf)
    assert [_norm_event(e) for e in back] == [_norm_event(e) for e in events]
    assert back[0].geometry is None  # a point comes back as lat/lon only
    assert back[2].geometry["type"] == "Polygon"


def test_bad_date_is_rejected(events):
    events[0].date = "02/01/2024"
    with pytest.raises(InputError, match="ev-kyiv"):
        export.to_geodataframe(events)


def test_bad_geometry_dict_is_rejected(events):
    events[2].geometry = {"type": "Polygon"}
    with pytest.raises(InputError, match="ev-kharkiv-oblast"):
        export.to_geodataframe(events)


# ------------------------------------------------------- every format round trip


@pytest.mark.parametrize("ext", EXTENSIONS)
@pytest.mark.parametrize("acled", [False, True], ids=["geomap", "acled"])
def test_round_trip_every_format(tmp_path, events, gdf, ext, acled):
    out = export.write_events(events, tmp_path / f"events{ext}", acled=acled, wkt=True)
    assert out == tmp_path / f"events{ext}" and out.is_file()
    back = export.read_events(out)
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.drop(columns="geometry")), pd.DataFrame(gdf.drop(columns="geometry"))
    )
    assert back.crs.to_epsg() == 4326
    for got, want in zip(back.geometry, gdf.geometry, strict=True):
        assert _same_geometry(got, want)
    assert [_norm_event(e) for e in export.from_geodataframe(back)] == [_norm_event(e) for e in events]
    written = [out.name, "events_areas.fgb"] if ext == ".fgb" else [out.name]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(written)  # no temp leftovers


@pytest.mark.parametrize("acled", [False, True], ids=["geomap", "acled"])
def test_csv_without_wkt_keeps_points_only(tmp_path, events, gdf, acled):
    back = export.read_events(export.write_events(events, tmp_path / "e.csv", acled=acled))
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.drop(columns="geometry")), pd.DataFrame(gdf.drop(columns="geometry"))
    )
    kinds = [None if g is None else g.geom_type for g in back.geometry]
    assert kinds == ["Point", "Point", "Point", "Point", None]  # the region event at its lat/lon
    assert back.geometry[2].equals(shapely.Point(36.25, 49.75))
    region = export.from_geodataframe(back)[2]
    assert region.geometry is None and (region.lat, region.lon) == (49.75, 36.25)


def test_write_accepts_a_geodataframe(tmp_path, gdf):
    out = export.write_events(gdf, tmp_path / "e.gpkg")
    assert list(export.read_events(out).event_id) == list(gdf.event_id)


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_empty_write_and_read(tmp_path, ext):
    out = export.write_events([], tmp_path / f"empty{ext}")
    back = export.read_events(out)
    assert len(back) == 0 and list(back.columns) == [n for n, _ in export.COLUMNS] + ["geometry"]
    pd.testing.assert_frame_equal(  # the dtypes too (`side` was float64 when empty)
        pd.DataFrame(back.drop(columns="geometry")), pd.DataFrame(export.to_geodataframe([]).drop(columns="geometry"))
    )


def test_csv_wkt_of_events_without_location(tmp_path, events):
    nowhere = [e for e in events if e.lat is None]
    back = export.read_events(export.write_events(nowhere, tmp_path / "e.csv", wkt=True))
    assert back.event_id.tolist() == ["ev-nowhere"] and back.geometry.isna().all()


#: Text KML (XML 1.0, trimmed by GDAL) cannot hold as it is, and text that only looks escaped.
KML_TEXT = [
    "plain text",
    " leading space",
    "trailing newline\n",
    "carriage\rreturn",
    "bell\x07 and escape\x1b",
    "\ufffe\uffff non-characters",
    '"in quotes"',
    '"\\u0041"',
    '"',
    "tab\tinside",
    "Київ — «Харків» & <tag>",
]


@pytest.mark.parametrize("text", KML_TEXT)
def test_kml_keeps_text(tmp_path, text):
    event = make_event(quote=text, place_text=text, sources=[Source(text, text)])
    back = export.read_events(export.write_events([event], tmp_path / "e.kml"))
    assert back["quote"].tolist() == [text] and back["place_text"].tolist() == [text]
    assert export.from_geodataframe(back)[0].sources == [Source(text, text)]


# ---------------------------------------------------------------- GeoJSON rules


def _rings(geometry: dict) -> list[tuple[str, list]]:
    if geometry["type"] == "Polygon":
        return [("exterior" if i == 0 else "hole", r) for i, r in enumerate(geometry["coordinates"])]
    if geometry["type"] == "MultiPolygon":
        return [("exterior" if i == 0 else "hole", r) for p in geometry["coordinates"] for i, r in enumerate(p)]
    return []


def _signed_area(ring: list) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:], strict=False)) / 2


def _positions(coords):
    if coords and isinstance(coords[0], int | float):
        yield coords
    else:
        for c in coords:
            yield from _positions(c)


def test_geojson_follows_rfc7946(tmp_path, events):
    out = export.write_events(events, tmp_path / "e.geojson")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    feats = doc["features"]
    assert len(feats) == len(events)
    by_id = {f["properties"]["event_id"]: f for f in feats}
    for f in feats:
        assert f["type"] == "Feature"
        if f["geometry"] is None:
            continue
        for lon, lat, *_ in _positions(f["geometry"]["coordinates"]):
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            assert len(repr(lon).split(".")[-1]) <= 6 and len(repr(lat).split(".")[-1]) <= 6
        for kind, ring in _rings(f["geometry"]):
            assert ring[0] == ring[-1], "ring not closed"
            area = _signed_area(ring)
            assert area > 0 if kind == "exterior" else area < 0, f"{kind} ring wrongly oriented"
    # lon/lat order against a known point: Kyiv is at 30.5 E, 50.45 N
    assert by_id["ev-kyiv"]["geometry"] == {"type": "Point", "coordinates": list(KYIV)}
    assert _rings(by_id["ev-kharkiv-oblast"]["geometry"])  # the polygon is there
    assert by_id["ev-nowhere"]["geometry"] is None
    props = by_id["ev-kyiv"]["properties"]
    assert props["date"] == "2024-01-02"  # ISO string in GeoJSON
    assert props["quote"] == NASTY_QUOTE
    assert isinstance(props["sources_json"], str)  # a JSON *string*, not a nested array
    assert by_id["ev-undated"]["properties"]["date"] is None


# ------------------------------------------------------------ GPKG field types

GPKG_TYPES = {
    "event_id": ("OFTString", "OFSTNone"),
    "date": ("OFTDate", "OFSTNone"),
    "time_precision": ("OFTInteger", "OFSTNone"),
    "geonameid": ("OFTInteger64", "OFSTNone"),
    "lat": ("OFTReal", "OFSTNone"),
    "lon": ("OFTReal", "OFSTNone"),
    "geo_precision": ("OFTInteger", "OFSTNone"),
    "killed": ("OFTInteger64", "OFSTNone"),
    "injured": ("OFTInteger64", "OFSTNone"),
    "intercepted": ("OFTInteger", "OFSTBoolean"),
    "confidence": ("OFTReal", "OFSTNone"),
    "n_sources": ("OFTInteger", "OFSTNone"),
    "quote": ("OFTString", "OFSTNone"),
    "sources_json": ("OFTString", "OFSTNone"),
}


@pytest.mark.parametrize("layer", ["events", "event_areas"])
def test_gpkg_layer_and_field_types(tmp_path, events, layer):
    out = export.write_events(events, tmp_path / "e.gpkg")
    info = pyogrio.read_info(out, layer=layer)
    assert list(info["fields"]) == [n for n, _ in export.COLUMNS]
    types = dict(zip(info["fields"], zip(info["ogr_types"], info["ogr_subtypes"], strict=True), strict=True))
    for name, expected in GPKG_TYPES.items():
        assert types[name] == expected, name
    assert info["crs"] == "EPSG:4326"


@pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="ogrinfo (gdal-bin) not installed")
def test_gpkg_with_ogrinfo(tmp_path, events):
    out = export.write_events(events, tmp_path / "e.gpkg")
    res = subprocess.run(["ogrinfo", "-so", str(out), "events"], capture_output=True, text=True, check=True)
    text = res.stdout
    assert "Geometry: Point" in text
    assert "Feature Count: 5" in text
    for line in (
        "date: Date",
        "geonameid: Integer64",
        "killed: Integer64",
        "intercepted: Integer(Boolean)",
        "confidence: Real",
        "geo_precision: Integer",
        "quote: String",
    ):
        assert line in text, line
    assert "may only be partially supported" not in res.stderr  # GeoPackage 1.2 for old GDAL


def test_date_types_in_fgb_and_parquet(tmp_path, events):
    import pyarrow.parquet as pq

    fgb = export.write_events(events, tmp_path / "e.fgb")
    types = dict(zip(pyogrio.read_info(fgb)["fields"], pyogrio.read_info(fgb)["ogr_types"], strict=True))
    assert types["date"] == "OFTDateTime"  # FlatGeobuf has no pure Date type
    assert types["killed"] == "OFTInteger64"
    pq_path = export.write_events(events, tmp_path / "e.parquet")
    schema = pq.read_schema(pq_path)
    assert str(schema.field("date").type) == "date32[day]"
    assert b"geo" in schema.metadata  # GeoParquet metadata


# ------------------------------------------------------------------------ CSV


def test_csv_columns_and_wkt(tmp_path, events):
    out = export.write_events(events, tmp_path / "e.csv", wkt=True)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [n for n, _ in export.COLUMNS] + ["wkt"]
    by_id = {r["event_id"]: r for r in rows}
    assert by_id["ev-kyiv"]["wkt"] == f"POINT ({KYIV[0]} {KYIV[1]})"
    assert (by_id["ev-kyiv"]["lat"], by_id["ev-kyiv"]["lon"]) == (str(KYIV[1]), str(KYIV[0]))
    assert by_id["ev-kharkiv-oblast"]["wkt"].startswith("POLYGON ((")
    assert by_id["ev-nowhere"]["wkt"] == ""  # CSV keeps location-less events
    assert by_id["ev-kyiv"]["quote"] == NASTY_QUOTE
    assert by_id["ev-kyiv"]["date"] == "2024-01-02" and by_id["ev-undated"]["date"] == ""
    assert by_id["ev-belgorod"]["intercepted"] == "True"


# ---------------------------------------------------------------------- ACLED


def test_acled_columns(tmp_path, events):
    out = export.write_events(events, tmp_path / "acled.csv", acled=True)
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    header = list(rows[0])
    assert header[:8] == [
        "event_id_cnty", "event_date", "year", "time_precision",
        "disorder_type", "event_type", "sub_event_type", "actor1",
    ]  # fmt: skip
    core = ["country", "admin1", "location", "latitude", "longitude", "geo_precision",
            "source", "notes", "fatalities"]  # fmt: skip
    assert [c for c in header if c in core] == core
    assert header.index("fatalities") < header.index("injured")
    assert header.index("fatalities") < header.index("weapon")
    assert header[-1] == "sources_json"  # no wkt column unless asked for
    by_id = {r["event_id_cnty"]: r for r in rows}
    kyiv = by_id["ev-kyiv"]
    assert kyiv["event_date"] == "2024-01-02" and kyiv["year"] == "2024"
    assert kyiv["disorder_type"] == "Political violence"
    assert kyiv["event_type"] == "Explosions/Remote violence"
    assert kyiv["sub_event_type"] == "Shelling/artillery/missile attack"
    assert kyiv["country"] == "Ukraine" and kyiv["iso"] == "804"
    assert kyiv["admin1"] == "Kyiv City" and kyiv["location"] == "Kyiv"
    assert kyiv["fatalities"] == "4" and kyiv["notes"] == NASTY_QUOTE
    down = by_id["ev-belgorod"]
    assert down["event_type"] == "Strategic developments" and down["country"] == "Russia"
    assert down["fatalities"] == "0" and down["killed"] == ""  # unknown: ACLED 0, geomap empty
    assert by_id["ev-undated"]["year"] == ""


def test_acled_gpkg_is_read_back_to_geomap_schema(tmp_path, events, gdf):
    out = export.write_events(events, tmp_path / "acled.gpkg", acled=True)
    fields = list(pyogrio.read_info(out, layer="events")["fields"])
    assert fields == list(export.ACLED_COLUMNS)
    back = export.read_events(out)
    assert list(back.columns) == list(gdf.columns)
    assert back["killed"].isna().tolist() == gdf["killed"].isna().tolist()


# ----------------------------------------------------------------- path checks


@pytest.mark.parametrize("name", ["events.shp", "events", "events.txt", "events.geojsonl"])
def test_unknown_extension(tmp_path, events, name):
    with pytest.raises(OutputError, match="unknown output extension") as err:
        export.write_events(events, tmp_path / name)
    assert str(tmp_path / name) in str(err.value) and "\n" not in str(err.value)
    assert list(tmp_path.iterdir()) == []  # nothing written, no Shapefile folder


def test_extension_is_case_insensitive(tmp_path, events):
    out = export.write_events(events, tmp_path / "E.GeoJSON")
    assert json.loads(out.read_text(encoding="utf-8"))["type"] == "FeatureCollection"


def test_missing_directory(tmp_path):
    target = tmp_path / "no" / "such" / "e.gpkg"
    with pytest.raises(OutputError, match="does not exist") as err:
        export.check_output_path(target)
    assert str(target) in str(err.value)


def test_parent_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(OutputError, match="not a directory"):
        export.check_output_path(tmp_path / "f" / "e.csv")


def test_path_is_a_directory(tmp_path):
    (tmp_path / "d.gpkg").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        export.check_output_path(tmp_path / "d.gpkg")


def test_read_only_directory(tmp_path, events):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        probe = ro / "probe"
        try:
            probe.write_text("x")
        except PermissionError:
            pass
        else:
            probe.unlink()
            pytest.skip("running with privileges that ignore directory permissions (root)")
        with pytest.raises(OutputError, match="not writable"):
            export.write_events(events, ro / "e.gpkg")
    finally:
        ro.chmod(0o755)


def test_check_output_path_returns_path(tmp_path):
    assert export.check_output_path(str(tmp_path / "x.fgb")) == tmp_path / "x.fgb"


# -------------------------------------------------------------------- atomic


@pytest.mark.parametrize("ext", EXTENSIONS)
def test_failed_write_leaves_existing_file_untouched(tmp_path, events, monkeypatch, ext):
    target = tmp_path / f"events{ext}"
    target.write_bytes(b"previous good output")

    real = gis._writer(ext)

    def half_then_fail(frame, tmps, wkt):
        real(frame, tmps, wkt)  # complete temp files exist ...
        assert all(tmp.parent.parent == target.parent for tmp in tmps)
        raise OSError("disk full (simulated)")  # ... and then the write fails

    monkeypatch.setattr(gis, "_writer", lambda e: half_then_fail)
    with pytest.raises(OutputError) as err:
        export.write_events(events, target)
    msg = str(err.value)
    assert str(target) in msg and "disk full" in msg and "\n" not in msg
    assert target.read_bytes() == b"previous good output"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_driver_failure_becomes_output_error(tmp_path, events, monkeypatch):
    def broken(*args, **kwargs):
        raise pyogrio.errors.DataSourceError("simulated GDAL failure\nsecond line")

    monkeypatch.setattr(pyogrio, "write_dataframe", broken)
    with pytest.raises(OutputError, match="simulated GDAL failure") as err:
        export.write_events(events, tmp_path / "e.gpkg")
    assert "\n" not in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_overwrite_replaces_existing(tmp_path, events):
    target = tmp_path / "e.geojson"
    target.write_text("old")
    export.write_events(events[:1], target)
    assert len(json.loads(target.read_text(encoding="utf-8"))["features"]) == 1


# ---------------------------------------------------------------------- reading


def test_read_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        export.read_events(tmp_path / "nope.gpkg")


def test_read_unknown_extension(tmp_path):
    (tmp_path / "e.shp").write_text("x")
    with pytest.raises(InputError, match="unknown event file extension"):
        export.read_events(tmp_path / "e.shp")


@pytest.mark.parametrize("ext", [".gpkg", ".geojson", ".parquet", ".fgb"])
def test_read_garbage(tmp_path, ext):
    bad = tmp_path / f"bad{ext}"
    bad.write_text("this is not a GIS file")
    with pytest.raises(InputError) as err:
        export.read_events(bad)
    assert str(bad) in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("module", ["geomap.io", "geomap.io.export"])
def test_import_is_light(module):
    code = f"import sys, {module}; print('geopandas' in sys.modules, 'pyogrio' in sys.modules)"
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert res.stdout.split() == ["False", "False"]


def test_export_module_is_an_alias():
    from geomap.io import export as old

    assert old.write_events is gis.write_events and old.COLUMNS is table.COLUMNS


def test_unwritable_directory_is_reported(tmp_path, events, monkeypatch):
    """The permission branch itself (root ignores chmod, so simulate os.access saying no)."""
    monkeypatch.setattr(gis.os, "access", lambda path, mode: False)
    with pytest.raises(OutputError, match="not writable") as err:
        export.write_events(events, tmp_path / "e.csv")
    assert str(tmp_path / "e.csv") in str(err.value)
    assert list(tmp_path.iterdir()) == []


def test_projected_frame_is_written_in_wgs84(tmp_path, gdf):
    projected = gdf.to_crs(3857)
    back = export.read_events(export.write_events(projected, tmp_path / "e.geojson"))
    kyiv = back.set_index("event_id").geometry["ev-kyiv"]
    assert kyiv.x == pytest.approx(KYIV[0], abs=1e-6) and kyiv.y == pytest.approx(KYIV[1], abs=1e-6)
