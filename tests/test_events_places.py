"""Which places become strike events (issue 13, classes 1-3 and "City - District" of class 7).

Each row: a sentence written for this test, the places that must be events (as written or
resolved; a region event by its region), and the places that must not be. Run through the
per-article stage with the fast pipeline; a few rows also with the full spaCy model.
"""

from __future__ import annotations

import pytest

from geomap.events import places as P
from tests.test_events_helpers import extract, find, places

#: (sentence, required events as (place, geo precision or None), forbidden places)
CASES: list[tuple[str, list[tuple[str, int | None]], list[str]]] = [
    # 1. short reports keep their places: a town of the war's countries needs no country anchor
    ("Russian forces shelled Kherson.", [("Kherson", 1)], []),
    ("Russian drones hit Kstovo overnight.", [("Kstovo", 1)], []),
    ("Police said the road was closed after the storm.", [], ["Police"]),
    # 2. "X, <oblast centre>" is an oblast hint, not a city event; a list is a list
    ("Russian shelling hit New York, Donetsk, injuring two people.", [("New York", 1)], ["Donetsk"]),
    ("A drone hit Zelene, Kherson, on Tuesday.", [("Zelene", 1)], ["Kherson"]),
    ("Strikes hit Kramatorsk, Donetsk and Kharkiv.", [("Kramatorsk", 1), ("Donetsk", 1), ("Kharkiv", 1)], []),
    # 2. region lists are regions, whatever the cities of those names
    (
        "Ukrainian drones were shot down over the regions of Kursk, Bryansk and Oryol.",
        [("Kursk Oblast", 3), ("Bryansk Oblast", 3), ("Oryol Oblast", 3)],
        [],
    ),
    (
        "Russian missiles hit the eastern Kharkiv and western Lviv regions on Saturday.",
        [("Kharkiv Oblast", 3), ("Lviv Oblast", 3)],
        [],
    ),
    ("Drones attacked oil depots in Russia's Krasnodar, Rostov regions.", [("Krasnodar Krai", 3), ("Rostov", 3)], []),
    ("Drones were downed over the northeastern region of Sumy.", [("Sumy Oblast", 3)], []),
    (
        "A van was hit near the village of Seredyna-Buda in the northeastern region of Sumy.",
        [("Seredyna-Buda", 2)],
        ["Sumy"],
    ),
    ("In the Kyiv region, a drone hit a warehouse.", [("Kyiv Oblast", 3)], []),
    # 2. "In X Oblast, ... <town>": the oblast qualifies the town; a counted set keeps the oblast
    ("In Donetsk Oblast, a Russian strike killed two people in Druzhkivka.", [("Druzhkivka", 1)], ["Donetsk Oblast"]),
    (
        "In Kherson Oblast, Russian forces targeted 30 settlements, including the regional center of Kherson, "
        "killing two people.",
        [("Kherson Oblast", 3)],
        ["Kherson"],
    ),
    (
        "A shell hit the Velykyi Burluk village in the Kupiansk district of Kharkiv Oblast.",
        [("Velykyi Burluk", 1)],
        ["Kupiansk"],
    ),
    ("Shelling killed a man in the village of Pervomaiske, Kherson region.", [("Pervomaiske", 1)], ["Kherson Oblast"]),
    # 2. places in office titles are no events (but stand in when they are the only place)
    (
        "Serhiy Lysak, Dnipropetrovsk regional governor, said one person was killed in Nikopol.",
        [("Nikopol", 1)],
        ["Dnipro"],
    ),
    (
        "The Dnipropetrovsk regional governor said an overnight drone attack damaged a power line.",
        [("Dnipropetrovsk Oblast", 3)],
        ["Dnipro"],
    ),
    ("Kyiv Mayor Vitali Klitschko said drones attacked Lviv overnight.", [("Lviv", 1)], ["Kyiv"]),
    # 3. datelines, launch sites, distance references, metonyms
    ("KYIV, Ukraine (AP) — Russian missiles hit Odesa on Tuesday.", [("Odesa", 1)], ["Kyiv"]),
    ("MOSCOW (Reuters) - Ukrainian drones attacked Belgorod overnight.", [("Belgorod", 1)], ["Moscow"]),
    ("Kyiv, Ukraine — Russian drones hit an apartment building in Kharkiv overnight.", [("Kharkiv", 1)], ["Kyiv"]),
    ("KIEV\nRussian drones struck Kharkiv overnight.", [("Kharkiv", 1)], ["Kyiv"]),
    ("A missile launched from Kursk hit Sumy.", [("Sumy", 1)], ["Kursk"]),
    ("Missiles fired from occupied Crimea struck Odesa.", [("Odesa", 1)], ["Crimea"]),
    ("Russia fired Kalibr missiles at Odesa from a warship in the Black Sea.", [("Odesa", 1)], ["Black Sea"]),
    (
        "Russian forces attacked with cruise missiles from occupied parts of Kherson and Donetsk oblasts.",
        [],
        ["Kherson Oblast", "Donetsk Oblast"],
    ),
    ("Shelling hit a village 20 km from Kharkiv.", [], ["Kharkiv"]),
    (
        "Drones hit the village of Velyka Pysarivka, 90 kilometers southeast of the regional capital, Sumy.",
        [("Velyka Pysarivka", 1)],
        ["Sumy"],
    ),
    ("Drones were downed over the Tver region near Moscow.", [("Tver Oblast", 3)], ["Moscow"]),
    ("A missile hit the Kyiv district of Kharkiv.", [("Kharkiv", 2)], ["Kyiv"]),
    ("Moscow launched 100 drones at Ukraine overnight.", [], ["Moscow"]),
    ("Kyiv has hit several Russian refineries, Russian officials said.", [], ["Kyiv"]),
    ("Ukrainian drones struck an oil depot in Bryansk, says Moscow.", [("Bryansk", 1)], ["Moscow"]),
    ("Russian missiles hit Kyiv.", [("Kyiv", 1)], []),
    ("Ukraine's General Staff said it hit an oil depot in the Russian-occupied city of Luhansk.", [("Luhansk", 1)], []),
    (
        "Russian troops occupied the village of Novoselivka, while drones hit Kupiansk.",
        [("Kupiansk", 1)],
        ["Novoselivka"],
    ),
    (
        "Two people were killed in an attack on a bridge in the Kherson region, "
        "the head of the Kakhovka district said.",
        [("Kakhovka", 2)],
        ["Kherson Oblast"],
    ),
    ("A drone hit a minibus in the Kherson suburb of Antonivka, killing the driver.", [("Antonivka", 1)], ["Kherson"]),
    (
        "Talks between Moscow and Kyiv resumed in Istanbul after drones hit Kharkiv.",
        [("Kharkiv", 1)],
        ["Moscow", "Kyiv"],
    ),
    ("The area is under constant shelling from across the Dnipro River.", [], ["Dnipro"]),
    (
        "Heavy fighting continued in the Pokrovsk direction after an airstrike on Myrnohrad.",
        [("Myrnohrad", 1)],
        ["Pokrovsk"],
    ),
    # photo captions: undated ones give no event; dated ones do
    (
        "A building damaged by Russian shelling, Okhtyrka, Sumy Oblast. (Photo by Jane Doe/Getty Images)\n\n"
        "Officials met in Geneva.",
        [],
        ["Okhtyrka"],
    ),
    (
        "A building damaged by a drone in Okhtyrka, Sumy Oblast, on June 16, 2025. "
        "(Sumy Oblast Military Administration)",
        [("Okhtyrka", 1)],
        [],
    ),
    # background and habitual statements are not dated strikes
    ("Ukraine has regularly launched drone strikes on Belgorod since 2022.", [], ["Belgorod"]),
    ("In recent weeks, drones have repeatedly targeted Kursk.", [], ["Kursk"]),
    # facilities named after a place; "the X community/village/refinery"
    ("The Kursk Nuclear Power Plant was attacked by drones overnight.", [("Kurchatov", 2)], ["Kursk"]),
    ("A drone attacked the Kstovo oil refinery overnight.", [("Kstovo", 1)], []),
    (
        "One civilian was injured during an airstrike against the Hlukhiv community in Sumy Oblast.",
        [("Hlukhiv", 2)],
        ["Sumy Oblast"],
    ),
    (
        "A drone killed a woman in the Dubovykivska community of Ukraine's Dnipropetrovsk.",
        [("Dubovyky", 2)],
        ["Dnipro"],
    ),
    (
        "Artillery struck the communities of Krasnopillia, Bilopillia and Seredyna-Buda.",
        [("Krasnopillia", 1), ("Bilopillia", 1), ("Seredyna-Buda", 1)],
        [],
    ),
    # districts of a city: "City's X district", "the city's X district", a label "City – ..."
    ("A missile hit Kyiv's Shevchenkivskyi district, injuring five people.", [("Shevchenkivskyi", 2)], []),
    # 7. "City - District" as conflict datasets write it
    (
        "Kharkiv - Kyivskyi | A drone struck a residential building, injuring two people.",
        [("Kharkiv", 2)],
        ["Kyivskyi"],
    ),
]


@pytest.mark.parametrize(("text", "required", "forbidden"), CASES, ids=[c[0][:50] for c in CASES])
def test_places_fast(text: str, required: list[tuple[str, int | None]], forbidden: list[str]) -> None:
    events = extract(text)
    for place, precision in required:
        ev = find(events, place)
        assert ev is not None, f"{place} missing: {places(events)}"
        assert precision is None or ev.geo_precision == precision, places(events)
    for place in forbidden:
        ev = find(events, place)
        assert ev is None or any(find([ev], p) for p, _ in required), f"{place} is an event: {places(events)}"
    if not required:
        assert not events or all(find(events, f) is None for f in forbidden), places(events)


FULL = [
    c for c in CASES if c[0].startswith(("Russian forces shelled", "KYIV,", "Serhiy", "In Kherson Oblast", "Kyiv has"))
]


@pytest.mark.parametrize(("text", "required", "forbidden"), FULL, ids=[c[0][:40] for c in FULL])
def test_places_full_model(text: str, required: list[tuple[str, int | None]], forbidden: list[str]) -> None:
    events = extract(text, fast=False)
    for place, _ in required:
        assert find(events, place) is not None, places(events)
    for place in forbidden:
        assert find(events, place) is None or required, places(events)


DATELINES = [
    ("KYIV, Ukraine (AP) — Russian missiles hit Odesa.", "KYIV, Ukraine (AP) —"),
    ("MOSCOW, Feb 24, 2025 (BSS/AFP) - A drone attack", "MOSCOW, Feb 24, 2025 (BSS/AFP) -"),
    ("KYIV, June 14: Deadly strikes hit the south.", "KYIV, June 14:"),
    ("KYIV- Ukraine said on Sunday", "KYIV-"),
    ("Berlin (AFP) – Shakhtar will play in Hamburg.", "Berlin (AFP) –"),
    ("Kyiv, Ukraine — Russian drones hit Kharkiv.", "Kyiv, Ukraine — "),
    ("KIEV\nRussian strikes killed three people.", "KIEV"),
    ("A drone hit Odesa.", None),
    ("US officials said the talks would go on.", None),
]


@pytest.mark.parametrize(("text", "span"), DATELINES)
def test_dateline_spans(text: str, span: str | None) -> None:
    got = P.dateline_spans(text)
    assert [text[a:b] for a, b in got] == ([span] if span else [])


REGION_LISTS = [
    ("downed over the regions of Kursk, Bryansk and Oryol", ["Kursk", "Bryansk", "Oryol"]),
    ("over Russian regions including Moscow, Leningrad and Tula", ["Moscow", "Leningrad", "Tula"]),
    ("hit the Poltava, Dnipropetrovsk and Rivne oblasts", ["Poltava", "Dnipropetrovsk", "Rivne"]),
    ("in the capital Kyiv, as well as the eastern Kharkiv and western Lviv regions", ["Kharkiv", "Lviv"]),
    ("oil refineries in Russia's Krasnodar, Rostov regions", ["Krasnodar", "Rostov"]),
    ("in the northeastern region of Sumy", ["Sumy"]),
    ("in six regions overnight: Smolensk, Tver, and Bryansk", ["Smolensk", "Tver", "Bryansk"]),
    ("Drones hit Kharkiv and Sumy on Monday.", []),
]


@pytest.mark.parametrize(("sentence", "names"), REGION_LISTS)
def test_region_list_spans(sentence: str, names: list[str]) -> None:
    assert [name for _, _, name in P.region_list_spans(sentence)] == names


ROLES = [
    ("a missile launched from ", " hit the city", False, "origin"),
    ("troops were driven out from the villages of ", " and others", False, "origin"),
    ("90 kilometers southeast of the regional capital, ", ".", False, "distance"),
    ("about 85 kilometers (53 miles) southwest of ", ".", False, "distance"),
    ("Pavlo Kyrylenko, ", " regional governor, said", False, "title"),
    ("the governor of Russia's ", " region said", False, "title"),
    ("the Defense Ministry in ", " said", False, "title"),
    ("retaliation for ", "'s missile attacks", True, "metonym"),
    ("", " has launched a counter-offensive", True, "metonym"),
    ("in what ", " officials hyped", True, "title"),
    ("Russia accused ", " of attacks", True, "metonym"),
    ("the opposite side of the ", " River", False, "hydronym"),
    ("fighting in the ", " direction", False, "front"),
    ("Russian missiles hit ", " overnight", True, None),
    ("", " has been hit by missiles", True, None),
    ("a drone struck ", "'s Shevchenkivskyi district", True, None),
]


@pytest.mark.parametrize(("before", "after", "capital", "role"), ROLES)
def test_role_before_after(before: str, after: str, capital: bool, role: str | None) -> None:
    assert P.role_before_after(before, after, capital=capital) == role


DISTRICTS = [
    ("A guided bomb hit Kharkiv's Kyivskyi district, injuring 14 people.", "Kyivskyi district", "Kharkiv"),
    ("Kherson – Russian shelling killed a man in the city's Dniprovskyi district.", "Dniprovskyi district", "Kherson"),
    ("A missile hit the Kyiv district of Kharkiv.", "Kyiv district of Kharkiv", "Kharkiv"),
]


@pytest.mark.parametrize(("text", "written", "city"), DISTRICTS)
def test_district_of_a_named_city(text: str, written: str, city: str) -> None:
    """ "City's X district", "the city's X district", "the X district of City": one event in that
    city (at the district when the gazetteer has it there, else the city), none elsewhere."""
    events = extract(text)
    assert len(events) == 1, places(events)
    ev = events[0]
    assert ev.place_text == written and ev.geo_precision == 2 and city in (ev.admin1_name or ""), places(events)


def test_ambiguous_village_takes_the_regions_named_or_none() -> None:
    """One of many villages of a name, with nothing in the text for any of them, is not read
    as the first namesake in some other region."""
    events = extract(
        "Belgorod Governor Vyacheslav Gladkov said a drone hit a car in the village of Nikolskoye, wounding the driver."
    )
    assert all("Belgorod" in (e.admin1_name or "") for e in events), places(events)
