"""Finding, filtering and resolving place mentions in a spaCy ``Doc`` (no spaCy import).

The rules, in the order :func:`find_mentions` applies them:

**Candidates.** A run of capitalised tokens (hyphens and short lower-case connectors such
as "on" in "Rostov-on-Don" allowed inside, region words such as "Oblast"/"region"/
"district" at the end) is looked up longest-first in the place table. A region word right
after a match joins it ("Smolensk region", "the Darnytskyi district of Kyiv" ->
"Darnytskyi district"); a capitalised run ending in a region word is a candidate even
when misspelt ("Zaporizja Oblast"): the gazetteer resolves it fuzzily.

**Never places.** Spans that the NER labels as a date, time or quantity or that overlap a
date expression; short all-capital acronyms unless they name a country or region; words
inside a longer PERSON entity; names preceded by a title ("President", "envoy", "Mr") or
by a first name; surnames seen elsewhere in the document as the last word of a person's
name (a surname keeps its reading through the document).

**Need support.** Three kinds of candidates are accepted only with *support* (NER
GPE/LOC, an attached region word, a "village of"-style cue, or context agreement:
an oblast or country named nearby that contains one of the name's places):

* demonyms and adjectives (NER NORP, part-of-speech ADJ);
* common words ("Strike", "Energy", "Police": a stop word, a word also written in lower
  case in the document, or a token the tagger does not call a proper noun): rejected at
  the start of a sentence or in a title-case line, else need support or a population of
  at least ``strong_population``;
* names the NER gives another label (PERSON, ORG, ...) or none, when the name is neither a
  country/region nor a place of at least ``contradict_population`` people. Big
  places win over a contradicting NER label ("Kremenchuk" as PERSON, "Irpin" as ORG).

**Resolution.** Regions and countries are resolved first; they become hints for the
rest, nearest first: *local* (attached by ", ", "in", "of", "'s" within three tokens),
then the sentence, the paragraph (line), the document. The first level whose region
hints select a candidate inside a hinted region wins; otherwise a place in a country
named in the document is preferred to one outside it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from geomap._nlp_table import KIND_BITS, PlaceTable
from geomap._text import ADMIN_WORDS, loose_key, normalize, split_admin_word

if TYPE_CHECKING:
    from geomap.gazetteer import Candidate, Gazetteer, Hints

__all__ = ["DateMention", "RawMention", "Settings", "date_mentions", "find_mentions"]

REGION_BITS = KIND_BITS["country"] | KIND_BITS["admin1"] | KIND_BITS["admin2"]
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
NEVER_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT",
                          "QUANTITY"})
#: Words that introduce a person's name (titles, offices and honorifics): a closed class.
TITLES = frozenset("""
mr mrs ms miss dr prof sir dame lord lady president presidents vice minister ministers
premier chancellor envoy envoys ambassador secretary spokesman spokeswoman spokesperson
governor mayor senator sen rep representative general gen col lt sgt capt colonel
lieutenant captain major commander admiral marshal chief head adviser advisor
negotiator king queen prince princess pope patriarch bishop father saint st judge
deputy director ceo chairman chairwoman chair leader counterpart aide official
""".split())
#: Tokens that may sit between a place and the region that qualifies it.
_LOCAL_GAP = frozenset({",", "in", "of", "(", "near", "the", "'s", "’s", "outside", "-"})
#: Cue words right before a settlement name ("the village of X", "near X").
_CUES = frozenset({"village", "town", "city", "settlement", "hromada", "near", "outside", "in",
                   "hamlet", "suburb", "port"})
_HYPHENS = frozenset({"-", "‐", "–"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
#: Region words that extend a match even in lower case ("Kherson region"); the others
#: ("state", "republic") only when capitalised ("Russian state media" is no region).
_LOWER_ADMIN = frozenset({"oblast", "oblasts", "region", "regions", "district", "districts",
                          "raion", "raions", "rayon", "province", "krai", "okrug", "hromada",
                          "county", "municipality"})
_CONNECTORS = frozenset({"on", "am", "an", "de", "del", "la", "le", "upon", "sur", "na", "im"})


@dataclass(frozen=True, slots=True)
class Settings:
    """Thresholds of the rules (the component's config)."""

    strong_population: int = 100_000
    contradict_population: int = 10_000
    max_words: int = 6


@dataclass(slots=True)
class RawMention:
    """A candidate span with what the rules need; becomes a ``Mention`` when accepted."""

    start: int  # token indexes
    end: int
    text: str
    key: str
    mask: int
    population: int
    admin_word: bool
    sent: int
    para: int
    match: "Candidate | None" = None
    hint_source: str | None = None
    supported: bool = False
    label: str = "GAZ"
    reason: str = ""
    fragment: bool = False

    @property
    def region_like(self) -> bool:
        return bool(self.mask & REGION_BITS) or self.admin_word


class DateMention(tuple):  # noqa: SLOT001 - a plain named tuple without typing magic
    """``(text, start, end, label)``: a date expression; ``label`` is the NER label or
    ``"RULE"`` for a regular-expression hit."""

    __slots__ = ()

    def __new__(cls, text: str, start: int, end: int, label: str) -> "DateMention":
        return tuple.__new__(cls, (text, start, end, label))

    text = property(lambda self: self[0])
    start = property(lambda self: self[1])
    end = property(lambda self: self[2])
    label = property(lambda self: self[3])


# ---------------------------------------------------------------------- dates
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec")
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_RANGE = rf"{_DAY}(?:\s*[-–]\s*{_DAY})?"
_DATE_RE = re.compile(
    rf"\b(?:(?:{_MONTHS})\.?\s+{_RANGE}(?:,?\s+\d{{4}})?(?!\d)"
    rf"|{_RANGE}\s+(?:{_MONTHS})\b\.?(?:,?\s+\d{{4}})?"
    rf"|(?:(?:on|last|this|next|early|late)\s+)?(?:{_WEEKDAYS})(?:\s+(?:night|morning|"
    rf"evening|afternoon))?"
    r"|(?:the\s+)?(?:day|night)\s+before(?:\s+yesterday)?"
    r"|overnight|yesterday|today|tonight|last\s+night|this\s+morning|earlier\s+(?:this|"
    r"that)\s+(?:day|week|month)|(?:the\s+)?previous\s+(?:day|night|week))\b",
    re.IGNORECASE)


def date_mentions(doc: Any) -> list[DateMention]:
    """DATE/TIME entities and rule hits, sorted, exact duplicates removed."""
    out = {(e.start_char, e.end_char): DateMention(e.text, e.start_char, e.end_char, e.label_)
           for e in doc.ents if e.label_ in ("DATE", "TIME")}
    for m in _DATE_RE.finditer(doc.text):
        if _is_weekday_case_ok(m.group(0)):
            out.setdefault((m.start(), m.end()), DateMention(m.group(0), m.start(), m.end(),
                                                             "RULE"))
    return sorted(out.values(), key=lambda d: (d.start, -d.end))


def _is_weekday_case_ok(text: str) -> bool:
    """Month and weekday names count only when capitalised ("may" is a verb)."""
    for word in re.findall(r"[A-Za-z]+", text):
        if re.fullmatch(_MONTHS + "|" + _WEEKDAYS, word, re.IGNORECASE):
            return word[0].isupper()
    return True


# ---------------------------------------------------------------------- layout
def _lines(text: str) -> list[int]:
    """Start offsets of the lines (paragraphs) of ``text``."""
    return [0] + [m.end() for m in re.finditer(r"\n", text)]


def _sentence_index(doc: Any) -> tuple[list[int], list[tuple[int, int]]]:
    """Per token: its sentence number; and the sentences' char spans.

    Uses the doc's sentence boundaries when a parser or sentencizer set them, else
    one sentence per line.
    """
    n = len(doc)
    sent_of = [0] * n
    spans: list[tuple[int, int]] = []
    if doc.has_annotation("SENT_START"):
        for k, sent in enumerate(doc.sents):
            spans.append((sent.start_char, sent.end_char))
            for i in range(sent.start, sent.end):
                sent_of[i] = k
        return sent_of, spans
    k = -1
    for i, tok in enumerate(doc):
        if i == 0 or "\n" in doc[i - 1].text:
            k += 1
            spans.append((tok.idx, tok.idx + len(tok.text)))
        sent_of[i] = k
        s0, _ = spans[k]
        spans[k] = (s0, tok.idx + len(tok.text))
    return sent_of, spans


def _title_case_lines(doc: Any, line_starts: list[int]) -> set[int]:
    """Lines where most words (of 4+) are capitalised: headlines, bullets, menus."""
    caps: dict[int, list[int]] = {}
    import bisect

    for tok in doc:
        if tok.is_alpha and len(tok.text) > 3:
            line = bisect.bisect_right(line_starts, tok.idx) - 1
            c = caps.setdefault(line, [0, 0])
            c[0] += tok.text[0].isupper()
            c[1] += 1
    return {line for line, (up, total) in caps.items() if total >= 3 and up / total >= 0.6}


# ---------------------------------------------------------------------- candidates
def _is_cap(tok: Any) -> bool:
    t = tok.text
    return bool(t) and t[0].isupper() and any(ch.isalpha() for ch in t)


def _admin_word(tok: Any) -> str | None:
    word = tok.text.casefold()
    if word not in _LOWER_ADMIN and not tok.text[:1].isupper():
        return None
    return ADMIN_WORDS.get(word)


def _run_end(doc: Any, i: int, sent_of: list[int], max_words: int) -> int:
    """End (exclusive) of the capitalised run starting at token ``i``."""
    j, words = i, 0
    n = len(doc)
    while j < n and words < max_words + 1 and sent_of[j] == sent_of[i]:
        tok = doc[j]
        if j > i and "\n" in doc[j - 1].whitespace_ + doc[j - 1].text:
            break
        if tok.text in _HYPHENS and j > i and not doc[j - 1].whitespace_:
            j += 1
            continue
        if _is_cap(tok) or _admin_word(tok):
            words += 1
            j += 1
            continue
        if tok.text in _CONNECTORS and j + 1 < n and _is_cap(doc[j + 1]):
            j += 1
            continue
        break
    while j > i and (doc[j - 1].text in _HYPHENS or doc[j - 1].text in _CONNECTORS):
        j -= 1
    return j


def _is_fragment(doc: Any, i: int, j: int, run_end: int) -> bool:
    """The match is only part of a longer capitalised name ("Black Sea Fleet", "Eastern X").

    Titles after the match ("Kremenchuk Mayor ...") and a sentence-initial or stop word
    before it ("In Kyiv") do not count.
    """
    if j < run_end and doc[j].text.casefold() not in TITLES:
        return True
    if i == 0:
        return False
    prev = doc[i - 1]
    return (_is_cap(prev) and prev.is_alpha and not prev.is_stop and not prev.is_sent_start
            and "\n" not in prev.whitespace_ and prev.text.casefold() not in TITLES)


def _key(doc: Any, i: int, j: int, norms: list[str]) -> str:
    return " ".join(x for x in norms[i:j] if x)


def candidates(doc: Any, table: PlaceTable, sent_of: list[int], line_starts: list[int],
               settings: Settings) -> list[RawMention]:
    """Longest gazetteer matches over capitalised runs (see the module docstring)."""
    import bisect

    norms = [normalize(t.text) if t.text not in _POSSESSIVE else "" for t in doc]
    out: list[RawMention] = []
    i, n = 0, len(doc)
    while i < n:
        if not _is_cap(doc[i]) or _admin_word(doc[i]) and not (
                i + 1 < n and _is_cap(doc[i + 1])):
            i += 1
            continue
        end = _run_end(doc, i, sent_of, settings.max_words)
        found = None
        for j in range(end, i, -1):
            if doc[j - 1].text in _HYPHENS or doc[j - 1].text in _CONNECTORS:
                continue
            key = _key(doc, i, j, norms)
            hit = table.get(key) if key else None
            if hit is not None:
                found = (j, key, hit)
                break
        if found is None and end - i >= 2 and _admin_word(doc[end - 1]):
            key = _key(doc, i, end, norms)
            found = (end, key, (0, 0)) if key else None
        if found is None:
            i += 1
            continue
        j, key, (mask, pop) = found
        if j < n and _admin_word(doc[j]) and sent_of[j] == sent_of[i] and \
                split_admin_word(key)[1] is None:
            j += 1
            key = _key(doc, i, j, norms)
        admin = split_admin_word(key)[1] is not None
        span = doc[i:j]
        out.append(RawMention(i, j, span.text, key, mask, pop, admin, sent_of[i],
                              bisect.bisect_right(line_starts, span.start_char) - 1,
                              fragment=_is_fragment(doc, i, j, end)))
        i = j
    return out


# ---------------------------------------------------------------------- filters
@dataclass(slots=True)
class _DocFacts:
    """Document-wide facts the filters read."""

    ents: dict[int, Any]  # token index -> entity covering it
    lower_words: set[str]
    surnames: set[str]
    title_lines: set[int]
    date_tokens: set[int]
    has_tags: bool
    has_ner: bool
    sent_first: set[int] = field(default_factory=set)


def _doc_facts(doc: Any, table: PlaceTable, line_starts: list[int], dates: Sequence[DateMention],
               settings: Settings, sent_of: list[int]) -> _DocFacts:
    ents: dict[int, Any] = {}
    surnames: set[str] = set()
    for ent in doc.ents:
        for i in range(ent.start, ent.end):
            ents[i] = ent
        if ent.label_ == "PERSON" and len(ent) >= 2 and not _is_place_name(ent, table, settings):
            last = ent[-1] if ent[-1].text not in _POSSESSIVE else ent[-2]
            surnames.add(normalize(last.text))
    for i, tok in enumerate(doc):  # "President X", "Andriy X": X is a person's name
        if _is_cap(tok) and i > 0 and _person_prefix(doc, i, table, settings):
            surnames.add(normalize(tok.text))
    date_tokens: set[int] = set()
    if dates:
        starts = {t.idx: t.i for t in doc}
        for d in dates:
            for tok in doc.char_span(d.start, d.end, alignment_mode="expand") or ():
                date_tokens.add(tok.i)
        del starts
    sent_first: set[int] = set()
    prev = -1
    for i, tok in enumerate(doc):
        if sent_of[i] != prev or (i > 0 and "\n" in doc[i - 1].text + doc[i - 1].whitespace_):
            prev = sent_of[i]
            sent_first.add(i)
    # the first word after an opening quote, bullet or dash also starts a sentence
    for i in sorted(sent_first):
        j = i
        while j < len(doc) and not doc[j].is_alpha and j - i < 3:
            j += 1
            sent_first.add(j)
    return _DocFacts(
        ents=ents,
        lower_words={t.text for t in doc if t.is_alpha and t.text.islower()},
        surnames=surnames,
        title_lines=_title_case_lines(doc, line_starts),
        date_tokens=date_tokens,
        has_tags=doc.has_annotation("TAG"),
        has_ner=doc.has_annotation("ENT_IOB"),
        sent_first=sent_first,
    )


def _is_place_name(span: Any, table: PlaceTable, settings: Settings) -> bool:
    hit = table.get(normalize(span.text))
    return hit is not None and (bool(hit[0] & REGION_BITS)
                                or hit[1] >= settings.contradict_population)


def _person_prefix(doc: Any, i: int, table: PlaceTable, settings: Settings) -> bool:
    """Token ``i`` follows a title, or a capitalised first name that is not a big place."""
    prev = doc[i - 1]
    if prev.text.casefold().rstrip(".") in TITLES:
        return True
    if not _is_cap(prev) or not prev.is_alpha or prev.text.isupper() or prev.is_stop:
        return False
    if i + 1 < len(doc) and (_is_cap(doc[i + 1]) or _admin_word(doc[i + 1])):
        return False  # inside a longer capitalised run, e.g. "Velyka Novosilka Raion"
    if prev.has_morph() and prev.pos_ and prev.pos_ != "PROPN":
        return False
    if doc.has_annotation("ENT_IOB"):
        ent = prev.ent_type_
        return ent == "PERSON" and doc[i].ent_type_ == "PERSON"
    hit_prev = table.get(normalize(prev.text))
    hit_self = table.get(normalize(doc[i].text))
    if hit_self is not None and (hit_self[0] & REGION_BITS
                                 or hit_self[1] >= settings.strong_population):
        return False
    if hit_prev is not None and (hit_prev[0] & REGION_BITS or hit_prev[1] >= 1000):
        return False
    if i - 1 >= 1 and doc[i - 2].is_alpha and doc[i - 2].text.islower() and \
            doc[i - 2].text not in TITLES and doc[i - 2].text not in ("and", "with", "by"):
        return False  # "in Eastern Kherson": a lower-case word before the pair
    return True


def _ent_relation(m: RawMention, facts: _DocFacts) -> tuple[str | None, str]:
    """The NER label over the mention and whether the entity is ``exact``, ``inside``
    (the mention is part of a longer entity) or ``partial``."""
    labels = {id(facts.ents[i]): facts.ents[i] for i in range(m.start, m.end) if i in facts.ents}
    if not labels:
        return None, ""
    ent = max(labels.values(), key=len)
    if ent.start == m.start and ent.end == m.end:
        return ent.label_, "exact"
    if ent.start <= m.start and ent.end >= m.end:
        # a leading "the" does not make an entity longer
        if ent.end == m.end and ent.start == m.start - 1 and ent[0].lower_ == "the":
            return ent.label_, "exact"
        return ent.label_, "inside"
    return ent.label_, "partial"


def _is_common_word(doc: Any, m: RawMention, facts: _DocFacts) -> bool:
    if m.end - m.start != 1:
        return False
    tok = doc[m.start]
    if tok.is_stop or tok.text.lower() in facts.lower_words:
        return True
    return facts.has_tags and tok.pos_ not in ("PROPN", "")


def _rejected(doc: Any, m: RawMention, facts: _DocFacts, settings: Settings) -> str | None:
    """Why a candidate is not a place (None: keep it for the support checks)."""
    toks = range(m.start, m.end)
    if any(i in facts.date_tokens for i in toks):
        return "date"
    label, rel = _ent_relation(m, facts)
    if label in NEVER_LABELS:
        return "date"
    first = doc[m.start]
    if sum(ch.isupper() for ch in first.text) >= 2 and len(first.text) <= 4 and not m.mask & (
            KIND_BITS["country"] | KIND_BITS["admin1"]):
        return "acronym"
    if m.admin_word:
        return None
    if rel == "inside":
        ent = facts.ents[m.start]
        if label == "PERSON" and ent.end == m.end:
            return "person"  # "Andriy Yermak": the last word of a person's name
        if ent.end > m.end and doc[m.end].text.casefold() not in TITLES and not (
                label in PLACE_LABELS and m.region_like):
            # English names are head-final: "Vladimir" in "Vladimir Putin", "Kyiv" in
            # "Kyiv Independent", "North" in "North America" only modify the head
            return f"modifier in a longer {label} name"
    if m.start > 0 and doc[m.start - 1].text.casefold().rstrip(".") in TITLES:
        return "person"
    big = m.mask & (KIND_BITS["country"] | KIND_BITS["admin1"]) or \
        m.population >= settings.strong_population
    if m.end - m.start == 1 and m.key in facts.surnames and not big:
        return "person"
    if m.start > 0 and doc[m.start - 1].lower_ == "the" and not m.region_like and \
            label not in PLACE_LABELS:
        return "not a settlement after 'the'"
    return None


def _needs_support(doc: Any, m: RawMention, facts: _DocFacts, settings: Settings) -> str | None:
    """Why the candidate needs support (None: accepted as it is)."""
    if m.admin_word:
        return None
    label, rel = _ent_relation(m, facts)
    tok = doc[m.start]
    initial = m.start in facts.sent_first or m.para in facts.title_lines
    if label == "NORP" and not m.mask & KIND_BITS["country"]:
        return "demonym"
    if facts.has_tags and m.end - m.start == 1 and tok.pos_ == "ADJ" and not (
            m.region_like or m.population >= settings.contradict_population):
        return "adjective"
    if _is_common_word(doc, m, facts):
        if initial:
            return "common word at sentence start"
        if (label in PLACE_LABELS and rel == "exact") or m.population >= settings.strong_population:
            return None
        return "common word"
    exact_place = label in PLACE_LABELS and rel == "exact"
    if m.fragment and not (m.region_like or exact_place
                           or m.population >= settings.strong_population):
        return "part of a longer name"
    if m.region_like or m.population >= settings.contradict_population or exact_place:
        return None
    return f"small place ({label or 'no NER label'})"


def _cue_before(doc: Any, m: RawMention) -> bool:
    j = m.start - 1
    if j >= 0 and doc[j].lower_ == "of":
        j -= 1
    return j >= 0 and doc[j].lower_ in _CUES


# ---------------------------------------------------------------------- resolution
@lru_cache(maxsize=4096)
def _hint_from(c: "Candidate", *, local: bool) -> "Hints":
    from geomap.gazetteer import Hints

    if c.kind == "country":
        return Hints(countries=frozenset({c.country_code}))
    if c.kind in ("admin1", "admin2"):
        pts = ((c.lat, c.lon),) if c.kind == "admin2" else ()
        return Hints(admin1s=frozenset({(c.country_code, c.admin1)}), points=pts)
    if local and c.admin1:
        return Hints(admin1s=frozenset({(c.country_code, c.admin1)}), points=((c.lat, c.lon),))
    return Hints()


def _is_local(doc: Any, a: RawMention, b: RawMention) -> bool:
    """``b`` qualifies ``a``: "a, b Oblast", "a in b", "a (b)", "b Oblast's a",
    "the a district of b" (same sentence, at most 3 connector tokens apart).

    A comma links only a region ("Kherson, Zaporizhzhia" is a list, not a qualifier).
    """
    if a.sent != b.sent:
        return False
    if b.end <= a.start:  # qualifier before the place: only a possessive
        gap = [t.text for t in doc[b.end:a.start]]
        return gap in (["'s"], ["’s"])
    gap = [t.text.casefold() for t in doc[a.end:b.start]]
    if not gap or len(gap) > 3 or not all(g in _LOCAL_GAP or g in ADMIN_WORDS for g in gap):
        return False
    return b.admin_word or bool(b.mask & REGION_BITS) and b.match is not None and \
        b.match.kind in ("country", "admin1", "admin2") or gap[0] != ","


def _agrees(c: "Candidate", h: "Hints") -> bool:
    from geomap.gazetteer import HINT_RADIUS_KM, _haversine_km

    if (c.country_code, c.admin1) in h.admin1s:
        return True
    return any(_haversine_km(c.lat, c.lon, la, lo) <= HINT_RADIUS_KM for la, lo in h.points)


def _resolve(gaz: "Gazetteer", doc: Any, m: RawMention, context: Sequence[RawMention],
             countries: frozenset[str]) -> None:
    """Set ``m.match``/``m.hint_source``/``m.supported`` from the nearest agreeing hints."""
    from geomap.gazetteer import Hints

    base = gaz.resolve(m.text, None, Hints()).match
    levels: list[tuple[str, Hints]] = [("local", Hints()), ("sentence", Hints()),
                                       ("paragraph", Hints()), ("document", Hints())]
    for c in context:
        if c is m or c.match is None or c.key == m.key:
            continue
        if _is_local(doc, m, c):
            levels[0] = (levels[0][0], levels[0][1].merge(_hint_from(c.match, local=True)))
        h = _hint_from(c.match, local=False)
        if not h.admin1s:
            continue
        if c.sent == m.sent:
            levels[1] = ("sentence", levels[1][1].merge(h))
        if c.para == m.para:
            levels[2] = ("paragraph", levels[2][1].merge(h))
        levels[3] = ("document", levels[3][1].merge(h))
    keep_base = base is not None and (base.kind in ("country", "admin1") or (
        base.population >= 100_000
        and loose_key(normalize(base.name)) == loose_key(split_admin_word(m.key)[0])))
    for name, h in levels:
        if not (h.admin1s or h.points):
            continue
        if keep_base and name != "local":
            break
        r = gaz.resolve(m.text, None, h).match
        if r is None or not _agrees(r, h):
            continue
        if name in ("paragraph", "document") and base is not None and \
                r.population * 10 < base.population:
            continue  # a distant hint does not turn a town into a hamlet of its name
        m.match, m.hint_source, m.supported = r, name, name != "document"
        return
    if base is not None and countries and base.country_code not in countries:
        r = gaz.resolve(m.text, None, Hints(countries=countries)).match
        if r is not None and r.country_code in countries and (
                not keep_base or r.population >= base.population):
            m.match, m.hint_source = r, "document"
            return
    m.match, m.hint_source = base, None


# ---------------------------------------------------------------------- driver
def find_mentions(doc: Any, table: PlaceTable, gaz: "Gazetteer", settings: Settings,
                  dates: Sequence[DateMention] = ()) -> tuple[list[RawMention],
                                                               list[tuple[int, int]],
                                                               list[RawMention]]:
    """Accepted mentions, sentence char spans, and the rejected candidates (with reasons)."""
    sent_of, sent_spans = _sentence_index(doc)
    line_starts = _lines(doc.text)
    cands = candidates(doc, table, sent_of, line_starts, settings)
    facts = _doc_facts(doc, table, line_starts, dates, settings, sent_of)
    rejected: list[RawMention] = []
    live: list[RawMention] = []
    for m in cands:
        m.label = _ent_relation(m, facts)[0] or "GAZ"
        why = _rejected(doc, m, facts, settings)
        if why:
            m.reason = why
            rejected.append(m)
        else:
            live.append(m)
    regions = [m for m in live if m.region_like]
    for m in regions:
        _resolve(gaz, doc, m, (), frozenset())
    countries = frozenset(m.match.country_code for m in regions
                          if m.match is not None and m.match.kind == "country")
    context = [m for m in live if m.region_like and m.match is not None]
    accepted: list[RawMention] = []
    for m in live:
        _resolve(gaz, doc, m, context + [c for c in live if c.match is not None
                                         and not c.region_like and _is_local(doc, m, c)],
                 countries)
        why = _needs_support(doc, m, facts, settings)
        if why and not (m.supported or _cue_before(doc, m)) or m.match is None:
            m.reason = why or "no gazetteer match"
            rejected.append(m)
            continue
        accepted.append(m)
    return _drop_foreign(accepted, rejected, facts, settings), sent_spans, rejected


def _anchors_country(m: RawMention, settings: Settings) -> bool:
    """A mention that shows which countries the document is about."""
    c = m.match
    if c is None:
        return False
    if c.kind == "country":
        return True
    if c.kind == "admin1":
        return m.label == "GPE" or m.admin_word
    return c.kind in ("city", "district") and c.population >= settings.strong_population


def _drop_foreign(accepted: list[RawMention], rejected: list[RawMention], facts: _DocFacts,
                  settings: Settings) -> list[RawMention]:
    """A place in a country the document never names (no country, region word, big city
    of it) needs an exact NER GPE label or a big population: "Western" is no Ugandan
    region in a Ukraine story, "Asia" no Philippine town."""
    countries = {m.match.country_code for m in accepted
                 if m.match is not None and _anchors_country(m, settings)}
    out = []
    for m in accepted:
        c = m.match
        assert c is not None
        if c.kind != "country" and c.country_code not in countries and not m.admin_word \
                and not _anchors_country(m, settings) and not (m.label == "GPE"
                                                               and c.kind != "admin1"):
            m.reason = "place in a country the document does not name"
            rejected.append(m)
            continue
        out.append(m)
    return out


def iter_texts(items: Iterable[Any]) -> Iterable[str]:
    """Texts of strings or articles."""
    for item in items:
        yield item if isinstance(item, str) else item.text
