"""Property tests (hypothesis) of the exports: every file read back equals what was written, in
every format and both column sets, for any text (surrogate-free Unicode, control characters,
quotes, newlines, formula characters); no text cell of a CSV starts with a formula character."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import pytest
from conftest import make_event

from geomap import io
from geomap.io import gis
from geomap.records import EVENT_TYPES, Source

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies
given, settings, HealthCheck = hypothesis.given, hypothesis.settings, hypothesis.HealthCheck
pd = pytest.importorskip("pandas")
shapely = pytest.importorskip("shapely")

#: Pieces that break naive writers: formula starts, quotes, line ends, controls, XML non-characters.
TRICKY = [
    *gis.FORMULA_PREFIXES,
    "'",
    '"',
    '""',
    ",",
    ";",
    "\n",
    "\r\n",
    " ",
    "\\",
    "\x01",
    "\x0b",
    "\x1b",
    "\x1f",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "\ufffe",
    "\uffff",
    "Київ",
    "😀",
    "NA",
    "null",
    "<![CDATA[",
    "&amp;",
    "POINT (1 2)",
]
# The utf-8 codec leaves out surrogates; U+0000 is tested apart (GDAL ends strings at it).
_CHARS = st.characters(codec="utf-8", exclude_characters="\x00")
TEXT = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(_CHARS, max_size=5)), max_size=5).map("".join)
OPT_TEXT = st.none() | TEXT
COORD = st.floats(-179.999999, 179.999999).map(lambda x: round(x, 6))
LAT = st.floats(-89.999999, 89.999999).map(lambda x: round(x, 6))
COUNT = st.none() | st.integers(0, 2**53)


@st.composite
def boxes(draw) -> dict:
    w, s = draw(st.floats(-180, 174).map(lambda x: round(x, 6))), draw(st.floats(-90, 84).map(lambda x: round(x, 6)))
    e, n = round(w + draw(st.floats(1e-3, 5)), 6), round(s + draw(st.floats(1e-3, 5)), 6)
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}


SOURCES = st.lists(st.builds(Source, id=TEXT, title=OPT_TEXT, url=OPT_TEXT, published=OPT_TEXT), max_size=3)

EVENTS = st.lists(
    st.builds(
        make_event,
        event_id=TEXT,
        date=st.none() | st.dates().map(lambda d: d.isoformat()),
        time_precision=st.none() | st.integers(1, 3),
        date_source=TEXT,
        place_text=TEXT,
        place_name=OPT_TEXT,
        geonameid=COUNT,
        lat=st.none() | LAT,
        lon=st.none() | COORD,
        country_code=st.none() | st.sampled_from(["UA", "RU", "BY"]) | TEXT,
        admin1=st.none() | st.sampled_from(["02", "07", "-1"]) | TEXT,
        admin1_name=OPT_TEXT,
        geo_precision=st.integers(1, 3),
        event_type=st.sampled_from(EVENT_TYPES) | TEXT,
        weapon=TEXT,
        weapon_model=OPT_TEXT,
        actor=st.none() | st.sampled_from(["Russian forces", "Ukrainian forces"]) | TEXT,
        target=st.none() | st.just("residential") | TEXT,
        killed=COUNT,
        injured=COUNT,
        intercepted=st.booleans(),
        quote=TEXT,
        confidence=st.floats(0, 1),
        sources=SOURCES,
        geometry=st.none() | boxes(),
    ),
    max_size=4,
)

CASES = [(ext, acled) for ext in sorted(io.FORMATS) for acled in (False, True)]


def _same_geometry(got, want) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return bool(shapely.equals_exact(shapely.normalize(got), shapely.normalize(want), tolerance=1e-6))


def _expected_geometry(event, geom, points_only: bool):
    """What a file holds: the frame's geometry, or only the point for a CSV without WKT."""
    if not points_only:
        return geom
    return None if event.lat is None or event.lon is None else shapely.Point(event.lon, event.lat)


@pytest.mark.parametrize(("ext", "acled"), CASES, ids=[f"{e}-{'acled' if a else 'geomap'}" for e, a in CASES])
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=EVENTS, wkt=st.booleans())
def test_every_format_reads_back_what_was_written(ext, acled, events, wkt):
    written = io.to_geodataframe(events)
    with tempfile.TemporaryDirectory() as tmp:
        back = io.read_events(io.write_events(events, Path(tmp) / f"e{ext}", acled=acled, wkt=wkt))
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.drop(columns="geometry")), pd.DataFrame(written.drop(columns="geometry"))
    )
    points_only = ext == ".csv" and not wkt
    for event, got, want in zip(events, back.geometry, written.geometry, strict=True):
        assert _same_geometry(got, _expected_geometry(event, want, points_only)), (got, want)


@settings(max_examples=60, deadline=None)
@given(events=EVENTS, acled=st.booleans(), wkt=st.booleans())
def test_no_csv_text_cell_starts_a_formula(events, acled, wkt):
    gdf = io.to_geodataframe(events)
    frame = io.to_acled(gdf, timestamp=0) if acled else gdf
    text = {c for c in frame.columns if c != "geometry" and pd.api.types.is_string_dtype(frame[c].dtype)}
    with tempfile.TemporaryDirectory() as tmp:
        out = io.write_events(events, Path(tmp) / "e.csv", acled=acled, wkt=wkt)
        with out.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
    assert len(rows) == len(events)
    for row in rows:
        for name, cell in row.items():
            if name in text or name == "wkt":
                assert not cell.startswith(gis.FORMULA_PREFIXES), (name, cell)
            elif cell != "" and name != "intercepted":
                float(cell)  # a number column holds bare numbers (a negative one starts with "-")


@pytest.mark.parametrize("ext", sorted(io.FORMATS))
def test_nul_is_removed_from_text_in_every_format(tmp_path, ext):
    event = make_event(quote="a\x00b", place_name="\x00", sources=[Source("s\x00", "t\x00itle")])
    back = io.read_events(io.write_events([event], tmp_path / f"e{ext}"))
    assert back["quote"].tolist() == ["ab"]
    assert back["place_name"].isna().all()  # nothing left: NA, as for any empty text
    assert back["source"].tolist() == ["s"] and back["source_titles"].tolist() == ["title"]
    assert io.from_geodataframe(back)[0].sources == event.sources  # sources_json escapes it as \u0000
