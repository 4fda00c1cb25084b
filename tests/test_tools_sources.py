"""Tests of the gazetteer source readers and curated tables in ``tools/sources`` and ``tools/data``."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from geomap._text import loose_key, normalize
from tools.sources import airports, districts, populations, wof
from tools.sources.country_points import distance_km, load_country_points
from tools.sources.romanize import romanize_uk

ROOT = Path(__file__).resolve().parent.parent
ADMIN1_GEOJSON = ROOT / "data" / "gazetteer" / "admin1.geojson"
COUNTRIES_GEOJSON = ROOT / "data" / "gazetteer" / "countries.geojson"


def _key(name: str) -> str:
    return loose_key(normalize(name))


# --------------------------------------------------------------------------- romanize
@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Авдіївка", "Avdiivka"),
        ("Куп'янськ", "Kupiansk"),
        ("Куп’янськ", "Kupiansk"),
        ("Кам\u02bcянське", "Kamianske"),
        ("Ізмаїл", "Izmail"),
        ("Миколаїв", "Mykolaiv"),
        ("Запоріжжя", "Zaporizhzhia"),
        ("Одеса", "Odesa"),
        ("Нью-Йорк", "Niu-York"),
        ("Покровськ", "Pokrovsk"),
        ("Згурівка", "Zghurivka"),
        ("Розгон", "Rozghon"),
        ("Знам'янка", "Znamianka"),
        ("Харків", "Kharkiv"),
        ("Київ", "Kyiv"),
        ("Біла Церква", "Bila Tserkva"),
        ("Ялта", "Yalta"),
        ("Єнакієве", "Yenakiieve"),
        ("Їжакевич", "Yizhakevych"),
        ("Йосипівка", "Yosypivka"),
        ("Стрий", "Stryi"),
        ("Жовква", "Zhovkva"),
        ("Щербухи", "Shcherbukhy"),
        ("Гурзуф", "Hurzuf"),
        ("Ґорґани", "Gorgany"),
        ("Юрій", "Yurii"),
        ("Олексій", "Oleksii"),
        ("Мар'їне", "Marine"),
        ("Кам'янець-Подільський", "Kamianets-Podilskyi"),
        ("Яготин", "Yahotyn"),
        ("Тернопіль", "Ternopil"),
        ("Красний Октябр", "Krasnyi Oktiabr"),
        ("ЩОРС", "SHCHORS"),
        ("КИЇВ", "KYIV"),
        ("вул. Юності, 5", "vul. Yunosti, 5"),
        ("Kyiv", "Kyiv"),
    ],
)
def test_romanize_uk(cyrillic: str, latin: str) -> None:
    assert romanize_uk(cyrillic) == latin


# --------------------------------------------------------------------------- WOF
@pytest.mark.parametrize(
    ("english", "names", "expected"),
    [
        # WOF's own (Ukrainian) name first, Belarusian, Russian, then Ukrainian variants
        (
            "Kamenets-Podilski",
            ["Кам'янець-Подільський", "Камянец-Падольскі", "Каменец-Подольский"],
            "Кам'янець-Подільський",
        ),
        # Russian name first (Russian ending), the Ukrainian one later
        ("Nyzhnya Khortytsya", ["Нижняя Хортица", "Нижня Хортиця"], "Нижня Хортиця"),
        ("Stepanovka", ["Степановка", "Степанівка"], "Степанівка"),
        # Belarusian (і beside ы/э, ў) and Russian (ы) names are never Ukrainian
        ("Zarichne", ["Зарычнэ", "Zarzeczne", "Зарічне", "Заречное"], "Зарічне"),
        ("Malyye Khursy", ["Малые Хурсы"], None),
        ("Chapayevskoye", ["Чапаевское"], None),
        # Belarusian first, Russian = Ukrainian last: the romanisation that equals WOF's name wins
        ("Lypky", ["Ліпкі", "Липки"], "Липки"),
        ("Pushcha-Voditsa", ["Пушча-Вадзіца", "Пуща-Водица", "Пуща-Водиця"], "Пуща-Водиця"),
        # a lone name without distinguishing letters
        ("Lado", ["Ладо", "Lyado"], "Ладо"),
        ("Filonovka", ["Филоновка"], None),
    ],
)
def test_pick_uk_name(english: str, names: list[str], expected: str | None) -> None:
    assert wof.pick_uk_name(english, names) == expected


@pytest.mark.parametrize(
    ("name", "keep"),
    [
        ("Kupiansk", True),
        ("KHC", False),
        ("Список міст обласного значення в Україні", False),
        ("Verwaltungsgliederung der Republik Dagestan", False),
        ("Zaytsev Nomer 26", False),
        ("x", False),
        ("shao si te ka", False),
        ("Черепанова гора", True),
        ("Мэдэнічы", True),
    ],
)
def test_keep_alternate(name: str, keep: bool) -> None:
    assert wof.keep_alternate(name) is keep


@pytest.mark.parametrize(
    ("name", "belarusian"),
    [
        ("Горад Кіеў", True),
        ("Камінтэрн", True),
        ("Зарычнэ", True),
        ("Пушча-Вадзіца", True),
        ("Київ", False),
        ("Киев", False),
        ("Дзвиняча", False),
    ],
)
def test_looks_belarusian(name: str, belarusian: bool) -> None:
    assert wof.looks_belarusian(name) is belarusian


def _row(**kw: str) -> dict[str, str]:
    row = {
        "name": "",
        "alt_names": "",
        "lat": "50.0",
        "lon": "36.0",
        "admin1": "Kharkiv",
        "source_id": "1",
        "geonames_id": "",
        "wikidata_id": "",
        "placetype": "locality",
        "is_current": "-1",
    }
    return row | kw


@pytest.mark.parametrize(
    ("row", "name", "uk", "ru", "admin1", "also"),
    [
        (
            _row(
                name="Kup\"yans'k",
                alt_names="Куп'янськ|Куп’янск|Купянск|Kupyansk|Kupiańsk|Купьянск|Куп’янськ",
            ),
            "Kupiansk",
            "Куп’янськ",
            ("Купянск", "Купьянск"),
            "UA.07",
            {"Kup’yans'k", "Kupyansk"},
        ),
        (
            _row(
                name="Абрикосівка",
                alt_names="Абрикосовка|Abrykosivka",
                admin1="Crimea (inferred)",
                lat="45.2",
                lon="34.5",
            ),
            "Abrykosivka",
            "Абрикосівка",
            ("Абрикосовка",),
            "UA.11",
            {"Abrikosovka", "Абрикосівка"},
        ),
        (
            _row(name="Malyye Khursy", alt_names="Малые Хурсы", admin1="Poltava"),
            "Malyye Khursy",
            None,
            ("Малые Хурсы",),
            "UA.18",
            {"Malye Khursy"},
        ),
        (
            _row(name="Yalta", alt_names="Ялта|Jalta", admin1="Crimea", lat="44.5", lon="34.16"),
            "Yalta",
            "Ялта",
            (),
            "UA.11",
            {"Jalta", "Ялта"},
        ),
    ],
)
def test_parse_row(
    row: dict[str, str], name: str, uk: str | None, ru: tuple[str, ...], admin1: str, also: set[str]
) -> None:
    place = wof.parse_row(row)
    assert (place.name, place.name_uk, place.names_ru, place.admin1) == (name, uk, ru, admin1)
    assert also <= set(place.alternates)
    assert place.name not in place.alternates
    assert place.admin1_inferred is row["admin1"].endswith("(inferred)")


@pytest.fixture(scope="module")
def ua_polygons() -> wof.Admin1Polygons:
    pytest.importorskip("shapely")
    return wof.Admin1Polygons.from_geojson(ADMIN1_GEOJSON)


@pytest.mark.parametrize(
    ("region", "lat", "lon", "code"),
    [
        ("Kyiv", 50.45, 30.52, "UA.12"),  # Kyiv City
        ("Kyiv", 50.35, 30.95, "UA.13"),  # Boryspil, Kyiv Oblast
        ("Crimea", 44.59, 33.52, "UA.20"),  # Sevastopol
        ("Crimea", 44.95, 34.10, "UA.11"),  # Simferopol
        ("Kharkiv (inferred)", 49.99, 36.23, "UA.07"),
    ],
)
def test_admin1_split_by_polygon(
    ua_polygons: wof.Admin1Polygons, region: str, lat: float, lon: float, code: str
) -> None:
    row = _row(name="X", admin1=region, lat=str(lat), lon=str(lon))
    assert wof.parse_row(row, ua_polygons).admin1 == code


@pytest.fixture(scope="module")
def wof_places() -> list[wof.WofPlace]:
    if not wof.WOF_PATH.exists():
        pytest.skip(f"{wof.WOF_PATH} missing")
    return list(wof.read_wof())


def test_wof_file_counts(wof_places: list[wof.WofPlace]) -> None:
    assert len(wof_places) == 34_297
    assert sum(p.placetype == "neighbourhood" for p in wof_places) == 70
    assert sum(p.name_uk is not None for p in wof_places) > 24_000
    assert all(p.admin1 for p in wof_places)


@pytest.mark.parametrize(
    ("name", "admin1", "alternate"),
    [
        ("Kupiansk", "UA.07", "Kupyansk"),
        ("Toretsk", "UA.05", "Dzerzhinsk"),
        ("Niu-York", "UA.05", "Novgorodskoye"),
        ("Kyiv", "UA.13", "Kiev"),
        ("Sevastopol", "UA.11", "Sewastopol"),
    ],
)
def test_wof_known_places(wof_places: list[wof.WofPlace], name: str, admin1: str, alternate: str) -> None:
    found = [p for p in wof_places if p.name == name]
    assert found, name
    assert any(_key(alternate) in {_key(a) for a in p.alternates} for p in found)


# --------------------------------------------------------------------------- aerodromes
@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("Saki Air Base", "Saki"),
        ("Donetsk International Airport", "Donetsk"),
        ("Severomorsk-1 Naval Air Base", "Severomorsk-1"),
        ("Engels Airbase", "Engels"),
        ("Borovaya Airfield", "Borovaya"),
        ("Kursk East Airport", "Kursk East"),
    ],
)
def test_base_name(name: str, base: str) -> None:
    assert airports.base_name(name) == base


@pytest.mark.parametrize(
    ("name", "city", "city_airport", "present", "absent"),
    [
        ("Saki Air Base", "Saki", False, {"Saki airfield", "Saki airbase", "Saki air base"}, {"Saki"}),
        ("Hostomel Airport", "Kyiv", False, {"Hostomel", "Hostomel airfield"}, {"Kyiv airport"}),
        ("Boryspil International Airport", "Kyiv", True, {"Kyiv airport", "Boryspil airport"}, set()),
    ],
)
def test_generated_names(name: str, city: str, city_airport: bool, present: set[str], absent: set[str]) -> None:
    names = {n.casefold() for n in airports.generated_names(name, city, city_airport=city_airport)}
    assert {n.casefold() for n in present} <= names
    assert not {n.casefold() for n in absent} & names


def test_curated_airbases_table() -> None:
    rows = airports.load_curated()
    assert len({(r.icao or r.name) for r in rows}) == len(rows)
    boxes = {"UA": (44.0, 52.5, 22.0, 40.5), "RU": (41.0, 82.0, 19.0, 180.0), "BY": (51.0, 56.5, 23.0, 33.0)}
    for r in rows:
        if r.lat is not None and r.lon is not None:
            s, n, w, e = boxes[r.country]
            assert s <= r.lat <= n and w <= r.lon <= e, r


def test_merge_curated_into_airportsdata() -> None:
    base = [
        airports.Aerodrome(
            "URFB",
            "UKS",
            "Sevastopol International Airport",
            "Sevastopol",
            44.689,
            33.571,
            "UA",
            "Crimea",
            "civil",
            ("Sevastopol airport",),
            "airportsdata URFB",
        )
    ]
    curated = [c for c in airports.load_curated() if c.icao in ("URFB", "") and c.name.startswith(("Belbek", "Mil"))]
    merged = airports.merge(base, curated)
    belbek, millerovo = merged
    assert belbek.name == "Belbek air base" and {"Belbek", "Sevastopol airport"} <= set(belbek.alternates)
    assert (belbek.lat, belbek.lon) == (44.689, 33.571)
    assert millerovo.icao == "" and "Millerovo airbase" in millerovo.alternates


@pytest.fixture(scope="module")
def aerodrome_keys() -> dict[str, set[str]]:
    pytest.importorskip("airportsdata")
    keys: dict[str, set[str]] = {}
    for a in airports.read_aerodromes():
        for n in (a.name, *a.alternates):
            keys.setdefault(_key(n), set()).add(a.name)
    return keys


@pytest.mark.parametrize(
    ("query", "aerodrome"),
    [
        ("Engels airbase", "Engels-2 air base"),
        ("Saky airfield", "Saky air base"),
        ("Morozovsk airfield", "Morozovsk air base"),
        ("Belbek", "Belbek air base"),
        ("Donetsk airport", "Donetsk International Airport"),
        ("Hostomel", "Hostomel Airport"),
        ("Millerovo air base", "Millerovo air base"),
        ("Shaykovka", "Shaykovka air base"),
        ("Olenya", "Olenya air base"),
        ("Yeysk airfield", "Yeysk air base"),
        ("Kacha airfield", "Kacha air base"),
        ("Chornobaivka", "Kherson International Airport"),
        ("Khalino airfield", "Kursk Khalino airport"),
        ("Machulishchy", "Machulishchy air base"),
        ("Kharkiv airport", "Kharkiv International Airport"),
    ],
)
def test_aerodrome_queries(aerodrome_keys: dict[str, set[str]], query: str, aerodrome: str) -> None:
    assert aerodrome in aerodrome_keys.get(_key(query), set())


# --------------------------------------------------------------------------- city districts
CITY_CENTRES = {
    "Kyiv": (50.45, 30.52),
    "Kharkiv": (49.99, 36.23),
    "Dnipro": (48.46, 35.04),
    "Odesa": (46.48, 30.73),
    "Zaporizhzhia": (47.84, 35.14),
    "Kherson": (46.64, 32.61),
    "Mykolaiv": (46.97, 32.00),
    "Donetsk": (48.00, 37.80),
    "Sumy": (50.91, 34.80),
}


@pytest.fixture(scope="module")
def city_districts() -> list[districts.CityDistrict]:
    return districts.load_city_districts()


def test_city_districts_table(city_districts: list[districts.CityDistrict]) -> None:
    counts = {c: sum(d.city == c for d in city_districts) for c in CITY_CENTRES}
    assert counts == {
        "Kyiv": 10,
        "Kharkiv": 9,
        "Dnipro": 8,
        "Odesa": 4,
        "Zaporizhzhia": 7,
        "Kherson": 3,
        "Mykolaiv": 4,
        "Donetsk": 9,
        "Sumy": 2,
    }
    for d in city_districts:
        assert distance_km(d.lat, d.lon, *CITY_CENTRES[d.city]) < 16, d.name
        assert d.name == romanize_uk(d.name_uk) and d.source


def test_city_districts_in_their_oblast(
    city_districts: list[districts.CityDistrict], ua_polygons: wof.Admin1Polygons
) -> None:
    assert [(d.city, d.name) for d in city_districts if ua_polygons.locate(d.lat, d.lon) != d.admin1] == []


@pytest.mark.parametrize(
    ("city", "name", "alternate"),
    [
        ("Kharkiv", "Kholodnohirskyi", "Kholodnogorsky"),
        ("Kharkiv", "Kholodnohirskyi", "Leninskyi"),
        ("Kharkiv", "Kholodnohirskyi", "Kholodnogorskiy"),
        ("Kharkiv", "Saltivskyi", "Moskovsky"),
        ("Kyiv", "Shevchenkivskyi", "Shevchenkovsky"),
        ("Mykolaiv", "Korabelnyi", "Korabelny"),
        ("Donetsk", "Voznesenskyi", "Petrovskyi"),
        ("Donetsk", "Voznesenskyi", "Petrovskiy"),
        ("Dnipro", "Sobornyi", "Zhovtnevyi"),
        ("Zaporizhzhia", "Oleksandrivskyi", "Aleksandrovskiy"),
    ],
)
def test_city_district_names(
    city_districts: list[districts.CityDistrict], city: str, name: str, alternate: str
) -> None:
    d = next(d for d in city_districts if (d.city, d.name) == (city, name))
    assert alternate in d.alternates


def _wof_place(
    wof_id: int,
    name: str,
    alternates: tuple[str, ...],
    lat: float,
    lon: float,
    placetype: str = "neighbourhood",
) -> wof.WofPlace:
    return wof.WofPlace(
        wof_id, name, name, None, (), alternates, lat, lon, "UA.12", "UA-30", "Kyiv", False, placetype, -1
    )


def test_merge_wof_neighbourhoods(city_districts: list[districts.CityDistrict]) -> None:
    places = [
        _wof_place(1, "Obolon", ("Obolonskyi", "Оболонь"), 50.51, 30.50),  # same as the curated raion
        _wof_place(2, "Dnipro", ("Dniprovskyi", "Днепр"), 50.46, 30.59),  # matched; "Dnipro" not added
        _wof_place(3, "Teremky", ("Теремки",), 50.37, 30.45),  # a new neighbourhood
        _wof_place(4, "Obolonskyi", (), 49.0, 25.0),  # too far: not the Kyiv raion
        _wof_place(5, "Village", (), 50.0, 30.0, placetype="locality"),  # not a neighbourhood
    ]
    merged = districts.merge_wof_neighbourhoods(city_districts, places)
    obolon = next(d for d in merged if d.name == "Obolonskyi")
    dnipro = next(d for d in merged if d.name == "Dniprovskyi" and d.city == "Kyiv")
    assert "Оболонь" in obolon.alternates and obolon.wof_ids == (1,)
    assert "Dnipro" not in dnipro.alternates and dnipro.wof_ids == (2,)
    added = merged[len(city_districts) :]
    assert [(d.name, d.city) for d in added] == [("Teremky", "Kyiv"), ("Obolonskyi", "")]


# --------------------------------------------------------------------------- populations
OBLAST_CENTRES = (
    "Kyiv",
    "Vinnytsia",
    "Lutsk",
    "Dnipro",
    "Donetsk",
    "Zhytomyr",
    "Uzhhorod",
    "Zaporizhzhia",
    "Ivano-Frankivsk",
    "Kropyvnytskyi",
    "Luhansk",
    "Lviv",
    "Mykolaiv",
    "Odesa",
    "Poltava",
    "Rivne",
    "Sumy",
    "Ternopil",
    "Kharkiv",
    "Kherson",
    "Khmelnytskyi",
    "Cherkasy",
    "Chernivtsi",
    "Chernihiv",
    "Simferopol",
)


def test_populations_table() -> None:
    rows = populations.load_populations()
    by_name = {r.name: r for r in rows}
    assert set(OBLAST_CENTRES) <= set(by_name)
    assert by_name["Kherson"].population > 250_000
    assert {r.country for r in rows} == {"UA", "RU"}
    assert all(r.population >= 50_000 or r.name in OBLAST_CENTRES for r in rows)


@pytest.mark.parametrize(
    ("found", "flagged"),
    [
        (("Kherson", 66_000), True),
        (("Kherson", 280_000), False),
        (None, True),
        (("Kherson", 370_000), True),
    ],
)
def test_population_compare(found: tuple[str, int] | None, flagged: bool) -> None:
    row = next(r for r in populations.load_populations() if r.name == "Kherson")
    assert bool(populations.compare([row], lambda names, cc, a1: found)) is flagged


# --------------------------------------------------------------------------- country points
def test_country_points_inside_outlines() -> None:
    shapely_geometry = pytest.importorskip("shapely.geometry")
    outlines: dict[str, list] = {}
    for f in json.loads(COUNTRIES_GEOJSON.read_text("utf-8"))["features"]:
        outlines.setdefault(f["properties"]["iso_n3"], []).append(shapely_geometry.shape(f["geometry"]))
    points = load_country_points()
    outside = [
        iso
        for iso, p in points.items()
        if not any(g.contains(shapely_geometry.Point(p.lon, p.lat)) for g in outlines.get(p.iso_n3, []))
    ]
    assert outside == []


@pytest.mark.parametrize(
    ("iso", "lat", "lon"),
    [
        ("RU", 60.0, 100.0),
        ("TR", 39.0, 35.0),
        ("CA", 60.108, -113.643),
        ("CN", 35.0, 105.0),
        ("US", 39.76, -98.5),
    ],
)
def test_country_points_geonames(iso: str, lat: float, lon: float) -> None:
    p = load_country_points()[iso]
    assert math.isclose(p.lat, lat, abs_tol=0.01) and math.isclose(p.lon, lon, abs_tol=0.01)


@pytest.mark.parametrize(
    ("code", "lat", "lon", "low", "high"),
    [("UA.12", 50.45, 30.52, 0.0, 0.0), ("UA.21", 50.45, 30.52, 1.0, 5.0), ("XX.99", 50.45, 30.52, None, None)],
)
def test_admin1_polygon_distance(
    ua_polygons: wof.Admin1Polygons, code: str, lat: float, lon: float, low: float | None, high: float | None
) -> None:
    d = ua_polygons.distance_deg(code, lat, lon)
    if low is None:
        assert d is None
    else:
        assert d is not None and low <= d <= high
