"""The matcher and scorer of bench/bench_events.py on hand-written rows (no devdata, no geomap run)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "bench" / "bench_events.py"
_SPEC = importlib.util.spec_from_file_location("bench_events", _PATH)
assert _SPEC is not None and _SPEC.loader is not None
be = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("bench_events", be)
_SPEC.loader.exec_module(be)

DONETSK = be.Region("UA", "05", "Donetsk Oblast")
KHARKIV = be.Region("UA", "07", "Kharkiv Oblast")
DAY = "2024-03-02"
KRAMATORSK = (48.7389, 37.5848)
SLOVIANSK = (48.8526, 37.6056)  # 12.7 km from Kramatorsk
SOUTH_4 = (48.7000, 37.5848)  # 4.3 km south of Kramatorsk, 17 km from Sloviansk
SOUTH_20 = (48.5600, 37.5848)  # 19.9 km south of Kramatorsk


def town(
    lat_lon: tuple[float, float],
    *,
    region: be.Region = DONETSK,
    dates: tuple[str, ...] = (DAY,),
    killed: int | None = None,
    injured: int | None = None,
    weapons: tuple[str, ...] = ("missile",),
) -> be.Truth:
    return be.Truth("01", "t", "town", lat_lon[0], lat_lon[1], region, dates, weapons, killed, injured)


def oblast(region: be.Region, *, kind: str = "required") -> be.Truth:
    return be.Truth("01", region.name, "region", 48.0, 37.8, region, (DAY,), ("drone",), kind=kind)


def out(
    lat_lon: tuple[float, float] | None,
    *,
    precision: int = 1,
    region: be.Region | None = DONETSK,
    date: str | None = DAY,
    killed: int | None = None,
    injured: int | None = None,
    weapon: str = "missile",
) -> be.Output:
    lat, lon = lat_lon if lat_lon else (None, None)
    return be.Output("01", "o", lat, lon, region, precision, date, weapon, killed, injured)


@pytest.mark.parametrize(
    ("truth", "output", "loose", "expected"),
    [
        (town(KRAMATORSK), out(KRAMATORSK), False, True),
        (town(KRAMATORSK), out(SLOVIANSK), False, True),  # ~13 km
        (town(KRAMATORSK), out(SOUTH_20), False, False),  # over 15 km
        (town(KRAMATORSK), out(KRAMATORSK, precision=2), False, True),
        (town(KRAMATORSK), out(KRAMATORSK, precision=3), False, False),  # a region never finds a town
        (town(KRAMATORSK), out(None), False, False),
        (oblast(DONETSK), out(KRAMATORSK, precision=3), False, True),
        (oblast(DONETSK), out(KRAMATORSK, precision=1), False, False),  # a town does not stand for the oblast
        (oblast(DONETSK), out(KRAMATORSK, precision=1), True, True),  # ... unless loose
        (oblast(DONETSK), out(None, precision=3, region=KHARKIV), True, False),
        (oblast(DONETSK), out(None, precision=3, region=be.Region(name="Donetsk region")), False, True),
        (oblast(DONETSK), out(None, precision=3, region=None), True, False),
    ],
)
def test_can_match(truth: be.Truth, output: be.Output, loose: bool, expected: bool) -> None:
    assert be.can_match(truth, output, loose) is expected


def test_distances() -> None:
    assert be.distance_km(*KRAMATORSK, *SLOVIANSK) == pytest.approx(12.7, abs=0.1)
    assert be.distance_km(*SLOVIANSK, *SOUTH_4) > be.TOWN_KM
    assert be.distance_km(*KRAMATORSK, *SOUTH_20) > be.TOWN_KM


@pytest.mark.parametrize(
    ("cost", "expected"),
    [
        ([], []),
        ([[1.0, 2.0], [2.0, 1.0]], [(0, 0), (1, 1)]),
        ([[1.0, 2.0], [1.0, be._NO]], [(0, 1), (1, 0)]),  # most pairs before the cheapest pair
        ([[be._NO, be._NO]], []),
        ([[5.0], [1.0], [3.0]], [(1, 0)]),  # more rows than columns
        ([[3.0, 1.0, 2.0]], [(0, 1)]),
    ],
)
def test_assign(cost: list[list[float]], expected: list[tuple[int, int]]) -> None:
    assert be.assign(cost) == expected


@pytest.mark.parametrize(
    ("truths", "outputs", "pairs", "labels"),
    [
        # The nearer output goes to the truth it alone can reach, so both truths are found.
        ([town(KRAMATORSK), town(SLOVIANSK)], [out(KRAMATORSK), out(SLOVIANSK)], [(0, 0), (1, 1)], ["match", "match"]),
        # Greedy by distance would give Kramatorsk's own output to Kramatorsk and miss Sloviansk.
        ([town(KRAMATORSK), town(SLOVIANSK)], [out(KRAMATORSK), out(SOUTH_4)], [(0, 1), (1, 0)], ["match", "match"]),
        # The right date wins over the shorter distance; the other output is a duplicate.
        ([town(KRAMATORSK)], [out(KRAMATORSK, date="2024-02-01"), out(SLOVIANSK)], [(0, 1)], ["duplicate", "match"]),
        # Exact casualties win over distance.
        ([town(KRAMATORSK, killed=2)], [out(KRAMATORSK), out(SLOVIANSK, killed=2)], [(0, 1)], ["duplicate", "match"]),
        # Nothing required within reach (and no optional places given): false.
        ([town(KRAMATORSK)], [out(SOUTH_20), out(None, precision=3, region=KHARKIV)], [], ["false", "false"]),
    ],
)
def test_match(
    truths: list[be.Truth], outputs: list[be.Output], pairs: list[tuple[int, int]], labels: list[str]
) -> None:
    result = be.match(truths, outputs)
    assert result.pairs == pairs
    assert result.labels == labels


def test_optional_places_are_neutral() -> None:
    result = be.match(
        [town(KRAMATORSK)],
        [out(None, precision=3, region=KHARKIV), out((50.0, 36.23))],
        [oblast(KHARKIV, kind="optional"), oblast(DONETSK, kind="not_event")],
    )
    assert result.labels == ["optional", "false"]


def test_score() -> None:
    truths = [town(KRAMATORSK, killed=1, injured=2), town(SOUTH_20, injured=3), oblast(KHARKIV)]
    outputs = [
        out(KRAMATORSK, killed=1, injured=2, weapon="aerial bomb"),  # match, exact, weapon wrong
        out(SOUTH_20, date="2024-01-01", injured=3, weapon="missile"),  # match, wrong date
        out((50.0, 36.23), killed=4, injured=1),  # false: 5 phantom casualties
        out(SOUTH_4),  # duplicate (of Kramatorsk; 15.6 km from SOUTH_20)
    ]
    fig = be.score([be.match(truths, outputs)])
    assert (fig["required"], fig["outputs"], fig["matched"]) == (3, 4, 2)
    assert (fig["duplicates"], fig["false_events"]) == (1, 1)
    assert fig["place_recall"] == pytest.approx(2 / 3)
    assert fig["place_date_recall"] == pytest.approx(1 / 3)
    assert fig["precision"] == pytest.approx(2 / 3)
    assert fig["strict_precision"] == pytest.approx(2 / 4)
    assert fig["casualties_exact"] == 1.0
    assert fig["weapon_accuracy"] == pytest.approx(1 / 2)
    assert (fig["phantom_casualties"], fig["true_casualties"]) == (5, 6)
    assert fig["phantom_share"] == pytest.approx(5 / 6)


@pytest.mark.parametrize(
    ("truth", "output", "ok"),
    [
        (town(KRAMATORSK, weapons=("air_bomb",)), out(KRAMATORSK, weapon="aerial bomb"), True),
        (town(KRAMATORSK, weapons=("unknown",)), out(KRAMATORSK, weapon="unknown"), True),
        (town(KRAMATORSK, weapons=("drone", "missile")), out(KRAMATORSK, weapon="artillery"), False),
    ],
)
def test_weapon_ok(truth: be.Truth, output: be.Output, ok: bool) -> None:
    assert be.weapon_ok(truth, output) is ok


@pytest.mark.parametrize(
    ("truth", "output", "ok"),
    [
        (town(KRAMATORSK), out(KRAMATORSK), True),  # not stated = not stated
        (town(KRAMATORSK, killed=0, injured=0), out(KRAMATORSK), False),  # "no casualties" is a figure
        (town(KRAMATORSK, killed=2), out(KRAMATORSK, killed=2, injured=1), False),
    ],
)
def test_casualties_ok(truth: be.Truth, output: be.Output, ok: bool) -> None:
    assert be.casualties_ok(truth, output) is ok


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Kherson (regional center named among targeted settlements)", [("Kherson", False)]),
        ("Donetsk Oblast (region-level)", [("Donetsk", True)]),
        (
            "Ivano-Frankivsk, Khmelnytskyi, Ternopil regions (no day given)",
            [("Ivano-Frankivsk", True), ("Khmelnytskyi", True), ("Ternopil", True)],
        ),
        ("Hamburg / Volksparkstadion (venue)", [("Hamburg", False), ("Volksparkstadion", False)]),
        ("KYIV dateline", [("KYIV", False)]),
        ("Kyiv, 2025-06-17 (background recap)", [("Kyiv", False)]),
        ("12 oblasts (air-defence tally)", []),
        ("occupied parts of Kherson and Donetsk oblasts (launch areas)", [("Kherson", True), ("Donetsk", True)]),
        ("near Kherson city (one civilian killed)", [("Kherson", False)]),
    ],
)
def test_extra_names(text: str, names: list[tuple[str, bool]]) -> None:
    assert be.extra_names(text) == names
