"""The bundled gazetteer: load it, look names up, resolve them with context.

The data file (``data/gazetteer/places.npz``, built by :mod:`tools.build_gazetteer`)
holds one row per place (countries, admin-1 and admin-2 units, GeoNames cities500,
every Ukrainian settlement of Who's On First, postal villages, city districts,
aerodromes and other features) and two name indexes: exact normalised keys and
"loose" keys that fold transliteration variants. The file is memory-mapped and read
without NumPy, so loading costs a few milliseconds; rows and keys are decoded on use.
Loading is read-only; a loaded :class:`Gazetteer` is safe to share between threads.

Ranking, for a name and optional hints (regions, countries, nearby places), orders by
(weights in :class:`Weights`):

1. hint agreement, a tier: in a hinted admin-1 unit, else within :data:`HINT_RADIUS_KM`
   of a hinted place, else in a hinted country;
2. then nearness to the hinted places (spatial minimality: of ten Andriivkas in one
   oblast, the one nearest to the other places of the document or query), added to
3. feature kind (a region word such as "Oblast" asks for an admin unit; a bare name
   prefers populated places) and whether the name is the place's *current* name (in
   Ukrainian or Russian) rather than a historical or foreign alternate;
4. population and prominence (how many names a place is known by); and for a bare name
   without any hint, a place in ``settings.event_countries`` (the theatre) is preferred.
   The score (0..1) is the tier plus these, without the nearness.

A query that names its region ("Pisky, Donetsk Oblast") gets no match when no place of
that name lies in (or just beside) the region: a namesake hundreds of kilometres away is
only listed among the alternatives. A name that matches nothing, in a query that names
its region ("Melitropol, Zaporizhia Oblast") or under a country restriction, gets a
bounded fuzzy match (:meth:`Gazetteer.fuzzy_rank`), reported with ``matched="fuzzy"``
and a lower score.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geomap import settings
from geomap._geo import haversine_km as _haversine_km
from geomap._text import bounded_edit_distance, loose_key, split_admin_word
from geomap._text import normalize as _normalize
from geomap.exc import GazetteerError, QueryError
from geomap.gazetteer.storage import (
    FLAG_ESTIMATED,
    FLAG_MINOR,
    FLAG_NOTABLE,
    FORMAT_VERSION,
    KINDS,
    MARK_CURRENT,
    _KeyIndex,
    _KindColumn,
    _Lines,
    _map_npz,
    _NumColumn,
    _StrColumn,
)
from geomap.records import Candidate

#: :func:`geomap._text.normalize`, memoised (queries and hint texts repeat).
normalize = lru_cache(maxsize=1 << 14)(_normalize)
#: :func:`geomap._text.split_admin_word`, memoised.
_split_admin = lru_cache(maxsize=1 << 14)(split_admin_word)

__all__ = ["FORMAT_VERSION", "KINDS", "Candidate", "Gazetteer", "Hints", "Resolution", "Weights"]

POPULATED = frozenset({"city", "village", "district"})
ADMIN = frozenset({"admin1", "admin2"})
_POPULATED_CODES = frozenset(KINDS.index(k) for k in POPULATED)
_ADMIN_CODES = frozenset(KINDS.index(k) for k in ADMIN)
_ADMIN1_CODE = KINDS.index("admin1")
_COUNTRY_CODE = KINDS.index("country")
_DISTRICT_CODE = KINDS.index("district")
_ADMIN2_CODE = KINDS.index("admin2")
HINT_RADIUS_KM = 50.0
#: Largest radius (km) a populated place is given by :meth:`Gazetteer.reverse`.
REVERSE_MAX_RADIUS_KM = 12.0
#: Shortest loose key that a misspelt name may be matched with (see ``fuzzy_rank``).
FUZZY_MIN_LENGTH = 5
#: ... when only a country restricts the search (a far bigger pool of names).
FUZZY_MIN_LENGTH_COUNTRY = 8
#: How far (degrees, ~10 km) outside the box of a named region's places a place still
#: counts as in that region ("X, Y Oblast" just across the border).
REGION_MARGIN_DEG = 0.1
#: How far (km) from a city a district of "the X district of City" may lie.
CITY_DISTRICT_KM = 25.0
#: :meth:`Gazetteer.resolve_many`: a match is tied with an alternative scored within this
#: much (scores are 0..1) unless it has this many people; the batch's places within
#: ``CONTEXT_KM`` of a tied query's candidates are its context.
TIE_SCORE = 0.1
TIE_POPULATION = 10_000
CONTEXT_KM = 15.0
#: ... weight of ``ln(1 + answers near)`` against the ranking total, and rounds.
CONTEXT_WEIGHT = 1.0
CONTEXT_ROUNDS = 3
#: A posting mark (beside the stored ``MARK_CURRENT``) set at run time on a place found
#: only through the loose key of a name that other places match exactly.
MARK_VARIANT = 0x80
#: Entries kept by each per-instance answer cache (bounds the memory of long runs).
CACHE_SIZE = 16384


@dataclass(frozen=True, slots=True)
class Weights:
    """The ranking's weights: one total per candidate, the highest first.

    Kind weights are per feature kind, in the order of :data:`KINDS`.
    """

    #: In a hinted admin-1 unit (or the eponymous centre of a hinted region: "Kyiv, Kyiv Oblast").
    #: The agreement weights are also tiers: a candidate of a higher tier always ranks first.
    in_unit: float = 3.0
    #: Within :data:`HINT_RADIUS_KM` of a hinted place.
    near_point: float = 2.5
    #: In a hinted country (an admin-1 unit: only this, a region is no evidence for itself).
    in_country: float = 1.0
    #: Spatial minimality, within a tier: ``nearness`` times the mean over the hinted places
    #: of ``-log(1 + d / nearness_km)`` (``d`` in km) orders namesakes before kind and
    #: population do (30 km against 40 km outweighs a village's 1,000 people; a place 5 km
    #: away beats a city of a million 50 km away). It orders, it does not score.
    nearness: float = 4.0
    nearness_km: float = 5.0
    #: A bare name (no hint, no country) read as a place in ``settings.event_countries``.
    theatre: float = 0.15
    #: The name is (a spelling of) the place's current name.
    current_name: float = 0.6
    #: Per decade of population (log10(population + 1) times this).
    per_decade: float = 1.0 / 7.0
    #: Prominence: per decade of the number of names a place is known by (languages,
    #: spellings, sources), log10(1 + names) times this; it mostly orders villages of
    #: unknown population.
    per_name_decade: float = 0.05
    #: A point that a postal list only estimates (GeoNames postal accuracy 1).
    estimated_penalty: float = 0.1
    #: A place of unknown population with a Wikidata item (:data:`~geomap.gazetteer.storage.FLAG_NOTABLE`): about
    #: two decades of population, so it orders namesake villages of unknown size.
    notable: float = 0.3
    #: Matched through a folded spelling variant / a misspelling.
    loose_penalty: float = 0.3
    fuzzy_penalty: float = 0.6
    #: Kind weights of a bare name ("Kherson": the city before its oblast).
    bare_kind: tuple[float, ...] = (1.3, 0.85, 0.3, 1.0, 0.7, 0.75, 1.0, 1.0)
    #: ... of a name with an oblast-like word ("Kherson Oblast") ...
    admin1_kind: tuple[float, ...] = (1.0, 2.0, 1.4, 0.2, 0.2, 0.2, 0.2, 0.2)
    #: ... and with a raion-like word ("Izium Raion", "Kholodnohirskyi district").
    admin2_kind: tuple[float, ...] = (0.5, 1.5, 2.0, 0.2, 0.2, 1.2, 0.2, 0.2)
    #: Total that maps to a score of 1.0; a misspelling match scores at most ``fuzzy_cap``.
    full_score: float = 3.5
    fuzzy_cap: float = 0.75

    def kinds(self, admin_kind: str | None) -> tuple[float, ...]:
        """The kind weights for a name with (or without) a region word."""
        if admin_kind == "admin1":
            return self.admin1_kind
        if admin_kind == "admin2":
            return self.admin2_kind
        return self.bare_kind

    def score(self, total: float, matched: str) -> float:
        """Ranking total -> score in 0..1."""
        s = min(1.0, max(0.0, total / self.full_score))
        return self.fuzzy_cap * s if matched == "fuzzy" else s


DEFAULT_WEIGHTS = Weights()


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
        if not (other.admin1s or other.countries or other.points or other.names):
            return self
        if not (self.admin1s or self.countries or self.points or self.names):
            return other
        return Hints(
            self.admin1s | other.admin1s,
            self.countries | other.countries,
            self.points + other.points,
            self.names | other.names,
        )


class Resolution:
    """The answer to a query: the best match (or None) and ranked alternatives.

    Immutable and compared by value, like a frozen dataclass. The alternatives may be
    given as a function that builds them: they are built on first access (most callers
    read the match only, and building a :class:`Candidate` is a good part of a look-up).
    """

    __slots__ = ("query", "match", "hints", "_alternatives", "_build")

    query: str
    match: Candidate | None
    hints: Hints
    _alternatives: tuple[Candidate, ...] | None
    _build: Callable[[], tuple[Candidate, ...]] | None

    def __init__(
        self,
        query: str,
        match: Candidate | None,
        alternatives: tuple[Candidate, ...] | Callable[[], tuple[Candidate, ...]] = (),
        hints: Hints | None = None,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "query", query)
        set_(self, "match", match)
        set_(self, "hints", Hints() if hints is None else hints)
        if callable(alternatives):
            set_(self, "_alternatives", None)
            set_(self, "_build", alternatives)
        else:
            set_(self, "_alternatives", tuple(alternatives))
            set_(self, "_build", None)

    @property
    def alternatives(self) -> tuple[Candidate, ...]:
        """The other candidates, best first (at most ``settings.max_alternatives``)."""
        alts = self._alternatives
        if alts is None:
            build = self._build
            alts = build() if build is not None else ()
            object.__setattr__(self, "_alternatives", alts)
            object.__setattr__(self, "_build", None)
        return alts

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Resolution is immutable: cannot set {name!r}")

    def _key(self) -> tuple[object, ...]:
        return (self.query, self.match, self.alternatives, self.hints)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Resolution):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (
            f"Resolution(query={self.query!r}, match={self.match!r}, alternatives={self.alternatives!r}, "
            f"hints={self.hints!r})"
        )

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
#: log10(1 + n) for the name counts of the ``names`` column (0..255).
_PROMINENCE = tuple(math.log10(1 + n) for n in range(256))


def near_hint_points(lat: float, lon: float, points: Iterable[tuple[float, float]]) -> bool:
    """A place lies within :data:`HINT_RADIUS_KM` of one of the hinted ``points``."""
    return any(
        abs(lat - plat) <= _HINT_REACH_DEG and _haversine_km(lat, lon, plat, plon) <= HINT_RADIUS_KM
        for plat, plon in points
    )


def _closeness(lat: float, lon: float, points: Sequence[tuple[float, float]], scale_km: float) -> float:
    """How close a place lies to ``points``: the mean of ``-log(1 + d / scale_km)`` over the
    points' distances ``d`` (km, equirectangular: good to a few per cent at these ranges),
    0 at the points, falling with the log of the (geometric mean) distance."""
    k = math.cos(math.radians(lat))
    per_km = 111.2 / scale_km
    total = 0.0
    for plat, plon in points:
        dy = lat - plat
        dx = (lon - plon) * k
        total -= math.log1p(per_km * math.sqrt(dx * dx + dy * dy))
    return total / len(points)


_PAREN_RE = re.compile(r"\(([^()]*)\)")
#: Parts of a query: commas, semicolons, and dashes with a space on either side ("Kharkiv -
#: Kholodnohirskyi", as conflict datasets write "City - District").
_SPLIT_RE = re.compile(r"[,;]|\s+[-–—]+\s*|\s*[–—]+\s+")
_NEEDS_SPLIT_RE = re.compile(r"[;–—]|\s-")
_OF_RE = re.compile(
    r"^(?:the\s+)?(.+?)\s+(district|raion|rayon|region|oblast|neighbou?rhood|microdistrict)\s+of\s+"
    r"(?:the\s+)?(?:(?:city|town)\s+of\s+)?(.+)$",
    re.I,
)
#: "X territorial community", "X hromada", "X village council": the settlement X names the
#: community it is the centre of.
_COMMUNITY_RE = re.compile(
    r"^(.+?)\s+(?:(?:urban|rural|settlement|village|city|town)\s+)?"
    r"(?:territorial\s+community|(?:territorial\s+)?hromada|(?:village|settlement|city|town|rural)\s+council"
    r"|(?:silska|selyshchna|miska)\s+rada)$",
    re.I,
)


def parse_query(query: str) -> tuple[str, list[str]]:
    """Split ``"Stanislav, Kherson Oblast"`` / ``"X (Y region)"`` into name and hint texts.

    The most specific part is chosen later (see :meth:`Gazetteer.resolve`); this only
    splits. ``"the Darnytskyi district of Kyiv"`` gives ``("Darnytskyi district", ["Kyiv"])``,
    ``"Kharkiv - Saltivka"`` gives ``("Kharkiv", ["Saltivka"])``, ``"Pisky hromada"`` gives
    ``("Pisky", [])``.
    """
    if "(" in query:
        hints = [h.strip() for h in _PAREN_RE.findall(query) if h.strip()]
        rest = _PAREN_RE.sub(" ", query)
    else:
        hints, rest = [], query
    if _NEEDS_SPLIT_RE.search(rest):
        parts = [p.strip() for p in _SPLIT_RE.split(rest) if p and p.strip()]
    else:  # commas only (most queries)
        parts = [p.strip() for p in rest.split(",") if p and not p.isspace()]
    if not parts:
        return "", hints
    if not _SPECIAL_WORD_RE.search(rest):  # no "X district of Y", no "X hromada"
        return parts[0], parts[1:] + hints
    m = _OF_RE.match(parts[0])
    if m:
        parts = [f"{m.group(1)} {m.group(2)}", m.group(3), *parts[1:]]
    return _strip_community(parts[0]), [_strip_community(p) for p in parts[1:]] + hints


_COMMUNITY_WORD_RE = re.compile(r"community|hromada|council|rada", re.I)
_SPECIAL_WORD_RE = re.compile(r"\sof\s|community|hromada|council|rada", re.I)


def _strip_community(part: str) -> str:
    if not _COMMUNITY_WORD_RE.search(part):
        return part
    m = _COMMUNITY_RE.match(part)
    return m.group(1) if m else part


#: Leading words that say the place is only near the name ("near Saltivka", "on the
#: outskirts of Kharkiv"); trailing words that say what kind of place it is.
_NEAR_RE = re.compile(
    r"^(?:on |in )?(?:the )?(?:near|nearby|outside(?: of)?|around|outskirts of|suburbs of|vicinity of"
    r"|environs of|area of|area near|area around)(?: the)? "
)
_TRAILING_RE = re.compile(
    r" (?:outskirts|suburbs|suburb|vicinity|area|village|town|city|settlement|hamlet|township|airbase|air base"
    r"|airfield|airport)$"
)


class Gazetteer:
    """A loaded gazetteer. Use :meth:`default` for the bundled one.

    Parameters
    ----------
    path
        A ``places.npz`` file written by ``make gazetteer``.
    weights
        The ranking weights (default :data:`DEFAULT_WEIGHTS`).
    """

    def __init__(self, path: str | Path, *, weights: Weights = DEFAULT_WEIGHTS) -> None:
        self.path = Path(path)
        self.weights = weights
        arrays = _map_npz(self.path)
        try:
            meta = json.loads(bytes(arrays["meta"]).decode("utf-8"))
            if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
                version = meta.get("format") if isinstance(meta, dict) else None
                raise GazetteerError(
                    f"{self.path}: gazetteer format {version!r} is not {FORMAT_VERSION}; rebuild with `make gazetteer`"
                )
            self._meta: dict = meta
            self._lat = _NumColumn(arrays["lat"])
            self._lon = _NumColumn(arrays["lon"])
            self._pop = _NumColumn(arrays["population"])
            self._gid = _NumColumn(arrays["geonameid"])
            self._kind_codes = arrays["kind"]
            self._kind = _KindColumn(self._kind_codes)
            self._flags = arrays["flags"]
            self._names = arrays["names"]
            self._unit = arrays["unit"]
            n = len(self._lat)
            self._name = _StrColumn(arrays["name"], n, arrays["name_blocks"])
            self._name_offsets = arrays["name_offsets"]
            if len(self._name_offsets) != n + 1 or self._name_offsets[n] != len(arrays["name"]) + 1:
                raise ValueError("name offsets do not match the names")
            self._exact = _KeyIndex(
                arrays["exact_keys"],
                arrays["exact_offsets"],
                arrays["exact_postings"],
                arrays["exact_marks"],
                arrays["exact_blocks"],
            )
            self._loose = _KeyIndex(
                arrays["loose_keys"],
                arrays["loose_offsets"],
                arrays["loose_postings"],
                arrays["loose_marks"],
                arrays["loose_blocks"],
            )
            self._exact_best = arrays["exact_best"]
            n_units = len(arrays["unit_row"])
            self._unit_lines = _Lines(arrays["units"], n_units, arrays["units_blocks"])
            self._unit_name_lines = _Lines(arrays["unit_names"], n_units, arrays["unit_names_blocks"])
            self._unit_row = arrays["unit_row"]
            self._unit_centre = arrays["unit_centre"]
            self._unit_bbox = arrays["unit_bbox"]
            self._a1key_rows = arrays["a1key_rows"]
            self._a1key_lines = _Lines(arrays["a1keys"], len(self._a1key_rows), arrays["a1keys_blocks"])
            self._fuzzy_rows = arrays["fuzzy_rows"]
            self._fuzzy_starts = arrays["fuzzy_starts"]
            self._fuzzy_lines = _Lines(arrays["fuzzy_keys"], len(self._fuzzy_rows), arrays["fuzzy_keys_blocks"])
        except (KeyError, ValueError, IndexError, TypeError, UnicodeDecodeError) as exc:
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
            == len(self._flags)
            == len(self._names)
            == len(self._unit)
        ) or len(self._exact_best) != len(self._exact):
            raise GazetteerError(f"{self.path}: corrupt gazetteer (column lengths differ)")
        if (
            len(self._unit_centre) != n_units
            or len(self._unit_bbox) != 4 * n_units
            or len(self._fuzzy_starts) != n_units + 1
        ):
            raise GazetteerError(f"{self.path}: corrupt gazetteer (unit tables differ in length)")
        self._theatre_stored = tuple(meta.get("theatre") or ())
        #: admin-1 unit -> the city units inside it ("UA.13" -> ["UA.12"])
        self._enclosed: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for inner, outer in (meta.get("enclosed") or {}).items():
            o, i = tuple(outer.split(".", 1)), tuple(inner.split(".", 1))
            self._enclosed.setdefault((o[0], o[1]), []).append((i[0], i[1]))
        self._units: list[tuple[str, str]] | None = None
        self._unit_index: dict[tuple[str, str], int] | None = None
        self._unit_names: list[str] | None = None
        self._grid: dict[tuple[int, int], list[int]] | None = None
        self._a1_keys: dict[int, list[tuple[str, str, int, int]]] | None = None
        self._fuzzy_pools: dict[int, _FuzzyPool] = {}
        self._eponymous_cache: dict[frozenset[str], frozenset[int]] = {}
        self._unit_id_cache: dict[frozenset[tuple[str, str]], frozenset[int]] = {}
        self._unit_cc: list[str] | None = None
        #: Per row, the part of the ranking total that depends on the row alone (NaN until used).
        self._static = array("d", [math.nan]) * len(self._lat)
        self._name_raw = arrays["name"]
        self._lock = threading.Lock()
        self._resolve_cached = lru_cache(maxsize=CACHE_SIZE)(self._resolve)
        self._best_cached = lru_cache(maxsize=2 * CACHE_SIZE)(self._best)
        self._lookup_cached = lru_cache(maxsize=2 * CACHE_SIZE)(self._lookup)
        self._hints_cached = lru_cache(maxsize=CACHE_SIZE // 4)(self._hints_for)

    # ------------------------------------------------------------------ loading
    _default: Gazetteer | None = None
    _default_lock = threading.Lock()

    @classmethod
    def default(cls) -> Gazetteer:
        """The gazetteer in ``settings.gazetteer_dir`` (loaded once, then shared)."""
        path = settings.get_path("gazetteer_dir") / "places.npz"
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

    @property
    def sources(self) -> dict[str, int]:
        """Number of places by source, as recorded by the build."""
        return dict(self._meta.get("sources", {}))

    def prepare(self) -> Gazetteer:
        """Decode now what look-ups otherwise decode on first use (the unit tables, the
        admin-1 keys, the name indexes' block checkpoints; a few milliseconds). For batch
        users such as the place matcher, so that loading holds these one-time costs
        instead of the first document. Idempotent; returns ``self``."""
        self._unit_table()
        self._admin1_key_table()
        self._exact.prepare()
        self._loose.prepare()
        return self

    # ------------------------------------------------------------------ units
    def _unit_table(self) -> list[tuple[str, str]]:
        """``(country, admin1)`` of every unit number (countries are ``(cc, "")``)."""
        units = self._units
        if units is None:
            units = []
            for code in self._unit_lines.tolist():
                cc, _, a1 = code.partition(".")
                units.append((cc, a1))
            self._unit_index = {u: k for k, u in enumerate(units)}
            self._unit_names = self._unit_name_lines.tolist()
            self._units = units
        return units

    def _unit_of(self, country: str, admin1: str) -> int | None:
        self._unit_table()
        assert self._unit_index is not None
        return self._unit_index.get((country, admin1))

    def _in_units_box(self, i: int, units: Iterable[int]) -> bool:
        """Row ``i`` lies in one of ``units`` or within :data:`REGION_MARGIN_DEG` of the
        box around its places."""
        u = self._unit[i]
        lat, lon = self._lat[i], self._lon[i]
        box, m = self._unit_bbox, REGION_MARGIN_DEG
        for v in units:
            if v == u:
                return True
            s, w, n, e = box[4 * v], box[4 * v + 1], box[4 * v + 2], box[4 * v + 3]
            if s - m <= lat <= n + m and w - m <= lon <= e + m:
                return True
        return False

    # ------------------------------------------------------------------ rows
    def candidate(self, i: int, *, score: float = 0.0, matched: str = "exact") -> Candidate:
        """Row ``i`` as a :class:`Candidate`."""
        if not 0 <= i < len(self._lat):
            raise IndexError(i)
        units = self._units or self._unit_table()
        u = self._unit[i]
        cc, a1 = units[u]
        names = self._unit_names
        assert names is not None
        off = self._name_offsets
        return Candidate(
            self._gid[i],
            str(self._name_raw[off[i] : off[i + 1] - 1], "utf-8"),
            self._lat[i],
            self._lon[i],
            cc,
            a1,
            (names[u] or None) if a1 else None,
            KINDS[self._kind_codes[i]],
            self._pop[i],
            score,
            matched,
        )

    def is_minor(self, i: int) -> bool:
        """Row ``i`` is a small settlement known only from a settlement list (see
        :data:`geomap.gazetteer.storage.FLAG_MINOR`): its name alone is weak evidence."""
        return bool(self._flags[i] & FLAG_MINOR)

    def country_row(self, country_code: str) -> Candidate | None:
        """The country-level row of an ISO code (at GeoNames' point for the country)."""
        u = self._unit_of(country_code, "")
        i = -1 if u is None else self._unit_row[u]
        return None if i < 0 or self._kind_codes[i] != _COUNTRY_CODE else self.candidate(i)

    def capital_point(self, country_code: str) -> tuple[float, float] | None:
        """``(lat, lon)`` of a country's capital, if the gazetteer knows it."""
        point = self._meta.get("capitals", {}).get(country_code)
        return None if point is None else (float(point[0]), float(point[1]))

    def is_capital(self, cand: Candidate) -> bool:
        """True for a populated place at its country's capital point."""
        point = self.capital_point(cand.country_code)
        return (
            point is not None and cand.kind in POPULATED and _haversine_km(cand.lat, cand.lon, point[0], point[1]) < 2.0
        )

    def admin1_name(self, country_code: str, admin1: str) -> str | None:
        """English name of an admin-1 unit, e.g. ``("UA", "21") -> "Sumy Oblast"``."""
        u = self._unit_of(country_code, admin1) if admin1 else None
        assert self._unit_names is not None
        return None if u is None else self._unit_names[u] or None

    def region_geometry(self, cand: Candidate) -> dict | None:
        """GeoJSON polygon of an admin-1 candidate from the bundled boundaries, if any."""
        if cand.kind != "admin1":
            return None
        from geomap.gazetteer import boundaries  # lazy: shapely-free JSON read

        return boundaries.admin1_geometry(cand.country_code, cand.admin1)

    @property
    def _cc(self) -> list[str]:
        """Country code of every row (whole-table work, e.g. the synthetic corpus)."""
        units = self._unit_table()
        return [units[u][0] for u in self._unit.tolist()]

    # ------------------------------------------------------------------ lookup
    def keys(self) -> list[str]:
        """Every exact index key (normalised names), sorted."""
        return self._exact.keys()

    def ids_for_key(self, key: str) -> list[int]:
        """Row ids indexed under an exact normalised key."""
        return self._exact.ids(key)

    def kinds_for_key(self, key: str) -> set[str]:
        """Feature kinds of the rows indexed under ``key`` (used by the place matcher)."""
        return {KINDS[self._kind_codes[i]] for i in self.ids_for_key(key)}

    def max_population_for_key(self, key: str) -> int:
        """Largest population among rows indexed under ``key``."""
        return max((self._pop[i] for i in self.ids_for_key(key)), default=0)

    def minor_key(self, key: str) -> bool:
        """Every row indexed under ``key`` is a minor settlement (:meth:`is_minor`): the
        name alone, in running text, needs support before it counts as a place."""
        ids = self.ids_for_key(key)
        return bool(ids) and all(self._flags[i] & FLAG_MINOR for i in ids)

    def lookup(self, name: str) -> tuple[list[int], str, str | None]:
        """Row ids for a name: ``(ids, "exact"|"loose"|"fuzzy", admin_kind)``.

        ``admin_kind`` is ``"admin1"``/``"admin2"`` when the name carries a region
        word ("Sumy Oblast", "Kstovsky district"). A region named after its centre in
        another spelling ("Kharkov Oblast") gives the centre's admin-1 unit; a
        misspelt one ("Zaporizja Oblast") the closest admin-1 name. A trailing place
        word ("Dvorichna village", "Voznesensk airbase", "Kharkiv outskirts") or a
        leading "near"/"outskirts of" is dropped when the whole name finds nothing.
        """
        ids, _, matched, admin_kind = self._lookup_cached(normalize(name))
        return list(ids), matched, admin_kind

    def _lookup(self, key: str) -> tuple[tuple[int, ...], tuple[int, ...], str, str | None]:
        """``(ids, posting marks, matched, admin_kind)`` of a normalised key; cached per
        instance (the ranking asks for the same name once per set of hints)."""
        ids, marks, matched, admin_kind = self._lookup_key(key)
        if not ids:
            bare = _TRAILING_RE.sub("", _NEAR_RE.sub("", key))
            if bare and bare != key:
                ids, marks, matched, admin_kind = self._lookup_key(bare)
        return tuple(ids), tuple(marks), matched, admin_kind

    def _postings(self, index: _KeyIndex, key: str) -> tuple[list[int], list[int]]:
        n = index.position(key)
        return ([], []) if n is None else index.postings(n)

    def _lookup_key(self, key: str) -> tuple[list[int], list[int], str, str | None]:
        core, admin_kind = _split_admin(key)
        if admin_kind is None:
            ids, marks = self._postings(self._exact, key)
            if ids:
                return ids, marks, "exact", None
            ids, marks = self._postings(self._loose, loose_key(core))
            return ids, marks, "loose", None
        # "Kyiv Oblast" names UA.13 exactly; the core "kyiv" adds the city and UA.12.
        ids, marks = self._postings(self._exact, key)
        admins = [(i, k) for i, k in zip(ids, marks) if self._kind_codes[i] in _ADMIN_CODES]
        if admins:
            return [i for i, _ in admins], [k for _, k in admins], "exact", admin_kind
        if admin_kind == "admin1":
            renamed = self._region_of_current_name(key, core)
            if renamed:
                return renamed, [0] * len(renamed), "exact", admin_kind
        for matched, index, k in (("exact", self._exact, core), ("loose", self._loose, loose_key(core))):
            ids, marks = self._postings(index, k)
            if any(self._kind_codes[i] in _ADMIN_CODES for i in ids):
                return ids, [0] * len(ids), matched, admin_kind  # the core is no unit's own name
            if admin_kind == "admin1":
                centres = self._admin1_of_centres(ids)
                if centres:
                    return centres, [0] * len(centres), matched, admin_kind
            if ids:
                return ids, marks, matched, admin_kind
        if admin_kind == "admin1":
            fuzzy = self._fuzzy_admin1(core, None)
            if fuzzy:
                return fuzzy, [0] * len(fuzzy), "fuzzy", admin_kind
        return [], [], "loose", admin_kind

    def _region_of_current_name(self, key: str, core: str) -> list[int]:
        """ "Kiev Oblast", "Kharkov Oblast": the admin units named with the current name of
        a place the old spelling names ("Kyiv Oblast"), tried before the units that carry
        the old spelling themselves (the city of Kyiv is an admin-1 unit of its own)."""
        ids, _ = self._postings(self._exact, core)
        out: list[int] = []
        for name in {self._name[i] for i in ids if self._kind_codes[i] in _POPULATED_CODES}:
            current = normalize(name)
            if current == core:
                continue
            found, _ = self._postings(self._exact, key.replace(core, current, 1))
            out.extend(i for i in found if self._kind_codes[i] in _ADMIN_CODES and i not in out)
        return out

    def _admin1_of_centres(self, ids: Sequence[int]) -> list[int]:
        """Admin-1 rows of the places in ``ids`` that are their unit's largest place.

        An oblast is named after its centre: "Kharkov Oblast" is the admin-1 unit whose
        most populous place is called Kharkov (Kharkiv).
        """
        out = []
        for i in ids:
            if self._kind_codes[i] in _POPULATED_CODES and self._pop[i] > 0:
                u = self._unit[i]
                c, row = self._unit_centre[u], self._unit_row[u]
                if c >= 0 and row >= 0 and self._kind_codes[row] == _ADMIN1_CODE and self._pop[i] >= self._pop[c]:
                    out.append(row)
        return sorted(set(out))

    # ------------------------------------------------------------------ ranking
    def _score(
        self,
        ids: Sequence[int],
        marks: Sequence[int],
        *,
        hints: Hints,
        admin_kind: str | None,
        matched: str,
        theatre: frozenset[str] = frozenset(),
    ) -> list[tuple[float, int]]:
        """``(total, row)`` best first (see the module docstring; ties by population,
        then row)."""
        w = self.weights
        kind_w = w.kinds(admin_kind)
        penalty = w.loose_penalty if matched == "loose" else w.fuzzy_penalty if matched == "fuzzy" else 0.0
        kinds, unit, pop, names, flags = self._kind_codes, self._unit, self._pop._view, self._names, self._flags
        per_decade, per_name, current, log10 = w.per_decade, w.per_name_decade, w.current_name, math.log10
        admin1s, countries, points = hints.admin1s, hints.countries, hints.points
        hinted = bool(admin1s or countries or points)
        unit_cc = self._unit_cc or self._unit_countries()
        if hinted:
            in_units = self._unit_ids(admin1s) if admin1s else frozenset()
            eponymous = self._eponymous(hints.names) if hints.names and admin1s else frozenset()
        scored = []
        tier = near = 0.0
        static = self._static
        for i, mark in zip(ids, marks):
            k = kinds[i]
            p = pop[i]
            base = static[i]
            if base != base:  # not yet computed (NaN): population, prominence, point quality
                base = log10(p + 1) * per_decade + _PROMINENCE[names[i]] * per_name
                if flags[i] & FLAG_ESTIMATED:
                    base -= w.estimated_penalty
                if flags[i] & FLAG_NOTABLE and not p:
                    base += w.notable
                static[i] = base
            rest = kind_w[k] + base - penalty
            if mark & MARK_CURRENT:
                rest += current
            if mark & MARK_VARIANT:
                rest -= w.loose_penalty
            if hinted:
                u = unit[i]
                if k == _ADMIN1_CODE:  # a region is no evidence for itself
                    tier = w.in_country if unit_cc[u] in countries else 0.0
                elif u in in_units or (i in eponymous and k in _POPULATED_CODES):
                    tier = w.in_unit
                elif points and near_hint_points(self._lat[i], self._lon[i], points):
                    tier = w.near_point
                elif unit_cc[u] in countries:
                    tier = w.in_country
                else:
                    tier = 0.0
                if points:
                    near = w.nearness * _closeness(self._lat[i], self._lon[i], points, w.nearness_km)
            elif theatre and unit_cc[unit[i]] in theatre:
                rest += w.theatre
            scored.append((-tier, -(rest + near), -p, i, tier + rest))
        scored.sort()
        out = [(total, i) for _, _, _, i, total in scored]
        if admin_kind is None and len(out) > 1 and kinds[out[0][1]] in _ADMIN_CODES:
            out = self._prefer_eponymous_city(out)
        return out

    def _unit_countries(self) -> list[str]:
        """The country code of every unit number."""
        if self._unit_cc is None:
            self._unit_cc = [cc for cc, _ in self._unit_table()]
        return self._unit_cc

    def _unit_ids(self, admin1s: frozenset[tuple[str, str]]) -> frozenset[int]:
        """The unit numbers of ``(country, admin1)`` pairs (cached per set)."""
        found = self._unit_id_cache.get(admin1s)
        if found is None:
            self._unit_table()
            assert self._unit_index is not None
            found = frozenset(u for u in map(self._unit_index.get, admin1s) if u is not None)
            if len(self._unit_id_cache) > CACHE_SIZE:
                self._unit_id_cache.clear()
            self._unit_id_cache[admin1s] = found
        return found

    def _eponymous(self, names: frozenset[str]) -> frozenset[int]:
        """Rows whose current name is one of ``names`` (hinted regions' names without the
        region word: "Kyiv, Kyiv Oblast" is the city Kyiv, the oblast's centre)."""
        found = self._eponymous_cache.get(names)
        if found is None:
            rows: set[int] = set()
            for key in names:
                ids, marks = self._postings(self._exact, key)
                rows.update(i for i, m in zip(ids, marks) if m & MARK_CURRENT)
            found = self._eponymous_cache[names] = frozenset(rows)
            if len(self._eponymous_cache) > CACHE_SIZE:
                self._eponymous_cache.clear()
        return found

    def _prefer_eponymous_city(self, scored: list[tuple[float, int]]) -> list[tuple[float, int]]:
        """ "Kherson" alone means the city, not Kherson Oblast, when the city is inside it."""
        if len(scored) < 2 or self._kind_codes[scored[0][1]] not in _ADMIN_CODES:
            return scored
        top_score, top = scored[0]
        for pos, (s, i) in enumerate(scored[1:], start=1):
            if (
                self._kind_codes[i] in _POPULATED_CODES
                and s >= top_score - 1.0
                and self._unit[i] == self._unit[top]
                and self._pop[i] >= 0.1 * max(self._pop[top], 1)
            ):
                return [(top_score + 0.01, i)] + scored[:pos] + scored[pos + 1 :]
        return scored

    def _theatre(self, hints: Hints, country: str | None) -> frozenset[str]:
        """Countries a bare name prefers: ``settings.event_countries`` without any hint."""
        if hints or country:
            return frozenset()
        return _theatre_of(settings.get_codes("event_countries"))

    def _ranked(
        self, name: str, hints: Hints, country: str | None, *, variants: bool = False
    ) -> tuple[list[tuple[float, int]], str, str | None]:
        """``(ranked (total, row), matched, admin_kind)`` of one name (no query parsing).
        With nearby places to decide (hinted points, or ``variants`` for a batch's
        context), the namesakes only another transliteration reaches are ranked too."""
        key = normalize(name)
        ids, marks, matched, admin_kind = self._lookup_cached(key)
        if matched == "exact" and admin_kind is None and (hints.points or (variants and hints.admin1s)):
            ids, marks = self._with_variants(key, ids, marks)
        if country:  # seas and continents belong to no country: a restriction keeps them
            units = self._units or self._unit_table()
            keep = [(i, k) for i, k in zip(ids, marks) if units[self._unit[i]][0] in (country, "")]
            ids, marks = tuple(i for i, _ in keep), tuple(k for _, k in keep)
        ranked = self._score(
            ids, marks, hints=hints, admin_kind=admin_kind, matched=matched, theatre=self._theatre(hints, country)
        )
        return ranked, matched, admin_kind

    def _with_variants(
        self, key: str, ids: Sequence[int], marks: Sequence[int]
    ) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """``ids`` and the places that only another transliteration of the name reaches
        (marked :data:`MARK_VARIANT`). With a region or nearby places to decide, which
        spellings a source happens to list must not exclude the namesake there
        ("Zalissya, Kyiv Oblast" is also the Zalissia listed only so)."""
        core = _split_admin(key)[0]
        more, more_marks = self._postings(self._loose, loose_key(core))
        if len(more) <= len(ids):
            return tuple(ids), tuple(marks)
        have = set(ids)
        extra = [(i, m | MARK_VARIANT) for i, m in zip(more, more_marks) if i not in have]
        return (*ids, *(i for i, _ in extra)), (*marks, *(m for _, m in extra))

    def rank(
        self, name: str, *, hints: Hints = Hints(), country: str | None = None, limit: int = 10
    ) -> list[Candidate]:
        """Ranked candidates for one name (no query parsing); under a region hint also the
        namesakes that only another transliteration of the name reaches."""
        ranked, matched, _ = self._ranked(name, hints, country, variants=True)
        score = self.weights.score
        return [self.candidate(i, score=score(total, matched), matched=matched) for total, i in ranked[:limit]]

    def _stored_best(self, name: str) -> tuple[int, float] | None:
        """The build's no-hint best row of a plain name found exactly, with its ranking
        total (None: rank the name). Valid for the default weights and the theatre the
        build ranked with."""
        theatre = settings.get_codes("event_countries")
        if self.weights != DEFAULT_WEIGHTS or self._theatre_stored != tuple(theatre or ()):
            return None
        key = normalize(name)
        if _split_admin(key)[1] is not None:
            return None
        n = self._exact.position(key)
        if n is None or self._exact_best[n] < 0:
            return None
        i = self._exact_best[n]
        ids, marks = self._exact.postings(n)
        mark = marks[ids.index(i)]
        total = self._score([i], [mark], hints=Hints(), admin_kind=None, matched="exact", theatre=_theatre_of(theatre))
        return i, total[0][0]

    # ------------------------------------------------------------------ fuzzy
    def fuzzy_rank(
        self,
        name: str,
        *,
        units: Iterable[tuple[str, str]] = (),
        country: str | None = None,
        hints: Hints = Hints(),
        limit: int = 10,
        max_distance: int = 2,
    ) -> list[Candidate]:
        """Candidates for a misspelt name ("Melitropol"), searched only inside ``units``
        (admin-1 ``(country, code)`` pairs) or else inside ``country``.

        A populated place matches when the loose key of one of its names is within edit
        distance 1 of the name's (2 for names of 10 letters or more, never more than
        ``max_distance``; a swap of two letters counts 1); names shorter than 5 letters (8 with only a country to search
        in) never match. Only the places at the smallest distance are ranked, as usual,
        with a lower score (``matched="fuzzy"``, at most 0.75). Returns ``[]`` without
        a region or country to search in.
        """
        core, admin_kind = _split_admin(normalize(name))
        target = _primary_key(core)
        wanted = sorted(set(units))
        shortest = FUZZY_MIN_LENGTH if wanted else FUZZY_MIN_LENGTH_COUNTRY
        if admin_kind is not None or len(target) < shortest or not (wanted or country):
            return []
        table = self._unit_table()
        if wanted:
            unit_ids = [
                u for u in (self._unit_of(cc, a1) for cc, a1 in wanted if not country or cc == country) if u is not None
            ]
        else:
            unit_ids = [u for u, (cc, a1) in enumerate(table) if cc == country and a1]
        bound = min(max_distance, 1 if len(target) < 10 else 2)
        best_d, best = bound + 1, []
        for u in sorted(unit_ids):
            pool = self._fuzzy_pool(u)
            for j in pool.near(target, bound):
                d = bounded_edit_distance(target, pool.keys[j], min(bound, best_d))
                if d < best_d:
                    best_d, best = d, [pool.rows[j]]
                elif d == best_d and d <= bound:
                    best.append(pool.rows[j])
        best = sorted(set(best))
        ranked = self._score(best, [0] * len(best), hints=hints, admin_kind=None, matched="fuzzy")
        score = self.weights.score
        return [self.candidate(i, score=score(total, "fuzzy"), matched="fuzzy") for total, i in ranked[:limit]]

    def _fuzzy_pool(self, u: int) -> _FuzzyPool:
        """The loose keys of the populated places of unit ``u`` (decoded once, kept for at
        most 64 units)."""
        pool = self._fuzzy_pools.get(u)
        if pool is None:
            start, stop = self._fuzzy_starts[u], self._fuzzy_starts[u + 1]
            pool = _FuzzyPool(self._fuzzy_lines.slice(start, stop), self._fuzzy_rows[start:stop].tolist())
            with self._lock:
                if len(self._fuzzy_pools) >= 64:
                    self._fuzzy_pools.clear()
                self._fuzzy_pools[u] = pool
        return pool

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
        own, its English label, its largest place's), by key length; stored in the file
        by the build."""
        table = self._a1_keys
        if table is None:
            units = self._unit_table()
            table = {}
            rows = self._a1key_rows.tolist()
            for key, i in zip(self._a1key_lines.tolist(), rows):
                table.setdefault(len(key), []).append((key, units[self._unit[i]][0], -self._pop[i], i))
            self._a1_keys = table
        return table

    # ------------------------------------------------------------------ hints
    def hints_for(self, texts: Iterable[str], *, country: str | None = None) -> Hints:
        """Turn context names ("Kherson Oblast", "Ukraine", "Kyiv") into :class:`Hints`."""
        return self._hints_cached(tuple(texts), country)[0]

    def _hints_for(self, texts: tuple[str, ...], country: str | None) -> tuple[Hints, frozenset[int]]:
        """:meth:`hints_for`, and the units of the regions named (texts read as admin
        units: "Donetsk Oblast", "Crimea"; not "Kyiv", read as the city)."""
        admin1s: set[tuple[str, str]] = set()
        countries: set[str] = set()
        points: list[tuple[float, float]] = []
        names: set[str] = set()
        regions: set[int] = set()
        units = self._unit_table()
        for text in texts:
            key = normalize(text)
            core = _split_admin(key)[0]
            ids, marks, matched, admin_kind = self._lookup_cached(key)
            if admin_kind is not None:
                names.add(core)
            if country:
                keep = [(i, k) for i, k in zip(ids, marks) if units[self._unit[i]][0] == country]
                ids, marks = tuple(i for i, _ in keep), tuple(k for _, k in keep)
            if admin_kind == "admin1" and not any(self._kind_codes[i] in _ADMIN_CODES for i in ids):
                fuzzy = self._fuzzy_admin1(core, country)
                if fuzzy:
                    ids, marks = tuple(fuzzy), (0,) * len(fuzzy)
            ranked = self._score(ids, marks, hints=Hints(), admin_kind=admin_kind, matched=matched)
            admins = [(s, i) for s, i in ranked if self._kind_codes[i] in _ADMIN_CODES]
            if admins:  # keep the best-ranked admin units only ("Kyiv Oblast" -> UA.13)
                top = admins[0][0]
                admins = [(s, i) for s, i in admins if s >= top - 0.5]
            keep_admins = {i for _, i in admins}
            # the text names a region ("Donetsk Oblast", "Crimea"), not a place in one ("Kyiv")
            region_text = admin_kind is not None or bool(ranked) and self._kind_codes[ranked[0][1]] in _ADMIN_CODES
            for _, i in ranked:
                kind = self._kind_codes[i]
                cc, a1 = units[self._unit[i]]
                if kind == _COUNTRY_CODE:
                    countries.add(cc)
                elif kind in _ADMIN_CODES:
                    if i not in keep_admins:
                        continue
                    admin1s.add((cc, a1))
                    if region_text:
                        regions.add(self._unit[i])
                        for inner in self._enclosed.get((cc, a1), ()):
                            admin1s.add(inner)
                            u = self._unit_of(*inner)
                            if u is not None:
                                regions.add(u)
                    if kind != _ADMIN1_CODE:
                        points.append((self._lat[i], self._lon[i]))
                elif admin_kind is None and self._pop[i] >= 5000:
                    admin1s.add((cc, a1))
                    points.append((self._lat[i], self._lon[i]))
        hints = Hints(frozenset(admin1s), frozenset(countries), tuple(points[:50]), frozenset(names))
        return hints, frozenset(regions)

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
        _check_query_type(query)
        name, hint_texts = parse_query(query)
        if hint_texts or "/" in name or not name or not normalize(name):
            return True
        ids, _, _, _ = self._lookup_cached(normalize(name))
        units = self._units or self._unit_table()
        admin1s, countries, points = hints.admin1s, hints.countries, hints.points
        for i in ids:
            cc, a1 = units[self._unit[i]]
            if cc in countries or (cc, a1) in admin1s or near_hint_points(self._lat[i], self._lon[i], points):
                return True
        return False

    def _best(self, query: str, country: str | None, hints: Hints) -> Candidate | None:
        _check_query(query)  # inside the cache: a cached query passed it before
        if not hints and country is None:
            name, hint_texts = parse_query(query)
            if not hint_texts and "/" not in name:
                stored = self._stored_best(name)
                if stored is not None:
                    return self.candidate(stored[0], score=self.weights.score(stored[1], "exact"))
        return self._resolve(query, country, hints, alternatives=0).match

    def _resolve(
        self,
        query: str,
        country: str | None = None,
        hints: Hints = Hints(),
        alternatives: int | None = None,
        *,
        variants: bool = False,
    ) -> Resolution:
        """Resolve a free-text query such as ``"Stanislav, Kherson Oblast"``.

        The result is cached (the method is wrapped in an LRU cache per instance);
        :meth:`resolve` has checked the query. ``alternatives`` defaults to
        ``settings.max_alternatives``; ``variants``: see :meth:`_ranked`.
        """
        limit = 1 + (settings.get_int("max_alternatives") if alternatives is None else alternatives)
        if country is not None:
            country = _check_country(self, country)
        name, hint_texts = parse_query(query)
        if not name or not normalize(name):
            return Resolution(query, None, (), hints)
        name, hint_texts = self._most_specific(name, hint_texts, country)
        query_hints, regions = self._hints_cached(tuple(hint_texts), country) if hint_texts else (Hints(), frozenset())
        all_hints = hints.merge(query_hints)
        score = self.weights.score
        ranked, matched, _ = self._ranked(name, all_hints, country, variants=variants)
        if query_hints.points and not (ranked and self._is_city_district(ranked[0][1], query_hints)):
            district = self._city_district(name, query_hints)
            if district is not None:
                ranked, matched = [(self.weights.in_unit + self.weights.admin2_kind[_DISTRICT_CODE], district)], "exact"
        if not ranked and "/" in name:  # "Snake Island/Bile": alternatives, first that resolves
            for part in (p.strip() for p in name.split("/")):
                if part and normalize(part):
                    ranked, matched, _ = self._ranked(part, all_hints, country, variants=variants)
                    if ranked:
                        break
        if ranked and regions and not self._in_units_box(ranked[0][1], regions):
            # only namesakes outside the region the query names: no match (they stay
            # listed), unless a place of the region has a name within a misspelling of it
            # (one edit for a name that other places carry exactly)
            fuzzy = self.fuzzy_rank(
                name,
                units=query_hints.admin1s,
                country=country,
                hints=all_hints,
                limit=limit,
                max_distance=1 if matched == "exact" else 2,
            )
            if fuzzy:
                return Resolution(query, fuzzy[0], tuple(fuzzy[1:]), all_hints)
            alts = tuple(self.candidate(i, score=score(t, matched), matched=matched) for t, i in ranked[: limit - 1])
            return Resolution(query, None, alts, all_hints)
        if not ranked and (hint_texts or country):
            cands = self.fuzzy_rank(name, units=query_hints.admin1s, country=country, hints=all_hints, limit=limit)
            if cands:
                return Resolution(query, cands[0], tuple(cands[1:]), all_hints)
        if not ranked:
            return Resolution(query, None, (), all_hints)
        total, top = ranked[0]
        rest = ranked[1:limit]

        def build_alternatives() -> tuple[Candidate, ...]:
            return tuple(self.candidate(i, score=score(t, matched), matched=matched) for t, i in rest)

        match = self.candidate(top, score=score(total, matched), matched=matched)
        return Resolution(query, match, build_alternatives if rest else (), all_hints)

    def resolve_many(
        self, queries: Sequence[str], country: str | None = None, hints: Hints = Hints(), *, context: bool = True
    ) -> list[Resolution]:
        """Resolve a batch of queries (a conflict dataset's "village, oblast" column), each
        one, with ``context``, in the light of the others (spatial minimality over the
        batch). A query whose best reading is tied with namesakes (score within
        :data:`TIE_SCORE`, fewer than :data:`TIE_POPULATION` people) is decided by the
        batch: each of its readings scores its ranking total plus :data:`CONTEXT_WEIGHT`
        times ``ln(1 + n)``, ``n`` the number of the other queries' answers within
        :data:`CONTEXT_KM`, so that of ten Andriivkas in one oblast the one among the other
        places named wins, and a town still beats a hamlet with one neighbour more. The
        answers of the unambiguous queries are the context of the first round; the tied
        queries' own answers join it for :data:`CONTEXT_ROUNDS` - 1 more. Without
        ``context`` this is :meth:`resolve` per query."""
        if not context:
            alone = {q: self.resolve(q, country, hints) for q in dict.fromkeys(queries)}
            return [alone[q] for q in queries]
        first = {q: self._resolve_in_batch(q, country, hints) for q in dict.fromkeys(queries)}
        options = {q: self._readings(q, r, country) for q, r in first.items() if _tied(r)}
        options = {q: o for q, o in options.items() if len(o) > 1}
        answer = {q: r.match for q, r in first.items()}
        for n in range(CONTEXT_ROUNDS):
            grid = _PointGrid(
                (q, (m.lat, m.lon)) for q, m in answer.items() if m is not None and (n > 0 or q not in options)
            )
            answer.update(
                {
                    q: max(
                        opts, key=lambda o: o[0] + CONTEXT_WEIGHT * math.log1p(grid.count_near((o[1].lat, o[1].lon), q))
                    )[1]
                    for q, opts in options.items()
                }
            )
        return [_rematched(first[q], answer[q]) if q in options else first[q] for q in queries]

    def _resolve_in_batch(self, query: str, country: str | None, hints: Hints) -> Resolution:
        """:meth:`resolve` with every transliteration's namesakes ranked (uncached)."""
        _check_query(query)
        return self._resolve(query, country, hints, variants=True)

    def _readings(self, query: str, res: Resolution, country: str | None) -> list[tuple[float, Candidate]]:
        """``(ranking total, candidate)`` of the readings of a tied query within one tier
        of its best (at most 60), or ``[]`` when its match did not come from ranking
        (a misspelling, a city district)."""
        assert res.match is not None
        if res.match.matched == "fuzzy":
            return []
        name, hint_texts = parse_query(query)
        name, _ = self._most_specific(name, hint_texts, country)
        ranked, matched, _ = self._ranked(name, res.hints, country, variants=True)
        if not any(self._gid[i] == res.match.geonameid for _, i in ranked[:60]):
            return []
        top, score = ranked[0][0], self.weights.score
        return [
            (total, self.candidate(i, score=score(total, matched), matched=matched))
            for total, i in ranked[:60]
            if total >= top - 1.0
        ]

    def _most_specific(self, name: str, hint_texts: list[str], country: str | None) -> tuple[str, list[str]]:
        """In "Kyiv, Borodyanka" the target is Borodyanka (inside Kyiv Oblast): of the parts
        without a region word, the one read as the smallest populated place."""
        if not hint_texts or _split_admin(normalize(name))[1] is not None:
            return name, hint_texts
        parts = [name, *hint_texts]
        plain = [j for j, part in enumerate(parts) if _split_admin(normalize(part))[1] is None]
        if len(plain) < 2:
            return name, hint_texts
        best = None
        for j in plain[::-1]:  # the hints first (they repeat, so their readings are cached)
            c = self._best_cached(parts[j], country, Hints())
            if c is not None and c.kind in POPULATED:
                if best is None or c.population <= best[0]:
                    best = (c.population, j)
            if j == plain[-1] and best is None and len(plain) == 2 and plain[0] == 0:
                return name, hint_texts  # "X, Crimea": the one other part is a region
        if best is None or best[1] == 0:
            return name, hint_texts
        j = best[1]
        return parts[j], parts[:j] + parts[j + 1 :]

    def _is_city_district(self, i: int, query_hints: Hints) -> bool:
        """Row ``i`` is a district or raion within :data:`CITY_DISTRICT_KM` of a hinted place."""
        return self._kind_codes[i] in (_DISTRICT_CODE, _ADMIN2_CODE) and any(
            _haversine_km(plat, plon, self._lat[i], self._lon[i]) <= CITY_DISTRICT_KM
            for plat, plon in query_hints.points
        )

    def _city_district(self, name: str, query_hints: Hints) -> int | None:
        """ "the Kyiv district of Kharkiv": the district of the hinted city whose name
        begins like the name (Kyivskyi), or None when the name has no district word or
        no district of the hinted places fits."""
        core, admin_kind = _split_admin(normalize(name))
        if admin_kind != "admin2" or not query_hints.points:
            return None
        target = loose_key(core)
        need = max(3, len(target) - 3)
        grid = self._populated_grid()
        best: tuple[int, float, int] | None = None
        for plat, plon in query_hints.points:
            ci, cj = int(math.floor(plat * 4)), int(math.floor(plon * 4))
            for di in (-1, 0, 1):
                for dj in (-1, 0, 1):
                    for i in grid.get((ci + di, cj + dj), ()):
                        if self._kind_codes[i] != _DISTRICT_CODE:
                            continue
                        d = _haversine_km(plat, plon, self._lat[i], self._lon[i])
                        if d > CITY_DISTRICT_KM:
                            continue
                        key = loose_key(normalize(self._name[i]))
                        common = _common_prefix(key, target)
                        if common >= need and (best is None or (-common, d, i) < (-best[0], best[1], best[2])):
                            best = (common, d, i)
        return None if best is None else best[2]

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

                    populated = np.isin(np.asarray(self._kind_codes), sorted(_POPULATED_CODES))
                    rows = np.flatnonzero(populated)
                    cells_i = np.floor(self._lat.array[rows] * 4).astype(np.int64).tolist()
                    cells_j = np.floor(self._lon.array[rows] * 4).astype(np.int64).tolist()
                    for i, ci, cj in zip(rows.tolist(), cells_i, cells_j):
                        grid.setdefault((ci, cj), []).append(i)
                    self._grid = grid
        return self._grid


# ---------------------------------------------------------------------- helpers


class _FuzzyPool:
    """The loose keys of one unit's populated places (sorted by length, as stored), their
    rows, and the index range of each key length."""

    __slots__ = ("keys", "rows", "_spans")

    def __init__(self, keys: list[str], rows: list[int]) -> None:
        self.keys, self.rows = keys, rows
        self._spans: dict[int, tuple[int, int]] = {}
        n, lo = -1, 0
        for j, key in enumerate(keys):
            if len(key) != n:
                if n >= 0:
                    self._spans[n] = (lo, j)
                n, lo = len(key), j
        if n >= 0:
            self._spans[n] = (lo, len(keys))

    def near(self, target: str, bound: int) -> list[int]:
        """Positions of the keys that may lie within edit distance ``bound`` of ``target``
        (a superset: every key that keeps one of the target's :func:`_pieces`)."""
        pieces = _pieces(target, bound)
        keys = self.keys
        out: list[int] = []
        for m in range(len(target) - bound, len(target) + bound + 1):
            lo, hi = self._spans.get(m, (0, 0))
            if len(pieces) == 2:
                (p0, a0, b0), (p1, a1, b1) = pieces
                out += [j for j in range(lo, hi) if keys[j].find(p0, a0, b0) >= 0 or keys[j].find(p1, a1, b1) >= 0]
            elif len(pieces) == 3:
                (p0, a0, b0), (p1, a1, b1), (p2, a2, b2) = pieces
                out += [
                    j
                    for j in range(lo, hi)
                    if keys[j].find(p0, a0, b0) >= 0 or keys[j].find(p1, a1, b1) >= 0 or keys[j].find(p2, a2, b2) >= 0
                ]
            else:
                out += [j for j in range(lo, hi) if any(keys[j].find(p, a, b) >= 0 for p, a, b in pieces)]
        return out


@lru_cache(maxsize=16)
def _theatre_of(codes: tuple[str, ...] | None) -> frozenset[str]:
    return frozenset(codes or ())


def _pieces(target: str, bound: int) -> list[tuple[str, int, int]]:
    """Pieces of ``target`` of which any key within edit distance ``bound`` holds one
    unchanged, near its place: ``(piece, start, end)`` for ``key.find(piece, start, end)``.

    ``target`` is cut into ``bound + 1`` pieces with one letter between neighbours. An
    edit (insertion, deletion, substitution, or a swap of two adjacent letters) touches
    at most two adjacent letters, so it spoils at most one piece; ``bound`` edits leave
    one piece intact, shifted by at most ``bound`` letters.
    """
    n = len(target)
    size, extra = divmod(max(n - bound, 0), bound + 1)
    out, pos = [], 0
    for k in range(bound + 1):
        length = size + (k < extra)
        piece = target[pos : pos + length]
        out.append((piece, max(0, pos - bound), pos + length + bound))
        pos += length + 1
    return out


class _PointGrid:
    """Labelled points in half-degree cells: how many distinct points other than a
    label's own lie within :data:`CONTEXT_KM` of a point."""

    def __init__(self, points: Iterable[tuple[str, tuple[float, float]]]) -> None:
        self._cells: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
        for label, (lat, lon) in points:
            self._cells.setdefault((int(lat * 2), int(lon * 2)), []).append((lat, lon, label))

    def count_near(self, point: tuple[float, float], label: str) -> int:
        lat, lon = point
        ci, cj = int(lat * 2), int(lon * 2)
        found = {
            (plat, plon)
            for di in (-1, 0, 1)
            for dj in (-1, 0, 1)
            for plat, plon, other in self._cells.get((ci + di, cj + dj), ())
            if other != label and _haversine_km(plat, plon, lat, lon) <= CONTEXT_KM
        }
        return len(found)


def _rematched(res: Resolution, match: Candidate | None) -> Resolution:
    """``res`` with ``match`` as its match (the former match first among the alternatives)."""

    def key(c: Candidate) -> tuple[int, float, float]:
        return c.geonameid, c.lat, c.lon

    if match is None or res.match is None or key(match) == key(res.match):
        return res
    rest = tuple(a for a in (res.match, *res.alternatives) if key(a) != key(match))
    return Resolution(res.query, match, rest, res.hints)


def _tied(res: Resolution) -> bool:
    """The match of ``res`` is a smaller place with an alternative scored about as high."""
    m = res.match
    return (
        m is not None
        and m.population < TIE_POPULATION
        and any(a.score >= m.score - TIE_SCORE for a in res.alternatives)
    )


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


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
    base = Path(cache_dir) if cache_dir else settings.get_path("cache_dir")
    return base / f"{name}-{digest}{suffix}"


def _check_query_type(query: object) -> None:
    if not isinstance(query, str):
        raise QueryError(f"query must be a string, not {type(query).__name__}")


def _check_query(query: object) -> None:
    _check_query_type(query)
    assert isinstance(query, str)
    limit = settings.get_int("max_query_length")
    if len(query) > limit:
        raise QueryError(f"query is {len(query)} characters long; the limit is {limit}")


def _check_country(gaz: Gazetteer, country: str) -> str:
    code = country.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code) or code not in _known_countries(gaz):
        raise QueryError(f"unknown country code {country!r}: use an ISO 3166-1 alpha-2 code such as UA, RU, BY")
    return code


@lru_cache(maxsize=4)
def _known_countries(gaz: Gazetteer) -> frozenset[str]:
    return frozenset(cc for cc, _ in gaz._unit_table()) - {""}
