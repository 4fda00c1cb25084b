"""The bundled gazetteer: load it, look names up, resolve them with context.

The data file (``data/gazetteer/places.npz``, built by :mod:`tools.build_gazetteer`)
holds one row per place (countries, admin-1 and admin-2 units, GeoNames cities500,
Ukrainian and Belarusian villages) and two name indexes: exact normalised keys and
"loose" keys that fold transliteration variants. The file is memory-mapped and read
without NumPy, so loading costs a few milliseconds; rows and keys are decoded on use.
Loading is read-only; a loaded :class:`Gazetteer` is safe to share between threads.

Ranking, for a name and optional hints (oblasts, countries, nearby places):

1. hint agreement (same admin-1 as a hinted region, within 50 km of a hinted
   place, or in a hinted country);
2. feature kind (a region word such as "Oblast" asks for an admin unit; a bare
   name prefers populated places, and a place whose *current* name matches beats
   one that only has it as a historical or foreign alternate);
3. population.

A name that matches nothing, in a query that names its region ("Melitropol,
Zaporizhia Oblast") or under a country restriction, gets a bounded fuzzy match
(:meth:`Gazetteer.fuzzy_rank`), reported with ``matched="fuzzy"`` and a lower score.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from geomap import settings
from geomap._fileio import write_text_atomic
from geomap._geo import haversine_km as _haversine_km
from geomap._text import bounded_edit_distance, loose_key, normalize, split_admin_word
from geomap.exc import GazetteerError, QueryError
from geomap.gazetteer.storage import FORMAT_VERSION, KINDS, _KeyIndex, _KindColumn, _map_npz, _NumColumn, _StrColumn
from geomap.records import Candidate

__all__ = ["FORMAT_VERSION", "KINDS", "Candidate", "Gazetteer", "Hints", "Resolution"]

POPULATED = frozenset({"city", "village", "district"})
ADMIN = frozenset({"admin1", "admin2"})
HINT_RADIUS_KM = 50.0
#: Version of the tables cached in ``settings.cache_dir`` (see ``_cached_derived``).
_DERIVED_VERSION = 1
#: Largest radius (km) a populated place is given by :meth:`Gazetteer.reverse`.
REVERSE_MAX_RADIUS_KM = 12.0
#: Shortest loose key that a misspelt name may be matched with (see ``fuzzy_rank``).
FUZZY_MIN_LENGTH = 5
#: ... when only a country restricts the search (a far bigger pool of names).
FUZZY_MIN_LENGTH_COUNTRY = 8
#: Trailing words that say what kind of place a name is ("Dvorichna village").
_PLACE_WORDS = frozenset({"village", "town", "city", "settlement", "hamlet", "township", "airbase", "airfield"})
#: Leading words that say the place is only near the name ("near Saltivka").
_NEAR_WORDS = frozenset({"near", "outside", "around"})

#: ``(kind weight, current-name bonus, population weight, row, kind, country, admin1,
#: lat, lon, population)``: the hint-independent part of ranking one row for one name.
_RankRow = tuple[float, float, float, int, str, str, str, float, float, int]

# Kind weights for a bare name and for a name carrying a region word.
_BARE_KIND = {
    "country": 1.3,
    "city": 1.0,
    "district": 0.75,
    "village": 0.7,
    "admin1": 0.85,
    "admin2": 0.3,
    "feature": 1.0,
    "area": 1.0,
}
_ADMIN_KIND = {
    "admin1": {"admin1": 2.0, "admin2": 1.4, "country": 1.0},
    "admin2": {"admin2": 2.0, "admin1": 1.5, "district": 1.2, "country": 0.5},
}


@dataclass(frozen=True, slots=True)
class Hints:
    """Context that disambiguates a name: regions, countries and places named nearby."""

    admin1s: frozenset[tuple[str, str]] = frozenset()
    countries: frozenset[str] = frozenset()
    points: tuple[tuple[float, float], ...] = ()
    #: Normalised names of hinted regions ("kyiv" for "Kyiv Oblast"): a populated
    #: place of that name is the region's eponymous centre ("Kyiv, Kyiv Oblast").
    names: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.admin1s or self.countries or self.points)

    def merge(self, other: Hints) -> Hints:
        """Union of two hint sets."""
        return Hints(
            self.admin1s | other.admin1s,
            self.countries | other.countries,
            self.points + other.points,
            self.names | other.names,
        )


@dataclass(frozen=True, slots=True)
class Resolution:
    """The answer to a query: the best match (or None) and ranked alternatives."""

    query: str
    match: Candidate | None
    alternatives: tuple[Candidate, ...] = ()
    hints: Hints = field(default_factory=Hints)

    def to_dict(self) -> dict[str, object]:
        """``{"query", "match", "alternatives"}`` as in the CLI's JSON output."""
        return {
            "query": self.query,
            "match": self.match.to_dict() if self.match else None,
            "alternatives": [a.to_dict() for a in self.alternatives],
        }


#: Degrees of latitude beyond which a point is surely farther than HINT_RADIUS_KM (a
#: degree of latitude is 111.2 km on the sphere of :func:`_haversine_km`).
_HINT_REACH_DEG = HINT_RADIUS_KM / 111.0


def near_hint_points(lat: float, lon: float, points: Iterable[tuple[float, float]]) -> bool:
    """A place lies within :data:`HINT_RADIUS_KM` of one of the hinted ``points``."""
    return any(
        abs(lat - plat) <= _HINT_REACH_DEG and _haversine_km(lat, lon, plat, plon) <= HINT_RADIUS_KM
        for plat, plon in points
    )


_PAREN_RE = re.compile(r"\(([^()]*)\)")
_OF_RE = re.compile(r"^(.+?)\s+(?:district|raion|rayon|region|oblast)\s+of\s+(.+)$", re.I)


def parse_query(query: str) -> tuple[str, list[str]]:
    """Split ``"Stanislav, Kherson Oblast"`` / ``"X (Y region)"`` into name and hint texts.

    The most specific part is chosen later (see :meth:`Gazetteer.resolve`); this only
    splits. ``"the Darnytskyi district of Kyiv"`` gives ``("Darnytskyi district", ["Kyiv"])``.
    """
    hints = [h.strip() for h in _PAREN_RE.findall(query) if h.strip()]
    rest = _PAREN_RE.sub(" ", query)
    parts = [p.strip() for p in re.split(r"[,;]", rest) if p.strip()]
    if not parts:
        return "", hints
    m = _OF_RE.match(parts[0])
    if m:
        word = parts[0][m.end(1) :].split()[0]
        parts = [f"{m.group(1)} {word}", m.group(2), *parts[1:]]
    return parts[0], parts[1:] + hints


class Gazetteer:
    """A loaded gazetteer. Use :meth:`default` for the bundled one.

    Parameters
    ----------
    path
        A ``places.npz`` file written by ``geomap gazetteer build``.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        arrays = _map_npz(self.path)
        try:
            self._meta = json.loads(bytes(arrays["meta"]).decode("utf-8"))
            if not isinstance(self._meta, dict) or self._meta.get("format") != FORMAT_VERSION:
                version = self._meta.get("format") if isinstance(self._meta, dict) else None
                raise GazetteerError(
                    f"{self.path}: gazetteer format {version!r} is not {FORMAT_VERSION}; rebuild with `make gazetteer`"
                )
            self._lat = _NumColumn(arrays["lat"])
            self._lon = _NumColumn(arrays["lon"])
            self._pop = _NumColumn(arrays["population"])
            self._gid = _NumColumn(arrays["geonameid"])
            self._kind_codes = arrays["kind"]
            self._kind = _KindColumn(self._kind_codes)
            n = len(self._lat)
            self._name = _StrColumn(arrays["name"], n, arrays.get("name_blocks"))
            self._cc = _StrColumn(arrays["country"], n, arrays.get("country_blocks"))
            self._a1 = _StrColumn(arrays["admin1"], n, arrays.get("admin1_blocks"))
            self._exact = _KeyIndex(
                arrays["exact_keys"], arrays["exact_offsets"], arrays["exact_postings"], arrays.get("exact_blocks")
            )
            self._loose = _KeyIndex(
                arrays["loose_keys"], arrays["loose_offsets"], arrays["loose_postings"], arrays.get("loose_blocks")
            )
        except (KeyError, ValueError, IndexError, UnicodeDecodeError) as exc:
            raise GazetteerError(f"{self.path}: corrupt gazetteer ({exc}); rebuild with `make gazetteer`") from exc
        if bytes(self._kind_codes).translate(None, bytes(range(len(KINDS)))):
            raise GazetteerError(f"{self.path}: corrupt gazetteer (unknown feature kind)")
        if not (
            len(self._lat)
            == len(self._lon)
            == len(self._pop)
            == len(self._gid)
            == len(self._kind)
            == len(self._name)
            == len(self._cc)
            == len(self._a1)
        ):
            raise GazetteerError(f"{self.path}: corrupt gazetteer (column lengths differ)")
        self._admin1_names: dict[str, str] = self._meta.get("admin1_names", {})
        self._grid: dict[tuple[int, int], list[int]] | None = None
        self._countries: dict[str, int] | None = None
        self._loose_names: dict[int, str] = {}
        self._fuzzy_pools: dict[str, dict[str, dict[int, list[tuple[str, int]]]]] = {}
        self._a1_tables: tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]] | None = None
        self._a1_keys: dict[int, list[tuple[str, str, int, int]]] | None = None
        self._rows: dict[int, tuple[str, str, str, float, float, int]] = {}
        self._lock = threading.Lock()
        self._resolve_cached = lru_cache(maxsize=65536)(self._resolve)
        self._lookup_cached = lru_cache(maxsize=65536)(self._lookup)
        self._name_rows_cached = lru_cache(maxsize=65536)(self._name_rows)
        self._best_cached = lru_cache(maxsize=65536)(self._best)
        self._plain_rows_cached = lru_cache(maxsize=65536)(self._plain_rows)

    # ------------------------------------------------------------------ loading
    _default: Gazetteer | None = None
    _default_lock = threading.Lock()

    @classmethod
    def default(cls) -> Gazetteer:
        """The gazetteer in ``settings.gazetteer_dir`` (loaded once, then shared)."""
        path = Path(settings.get("gazetteer_dir")) / "places.npz"  # type: ignore[arg-type]
        with cls._default_lock:
            if cls._default is None or cls._default.path != path:
                cls._default = cls(path)
            return cls._default

    def __len__(self) -> int:
        return len(self._lat)

    @property
    def counts(self) -> dict[str, int]:
        """Number of places by kind."""
        return dict(self._meta.get("counts", {}))

    def prepare(self) -> Gazetteer:
        """Build now the tables that look-ups otherwise build on first use (admin-1
        units and centres, the fuzzy admin-1 keys, the name indexes' block
        checkpoints; about 40 ms together). For batch users such as the place
        matcher, so that loading holds these one-time costs instead of the first
        document. Idempotent; returns ``self``."""
        self._admin1_tables()
        self._admin1_key_table()
        self._exact.prepare()
        self._loose.prepare()
        return self

    # ------------------------------------------------------------------ rows
    def candidate(self, i: int, *, score: float = 0.0, matched: str = "exact") -> Candidate:
        """Row ``i`` as a :class:`Candidate`."""
        kind, cc, a1, lat, lon, pop = self._row(i)
        return Candidate(
            self._gid[i],
            self._name[i],
            lat,
            lon,
            cc,
            a1,
            self._admin1_names.get(f"{cc}.{a1}"),
            kind,
            pop,
            score,
            matched,
        )

    def _row(self, i: int) -> tuple[str, str, str, float, float, int]:
        """``(kind, country, admin1, lat, lon, population)`` of row ``i``, read from the
        columns once and then kept (ranking reads them for every candidate and hint)."""
        row = self._rows.get(i)
        if row is None:
            if not 0 <= i < len(self._lat):
                raise IndexError(i)
            row = self._rows[i] = (
                KINDS[self._kind_codes[i]],
                self._cc[i],
                self._a1[i],
                self._lat[i],
                self._lon[i],
                self._pop[i],
            )
        return row

    def country_row(self, country_code: str) -> Candidate | None:
        """The country-level row of an ISO code (at a label point inside the country)."""
        if self._countries is None:
            self._countries = {self._cc[i]: i for i in self._rows_of_kind("country")}
        i = self._countries.get(country_code)
        return None if i is None else self.candidate(i)

    def capital_point(self, country_code: str) -> tuple[float, float] | None:
        """``(lat, lon)`` of a country's capital, if the gazetteer knows it."""
        point = self._meta.get("capitals", {}).get(country_code)
        if point is not None:
            return float(point[0]), float(point[1])
        row = self.country_row(country_code)  # gazetteers built before "capitals"
        return None if row is None else (row.lat, row.lon)

    def is_capital(self, cand: Candidate) -> bool:
        """True for a populated place at its country's capital point."""
        point = self.capital_point(cand.country_code)
        return (
            point is not None and cand.kind in POPULATED and _haversine_km(cand.lat, cand.lon, point[0], point[1]) < 2.0
        )

    def admin1_name(self, country_code: str, admin1: str) -> str | None:
        """English name of an admin-1 unit, e.g. ``("UA", "21") -> "Sumy"``-like."""
        return self._admin1_names.get(f"{country_code}.{admin1}")

    def region_geometry(self, cand: Candidate) -> dict | None:
        """GeoJSON polygon of an admin-1 candidate from the bundled boundaries, if any."""
        if cand.kind != "admin1":
            return None
        from geomap.gazetteer import boundaries  # lazy: shapely-free JSON read

        return boundaries.admin1_geometry(cand.country_code, cand.admin1)

    # ------------------------------------------------------------------ lookup
    def keys(self) -> list[str]:
        """Every exact index key (normalised names), sorted."""
        return self._exact.keys()

    def ids_for_key(self, key: str) -> list[int]:
        """Row ids indexed under an exact normalised key."""
        return self._exact.ids(key)

    def kinds_for_key(self, key: str) -> set[str]:
        """Feature kinds of the rows indexed under ``key`` (used by the place matcher)."""
        return {self._kind[i] for i in self.ids_for_key(key)}

    def max_population_for_key(self, key: str) -> int:
        """Largest population among rows indexed under ``key``."""
        return max((self._pop[i] for i in self.ids_for_key(key)), default=0)

    def _loose_ids(self, key: str) -> list[int]:
        return self._loose.ids(loose_key(key))

    def lookup(self, name: str) -> tuple[list[int], str, str | None]:
        """Row ids for a name: ``(ids, "exact"|"loose"|"fuzzy", admin_kind)``.

        ``admin_kind`` is ``"admin1"``/``"admin2"`` when the name carries a region
        word ("Sumy Oblast", "Kstovsky district"). A region named after its centre in
        another spelling ("Kharkov Oblast") gives the centre's admin-1 unit; a
        misspelt one ("Zaporizja Oblast") the closest admin-1 name. A trailing place
        word ("Dvorichna village", "Voznesensk airbase") or a leading "near" is
        dropped when the whole name finds nothing.
        """
        ids, matched, admin_kind = self._lookup_cached(normalize(name))
        return list(ids), matched, admin_kind

    def _lookup(self, key: str) -> tuple[tuple[int, ...], str, str | None]:
        """:meth:`lookup` of a normalised key; cached per instance (the ranking asks for
        the same name once per set of hints)."""
        ids, matched, admin_kind = self._lookup_key(key)
        if not ids:
            words = key.split(" ")
            if len(words) > 1 and words[0] in _NEAR_WORDS:
                words = words[1:]
            if len(words) > 1 and words[-1] in _PLACE_WORDS:
                words = words[:-1]
            if " ".join(words) != key:
                ids, matched, admin_kind = self._lookup_key(" ".join(words))
        return tuple(ids), matched, admin_kind

    def _lookup_key(self, key: str) -> tuple[list[int], str, str | None]:
        core, admin_kind = split_admin_word(key)
        if admin_kind is None:
            ids = self.ids_for_key(key)
            if ids:
                return ids, "exact", None
            return self._loose_ids(core), "loose", None
        # "Kyiv Oblast" names UA.13 exactly; the core "kyiv" adds the city and UA.12.
        admins = [i for i in self.ids_for_key(key) if self._kind[i] in ADMIN]
        if admins:
            return admins, "exact", admin_kind
        for matched, ids in (("exact", self.ids_for_key(core)), ("loose", self._loose_ids(core))):
            if any(self._kind[i] in ADMIN for i in ids):
                return ids, matched, admin_kind
            if admin_kind == "admin1":
                centres = self._admin1_of_centres(ids)
                if centres:
                    return centres, matched, admin_kind
            if ids:
                break
        if admin_kind == "admin1":
            fuzzy = self._fuzzy_admin1(core, None)
            if fuzzy:
                return fuzzy, "fuzzy", admin_kind
        return ids, matched, admin_kind

    def _admin1_of_centres(self, ids: Sequence[int]) -> list[int]:
        """Admin-1 rows of the places in ``ids`` that are their unit's largest place.

        An oblast is named after its centre: "Kharkov Oblast" is the admin-1 unit whose
        most populous place is called Kharkov (Kharkiv).
        """
        centre, rows = self._admin1_tables()
        out = []
        for i in ids:
            if self._kind[i] in POPULATED and self._pop[i] > 0:
                unit = (self._cc[i], self._a1[i])
                c = centre.get(unit)
                if c is not None and self._pop[i] >= self._pop[c] and unit in rows:
                    out.append(rows[unit])
        return sorted(set(out))

    def _admin1_tables(self) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
        """(row of the most populous place, admin-1 row) per admin-1 unit.

        Stored in the file's metadata by the builder; computed here for older files.
        """
        if self._a1_tables is None and "admin1_centres" in self._meta:

            def units(table: dict[str, int]) -> dict[tuple[str, str], int]:
                return {(k.split(".", 1)[0], k.split(".", 1)[1]): int(v) for k, v in table.items()}

            self._a1_tables = (units(self._meta["admin1_centres"]), units(self._meta["admin1_rows"]))
        if self._a1_tables is None:
            with self._lock:
                if self._a1_tables is None:
                    centre: dict[tuple[str, str], int] = {}
                    rows: dict[tuple[str, str], int] = {}
                    import numpy as np

                    cc, a1, pop = self._cc.tolist(), self._a1.tolist(), self._pop.array
                    for i in self._rows_of_kind("admin1"):
                        rows.setdefault((cc[i], a1[i]), i)
                    populated = np.isin(np.asarray(self._kind_codes), [KINDS.index(k) for k in POPULATED])
                    cand = np.flatnonzero(populated & (pop > 0))
                    ids: dict[str, int] = {}
                    units = np.fromiter(
                        (ids.setdefault(f"{cc[i]}.{a1[i]}", len(ids)) for i in cand.tolist()),
                        dtype=np.int64,
                        count=len(cand),
                    )
                    # per unit: most populous first, then the lower row
                    order = np.lexsort((cand, -pop[cand], units))
                    _, first = np.unique(units[order], return_index=True)
                    for i in cand[order[first]].tolist():
                        centre[(cc[i], a1[i])] = i
                    self._a1_tables = (centre, rows)
        return self._a1_tables

    def _primary_loose(self, i: int) -> str:
        """Loose key of row ``i``'s current name (cached)."""
        key = self._loose_names.get(i)
        if key is None:
            key = self._loose_names[i] = _name_key(self._name[i])
        return key

    # ------------------------------------------------------------------ ranking
    def _hint_agreement(self, i: int, hints: Hints) -> float:
        kind, cc, a1, lat, lon, _ = self._row(i)
        return self._agreement(i, kind, cc, a1, lat, lon, hints)

    def _agreement(self, i: int, kind: str, cc: str, a1: str, lat: float, lon: float, hints: Hints) -> float:
        if not hints:
            return 0.0
        if kind == "admin1":  # a region is no evidence for itself
            return 1.0 if cc in hints.countries else 0.0
        if (cc, a1) in hints.admin1s:
            return 3.0
        if (
            kind in POPULATED
            and hints.names
            and normalize(self._name[i]) in hints.names
            and any(c == cc for c, _ in hints.admin1s)
        ):
            return 3.0
        if near_hint_points(lat, lon, hints.points):
            return 2.5
        if cc in hints.countries:
            return 1.0
        return 0.0

    def _rank_rows(self, ids: Sequence[int], key: str, admin_kind: str | None) -> tuple[_RankRow, ...]:
        """The hint-independent part of ranking ``ids`` for the name ``key``: per row,
        the kind weight, the current-name bonus, the population weight and the row."""
        weights = _ADMIN_KIND[admin_kind] if admin_kind else _BARE_KIND
        lkey = _primary_key(key)
        rows = []
        for i in ids:
            kind, cc, a1, lat, lon, population = self._row(i)
            w = weights.get(kind)
            if w is None:
                w = 0.2  # e.g. a village for "X Oblast": possible, unlikely
            primary = 0.6 if self._primary_loose(i) == lkey else 0.0
            pop = math.log10(population + 1) / 7.0
            rows.append((w, primary, pop, i, kind, cc, a1, lat, lon, population))
        return tuple(rows)

    def _score_rows(
        self, rows: Sequence[_RankRow], *, hints: Hints, admin_kind: str | None, matched: str
    ) -> list[tuple[float, int]]:
        """``(total, row)`` best first: hint agreement + kind + current name + population,
        less a penalty for spelling variants and misspellings; ties by population."""
        penalty = 0.3 if matched == "loose" else 0.6 if matched == "fuzzy" else 0.0
        agreement = self._agreement
        scored = []
        for w, primary, pop, i, kind, cc, a1, lat, lon, population in rows:
            total = agreement(i, kind, cc, a1, lat, lon, hints) + w + primary + pop
            if penalty:
                total -= penalty
            scored.append((total, -population, i))
        scored.sort(key=lambda t: (-t[0], t[1], t[2]))
        out = [(total, i) for total, _, i in scored]
        if admin_kind is None:
            out = self._prefer_eponymous_city(out)
        return out

    def _rank(
        self, ids: Sequence[int], key: str, *, hints: Hints, admin_kind: str | None, matched: str
    ) -> list[tuple[float, int]]:
        rows = self._rank_rows(ids, key, admin_kind)
        return self._score_rows(rows, hints=hints, admin_kind=admin_kind, matched=matched)

    def _prefer_eponymous_city(self, scored: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """ "Kherson" alone means the city, not Kherson Oblast, when the city is inside it."""
        if len(scored) < 2 or self._kind[scored[0][1]] not in ADMIN:
            return scored
        top_score, top = scored[0]
        for pos, (s, i) in enumerate(scored[1:], start=1):
            if (
                self._kind[i] in POPULATED
                and s >= top_score - 1.0
                and (self._cc[i], self._a1[i]) == (self._cc[top], self._a1[top])
                and self._pop[i] >= 0.1 * max(self._pop[top], 1)
            ):
                return [(top_score + 0.01, i)] + scored[:pos] + scored[pos + 1 :]
        return scored

    def rank(
        self, name: str, *, hints: Hints = Hints(), country: str | None = None, limit: int = 10
    ) -> list[Candidate]:
        """Ranked candidates for one name (no query parsing)."""
        matched, admin_kind, rows = self._name_rows_cached(name, country)
        ranked = self._score_rows(rows, hints=hints, admin_kind=admin_kind, matched=matched)
        return [self.candidate(i, score=_score(total, matched), matched=matched) for total, i in ranked[:limit]]

    def _name_rows(self, name: str, country: str | None) -> tuple[str, str | None, tuple[_RankRow, ...]]:
        """``(matched, admin_kind, rank rows)`` of a name; cached per instance (a document
        ranks the same name under several sets of hints)."""
        ids, matched, admin_kind = self.lookup(name)
        if country:  # seas and continents belong to no country: a restriction keeps them
            ids = [i for i in ids if self._cc[i] in (country, "")]
        core, _ = split_admin_word(normalize(name))
        return matched, admin_kind, self._rank_rows(ids, core, admin_kind)

    def fuzzy_rank(
        self,
        name: str,
        *,
        units: Iterable[tuple[str, str]] = (),
        country: str | None = None,
        hints: Hints = Hints(),
        limit: int = 10,
    ) -> list[Candidate]:
        """Candidates for a misspelt name ("Melitropol"), searched only inside ``units``
        (admin-1 ``(country, code)`` pairs) or else inside ``country``.

        A populated place matches when the loose key of one of its names is within edit
        distance 1 of the name's (2 for names of 10 letters or more; a swap of two
        letters counts 1); names shorter than 5 letters (8 with only a country to search
        in) never match. Only the places at the smallest distance are ranked, as usual,
        with a lower score (``matched="fuzzy"``, at most 0.75). Returns ``[]`` without
        a region or country to search in.
        """
        core, admin_kind = split_admin_word(normalize(name))
        target = _primary_key(core)
        units = sorted(set(units))
        shortest = FUZZY_MIN_LENGTH if units else FUZZY_MIN_LENGTH_COUNTRY
        if admin_kind is not None or len(target) < shortest or not (units or country):
            return []
        bound = 1 if len(target) < 10 else 2
        best_d, best = bound + 1, []
        for cc in sorted({u[0] for u in units} or {country}):  # type: ignore[arg-type]
            if country and cc != country:
                continue
            pools = self._fuzzy_pool(cc)
            wanted = sorted({a1 for c, a1 in units if c == cc} or pools)
            for a1 in wanted:
                by_length = pools.get(a1, {})
                for n in range(len(target) - bound, len(target) + bound + 1):
                    for key, i in by_length.get(n, ()):
                        d = bounded_edit_distance(target, key, min(bound, best_d))
                        if d < best_d:
                            best_d, best = d, [i]
                        elif d == best_d and d <= bound:
                            best.append(i)
        ranked = self._rank(best, core, hints=hints, admin_kind=None, matched="fuzzy")
        return [self.candidate(i, score=_score(total, "fuzzy"), matched="fuzzy") for total, i in ranked[:limit]]

    def _fuzzy_pool(self, country: str) -> dict[str, dict[int, list[tuple[str, int]]]]:
        """Loose keys of all names of a country's populated places, by admin-1 and length.

        Built once per country by inverting the loose index (imports NumPy).
        """
        pool = self._fuzzy_pools.get(country)
        if pool is None:
            with self._lock:
                pool = self._fuzzy_pools.get(country)
                if pool is None:
                    pool = self._build_fuzzy_pool(country)
                    self._fuzzy_pools[country] = pool
        return pool

    def _build_fuzzy_pool(self, country: str) -> dict[str, dict[int, list[tuple[str, int]]]]:
        import numpy as np

        index = self._loose
        offsets = np.asarray(index._offsets)
        rows = np.asarray(index._postings)
        key_of = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
        cc = np.asarray(self._cc.tolist(), dtype=object)
        populated = np.isin(np.asarray(self._kind_codes), [KINDS.index(k) for k in POPULATED])
        keep = populated[rows] & (cc[rows] == country)
        keys, a1 = index.keys(), self._a1.tolist()
        pool: dict[str, dict[int, list[tuple[str, int]]]] = {}
        for k, i in zip(key_of[keep].tolist(), rows[keep].tolist()):
            key = keys[k]
            pool.setdefault(a1[i], {}).setdefault(len(key), []).append((key, i))
        return pool

    def _rows_of_kind(self, kind: str) -> list[int]:
        code = re.escape(bytes([KINDS.index(kind)]))
        return [m.start() for m in re.finditer(code, bytes(self._kind_codes))]

    def hints_for(self, texts: Iterable[str], *, country: str | None = None) -> Hints:
        """Turn context names ("Kherson Oblast", "Ukraine", "Kyiv") into :class:`Hints`."""
        admin1s: set[tuple[str, str]] = set()
        countries: set[str] = set()
        points: list[tuple[float, float]] = []
        names: set[str] = set()
        for text in texts:
            ids, matched, admin_kind = self.lookup(text)
            if admin_kind is not None:
                names.add(split_admin_word(normalize(text))[0])
            if country:
                ids = [i for i in ids if self._cc[i] == country]
            if admin_kind == "admin1" and not any(self._kind[i] in ADMIN for i in ids):
                ids = self._fuzzy_admin1(split_admin_word(normalize(text))[0], country) or ids
            core = split_admin_word(normalize(text))[0]
            ranked = self._rank(ids, core, hints=Hints(), admin_kind=admin_kind, matched=matched)
            admins = [(s, i) for s, i in ranked if self._kind[i] in ADMIN]
            if admins:  # keep the best-ranked admin units only ("Kyiv Oblast" -> UA.13)
                top = admins[0][0]
                admins = [(s, i) for s, i in admins if s >= top - 0.5]
            keep = {i for _, i in admins}
            for _, i in ranked:
                kind = self._kind[i]
                if kind == "country":
                    countries.add(self._cc[i])
                elif kind in ADMIN:
                    if i not in keep:
                        continue
                    admin1s.add((self._cc[i], self._a1[i]))
                    if kind == "admin2":
                        points.append((self._lat[i], self._lon[i]))
                elif admin_kind is None and self._pop[i] >= 5000:
                    admin1s.add((self._cc[i], self._a1[i]))
                    points.append((self._lat[i], self._lon[i]))
        return Hints(frozenset(admin1s), frozenset(countries), tuple(points[:50]), frozenset(names))

    def _fuzzy_admin1(self, core: str, country: str | None) -> list[int]:
        """Misspelt region names ("Zaporizja Oblast", "Charkov Oblast"): closest admin-1.

        Compares loose keys by edit distance (at most 1, or 2 for keys of 8 letters or
        more) against each unit's names and its largest place's name; the unit at the
        smallest distance wins, ties going to the larger population.
        """
        target = loose_key(core)
        if len(target) < 5:
            return []
        limit = 2 if len(target) >= 8 else 1
        by_length = self._admin1_key_table()
        best: tuple[int, int, int] | None = None
        for n in range(len(target) - limit, len(target) + limit + 1):
            for key, cc, neg_pop, i in by_length.get(n, ()):
                if country and cc != country:
                    continue
                d = bounded_edit_distance(target, key, limit)
                if d <= limit:
                    rank = (d, neg_pop, i)
                    if best is None or rank < best:
                        best = rank
        return [best[2]] if best else []

    def _admin1_key_table(self) -> dict[int, list[tuple[str, str, int, int]]]:
        """``(loose key, country, -population, row)`` of each admin-1 unit's names (its
        own, its English label, its largest place's), by key length; built once per
        gazetteer file and kept in ``settings.cache_dir``."""
        table = self._a1_keys
        if table is None:
            table = {}
            for key, cc, neg_pop, i in self._cached_derived("admin1-keys", self._admin1_key_rows):
                table.setdefault(len(key), []).append((key, cc, neg_pop, i))
            self._a1_keys = table
        return table

    def _admin1_key_rows(self) -> list[tuple[str, str, int, int]]:
        centres, rows = self._admin1_tables()
        out = []
        for i in sorted(rows.values()):
            unit = (self._cc[i], self._a1[i])
            names = {self._name[i], self._admin1_names.get(f"{unit[0]}.{unit[1]}", "")}
            centre = centres.get(unit)
            if centre is not None:
                names.add(self._name[centre])
            keys = {loose_key(split_admin_word(normalize(n))[0]) for n in names if n}
            out += [(key, unit[0], -self._pop[i], i) for key in sorted(keys)]
        return out

    def _cached_derived(
        self, name: str, build: Callable[[], list[tuple[str, str, int, int]]]
    ) -> list[tuple[str, str, int, int]]:
        """Rows of ``(str, str, int, row id)`` derived from this gazetteer file alone,
        read from ``settings.cache_dir`` or built and written there (an unreadable or
        unwritable cache only costs a rebuild)."""
        source = gazetteer_identity(self.path)
        path = derived_cache_path(self.path, name, _DERIVED_VERSION, ".json")
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["source"] == source:
                rows = [(a, b, c, d) for a, b, c, d in data["rows"]]
                n = len(self)
                if all(
                    isinstance(a, str)
                    and isinstance(b, str)
                    and isinstance(c, int)
                    and isinstance(d, int)
                    and 0 <= d < n
                    for a, b, c, d in rows
                ):
                    return rows
        except (OSError, ValueError, KeyError, TypeError):
            pass
        rows = build()
        try:
            write_text_atomic(path, json.dumps({"source": source, "rows": rows}, ensure_ascii=False), make_parents=True)
        except OSError:
            pass
        return rows

    # ------------------------------------------------------------------ resolve
    def resolve(self, query: str, country: str | None = None, hints: Hints = Hints()) -> Resolution:
        """Resolve a free-text query such as ``"Stanislav, Kherson Oblast"`` (cached)."""
        _check_query(query)  # before the cache: an unhashable query is a QueryError
        return self._resolve_cached(query, country, hints)

    def best(self, query: str, country: str | None = None, hints: Hints = Hints()) -> Candidate | None:
        """The match of :meth:`resolve` alone (cached; cheaper: no alternatives are
        built). For callers that resolve many names under many sets of hints."""
        _check_query_type(query)
        return self._best_cached(query, country, hints)

    def may_agree(self, query: str, hints: Hints) -> bool:
        """False when no place that :meth:`best` may return for ``query`` (without a
        country restriction) lies in one of the countries or admin-1 units of ``hints``
        or within :data:`HINT_RADIUS_KM` of one of its points, so that no reading under
        these hints can agree with them: a cheap test before ranking a name under many
        sets of hints. True when one may, and for queries that carry their own context
        ("X, Y Oblast") or alternatives ("A/B")."""
        rows = self._plain_rows_cached(query)
        if rows is None:
            return True
        admin1s, countries, points = hints.admin1s, hints.countries, hints.points
        return any(
            row[5] in countries or (row[5], row[6]) in admin1s or near_hint_points(row[7], row[8], points)
            for row in rows
        )

    def _plain_rows(self, query: str) -> tuple[_RankRow, ...] | None:
        """Rank rows of a query that is a plain name (what :meth:`_resolve` ranks for it
        without a country), or None for any other query."""
        _check_query_type(query)
        name, hint_texts = parse_query(query)
        if hint_texts or "/" in name or not name or not normalize(name):
            return None
        return self._name_rows_cached(name, None)[2]

    def _best(self, query: str, country: str | None, hints: Hints) -> Candidate | None:
        _check_query(query)  # inside the cache: a cached query passed it before
        return self._resolve(query, country, hints, alternatives=0).match

    def _resolve(
        self, query: str, country: str | None = None, hints: Hints = Hints(), alternatives: int | None = None
    ) -> Resolution:
        """Resolve a free-text query such as ``"Stanislav, Kherson Oblast"``.

        The result is cached (the method is wrapped in an LRU cache per instance);
        :meth:`resolve` has checked the query. ``alternatives`` defaults to
        ``settings.max_alternatives``.
        """
        limit = 1 + (settings.max_alternatives if alternatives is None else alternatives)
        if country is not None:
            country = _check_country(self, country)
        name, hint_texts = parse_query(query)
        if not name or not normalize(name):
            return Resolution(query, None, (), hints)
        name, hint_texts = self._most_specific(name, hint_texts, country)
        all_hints = hints.merge(self.hints_for(hint_texts, country=country)) if hint_texts else hints
        cands = self.rank(name, hints=all_hints, country=country, limit=limit)
        if not cands and "/" in name:  # "Snake Island/Bile": alternatives, first that resolves
            for part in (p.strip() for p in name.split("/")):
                if part and normalize(part):
                    cands = self.rank(part, hints=all_hints, country=country, limit=limit)
                    if cands:
                        break
        if not cands and (hint_texts or country):
            query_hints = self.hints_for(hint_texts, country=country) if hint_texts else Hints()
            cands = self.fuzzy_rank(name, units=query_hints.admin1s, country=country, hints=all_hints, limit=limit)
        if not cands:
            return Resolution(query, None, (), all_hints)
        return Resolution(query, cands[0], tuple(cands[1:]), all_hints)

    def _most_specific(self, name: str, hint_texts: list[str], country: str | None) -> tuple[str, list[str]]:
        """In "Kyiv, Borodyanka" the target is Borodyanka (inside Kyiv Oblast)."""
        if not hint_texts or split_admin_word(normalize(name))[1] is not None:
            return name, hint_texts
        parts = [name, *hint_texts]
        best = None
        for j, part in enumerate(parts):
            if split_admin_word(normalize(part))[1] is not None:
                continue
            cands = self.rank(part, country=country, limit=1)
            if cands and cands[0].kind in POPULATED:
                pop = cands[0].population
                if best is None or pop < best[0]:
                    best = (pop, j)
        if best is None or best[1] == 0:
            return name, hint_texts
        j = best[1]
        return parts[j], parts[:j] + parts[j + 1 :]

    # ------------------------------------------------------------------ reverse
    def reverse(self, lat: float, lon: float, *, max_km: float = 50.0) -> Candidate | None:
        """The populated place a point is in or nearest to (within ``max_km``), or None.

        Distances are taken from each place's edge, not its point: a place of
        population *p* is treated as a disc of radius ``sqrt(p) / 100`` km (capped at
        :data:`REVERSE_MAX_RADIUS_KM`), so a point 2 km from the centre of a city of
        200,000 names the city, not a village that happens to be nearer.
        """
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise QueryError(f"coordinates out of range: ({lat!r}, {lon!r})")
        grid = self._populated_grid()
        ci, cj = int(math.floor(lat * 4)), int(math.floor(lon * 4))
        # a grid cell is 0.25 degrees: its narrower side, in km, bounds what a ring covers
        cell_km = 27.8 * max(0.05, math.cos(math.radians(min(89.0, abs(lat) + 1.0))))
        best: tuple[float, float, int] | None = None
        for ring in range(0, 4):
            for di in range(-ring, ring + 1):
                for dj in range(-ring, ring + 1):
                    if max(abs(di), abs(dj)) != ring:
                        continue
                    for i in grid.get((ci + di, cj + dj), ()):
                        d = _haversine_km(lat, lon, self._lat[i], self._lon[i])
                        if d > max_km:
                            continue
                        edge = d - _radius_km(self._pop[i])
                        if best is None or (edge, d, i) < best:
                            best = (edge, d, i)
            if best is not None and best[0] + REVERSE_MAX_RADIUS_KM <= ring * cell_km:
                break
        if best is None:
            return None
        return self.candidate(best[2], score=1.0)

    def _populated_grid(self) -> dict[tuple[int, int], list[int]]:
        if self._grid is None:
            with self._lock:
                if self._grid is None:
                    grid: dict[tuple[int, int], list[int]] = {}
                    import numpy as np

                    populated = np.isin(np.asarray(self._kind_codes), [KINDS.index(k) for k in POPULATED])
                    rows = np.flatnonzero(populated)
                    cells_i = np.floor(self._lat.array[rows] * 4).astype(np.int64).tolist()
                    cells_j = np.floor(self._lon.array[rows] * 4).astype(np.int64).tolist()
                    for i, ci, cj in zip(rows.tolist(), cells_i, cells_j):
                        grid.setdefault((ci, cj), []).append(i)
                    self._grid = grid
        return self._grid


# ---------------------------------------------------------------------- helpers


def _score(total: float, matched: str) -> float:
    """Ranking total -> score in 0..1; a misspelling match never scores above 0.75."""
    score = min(1.0, max(0.0, total / 3.5))
    return 0.75 * score if matched == "fuzzy" else score


_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}


@lru_cache(maxsize=1 << 16)
def _primary_key(key: str) -> str:
    """Loose key with leading abbreviations spelt out ("st petersburg" = "saint petersburg")."""
    words = key.split(" ")
    if len(words) > 1 and words[0] in _ABBREVIATIONS:
        key = " ".join([_ABBREVIATIONS[words[0]], *words[1:]])
    return loose_key(key)


@lru_cache(maxsize=1 << 16)
def _name_key(name: str) -> str:
    """:func:`_primary_key` of a place name as written (same-named places share it)."""
    return _primary_key(normalize(name))


def _radius_km(population: int) -> float:
    """Rough radius of a populated place: ~5 km for 250,000 people, ~12 km for 1.5 M."""
    return min(REVERSE_MAX_RADIUS_KM, math.sqrt(max(population, 0)) / 100.0)


def gazetteer_identity(path: Path) -> str:
    """A string that changes whenever the gazetteer file changes (for derived caches)."""
    st = path.stat()
    return f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"


def derived_cache_path(
    gazetteer_path: Path, name: str, version: int, suffix: str, cache_dir: Path | None = None
) -> Path:
    """Where a table derived from a gazetteer file is cached: one file per gazetteer
    location, table and format version in ``cache_dir`` (default
    ``settings.cache_dir``). A rebuilt gazetteer overwrites its entry (the entry records
    :func:`gazetteer_identity`), so the cache does not grow with every rebuild."""
    key = f"{version}|{gazetteer_path.resolve()}"
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
    base = Path(cache_dir or settings.get("cache_dir"))  # type: ignore[arg-type]
    return base / f"{name}-{digest}{suffix}"


def _check_query_type(query: object) -> None:
    if not isinstance(query, str):
        raise QueryError(f"query must be a string, not {type(query).__name__}")


def _check_query(query: object) -> None:
    _check_query_type(query)
    limit = settings.get("max_query_length")
    if len(query) > limit:  # type: ignore[operator]
        raise QueryError(f"query is {len(query)} characters long; the limit is {limit}")


def _check_country(gaz: Gazetteer, country: str) -> str:
    code = country.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code) or code not in _known_countries(gaz):
        raise QueryError(f"unknown country code {country!r}: use an ISO 3166-1 alpha-2 code such as UA, RU, BY")
    return code


@lru_cache(maxsize=4)
def _known_countries(gaz: Gazetteer) -> frozenset[str]:
    return frozenset(gaz._cc.tolist()) - {""}
