"""CSV exports: formula injection neutralised, numbers bare, text quoted, WKT only on request."""

from __future__ import annotations

import csv

import pytest
from conftest import make_event

from geomap import io

pytest.importorskip("geopandas")
pd = pytest.importorskip("pandas")

#: (value of a text cell, cell as a spreadsheet sees it after the CSV quoting is removed).
FORMULA_CASES = [
    ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
    ("+1+1", "'+1+1"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("'quoted already", "''quoted already"),  # so that reading removes exactly one
    ("Kyiv = capital", "Kyiv = capital"),  # only the first character counts
    ("Kharkiv", "Kharkiv"),
    ("-", "'-"),
]


def _rows(path, **kw) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, **kw))


@pytest.mark.parametrize(("value", "cell"), FORMULA_CASES)
@pytest.mark.parametrize(
    ("field", "column", "acled_column"),
    [("quote", "quote", "notes"), ("place_name", "place_name", "location"), ("event_id", "event_id", "event_id_cnty")],
)
def test_formula_cells_are_neutralised(tmp_path, value, cell, field, column, acled_column):
    event = make_event(**{field: value})
    for acled, name in ((False, column), (True, acled_column)):
        out = io.write_events([event], tmp_path / f"e{acled}.csv", acled=acled)
        assert _rows(out)[0][name] == cell
        assert io.read_events(out)[column].tolist() == [value]  # and back again


def test_source_titles_are_neutralised(tmp_path):
    from geomap.records import Source

    event = make_event(sources=[Source("=cmd|' /C calc'!A0", "-1 dead", "@x", None)])
    row = _rows(io.write_events([event], tmp_path / "e.csv"))[0]
    assert (row["source"], row["source_titles"], row["source_urls"]) == (
        "'=cmd|' /C calc'!A0",
        "'-1 dead",
        "'@x",
    )
    assert row["sources_json"].startswith("[")
    back = io.from_geodataframe(io.read_events(tmp_path / "e.csv"))
    assert back[0].sources == event.sources


def test_numbers_stay_numbers(tmp_path):
    event = make_event(lat=-33.5, lon=-3.5, killed=0, injured=12, confidence=0.25, geonameid=706483)
    for acled, (lat, lon) in ((False, ("lat", "lon")), (True, ("latitude", "longitude"))):
        out = io.write_events([event], tmp_path / f"e{acled}.csv", acled=acled)
        row = _rows(out)[0]
        assert (row[lat], row[lon]) == ("-33.5", "-3.5")
        raw = out.read_text(encoding="utf-8").splitlines()[1]
        assert ",-3.5," in raw and ",-33.5," in raw  # bare: no quote, no apostrophe
        back = io.read_events(out)
        assert (back["lat"][0], back["lon"][0]) == (-33.5, -3.5)


def test_text_is_quoted_and_numbers_are_not(tmp_path):
    """A reader that honours quoting (LibreOffice's "quoted field as text", Python's
    QUOTE_NONNUMERIC) keeps codes such as admin1 "02" as text and reads numbers as numbers."""
    event = make_event(admin1="02", admin1_name="Vinnytsia Oblast", killed=None, date="2024-01-02")
    out = io.write_events([event], tmp_path / "e.csv")
    with out.open(encoding="utf-8", newline="") as fh:
        header, row = list(csv.reader(fh, quoting=csv.QUOTE_NONNUMERIC))
    cells = dict(zip(header, row, strict=True))
    assert cells["admin1"] == "02" and cells["country_code"] == "UA" and cells["date"] == "2024-01-02"
    assert cells["geonameid"] == 706483.0 and cells["lat"] == 49.98 and cells["geo_precision"] == 1.0
    assert cells["killed"] == ""  # NA: an empty cell
    dtypes = dict(io.COLUMNS)
    for name, value in cells.items():
        if value != "":
            assert isinstance(value, str) == (dtypes[name] in ("str", "bool")), name
    assert io.read_events(out)["admin1"].tolist() == ["02"]


def test_wkt_only_when_asked(tmp_path):
    region = make_event(
        event_id="r",
        geo_precision=3,
        geometry={"type": "Polygon", "coordinates": [[[35, 49], [37.5, 49], [37.5, 50.5], [35, 50.5], [35, 49]]]},
    )
    plain = io.write_events([region, make_event()], tmp_path / "plain.csv")
    rows = _rows(plain)
    assert "wkt" not in rows[0] and rows[0]["lat"] == "49.98" and rows[0]["lon"] == "36.25"
    with_wkt = io.write_events([region, make_event()], tmp_path / "wkt.csv", wkt=True)
    rows = _rows(with_wkt)
    assert list(rows[0])[-1] == "wkt"
    assert rows[0]["wkt"].startswith("POLYGON ((") and rows[1]["wkt"] == "POINT (36.25 49.98)"
    assert io.read_events(with_wkt).geometry[0].geom_type == "Polygon"
    assert io.read_events(plain).geometry[0].geom_type == "Point"


def test_wkt_is_ignored_by_other_formats(tmp_path):
    out = io.write_events([make_event()], tmp_path / "e.geojson", wkt=True)
    assert "wkt" not in io.read_events(out).columns
