"""ACLED columns: actor type codes (inter1/inter2), interaction and timestamp as ACLED's codebook defines them."""

from __future__ import annotations

import csv
import time

import pytest
from conftest import make_event

from geomap import io
from geomap.io import acled

pytest.importorskip("geopandas")
pd = pytest.importorskip("pandas")

#: (actor, target, country) -> (inter1, actor2, inter2, interaction, civilian_targeting).
ACTOR_CASES = [
    ("Russian forces", "residential", "UA", (1, "Civilians (Ukraine)", 7, 17, "Civilian targeting")),
    ("Ukrainian forces", "residential", "RU", (1, "Civilians (Russia)", 7, 17, "Civilian targeting")),
    ("Russian forces", "energy", "UA", (1, None, 0, 10, None)),
    ("Russian forces", None, "UA", (1, None, 0, 10, None)),
    ("Ukrainian forces", "oil refinery", "RU", (1, None, 0, 10, None)),
    (None, "residential", "UA", (None, "Civilians (Ukraine)", 7, None, "Civilian targeting")),
    (None, None, None, (None, None, 0, None, None)),
    ("Russian forces", "residential", None, (1, "Civilians", 7, 17, "Civilian targeting")),
]


@pytest.mark.parametrize(("actor", "target", "country", "expected"), ACTOR_CASES)
def test_actor_codes(actor, target, country, expected):
    gdf = io.to_geodataframe([make_event(actor=actor, target=target, country_code=country)])
    row = acled.to_acled(gdf, timestamp=0).iloc[0]
    got = tuple(
        None if pd.isna(row[c]) else row[c] for c in ("inter1", "actor2", "inter2", "interaction", "civilian_targeting")
    )
    assert got == expected
    assert row["actor1"] == actor or (actor is None and pd.isna(row["actor1"]))


@pytest.mark.parametrize(
    ("inter1", "inter2", "interaction"),
    [(1, 0, 10), (1, 7, 17), (7, 1, 17), (1, 1, 11), (3, 8, 38), (8, 2, 28), (None, 7, None), (None, 0, None)],
)
def test_interaction_code(inter1, inter2, interaction):
    assert acled.interaction(inter1, inter2) == interaction


def test_timestamp_is_the_unix_time_of_the_export(tmp_path):
    before = int(time.time())
    out = io.write_events([make_event(), make_event(event_id="b")], tmp_path / "a.csv", acled=True)
    after = int(time.time())
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    stamps = {int(r["timestamp"]) for r in rows}
    assert len(stamps) == 1 and before <= stamps.pop() <= after
    assert acled.to_acled(io.to_geodataframe([make_event()]), timestamp=1_700_000_000)["timestamp"].tolist() == [
        1_700_000_000
    ]


def test_codes_are_numbers_in_the_csv(tmp_path):
    out = io.write_events([make_event(), make_event(event_id="b", actor=None)], tmp_path / "a.csv", acled=True)
    lines = out.read_text(encoding="utf-8").splitlines()
    with out.open(encoding="utf-8", newline="") as fh:
        header, first, second = list(csv.reader(fh, quoting=csv.QUOTE_NONNUMERIC))
    a, b = dict(zip(header, first, strict=True)), dict(zip(header, second, strict=True))
    assert (a["inter1"], a["inter2"], a["interaction"]) == (1.0, 7.0, 17.0)
    assert (b["inter1"], b["interaction"]) == ("", "")  # unknown actor: empty, not 0
    assert isinstance(a["timestamp"], float) and a["iso"] == 804.0
    assert len(lines) == 3


def test_acled_dtypes():
    frame = acled.to_acled(io.to_geodataframe([make_event()]), timestamp=0)
    assert list(frame.columns) == [*io.ACLED_COLUMNS, "geometry"]
    for name in ("inter1", "inter2", "interaction", "iso", "year"):
        assert str(frame[name].dtype) == "Int32", name
    assert str(frame["timestamp"].dtype) == "Int64"


@pytest.mark.parametrize("ext", [".gpkg", ".csv", ".geojson"])
def test_acled_file_reads_back_to_the_geomap_schema(tmp_path, ext):
    events = [make_event(), make_event(event_id="b", actor=None, target=None)]
    back = io.read_events(io.write_events(events, tmp_path / f"a{ext}", acled=True))
    pd.testing.assert_frame_equal(
        pd.DataFrame(back.drop(columns="geometry")), pd.DataFrame(io.to_geodataframe(events).drop(columns="geometry"))
    )
