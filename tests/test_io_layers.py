"""GeoPackage and FlatGeobuf: one geometry type per layer (points ``events``, polygons
``event_areas``), read back with pyogrio (and ``ogrinfo`` where installed), reassembled by read_events."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import make_event

from geomap import io
from geomap.exc import OutputError

gpd = pytest.importorskip("geopandas")
pyogrio = pytest.importorskip("pyogrio")
shapely = pytest.importorskip("shapely")

BOX = [[35.0, 49.0], [37.5, 49.0], [37.5, 50.5], [35.0, 50.5], [35.0, 49.0]]
TWO_BOXES = {
    "type": "MultiPolygon",
    "coordinates": [[BOX], [[[38.0, 49.0], [39.0, 49.0], [39.0, 50.0], [38.0, 50.0], [38.0, 49.0]]]],
}
OGRINFO = shutil.which("ogrinfo")


def _events() -> list:
    return [
        make_event(event_id="town"),
        make_event(
            event_id="region",
            place_text="Kharkiv region",
            lat=49.75,
            lon=36.25,
            geo_precision=3,
            geometry={"type": "Polygon", "coordinates": [BOX]},
        ),
        make_event(event_id="two-parts", lat=None, lon=None, geo_precision=3, geometry=TWO_BOXES),
        make_event(event_id="nowhere", lat=None, lon=None, country_code=None),
    ]


def _layer_files(path):
    """``(file, layer)`` of the events and of the areas for a written path."""
    if path.suffix == ".gpkg":
        return (path, "events"), (path, "event_areas")
    return (path, None), (io.areas_path(path), None)


@pytest.mark.parametrize("ext", [".gpkg", ".fgb"])
@pytest.mark.parametrize("acled", [False, True], ids=["geomap", "acled"])
def test_one_geometry_type_per_layer(tmp_path, ext, acled):
    out = io.write_events(_events(), tmp_path / f"e{ext}", acled=acled)
    (points_file, points_layer), (areas_file, areas_layer) = _layer_files(out)
    key, precision = ("event_id_cnty", "geo_precision") if acled else ("event_id", "geo_precision")

    info = pyogrio.read_info(points_file, layer=points_layer)
    assert info["geometry_type"] == "Point" and info["crs"] == "EPSG:4326"
    points = pyogrio.read_dataframe(points_file, layer=points_layer, use_arrow=False)
    assert points[key].tolist() == ["town", "region", "two-parts", "nowhere"]  # every event
    geoms = dict(zip(points[key], points.geometry, strict=True))
    assert geoms["region"].equals(shapely.Point(36.25, 49.75))  # the region's label point
    assert shapely.MultiPolygon([shapely.Polygon(p[0]) for p in TWO_BOXES["coordinates"]]).contains(
        geoms["two-parts"]
    )  # no lat/lon: a representative point of the outline
    assert geoms["nowhere"] is None
    assert points.set_index(key).loc["region", precision] == 3

    info = pyogrio.read_info(areas_file, layer=areas_layer)
    assert info["geometry_type"] == "MultiPolygon" and info["crs"] == "EPSG:4326"
    areas = pyogrio.read_dataframe(areas_file, layer=areas_layer, use_arrow=False)
    assert areas[key].tolist() == ["region", "two-parts"]
    assert list(areas.columns) == list(points.columns)  # the same columns: style or filter either layer
    assert [g.geom_type for g in areas.geometry] == ["MultiPolygon", "MultiPolygon"]

    back = io.read_events(out)  # reassembled
    kinds = [None if g is None else g.geom_type for g in back.geometry]
    assert kinds == ["Point", "Polygon", "MultiPolygon", None]
    assert back.geometry[1].equals(shapely.Polygon(BOX))
    assert io.from_geodataframe(back)[1].geometry["type"] == "Polygon"


def test_gpkg_layer_list(tmp_path):
    out = io.write_events(_events(), tmp_path / "e.gpkg")
    assert [list(x) for x in pyogrio.list_layers(out)] == [["events", "Point"], ["event_areas", "MultiPolygon"]]


def test_fgb_areas_file_is_always_written(tmp_path):
    """Also empty, so that an earlier export's outlines never pair with newer points."""
    out = io.write_events(_events(), tmp_path / "e.fgb")
    assert io.areas_path(out) == tmp_path / "e_areas.fgb"
    io.write_events([make_event(event_id="only-a-town")], out)
    assert len(pyogrio.read_dataframe(io.areas_path(out), use_arrow=False)) == 0
    back = io.read_events(out)
    assert back.event_id.tolist() == ["only-a-town"] and back.geometry[0].geom_type == "Point"


def test_areas_are_matched_by_id_in_order(tmp_path):
    twins = [
        make_event(event_id="same", geo_precision=3, geometry={"type": "Polygon", "coordinates": [BOX]}),
        make_event(event_id="same"),
        make_event(event_id="same", geo_precision=3, geometry=TWO_BOXES),
    ]
    back = io.read_events(io.write_events(twins, tmp_path / "e.gpkg"))
    assert [g.geom_type for g in back.geometry] == ["Polygon", "Point", "MultiPolygon"]


@pytest.mark.parametrize("ext", [".gpkg", ".fgb"])
def test_other_shapes_are_refused(tmp_path, ext):
    line = make_event(geometry={"type": "LineString", "coordinates": [[30, 50], [31, 51]]})
    with pytest.raises(OutputError, match="LineString") as err:
        io.write_events([line], tmp_path / f"e{ext}")
    assert "\n" not in str(err.value)
    assert list(tmp_path.iterdir()) == []
    io.write_events([line], tmp_path / "e.geojson")  # GeoJSON takes any shape


def test_fgb_areas_path_must_not_be_a_directory(tmp_path):
    (tmp_path / "e_areas.fgb").mkdir()
    with pytest.raises(OutputError, match="is a directory"):
        io.check_output_path(tmp_path / "e.fgb")


def test_a_mixed_single_layer_file_is_still_read(tmp_path):
    """Files written before the split (one layer, geometry type Unknown) read as before."""
    gdf = io.to_geodataframe(_events())
    old = tmp_path / "old.gpkg"
    pyogrio.write_dataframe(gdf, old, layer="events", driver="GPKG", geometry_type="Unknown")
    back = io.read_events(old)
    assert [None if g is None else g.geom_type for g in back.geometry] == ["Point", "Polygon", "MultiPolygon", None]


@pytest.mark.skipif(OGRINFO is None, reason="ogrinfo (gdal-bin) not installed")
@pytest.mark.parametrize(
    ("ext", "layers"),
    [
        (".gpkg", [("e.gpkg", "events", "Point", 4), ("e.gpkg", "event_areas", "Multi Polygon", 2)]),
        (".fgb", [("e.fgb", "events", "Point", 4), ("e_areas.fgb", "event_areas", "Multi Polygon", 2)]),
    ],
)
def test_layers_with_ogrinfo(tmp_path, ext, layers):
    io.write_events(_events(), tmp_path / f"e{ext}")
    for name, layer, geometry, count in layers:
        res = subprocess.run(
            [str(OGRINFO), "-so", str(tmp_path / name), layer], capture_output=True, text=True, check=True
        )
        assert f"Geometry: {geometry}" in res.stdout, res.stdout
        assert f"Feature Count: {count}" in res.stdout
        assert "event_id: String" in res.stdout
        assert "Warning" not in res.stderr, res.stderr
