"""Reader for ``wof-ua-localities.tsv``: Who's On First localities and neighbourhoods of Ukraine.

The file (see the README beside it) is tab-separated with one header line and no quoting.
``alt_names`` mixes Latin and Cyrillic names in Ukrainian, Russian, Belarusian and other
languages without saying which is which, so the Ukrainian name is picked by spelling:
Russian and Belarusian letters (ы э ё ъ ў) rule a name out, Ukrainian ones (і ї є ґ and
the apostrophe) count for it, and so does a romanisation that matches WOF's English name.

The extract carries no population: join on ``geonames_id`` for that. Credit "Data from
Who's On First" (CC0, link required) and GeoNames (CC BY 4.0) for the rows that have a
``geonames_id``.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from geomap._text import is_cyrillic, is_latin_or_cyrillic, loose_key, normalize, translit_ru
from tools.sources import SHARED_SOURCES
from tools.sources.romanize import APOSTROPHES, romanize_uk

__all__ = [
    "WOF_PATH",
    "WOF_REGION_ADMIN1",
    "Admin1Polygons",
    "WofPlace",
    "guess_ru_names",
    "is_soviet_name",
    "looks_belarusian",
    "pick_uk_name",
    "read_wof",
]

WOF_PATH = SHARED_SOURCES / "wof-ua-localities.tsv"

#: WOF region (English name as in the extract) -> (GeoNames admin-1 code, ISO 3166-2 code).
#: "Kyiv" covers both Kyiv City (UA.12) and Kyiv Oblast, "Crimea" both Crimea and
#: Sevastopol (UA.20): :class:`Admin1Polygons` tells them apart.
WOF_REGION_ADMIN1: dict[str, tuple[str, str]] = {
    "Cherkasy": ("UA.01", "UA-71"),
    "Chernihiv": ("UA.02", "UA-74"),
    "Chernivtsi": ("UA.03", "UA-77"),
    "Dnipropetrovs'k": ("UA.04", "UA-12"),
    "Donetsk": ("UA.05", "UA-14"),
    "Ivano-Frankivs'k": ("UA.06", "UA-26"),
    "Kharkiv": ("UA.07", "UA-63"),
    "Kherson": ("UA.08", "UA-65"),
    "Khmelnytskyi": ("UA.09", "UA-68"),
    "Kirovohrad": ("UA.10", "UA-35"),
    "Crimea": ("UA.11", "UA-43"),
    "Kyiv": ("UA.13", "UA-32"),
    "Luhansk": ("UA.14", "UA-09"),
    "Lviv": ("UA.15", "UA-46"),
    "Mykolaiv": ("UA.16", "UA-48"),
    "Odessa": ("UA.17", "UA-51"),
    "Poltava": ("UA.18", "UA-53"),
    "Rivne": ("UA.19", "UA-56"),
    "Sumy": ("UA.21", "UA-59"),
    "Ternopil": ("UA.22", "UA-61"),
    "Vinnytsia": ("UA.23", "UA-05"),
    "Volyn": ("UA.24", "UA-07"),
    "Zakarpattia": ("UA.25", "UA-21"),
    "Zaporizhia": ("UA.26", "UA-23"),
    "Zhytomyr": ("UA.27", "UA-18"),
}
#: Admin-1 codes that a WOF region may really stand for (decided by polygon).
_SPLIT_REGIONS: dict[str, frozenset[str]] = {
    "Kyiv": frozenset({"UA.12", "UA.13"}),
    "Crimea": frozenset({"UA.11", "UA.20"}),
}
_ISO_OF = {"UA.12": "UA-30", "UA.20": "UA-40"} | {gn: iso for gn, iso in WOF_REGION_ADMIN1.values()}

_RU_BE_LETTERS = frozenset("ыэёъўЫЭЁЪЎ")
_UK_LETTERS = frozenset("іїєґІЇЄҐ")
# Russian spellings that Ukrainian does not use: -ая/-яя/-ое/-ее/-ые/-ие/-ье/-чь/-ино/-ец/-ск
# endings (Ukrainian -а, -е, -і, -ине, -ець, -ськ), -овка/-евка villages, a word starting with и.
_RU_SHAPES = re.compile(r"(?:ая|яя|ое|ее|ые|ие|ье|чь|ино|ец|ск|[оеё]вка)\b|\bи", re.IGNORECASE)
# Soviet names renamed in 2016 (Dzerzhynsk -> Toretsk ...): WOF's English name may still be one.
_SOVIET_STEMS = re.compile(
    "дзержин|ленін|ленин|кіров|киров|орджонікідз|орджоникидз|красноарм|червоноарм|артемівськ|артемовск|"
    "ілліч|ильич|комсомол|жовтнев|октябр|жданов|щорс|котовськ|котовск|ворошилов|куйбишев|куйбышев|фрунзе|"
    "свердлов|калінін|калинин|радянськ|советск|чапаєв|чапаев|пролетар|більшовик|большевик|постишев",
    re.IGNORECASE,
)
_BE_SHAPES = re.compile(r"э\b|[бвгджзклмнпрстфхцчшщ]э|дз[іяё]")
# Ukrainian spellings Russian does not use (-ськ/-цьк/-зьк, -ське, -ець): never a Russian name.
_UK_SHAPES = re.compile(r"[сцз]ьк|ець\b", re.IGNORECASE)
_STRESS_MARKS = re.compile("[\u0300\u0301]")
_QUOTE_APOSTROPHE = re.compile(r'(?<=\w)"(?=\w)')
#: Alternate names longer than this, or of more words, are Wikidata labels, not names.
MAX_NAME_CHARS = 40
MAX_NAME_WORDS = 4


@dataclass(frozen=True, slots=True)
class WofPlace:
    """One WOF record, with names sorted out."""

    wof_id: int
    name: str  #: display name: the official romanisation of the Ukrainian name, else WOF's
    wof_name: str  #: WOF's English/Latin preferred name, cleaned
    name_uk: str | None  #: the Ukrainian Cyrillic name picked from the alternates
    names_ru: tuple[str, ...]  #: Cyrillic alternates that read as Russian
    alternates: tuple[str, ...]  #: every other name worth indexing (Latin, Cyrillic, romanised)
    lat: float
    lon: float
    admin1: str  #: GeoNames admin-1 code ("UA.07"), "" when unknown
    admin1_iso: str  #: ISO 3166-2 code ("UA-63"), "" when unknown
    admin1_wof: str  #: WOF's region name ("Kharkiv"), without " (inferred)"
    admin1_inferred: bool  #: region taken from the nearest neighbours by the extract
    placetype: str  #: locality, neighbourhood or localadmin
    is_current: int  #: WOF's mz:is_current: 1, 0 or -1 (unknown)
    geonames_id: int | None = None
    wikidata_id: str | None = None
    population: int | None = None  #: not in this extract; join on ``geonames_id``


def is_soviet_name(name: str) -> bool:
    """A Soviet-era name of the kind renamed in 2016 (Artemivsk, Dzerzhynsk, Krasnoarmiisk)."""
    return _SOVIET_STEMS.search(name) is not None


def clean_name(name: str) -> str:
    """Drop stress marks, turn a quote used as apostrophe (Kup"yans'k) into one, trim."""
    text = _STRESS_MARKS.sub("", unicodedata.normalize("NFC", name))
    return " ".join(_QUOTE_APOSTROPHE.sub("’", text).split())


def keep_alternate(name: str) -> bool:
    """Whether an alternate is a usable place name (no codes, digits or Wikidata labels)."""
    if len(name) < 2 or len(name) > MAX_NAME_CHARS or len(name.split()) > MAX_NAME_WORDS:
        return False
    if any(ch.isdigit() for ch in name) or '"' in name:
        return False
    if len(name) <= 4 and name.isupper():  # IATA/ICAO-like codes ("KHC")
        return False
    return name[0].isupper() and is_latin_or_cyrillic(name)


def looks_belarusian(name: str) -> bool:
    """Belarusian spelling: ў, і beside ы or э, э after a consonant or ending a word, дзі/дзя/дзё,
    or "Горад X" (city of X)."""
    low = name.lower()
    if "ў" in low or low.startswith(("горад ", "horad ")) or _BE_SHAPES.search(low):
        return True
    return "і" in low and ("ы" in low or "э" in low)


def _leading_belarusian(names: list[str], uk: str | None) -> set[str]:
    """Cyrillic names after the first one and before the first Latin one, bar Russian-looking ones.

    WOF mostly lists ``wof:name`` first, then the names by language code, Belarusian
    ("bel") before the Latin-script languages, Russian and Ukrainian after them. The order
    is not strict: a Russian name without a Russian ending may be dropped here too.
    """
    block: list[str] = []
    for name in names:
        if not is_cyrillic(name):
            return {n for n in block[1:] if n != uk and not _RU_SHAPES.search(n)}
        block.append(name)
    return set()  # no Latin name to close the block: positions say nothing


def _uk_score(name: str, english: str, first: bool, last: bool) -> int | None:
    """How Ukrainian a Cyrillic name reads; None when it cannot be Ukrainian.

    A romanisation equal to WOF's English name weighs most (7, or 3 after
    :func:`~geomap._text.loose_key` folding), then Ukrainian letters (2); a Russian shape
    (:data:`_RU_SHAPES`) costs 5; being WOF's own name (first) or the last Cyrillic name
    ("ukr" sorts last) adds 1.
    """
    if not is_cyrillic(name) or _RU_BE_LETTERS.intersection(name) or looks_belarusian(name):
        return None
    score = 2 if _UK_LETTERS.intersection(name) or any(a in name for a in APOSTROPHES) else 0
    if _RU_SHAPES.search(name):
        score -= 5
    if english:
        roman = normalize(romanize_uk(name))
        if roman == normalize(english):
            score += 7
        elif loose_key(roman) == loose_key(normalize(english)):
            score += 3
    return score + int(first) + int(last)


def pick_uk_name(english: str, names: Iterable[str]) -> str | None:
    """The Ukrainian Cyrillic name among ``names`` (in file order), or None.

    The first name is WOF's own ``wof:name`` when it differs from the English one; the
    others come by language code (Belarusian first, Russian, then Ukrainian last). A name
    needs a positive score (:func:`_uk_score`); ties go to the later name. A Soviet name
    (renamed in 2016) gives way to any other candidate: WOF's English name is sometimes
    the old one ("Dzerzhyns'k" for Toretsk).
    """
    items = list(names)
    cyrillic = [i for i, n in enumerate(items) if is_cyrillic(n)]
    scored: list[tuple[int, int, str]] = []
    for pos in cyrillic:
        score = _uk_score(items[pos], english, first=pos == 0, last=pos == cyrillic[-1])
        if score is not None and score > 0:
            scored.append((score, pos, items[pos]))
    current = [c for c in scored if not _SOVIET_STEMS.search(c[2])]
    return max(current or scored)[2] if scored else None


def guess_ru_names(names: Iterable[str], uk_name: str | None) -> tuple[str, ...]:
    """Cyrillic names that read as Russian: no Ukrainian or Belarusian letter or ending, not ``uk_name``."""
    out = []
    for name in names:
        if not is_cyrillic(name) or name == uk_name or looks_belarusian(name):
            continue
        if _UK_LETTERS.intersection(name) or any(a in name for a in APOSTROPHES) or _UK_SHAPES.search(name):
            continue
        if name not in out:
            out.append(name)
    return tuple(out)


def _int_or_none(text: str) -> int | None:
    return int(text) if text.strip().lstrip("-").isdigit() else None


def _dedupe(names: Iterable[str], exclude: str) -> tuple[str, ...]:
    seen = {exclude}
    out = []
    for n in names:
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return tuple(out)


def _names_of(row: dict[str, str]) -> tuple[str, str | None, tuple[str, ...], tuple[str, ...]]:
    """(display name, Ukrainian name, Russian names, alternates) of one row."""
    raw = clean_name(row["name"])
    alts = [clean_name(a) for a in row["alt_names"].split("|") if a.strip()]
    if is_cyrillic(raw):  # no English name: WOF's name is the local one
        english, candidates = "", [raw, *alts]
    else:
        english, candidates = raw, alts
    kept = [a for a in candidates if keep_alternate(a)]
    uk = pick_uk_name(english, kept)
    belarusian = _leading_belarusian(kept, uk)
    kept = [a for a in kept if a not in belarusian and not looks_belarusian(a)]
    ru = guess_ru_names(kept, uk)
    display = romanize_uk(uk) if uk else (english or romanize_uk(raw))
    romanised = [romanize_uk(n) for n in kept if is_cyrillic(n) and n not in ru]
    romanised += [translit_ru(n) for n in ru]
    return display, uk, ru, _dedupe([english, *kept, *romanised], exclude=display)


class Admin1Polygons:
    """Point-in-polygon look-up of GeoNames admin-1 codes (``data/gazetteer/admin1.geojson``)."""

    def __init__(self, features: Iterable[tuple[str, object]]) -> None:
        from shapely import STRtree
        from shapely.prepared import prep

        items = list(features)
        self._codes = [code for code, _ in items]
        self._geoms = [geom for _, geom in items]
        self._prepared = [prep(g) for g in self._geoms]
        self._tree = STRtree(self._geoms)

    @classmethod
    def from_geojson(cls, path: Path, country: str = "UA") -> Admin1Polygons:
        """Read the units of ``country`` from a GeoJSON with ``gn_a1_code`` properties."""
        import json

        from shapely.geometry import shape

        data = json.loads(path.read_text("utf-8"))
        return cls(
            (f["properties"]["gn_a1_code"], shape(f["geometry"]))
            for f in data["features"]
            if f["properties"].get("country_code") == country
        )

    def distance_deg(self, code: str, lat: float, lon: float) -> float | None:
        """Distance in degrees from the point to the outline of unit ``code`` (0 inside;
        None for a unit without an outline)."""
        from shapely.geometry import Point

        if code not in self._codes:
            return None
        return float(self._geoms[self._codes.index(code)].distance(Point(lon, lat)))

    def locate(self, lat: float, lon: float) -> str | None:
        """The code of the unit holding the point, or None."""
        from shapely.geometry import Point

        pt = Point(lon, lat)
        for i in self._tree.query(pt):
            if self._prepared[int(i)].contains(pt):
                return self._codes[int(i)]
        return None


def _admin1_of(region: str, inferred: bool, lat: float, lon: float, polygons: Admin1Polygons | None) -> tuple[str, str]:
    code = WOF_REGION_ADMIN1.get(region, ("", ""))[0]
    if polygons is not None and (inferred or not code or region in _SPLIT_REGIONS):
        found = polygons.locate(lat, lon)
        allowed = _SPLIT_REGIONS.get(region)
        if found and (allowed is None or found in allowed):
            code = found
    return code, _ISO_OF.get(code, "")


def parse_row(row: dict[str, str], polygons: Admin1Polygons | None = None) -> WofPlace:
    """Turn one TSV row (a ``csv.DictReader`` dict) into a :class:`WofPlace`."""
    display, uk, ru, alternates = _names_of(row)
    region = row["admin1"]
    inferred = region.endswith(" (inferred)")
    region = region.removesuffix(" (inferred)")
    lat, lon = float(row["lat"]), float(row["lon"])
    code, iso = _admin1_of(region, inferred, lat, lon, polygons)
    return WofPlace(
        wof_id=int(row["source_id"]),
        name=display,
        wof_name=clean_name(row["name"]),
        name_uk=uk,
        names_ru=ru,
        alternates=alternates,
        lat=lat,
        lon=lon,
        admin1=code,
        admin1_iso=iso,
        admin1_wof=region,
        admin1_inferred=inferred,
        placetype=row["placetype"],
        is_current=_int_or_none(row["is_current"]) or 0,
        geonames_id=_int_or_none(row["geonames_id"]),
        wikidata_id=row["wikidata_id"] or None,
    )


def read_wof(
    path: Path = WOF_PATH, *, polygons: Admin1Polygons | None = None, placetypes: Iterable[str] | None = None
) -> Iterator[WofPlace]:
    """Yield the records of ``wof-ua-localities.tsv`` (optionally of some placetypes only).

    With ``polygons`` (see :class:`Admin1Polygons`), Kyiv City and Sevastopol are told
    apart from Kyiv Oblast and Crimea, and inferred regions are checked.
    """
    wanted = frozenset(placetypes) if placetypes is not None else None
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if wanted is None or row["placetype"] in wanted:
                yield parse_row(row, polygons)
