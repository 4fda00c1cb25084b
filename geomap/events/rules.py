"""Strike events from a parsed article: which places were struck, when, with what, and the toll.

:func:`events_from_doc` reads the article sentence by sentence (sentences split at line
breaks too, so bullets and captions stand alone):

1. *places*: the place mentions of :mod:`geomap.nlp`, minus those that only locate, name or
   frame something (:mod:`geomap.events.places`: datelines, launch sites, distance references,
   office titles, metonyms, rivers and front sectors, undated captions), minus regions that
   only qualify a settlement of the same sentence ("X, Y Oblast", "In Y Oblast, ... X"), minus
   examples of a counted set ("35 settlements, including the regional centre of X");
   members of region lists become regions;
2. *strike sentences*: a sentence with an attack, casualty or weapon word that is not an
   alert, a background or a tally statement;
3. *casualties* (:mod:`geomap.events.casualties`): each statement goes to the place of its own
   conjunct ("two killed in X and another in Y"); a figure over a list of places goes to none
   of them; a figure in a sentence with no place goes to the one place of the sentence before
   (the continuation: "A man was killed in X. Two women were injured, he added."), until
   another place, a bullet or a "Meanwhile" starts a new report;
4. *date* (:mod:`geomap.events.dates`), *weapon*, *interception*, *target* from the clause,
   then the sentence, the continuation and the paragraph;
5. *within the article* (:mod:`geomap.events.fold`): a city and its district on one day are one
   event (the district keeps its own figures); "near X" gives way to a named settlement of X's
   region; a region event folds into a town of that region when their figures agree (the same
   statement twice) or complement each other in adjacent sentences.

Rule parameters live here (``_DISTRICT_KM``, ``_WEAK_MATCH``) and in :mod:`geomap.settings`
(``event_countries``, ``standalone_population`` through the place component).
"""

from __future__ import annotations

import bisect
import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from geomap import settings
from geomap._geo import haversine_km
from geomap._text import normalize as _normalize
from geomap.events import casualties as _cas
from geomap.events import places as _places
from geomap.events.dates import ArticleDates, explicit_dates, reference_date
from geomap.events.fold import fold
from geomap.events.readings import REGION_NAME_RE, city_reading, loose, region_reading, seat
from geomap.events.weapons import (
    actor,
    detect_target,
    detect_weapon,
    event_type,
    has_attack_word,
    intercept_at,
    is_intercepted,
)
from geomap.ingest.dates import dateline_date
from geomap.records import Candidate, Mention, Source, StrikeEvent

if TYPE_CHECKING:
    from geomap.gazetteer import Gazetteer

__all__ = ["events_from_doc"]

#: Frames that make a place a venue, not a target (talks, visits, captures, ground fighting).
_VENUE_RE = re.compile(
    r"\b(?:talks|meeting|met|meets|summit|conference|forum|negotiat\w*|visit\w*|arriv\w*|tour\w*|"
    r"captur\w*|seiz\w*|retak\w*|retook|liberat\w*|advanc\w*|withdr\w*|recaptur\w*|"
    r"(?<![-‐])occup(?:y|ied|ying)\b(?!\s+(?:cit|town|village|territor|area|part|region|zone|crimea|donbas|land))|"
    r"took control|taking control|drove out|pushed back|airport|flights?|delegation|envoys?|ceremony|"
    r"stadium|match|matches|fixtures|played|evacuat\w*|fighting|clashes|assaults?|ground offensive|"
    r"counter-?offensive)\b",
    re.I,
)
#: Tallies over a period are not dated strikes (ACLED codes events, not totals).
_TALLY_RE = re.compile(
    r"\b(?:since (?:the (?:start|beginning)|the (?:full-scale )?invasion|february 2022|the war began)|"
    r"so far (?:in|this)|in (?:the )?(?:past|last|first) (?:month|year|weeks|months)|"
    r"over the (?:past|last) (?:month|year|weeks|months)|during the (?:war|invasion)|a month(?:-long)? (?:of|tally)|"
    r"(?:third|second|fourth|fifth) time\b[^.]{0,40}\bthis year)\b",
    re.I,
)
_EXAMPLE_BEFORE_RE = re.compile(
    r"\bincluding\s+(?:the\s+)?(?:(?:regional|region's|oblast|administrative)\s+(?:centre|center|capital)(?:\s+of)?,?\s+)?"
    r"(?:the\s+)?(?:city of\s+)?$",
    re.I,
)
_COUNTED_SET_RE = re.compile(
    r"\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|dozens of|several|multiple)\s+(?:\w+\s+)?"
    r"(?:settlements|communities|localities|villages|towns|cities|places|locations|hromadas)\b",
    re.I,
)
_LOCATOR_GAP_RE = re.compile(
    r"^\s*,?\s*(?:(?:which is|located|situated|lying|just|about|some|a|an|\w+ly)\s+){0,3}"
    r"(?:near|outside|close to|not far from)\s+(?:the\s+)?(?:[a-z]+\s+){0,2}(?:(?:city|town|village) of\s+)?$"
)
_SUBURB_OF_RE = re.compile(
    r"\s+(?:suburbs?|outskirts|neighbou?rhood|village|town|settlement|satellite town)\s+of\s+(?:the\s+)?", re.I
)
_DISTRICT_OF_RE = re.compile(r"^\s+(?:district|raion)\s+of\s+(?:the\s+)?(?:city\s+of\s+)?$", re.I)
_CITY_DISTRICT_RE = re.compile(r"^\s*[-–]\s*([A-Z][\w'’-]+(?:\s[A-Z][\w'’-]+)?)(?=\s*(?:$|[,;|.()]|\s+district))")
_SHIFT_RE = re.compile(
    r"^\W*(?:meanwhile|elsewhere|separately|in other|on the other|further (?:north|south|east|west)|"
    r"in the (?:north|south|east|west)|also on|earlier|in a separate|in another)\b",
    re.I,
)
_BULLET_RE = re.compile(r"^\s*(?:[-•▪●◦·*]|\d{1,2}[.)])\s")
_REPORTING_RE = re.compile(r"\b(?:said|says|say|adding|added|according to|reported|told|wrote|noted|stated)\b", re.I)
_SEGMENT_BREAK_RE = re.compile(r";|,\s*(?:while|whereas|but)\b|\s(?:while|whereas)\s")
_CONJ_BREAK_RE = re.compile(r",?\s(?:and|but|while|whereas)\s|;|,\s")
_CITY_CUE_BEFORE_RE = re.compile(r"\b(?:city|town|capital)\s+(?:of\s+)?$", re.I)
#: A city district read farther than this from its city is a namesake elsewhere.
_DISTRICT_KM = 25.0
#: A place smaller than this with namesakes needs the text's regions to pick it.
_SMALL_PLACE = 10_000
#: A gazetteer score below this is a weak reading (a distant spelling of the name).
_WEAK_MATCH = 0.35
_REGIONS_WORD_RE = re.compile(r"\b(?:regions|oblasts|provinces)\b", re.I)
_OFFICE_AFTER_RE = re.compile(
    r"^(?:['’]s)?\s*(?:regional|region['’]s|oblast|city|provincial)?\s*(?:military\s+)?(?:governor|mayor|head|"
    r"administration|military administration)\b",
    re.I,
)
_OFFICE_BEFORE_RE = re.compile(r"\b(?:governor|head|mayor|administration)\s+of\s+(?:the\s+)?(?:\w+['’]s\s+)?$", re.I)
#: Offices of a region, not of a city: "X regional governor", "X governor", "X Oblast administration".
_ADMIN_TITLE_RE = re.compile(
    r"^(?:['’]s)?\s*(?:regional|region['’]s|oblast|provincial)\b|^\s+(?:region|oblast)\b|^(?:['’]s)?\s+governor\b",
    re.I,
)


@dataclass(slots=True)
class _Place:
    """A place mention and what the rules made of it."""

    m: Mention
    cand: Candidate
    sent: int
    why: str | None = None  # why it is no strike place (None: it is one)
    region_list: bool = False  # a member of a list of regions (never a mere qualifier)
    regional: bool = False  # the text calls it a region ("the region of X")
    precision: int | None = None
    text: str | None = None  # place text when the event names more than the mention


@dataclass(slots=True)
class _Sentence:
    start: int
    end: int
    text: str
    para: int
    bullet: bool
    places: list[_Place] = field(default_factory=list)
    strike: bool = False
    stated: list[_cas.Statement] = field(default_factory=list)


@dataclass(slots=True)
class _Draft:
    """An event before it becomes a :class:`StrikeEvent`."""

    place: _Place
    sent: int
    segment: str
    stated: list[_cas.Statement] = field(default_factory=list)
    conts: list[int] = field(default_factory=list)  # continuation sentences
    span: tuple[int, int] = (0, 0)  # the segment's characters
    groups: int = 1  # place groups of its sentence
    date: Any = None
    how: str = ""
    precision: int = 0


def _default_gazetteer() -> Gazetteer:
    from geomap.gazetteer import Gazetteer

    return Gazetteer.default()


def events_from_doc(
    article: Any, doc: Any, mentions: list[Mention], *, gazetteer: Gazetteer | None = None
) -> list[StrikeEvent]:
    """Strike events in one parsed article.

    Parameters
    ----------
    article
        The :class:`geomap.records.Article` (for id, title, url and publication date).
    doc
        The spaCy ``Doc`` of ``article.text`` (a dependency parse is used when present).
    mentions
        Place mentions from :func:`geomap.nlp.parse` (with gazetteer matches).
    gazetteer
        The gazetteer the mentions were resolved with (default: ``Gazetteer.default()``).
    """
    gaz = gazetteer if gazetteer is not None else _default_gazetteer()
    return _Extraction(article, doc, mentions, gaz).run()


class _Extraction:
    """One article: its sentences with their places, then the drafts and the events."""

    def __init__(self, article: Any, doc: Any, mentions: list[Mention], gaz: Gazetteer) -> None:
        self.article = article
        self.doc = doc
        self.gaz = gaz
        self.text: str = article.text
        self.ref = reference_date(article.published, dateline_date(self.text, article.published))
        self.dates = ArticleDates(self.text, self.ref)
        self.sents = self._sentences()
        self.starts = [s.start for s in self.sents]
        self.datelines = _places.dateline_spans(self.text)
        self.captions = _places.caption_lines(self.text)
        self.allowed = settings.get_codes("event_countries")
        self._weapons: dict[str, tuple[str, str | None]] = {}
        self._para_regions: dict[int, bool] = {}
        self.mentions = mentions
        self._units_by_name: dict[str, set[tuple[str, str]]] | None = None
        for m in mentions:
            if m.match is not None:
                self._add(m, m.match)

    # ------------------------------------------------------------------ layout
    def _sentences(self) -> list[_Sentence]:
        text = self.text
        bounds: list[tuple[int, int]] = []
        doc = self.doc
        if doc is not None and (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
            bounds = [(s.start_char, s.end_char) for s in doc.sents]
        else:
            bounds = [(0, len(text))]
        out: list[_Sentence] = []
        para = 0
        last_end = 0
        for a, b in bounds:
            pos = a
            for piece in text[a:b].split("\n"):
                lo = pos + (len(piece) - len(piece.lstrip()))
                hi = pos + len(piece.rstrip())
                if hi > lo:
                    if "\n" in text[last_end:lo]:
                        para += 1
                    out.append(_Sentence(lo, hi, text[lo:hi], para, bool(_BULLET_RE.match(text[lo : lo + 4]))))
                    last_end = hi
                pos += len(piece) + 1
        return out

    def _sent_of(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def _add(self, m: Mention, cand: Candidate, *, region_list: bool = False) -> _Place:
        k = self._sent_of(m.start)
        place = _Place(m, cand, k, region_list=region_list)
        places = self.sents[k].places
        places.append(place)
        places.sort(key=lambda p: p.m.start)
        return place

    # ------------------------------------------------------------------ run
    def run(self) -> list[StrikeEvent]:
        for k, s in enumerate(self.sents):
            s.strike = has_attack_word(s.text) and not _places.background(s.text) and not _TALLY_RE.search(s.text)
            if not s.strike:
                # no event here: its places only matter as the end of a continuation
                for p in s.places:
                    p.why = self._quiet_why(p, s)
                continue
            if _REGION_WORD_RE.search(s.text):
                self._region_lists(k, s)
            for p in s.places:
                if p.why is None:  # a place before may have told what this one is
                    p.why = self._why_not(p, s)
            self._propagate(s)
            self._siblings(s)
            self._qualifiers(s)
            self._title_fallback(s)
            s.stated = _statements(s.text)
        drafts = self._drafts()
        events = [ev for d in drafts if (ev := self._event(d)) is not None]
        return fold(events, self._origin_of, self._headline)

    # ------------------------------------------------------------------ places
    def _region_lists(self, k: int, s: _Sentence) -> None:
        """Members of region lists are regions ("the regions of Sumy and Kharkiv")."""
        spans = _places.region_list_spans(s.text)
        if not spans:
            return
        for lo, hi, name in spans:
            start, end = s.start + lo, s.start + hi
            if _CITY_CUE_BEFORE_RE.search(self.text[max(0, start - 20) : start]):
                continue  # "the capital Kyiv, as well as ... regions"
            reading = region_reading(self.gaz, name)
            if reading is None:
                continue
            hit = [p for p in s.places if p.m.start < end and p.m.end > start]
            listed = not _places.single_region(s.text, lo)  # "the region of X" is no list
            if hit:
                for p in hit:
                    if p.cand.kind != "admin1" or p.cand.admin1 != reading.admin1:
                        p.cand = reading
                    p.region_list, p.regional = listed, True
            else:
                m = Mention("", name, start, end, s.text, s.start, s.end, "GAZ", reading, "region list")
                self._add(m, reading, region_list=listed).regional = True

    def units_by_name(self) -> dict[str, set[tuple[str, str]]]:
        """Admin-1 units named by each place name of the document (a name does not support itself)."""
        if self._units_by_name is None:
            self._units_by_name = {}
            for m in self.mentions:
                if m.match is not None and m.match.matched == "exact" and m.match.kind != "country":
                    self._units_by_name.setdefault(loose(m.text), set()).add((m.match.country_code, m.match.admin1))
        return self._units_by_name

    def _quiet_why(self, p: _Place, s: _Sentence) -> str:
        """The role of a place in a sentence that reports no strike: "country", "title"
        (neither ends the report before), or "no strike" (a new subject: it does)."""
        if p.cand.kind in ("country", "area"):
            return "country"
        before = self.text[max(s.start, p.m.start - 60) : p.m.start]
        after = self.text[p.m.end : min(s.end, p.m.end + 40)]
        return "title" if _places.is_title(before, after) else "no strike"

    def _reading(self, p: _Place, s: _Sentence) -> None:
        """Fix readings the event rules know better: "Kyiv region" is Kyiv Oblast, a bare
        "Kyiv" read as the city-region is the city, "the Kursk nuclear power plant" stands at
        Kurchatov."""
        m, cand, text = p.m, p.cand, self.text
        if cand.kind == "admin1" and not p.regional:
            if REGION_NAME_RE.search(m.text):
                better = region_reading(self.gaz, m.text, same_country_as=cand)
                if better is not None:
                    p.cand = better
            elif loose(cand.name) == loose(m.text):
                city = city_reading(self.gaz, m.text, cand)
                if city is not None:
                    p.cand = city
        after = text[m.end : min(s.end, m.end + 40)]
        npp = _places.NPP_AFTER_RE.match(after)
        if npp is not None:
            town = _places.NPP_TOWNS.get(loose(m.text).replace("-", " "))
            if town is not None:
                hit = [c for c in self.gaz.rank(town[0], limit=5) if c.country_code == town[1] and c.kind == "city"]
                if hit:
                    p.cand, p.precision, p.text = hit[0], 2, text[m.start : m.end + npp.end()]

    def _why_not(self, p: _Place, s: _Sentence) -> str | None:
        self._reading(p, s)
        m, cand, text = p.m, p.cand, self.text
        if cand.kind in ("country", "area"):
            return "country"
        if self.allowed is not None and cand.country_code not in self.allowed:
            return "outside event countries"
        if any(a <= m.start < b for a, b in self.datelines):
            return "dateline"
        for a, b in self.captions:
            if a <= m.start < b and not _caption_dated(text[a:b], self.ref):
                return "undated caption"
        before = text[max(s.start, m.start - 90) : m.start]
        after = text[m.end : min(s.end, m.end + 60)]
        capital = cand.kind not in ("admin1", "admin2") and self.gaz.is_capital(cand)
        why = _places.role_before_after(before, after, capital=capital)
        if why == "region of an unknown place" and any(
            o is not p and o.m.end <= m.start and m.start - o.m.end < 45 for o in s.places
        ):
            why = "qualifier"  # the place is known: "the village of Pervomaiske, Kherson region"
        if why is not None:
            return why
        if _EXAMPLE_BEFORE_RE.search(before) and _COUNTED_SET_RE.search(text[s.start : m.start]):
            return "example of a counted set"
        if capital and _frame(self.doc, m) == "metonym":
            return "metonym"
        if self._locator(p, s):
            return "locator"
        if m.hint_source is None and cand.kind in ("city", "village") and not p.region_list:
            others = [units for name, units in self.units_by_name().items() if name != loose(m.text)]
            outside = not any((cand.country_code, cand.admin1) in units for units in others)
            if outside and (cand.matched != "exact" or cand.score < _WEAK_MATCH):
                return "inexact namesake outside the regions named"
            village = re.search(r"\bvillages? of\s+(?:\w+,\s+|\w+\s+and\s+)*$", before, re.I) is not None
            if (
                outside
                and others
                and (cand.population < _SMALL_PLACE or village and cand.kind == "city")
                and len(self.gaz.ids_for_key(_normalize(m.text))) > 1
            ):
                # "a drone hit the village of Nikolskoye" in a report about the Belgorod region: one of
                # many places of that name, read with nothing in the text for it
                return "one of several namesakes, none in the regions named"
        frame = _frame(self.doc, m)
        if frame == "venue" or frame is None and _VENUE_RE.search(text[max(s.start, m.start - 60) : m.end + 40]):
            if not _strike_near(
                _clause_window(text, max(s.start, m.start - 40), m.start, m.end, min(s.end, m.end + 30))
            ):
                return "venue"
        self._district_and_city(p, s, after)
        self._region_namesake(p, s, before, after)
        return None

    def _propagate(self, s: _Sentence) -> None:
        """List members share the role of the list: "from occupied parts of Kherson and
        Donetsk oblasts" is one origin."""
        for a, b in zip(s.places, s.places[1:]):
            if a.why in ("origin", "distance", "front", "title") and b.why is None:
                if _places.list_members([self.text[a.m.end : b.m.start]]):
                    b.why = a.why

    def _siblings(self, s: _Sentence) -> None:
        """A list member read outside the region its siblings share ("the villages of
        Tiahynka and Vesele") is re-read inside it when a place of that name is there."""
        from geomap.gazetteer import Hints

        live = [p for p in s.places if p.why is None and p.cand.kind in ("city", "village")]
        for a, b in zip(live, live[1:]):
            if not _places.list_members([self.text[a.m.end : b.m.start]]):
                continue
            for x, y in ((a, b), (b, a)):
                if (x.cand.country_code, x.cand.admin1) == (y.cand.country_code, y.cand.admin1):
                    continue
                if x.m.hint_source is not None or y.m.hint_source is None:
                    continue
                hints = Hints(admin1s=frozenset({(y.cand.country_code, y.cand.admin1)}))
                r = self.gaz.best(x.m.text, None, hints) if self.gaz.may_agree(x.m.text, hints) else None
                if r is not None and (r.country_code, r.admin1) == (y.cand.country_code, y.cand.admin1):
                    x.cand = r

    def _locator(self, p: _Place, s: _Sentence) -> bool:
        """ "Stanislav near Kherson": a place named only to locate a settlement before it."""
        for o in s.places:
            if o is p or o.m.end > p.m.start or p.m.start - o.m.end > 70 or o.cand.kind == "country":
                continue
            if _LOCATOR_GAP_RE.match(self.text[o.m.end : p.m.start]):
                return True
        return False

    def _district_and_city(self, p: _Place, s: _Sentence, after: str) -> None:
        """ "the Kyiv district of Kharkiv" is in Kharkiv; "Kharkiv - Kyivskyi" (as conflict data
        write it) is the Kyivskyi district of Kharkiv."""
        text = self.text
        named_district = bool(re.search(r"\b(?:district|raion)$", p.m.text, re.I))
        for o in s.places:
            if o is p or o.m.start < p.m.end:
                continue
            gap = text[p.m.end : o.m.start]
            of_city = _DISTRICT_OF_RE.match(gap) or named_district and re.fullmatch(r"\s+of\s+(?:the\s+)?", gap)
            if of_city and o.cand.kind in ("city", "admin1") and p.cand.kind != "district":
                p.cand = o.cand if o.cand.kind == "city" else p.cand
                p.precision = 2
                p.text = text[p.m.start : o.m.end]
                o.why = o.why or "city of a named district"
                return
            break
        if named_district:
            self._possessive_district(p, s)
        m = _CITY_DISTRICT_RE.match(after)
        if m and p.cand.kind == "city" and m.group(1).split()[0].lower() not in _NOT_DISTRICTS:
            p.precision = 2
            p.text = text[p.m.start : p.m.end + m.end()]
            for o in s.places:
                if o is not p and p.m.end < o.m.start < p.m.end + m.end():
                    o.why = "district name of a city"

    def _possessive_district(self, p: _Place, s: _Sentence) -> None:
        """ "Kharkiv's Kyivskyi district", "the city's Dniprovskyi district": a district of that
        city; a reading of the district name elsewhere gives way to the city itself."""
        text = self.text
        before = text[max(s.start, p.m.start - 16) : p.m.start]
        if not re.search(r"['’]s\s+(?:the\s+)?$", before):
            return
        city = None
        for o in s.places:
            if o is not p and o.cand.kind == "city" and 0 <= p.m.start - o.m.end <= 4:
                city = o
        if city is None and re.search(r"\bthe (?:city|town)['’]s\s+$", before, re.I):
            k = self.sents.index(s)
            for prev in (s, *reversed(self.sents[max(0, k - 2) : k])):
                cities = [o for o in prev.places if o.cand.kind == "city" and o.m.end <= p.m.start and o is not p]
                if cities:
                    city = cities[-1]
                    break
        if city is None:
            return
        c, d = city.cand, p.cand
        if d.geonameid != c.geonameid and haversine_km(c.lat, c.lon, d.lat, d.lon) > _DISTRICT_KM:
            p.cand, p.precision = c, 2
        if city in s.places and city.why is None:
            city.why = "city of a named district"

    def _region_namesake(self, p: _Place, s: _Sentence, before: str, after: str) -> None:
        """A regional centre named bare where the passage speaks of regions ("fires in
        Murmansk and Irkutsk" after "airfields in five regions") is the region."""
        if p.cand.kind != "city" or p.region_list or _CITY_CUE_BEFORE_RE.search(before) or self.gaz.is_capital(p.cand):
            return
        if s.para not in self._para_regions:
            self._para_regions[s.para] = any(_REGIONS_WORD_RE.search(x.text) for x in self.sents if x.para == s.para)
        if not self._para_regions[s.para]:
            return
        if re.search(r"\bcit(?:y|ies)\b", s.text, re.I):
            return
        others = [o for o in s.places if o is not p and o.cand.kind not in ("country",)]
        if any(o.cand.kind not in ("city", "admin1") for o in others):
            return
        if loose(p.cand.admin1_name or "") != loose(p.m.text):
            return  # not the namesake of its region
        reading = region_reading(self.gaz, p.m.text, same_admin1_as=p.cand)
        if reading is not None:
            p.cand = reading
            p.region_list = p.regional = True

    def _qualifiers(self, s: _Sentence) -> None:
        """Regions and districts that only qualify a settlement of the same sentence."""
        live = [p for p in s.places if p.why is None]
        for a, b in zip(live, live[1:]):  # "the Kherson suburb of Antonivka": Antonivka, near Kherson
            if a.cand.kind == "city" and _SUBURB_OF_RE.fullmatch(self.text[a.m.end : b.m.start]):
                a.why = "city of a named suburb"
        for a, b in zip(live, live[1:]):  # "Dobre, Kharkiv Oblast" read as a Dobre elsewhere
            if a.cand.kind in ("city", "village") and b.cand.kind == "admin1" and not b.region_list:
                gap = self.text[a.m.end : b.m.start]
                if re.fullmatch(r",\s*|\s+in\s+(?:the\s+)?", gap) and (a.cand.country_code, a.cand.admin1) != (
                    b.cand.country_code,
                    b.cand.admin1,
                ):
                    a.why = "reading outside its stated region"
                    b.why = "region of an unknown place"
        live = [p for p in s.places if p.why is None]
        for c in live:  # "13 Dec. | Lviv – missiles damage ... in the Lviv region": the region
            if c.cand.kind != "city":
                continue
            for r in live:
                if (
                    r.cand.kind == "admin1"
                    and r.m.start > c.m.end + 12
                    and (r.cand.country_code, r.cand.admin1) == (c.cand.country_code, c.cand.admin1)
                    and loose(r.cand.name) == loose(c.cand.name)
                ):
                    c.why = "label of its region"
                    r.region_list = r.regional = True
        live = [p for p in s.places if p.why is None]
        for p in live:
            kind = p.cand.kind
            if kind == "admin1" and not p.region_list:
                if any(
                    o.cand.kind not in ("admin1", "country")
                    and (o.cand.country_code, o.cand.admin1) == (p.cand.country_code, p.cand.admin1)
                    for o in live
                    if o is not p
                ):
                    p.why = "qualifier"
                elif any(
                    o.cand.kind not in ("admin1", "country") and o.why in ("city of a named district",)
                    for o in s.places
                ):
                    p.why = "qualifier"
            elif kind == "admin2" or (kind in ("city", "district") and self._oblast_hint(p, s)):
                for o in live:
                    if o is p or o.m.end > p.m.start or o.cand.kind in ("admin1", "country", "admin2"):
                        continue
                    gap = self.text[o.m.end : p.m.start]
                    same = (o.cand.country_code, o.cand.admin1) == (p.cand.country_code, p.cand.admin1)
                    if same and re.fullmatch(
                        r"(?:\s+(?:village|town|city|settlement|community|hromada))?\s*(?:,|\bin|\bof)\s+(?:the\s+)?",
                        gap,
                        re.I,
                    ):
                        p.why = "qualifier"
                        break

    def _oblast_hint(self, p: _Place, s: _Sentence) -> bool:
        """ "X, Donetsk": the centre's name after a settlement and a comma stands for its oblast."""
        text = self.text
        before = text[max(s.start, p.m.start - 3) : p.m.start]
        after = text[p.m.end : p.m.end + 8]
        if not before.endswith(", ") or re.match(r"^\s*(?:,\s*[A-Z]|and\b|or\b)", after):
            return False
        name = self.gaz.admin1_name(p.cand.country_code, p.cand.admin1) or ""
        return loose(name).split(" ")[0] == loose(p.m.text)

    def _title_fallback(self, s: _Sentence) -> None:
        """A strike sentence whose only place is an official's ("Dnipropetrovsk regional
        governor said the overnight drone attack damaged ...") is about that place; so is one whose
        only places are the regions around a district or town whose official reports it ("... in
        the Kherson region, the head of the Kakhovka district wrote")."""
        live = [p for p in s.places if p.why is None]
        titled = [p for p in s.places if p.why == "title"]
        if live and all(p.cand.kind == "admin1" for p in live) and len(titled) == 1:
            t = titled[0]
            if t.cand.kind != "admin1" and any(
                (p.cand.country_code, p.cand.admin1) == (t.cand.country_code, t.cand.admin1) for p in live
            ):
                for p in live:
                    p.why = "region of the reporting official's district"
                live = []
        if live:
            return
        if len(titled) != 1 or not has_attack_word(s.text):
            return
        p = titled[0]
        after = self.text[p.m.end : p.m.end + 30]
        before = self.text[max(s.start, p.m.start - 30) : p.m.start]
        if self.gaz.is_capital(p.cand) or not (_OFFICE_AFTER_RE.match(after) or _OFFICE_BEFORE_RE.search(before)):
            return
        if _ADMIN_TITLE_RE.search(after) and p.cand.kind != "admin1":
            reading = region_reading(self.gaz, p.m.text, same_admin1_as=p.cand)
            if reading is None:
                return
            p.cand = reading
        p.why = None

    # ------------------------------------------------------------------ drafts
    def _drafts(self) -> list[_Draft]:
        drafts: list[_Draft] = []
        last: list[_Draft] = []  # the drafts of the last strike sentence, while it continues
        since = 0
        for k, s in enumerate(self.sents):
            live = [p for p in s.places if p.why is None]
            if live and s.strike:
                made = self._sentence_drafts(k, s, live)
                drafts.extend(made)
                last = [] if self._in_caption(s) else made
                since = 0
                if len(made) == 1 and not made[0].stated and k > 0:
                    self._lead_in(made[0], self.sents[k - 1], s)
                continue
            # a sentence with no place of its own may continue the report before it
            blocking = [p for p in s.places if p.why in (None, "locator", "venue", "no strike")]
            if blocking or s.bullet or _SHIFT_RE.match(s.text) or _NATIONAL_RE.search(s.text) or since >= 6:
                last = []
                continue
            if not last:
                continue
            since += 1
            stated = _statements(s.text) if s.strike else []
            targets = _continued(last, s.text)
            for d in last:
                d.conts.append(k)
                if d in targets:
                    d.stated.extend(stated)
                else:
                    d.stated.extend(st for st in stated if st.zero)
        return _merge_drafts(drafts, self._date)

    def _weapon(self, text: str) -> tuple[str, str | None]:
        got = self._weapons.get(text)
        if got is None:
            got = self._weapons[text] = detect_weapon(text)
        return got

    def _lead_in(self, d: _Draft, prev: _Sentence, s: _Sentence) -> None:
        """ "Shelling of a van had left six people dead. ... the van was hit near the village of X":
        a placeless sentence's figures belong to the place of the next sentence when that one
        takes up its indefinite noun with "the"."""
        if prev.places and any(p.why is None for p in prev.places) or not prev.stated:
            return
        if _NATIONAL_RE.search(prev.text) or prev.bullet or s.bullet:
            return
        nouns = {w.lower() for w in _INDEFINITE_RE.findall(prev.text)} - _NOT_REFERENTS
        taken = {w.lower() for pair in _DEFINITE_RE.findall(s.text) for w in pair if w}
        if nouns & taken:
            d.stated.extend(prev.stated)

    def _in_caption(self, s: _Sentence) -> bool:
        return any(a <= s.start < b for a, b in self.captions)

    def _sentence_drafts(self, k: int, s: _Sentence, live: list[_Place]) -> list[_Draft]:
        # a place the gazetteer lacks ("the X airfield in the Y region") still takes its share
        anchors = sorted(live + [p for p in s.places if p.why == "region of an unknown place"], key=lambda p: p.m.start)
        groups = _groups(self.text, anchors)
        bounds = _segments(s, groups, self.text)
        out: list[_Draft] = []
        for g, (lo, hi) in zip(groups, bounds, strict=True):
            seg_stated = [st for st in s.stated if lo <= s.start + st.anchor < hi]
            for p in g:
                if p.why is not None:
                    continue
                d = _Draft(p, k, self.text[lo:hi], span=(lo, hi))
                if len(g) == 1:
                    d.stated = list(seg_stated)
                else:
                    d.stated = [st for st in seg_stated if st.zero]
                out.append(d)
        # figures outside every conjunct: a reporting tail ("..., adding that three were
        # killed") counts for a sentence with one place; zeros count for all
        rest = [st for st in s.stated if not any(lo <= s.start + st.anchor < hi for lo, hi in bounds)]
        for st in rest:
            if st.zero:
                for d in out:
                    d.stated.append(st)
            elif len(out) == 1 and len(groups) == 1 and _REPORTING_RE.search(s.text[: st.anchor]):
                out[0].stated.append(st)
        for d in out:
            d.groups = len(groups)
        return out

    # ------------------------------------------------------------------ events
    def _event(self, d: _Draft) -> StrikeEvent | None:
        p, s = d.place, self.sents[d.sent]
        art = self.article
        cand = p.cand
        if cand.kind == "admin2":
            cand = seat(self.gaz, cand, p.m.text)
        texts = [d.segment, s.text] + [self.sents[c].text for c in d.conts]
        para = [x.text for x in self.sents if x.para == s.para and x is not s and not x.bullet]
        if d.sent > 0 and not s.bullet and not any(p.why is None for p in self.sents[d.sent - 1].places):
            para.append(self.sents[d.sent - 1].text)  # the placeless lead-in: "Shelling of a van ..."
        weapon, model = "unknown", None
        for t in texts:  # the model may come from a detail sentence ("... point to Kh-22 missiles")
            w, mo = self._weapon(t)
            if weapon == "unknown":
                weapon = w
            model = model or mo
            if model:
                break
        if weapon == "unknown":
            for t in para:
                weapon, mo = self._weapon(t)
                if weapon != "unknown":
                    model = model or mo
                    break
        # a shoot-down in the place's conjunct, or before every place of the sentence ("drones were
        # downed over A, B and C"), or anywhere in a sentence about one place
        live = [x for x in s.places if x.why is None]
        at = intercept_at(s.text)
        intercepted = is_intercepted(d.segment) or (
            at is not None and (d.groups == 1 or all(s.start + at < x.m.start for x in live))
        )
        if not intercepted and d.conts:
            # "... headed for Kyiv. He said all of them were destroyed."
            intercepted = any(
                _THEM_RE.search(self.sents[c].text) and is_intercepted(self.sents[c].text) for c in d.conts
            ) or (detect_weapon(s.text)[0] == "unknown" and any(is_intercepted(self.sents[c].text) for c in d.conts))
        day, how, precision = d.date, d.how, d.precision
        day_iso = day.isoformat() if day else None
        killed = _cas.combine(d.stated, _cas.KILLED)
        injured = _cas.combine(d.stated, _cas.INJURED)
        geo = p.precision or _geo_precision(cand, self.text, p.m, s)
        target = None
        for t in texts:
            target = detect_target(t)
            if target:
                break
        confidence = round(min(1.0, 0.45 + (0.3 if d.stated else 0.15) + 0.25 * p.cand.score), 2)
        source = Source(id=art.id, title=art.title, url=art.url, published=art.published)
        return StrikeEvent(
            event_id=_event_id(art.id, day_iso, cand, weapon, intercepted),
            date=day_iso,
            time_precision=precision or None,
            date_source=how,
            place_text=p.text or p.m.text,
            place_name=cand.name,
            geonameid=cand.geonameid,
            lat=cand.lat,
            lon=cand.lon,
            country_code=cand.country_code,
            admin1=cand.admin1 or None,
            admin1_name=cand.admin1_name,
            geo_precision=geo,
            event_type=event_type(weapon, intercepted),
            weapon=weapon,
            weapon_model=model,
            actor=actor(s.text, cand.country_code),
            target=target,
            killed=killed,
            injured=injured,
            intercepted=intercepted,
            quote=s.text.strip()[:600],
            confidence=confidence,
            sources=[source],
            geometry=None,
        )

    def _date(self, d: _Draft) -> tuple[Any, str, int]:
        s = self.sents[d.sent]
        k = d.sent
        previous = None
        if k > 0 and not s.bullet:
            prev = self.sents[k - 1]
            if not prev.bullet or prev.para == s.para:
                previous = (prev.start, prev.end)
        return self.dates.resolve(d.span, (s.start, s.end), previous)

    def _headline(self, k: int) -> bool:
        """Sentence ``k`` is a headline: a short line with no closing punctuation."""
        s = self.sents[k]
        return (
            s.end - s.start <= 120
            and not s.text.rstrip().endswith((".", "!", "?", '"', "”", "'", "’", ")"))
            and "\n" in self.text[s.end : s.end + 2]
        )

    def _origin_of(self, ev: StrikeEvent) -> int:
        """Sentence index of an event (by its quote), for the within-article fold."""
        for k, s in enumerate(self.sents):
            if s.text.strip()[:600] == ev.quote:
                return k
        return -1


# ---------------------------------------------------------------------------- helpers
_CASUALTY_CUE_RE = re.compile(
    r"kill|dead|died|injur|wound|hurt|casualt|fatalit|death|hospital|lives|victim|perish", re.I
)
_REGION_WORD_RE = re.compile(r"region|oblast|province|krai|territor", re.I)


def _statements(text: str) -> list[_cas.Statement]:
    """Casualty statements of a sentence (none without a casualty word: the parser is skipped)."""
    return _cas.statements(text) if _CASUALTY_CUE_RE.search(text) else []


#: "a van", "an apartment block": the last word of an indefinite noun phrase (up to 3 words).
_INDEFINITE_RE = re.compile(
    r"\ban?\s+(?:[\w-]+\s+){0,2}?([a-z]{3,})\b(?=\s+(?:in|on|at|near|of|with|that|which|,|\.)|[,.;])"
)
#: "the (Soviet-era) van".
_DEFINITE_RE = re.compile(r"\bthe\s+([\w-]+)(?:\s+([a-z]{3,}))?")
_NOT_REFERENTS = frozenset(
    "attack attacks strike strikes day week time result statement post number total person man woman people".split()
)
_THEM_RE = re.compile(r"\b(?:of them|they were|it was)\b", re.I)
_NATIONAL_RE = re.compile(
    r"\b(?:across|throughout|all over|against|on|in)\s+(?:the\s+)?(?:ukraine|russia|the country|"
    r"(?:\w+\s+)?(?:oblasts|regions))\b(?!['’]s)",
    re.I,
)
_ANAPHOR_RE = re.compile(r"\bthe (?:(?:\w+ )?(city|town|village|capital|settlement)|(region|oblast|province))\b", re.I)


def _continued(last: list[_Draft], text: str) -> list[_Draft]:
    """The drafts a placeless sentence continues: the only one, or the one its "the city" /
    "the region" refers to."""
    if len(last) == 1:
        return last
    m = _ANAPHOR_RE.search(text)
    if m is None:
        return []
    want_region = m.group(2) is not None
    hits = [d for d in last if (d.place.cand.kind == "admin1") == want_region]
    return hits[:1]


def _merge_drafts(drafts: list[_Draft], date_of: Any) -> list[_Draft]:
    """Drafts of one place and day are one draft: their statements are combined once (so
    "another ..." in a later sentence adds to the figure before)."""
    out: list[_Draft] = []
    index: dict[tuple[int, Any], _Draft] = {}
    for d in drafts:
        d.date, d.how, d.precision = date_of(d)
        key = (d.place.cand.geonameid, d.date)
        have = index.get(key)
        if have is None:
            index[key] = d
            out.append(d)
            continue
        seen = {(id(st)) for st in have.stated}
        have.stated.extend(st for st in d.stated if id(st) not in seen)
        have.conts.extend(d.conts)
        if have.place.precision is None and d.place.precision is not None:
            have.place.precision = d.place.precision
    return out


def _caption_dated(line: str, ref: Any) -> bool:
    """A caption that says when: an explicit date, a weekday, "overnight", "today"."""
    return bool(explicit_dates(line, ref)) or bool(re.search(r"\b(?:overnight|on \w+day|today)\b", line, re.I))


#: Words after "City - " that start a sentence, not a district name.
_NOT_DISTRICTS = frozenset({"a", "an", "the", "in", "on", "at", "russian", "ukrainian", "this", "these", "two", "one"})


def _clause_window(text: str, lo: int, start: int, end: int, hi: int) -> str:
    """``text[lo:hi]`` around ``start:end``, cut at the clause breaks on either side."""
    before = text[lo:start]
    after = text[end:hi]
    cuts = list(_CLAUSE_CUT_RE.finditer(before))
    if cuts:
        before = before[cuts[-1].end() :]
    cut = _CLAUSE_CUT_RE.search(after)
    if cut:
        after = after[: cut.start()]
    return before + text[start:end] + after


_CLAUSE_CUT_RE = re.compile(r";|,\s*(?:while|whereas|but|and)\b|\s(?:while|whereas)\s")


def _strike_near(window: str) -> bool:
    return bool(
        re.search(
            r"\b(?:hit|struck|strikes?|shell\w*|attack\w*|drones?|missiles?|bomb\w*|kill\w*|injur\w*)\b", window, re.I
        )
    )


def _frame(doc: Any, m: Mention) -> str | None:
    """The mention's syntactic frame from the dependency parse: "metonym" (a capital that is
    the subject or possessor), "venue", "strike" or None (no parse / neither)."""
    if doc is None or not doc.has_annotation("DEP"):
        return None
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return None
    root = span.root
    if root.dep_ in ("nsubj", "poss") and root.head.pos_ in ("VERB", "AUX", "NOUN"):
        if root.dep_ == "poss" or root.head.lower_ not in ("hit", "struck", "attacked", "shelled", "targeted"):
            return "metonym"
    for tok in [root, *root.ancestors][:5]:
        low = tok.lower_
        if low in _VENUE_WORDS:
            return "venue"
        if low in _STRIKE_WORDS:
            return "strike"
    return None


_VENUE_WORDS = frozenset(
    "meeting talks summit conference negotiations visit visited arrived tour captured seized retook liberated "
    "advanced withdrew occupied recaptured airport flights delegation".split()
)
_STRIKE_WORDS = frozenset(
    "strike strikes struck hit hits attack attacks attacked shelled shelling bombed bombing targeted pounded "
    "killed injured wounded damaged destroyed downed intercepted explosion explosions".split()
)


def _groups(text: str, live: list[_Place]) -> list[list[_Place]]:
    """Event places of a sentence grouped into lists ("A, B and C")."""
    groups: list[list[_Place]] = []
    for p in live:
        if groups:
            prev = groups[-1][-1]
            gap = text[prev.m.end : p.m.start]
            if _places.list_members([gap]):
                groups[-1].append(p)
                continue
        groups.append([p])
    return groups


def _segments(s: _Sentence, groups: list[list[_Place]], text: str) -> list[tuple[int, int]]:
    """Character bounds of each group's conjunct: split between groups at the last conjunction
    or comma, and cut off placeless clauses ("..., while attacks across the region ...")."""
    cuts = [s.start]
    for a, b in zip(groups, groups[1:]):
        lo, hi = a[-1].m.end, b[0].m.start
        gap = text[lo:hi]
        hits = list(_CONJ_BREAK_RE.finditer(gap))
        cuts.append(lo + hits[-1].start() if hits else lo)
    cuts.append(s.end)
    bounds = [(cuts[i], cuts[i + 1]) for i in range(len(groups))]
    # a ";"/", while" clause after the last group (or before the first) has no place
    first_lo, _ = bounds[0]
    last_lo, last_hi = bounds[-1]
    tail_from = groups[-1][-1].m.end
    br = _SEGMENT_BREAK_RE.search(text, tail_from, last_hi)
    if br:
        bounds[-1] = (last_lo, br.start())
    head_to = groups[0][0].m.start
    brs = list(_SEGMENT_BREAK_RE.finditer(text, first_lo, head_to))
    if brs:
        bounds[0] = (brs[-1].end(), bounds[0][1])
    return bounds


def _geo_precision(cand: Candidate, text: str, m: Mention, s: _Sentence) -> int:
    if cand.kind in ("admin1", "country"):
        return 3
    before = text[max(s.start, m.start - 40) : m.start].lower()
    after = text[m.end : m.end + 30].lower()
    if (
        cand.kind in ("admin2", "district")
        or re.search(r"\b(?:near|outside|outskirts|around|close to|district of)\b", before)
        or re.match(r"\W*(?:district|industrial zone|outskirts|area|community|hromada|raion)", after)
        or re.search(r"\b(?:district|raion|community|hromada)\b", m.text, re.I)
    ):
        return 2
    return 1


def _event_id(article_id: str, date: str | None, cand: Candidate, weapon: str, intercepted: bool) -> str:
    key = f"{article_id}|{date}|{cand.geonameid}|{weapon}|{intercepted}"
    return "gm-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
