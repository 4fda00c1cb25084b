"""Finding, filtering and resolving place mentions in a spaCy ``Doc`` (no spaCy import).

The rules, in the order :func:`find_mentions` applies them:

**Candidates.** A run of capitalised tokens (hyphens and short lower-case connectors such
as "on" in "Rostov-on-Don" allowed inside, region words such as "Oblast"/"region"/
"district" at the end) is looked up longest-first in the place table. A region word right
after a match joins it ("Smolensk region", "the Darnytskyi district of Kyiv" ->
"Darnytskyi district"); a capitalised run ending in a region word is a candidate even
when misspelt ("Zaporizja Oblast"): the gazetteer resolves it fuzzily. A connector before a
weekday or month ends the run ("Kostiantynivka on Monday"). A community named by its
adjective ("the Dubovykivska community", "Novooleksandrivska hromada") is a mention of its
centre (Dubovyky, Novooleksandrivka) when the table has one of the centre's name forms.

**Never places.** Spans that the NER labels as a date, time or quantity or that overlap a
date expression; short all-capital acronyms unless they name a country or region; words
inside a longer PERSON entity; names preceded by a title ("President", "envoy", "Mr") or
by a first name; surnames seen elsewhere in the document as the last word of a person's
name (a surname keeps its reading through the document); the head noun of a longer
organisation name ("Lipscomb University", "Green Valley Community Center", "State Duma"),
unless a place modifier precedes it ("Metro Vancouver").

**Need support.** Four kinds of candidates are accepted only with *support* (NER
GPE/LOC, an attached region word, a cue -- "the village of X", "near X", a head noun after
the name as in "the X community/village/industrial zone/oil refinery/NPP" (which also lifts the
"not after 'the'" rule), a list after a cue: "the communities of A, B and X" -- or context
agreement: an oblast or country named nearby that contains one of the name's places):

* minor settlements (every place of the name comes only from a settlement list): a cue, an
  attached region or agreeing regions, never an NER label alone ("Dobre", "Zelene", "Sokil");
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
hints select a candidate inside a hinted region wins (a distant hint does not move a place
of ``strong_population`` to a small namesake); "X, Donetsk" -- an oblast centre's name after a
comma, not followed by more list items -- is a local hint of its oblast. When no region agrees,
a small place takes the region of a town of 50,000+ named in its paragraph if it has a
namesake there ("near the city of Kherson ... the village of Sadove"; this picks the namesake,
it is no support); otherwise a place in a country named in the document is preferred to one
outside it.

**Foreign strays.** A place in a country the document never anchors is dropped, except in
a strike report (strike vocabulary in the text) for a place of ``settings.front_countries``
or of another of ``settings.event_countries`` that the document anchors or whose people it
names ("Polish officials"), that is not sentence-initial and has ``contradict_population`` people or support
("Russian forces shelled Kherson.").
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, compress
from typing import TYPE_CHECKING, Any

from geomap._text import ADMIN_WORDS, loose_key, normalize, split_admin_word
from geomap.nlp.table import KIND_BITS, PlaceTable
from geomap.records import DateMention

if TYPE_CHECKING:
    from geomap.gazetteer import Candidate, Gazetteer, Hints

__all__ = ["DateMention", "RawMention", "Settings", "date_mentions", "find_mentions", "text_view", "token_view"]

REGION_BITS = KIND_BITS["country"] | KIND_BITS["admin1"] | KIND_BITS["admin2"]
#: Set when every place of a key is a minor settlement (see :data:`geomap.nlp.table.KIND_BITS`).
_MINOR_BIT = KIND_BITS.get("minor", 0)
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
NEVER_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"})
#: Words that introduce a person's name (titles, offices and honorifics): a closed class.
TITLES = frozenset(
    """
mr mrs ms miss dr prof sir dame lord lady president presidents vice minister ministers
premier chancellor envoy envoys ambassador secretary spokesman spokeswoman spokesperson
governor mayor senator sen rep representative general gen col lt sgt capt colonel
lieutenant captain major commander admiral marshal chief head adviser advisor
negotiator king queen prince princess pope patriarch bishop father saint st judge
deputy director ceo chairman chairwoman chair leader counterpart aide official
""".split()
)
#: Tokens that may sit between a place and the region that qualifies it.
_LOCAL_GAP = frozenset({",", "in", "of", "(", "near", "the", "'s", "’s", "outside", "-"})
#: Cue words right before a settlement name ("the village of X", "near X").
_CUES = frozenset(
    {"village", "town", "city", "settlement", "hromada", "near", "outside", "in", "hamlet", "suburb", "port"}
)
#: Plural cue nouns before a list: "the communities of A, B and C", "the villages of X and Y".
_LIST_CUES = frozenset(
    {
        "villages",
        "towns",
        "cities",
        "settlements",
        "communities",
        "hromadas",
        "hamlets",
        "village",
        "town",
        "city",
        "settlement",
        "community",
        "hromada",
    }
)
#: Head nouns after a name that make it a settlement, a unit or a facility named after one:
#: "the Hlukhiv community", "the Velykyi Burluk village", "the Kstovo industrial zone",
#: "the Novoshakhtinsk oil refinery", "the Kursk NPP".
_HEAD_NOUNS = (
    ("village",),
    ("town",),
    ("city",),
    ("settlement",),
    ("community",),
    ("hromada",),
    ("district",),
    ("raion",),
    ("industrial", "zone"),
    ("oil", "refinery"),
    ("refinery",),
    ("airfield",),
    ("air", "base"),
    ("airbase",),
    ("airport",),
    ("port",),
    ("power", "plant"),
    ("thermal", "power"),
    ("nuclear", "power"),
    ("npp",),
    ("tpp",),
    ("chp",),
    ("oil", "depot"),
    ("fuel", "depot"),
    ("railway", "station"),
    ("substation",),
    ("plant",),
)
_HEAD_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _head in _HEAD_NOUNS:
    _HEAD_FIRST.setdefault(_head[0], []).append(_head)
_HYPHENS = frozenset({"-", "‐", "–"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
#: Region words that extend a match even in lower case ("Kherson region"); the others
#: ("state", "republic") only when capitalised ("Russian state media" is no region).
_LOWER_ADMIN = frozenset(
    {
        "oblast",
        "oblasts",
        "region",
        "regions",
        "district",
        "districts",
        "raion",
        "raions",
        "rayon",
        "province",
        "krai",
        "okrug",
        "hromada",
        "county",
        "municipality",
    }
)
_CONNECTORS = frozenset({"on", "am", "an", "de", "del", "la", "le", "upon", "sur", "na", "im"})
#: Words that name a part or the surroundings of the place after them ("Metro Vancouver",
#: "Greater Manchester", "Eastern Kharkiv"): the head of such a name is the place.
_PLACE_MODIFIERS = frozenset(
    "metro metropolitan greater central north south east west northern southern eastern western "
    "upper lower inner outer downtown old".split()
)
#: Weekday and month names: a connector before one ends a name ("X on Monday").
_DATE_WORDS = frozenset(
    """
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december jan feb mar apr jun jul aug sep sept oct nov dec
""".split()
)


def _standalone_population() -> int:
    from geomap import settings

    return settings.get_int("standalone_population")


@dataclass(frozen=True, slots=True)
class Settings:
    """Thresholds of the rules (the component's config).

    ``strong_population``: a place this big stands on its own (no country anchor or
    support needed; distant hints do not move it); default ``settings.standalone_population``.
    """

    strong_population: int = field(default_factory=_standalone_population)
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
    match: Candidate | None = None
    hint_source: str | None = None
    supported: bool = False
    label: str = "GAZ"
    reason: str = ""
    fragment: bool = False

    @property
    def region_like(self) -> bool:
        return bool(self.mask & REGION_BITS) or self.admin_word


# ---------------------------------------------------------------------- dates
_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|"
    "December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
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
    re.IGNORECASE,
)
#: The same expression in lower case, run over ``text.lower()``: case-insensitive
#: matching costs about twice as much in :mod:`re` (the pattern has no upper-case
#: escapes such as ``\S`` that lower-casing would change).
_DATE_RE_LOWER = re.compile(_DATE_RE.pattern.lower())


def date_mentions(doc: Any, text: str | None = None) -> list[DateMention]:
    """DATE/TIME entities (``doc`` may be None) and rule hits over ``text`` (default
    ``doc.text``), sorted, exact duplicates removed."""
    out = {
        (e.start_char, e.end_char): DateMention(e.text, e.start_char, e.end_char, e.label_)
        for e in (doc.ents if doc is not None else ())
        if e.label_ in ("DATE", "TIME")
    }
    text = doc.text if text is None else text
    lower = text.lower()
    if len(lower) == len(text):  # offsets carry over ("İ" lower-cases to two characters)
        hits = ((m.start(), m.end()) for m in _DATE_RE_LOWER.finditer(lower))
    else:
        hits = (m.span() for m in _DATE_RE.finditer(text))
    for start, end in hits:
        found = text[start:end]
        if _is_weekday_case_ok(found):
            out.setdefault((start, end), DateMention(found, start, end, "RULE"))
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


# ---------------------------------------------------------------------- token view
#: Tokens for :meth:`_View.from_text`: whitespace runs from a line break on, possessive
#: endings, dotted abbreviations ("U.S."), words (inner apostrophes kept), any other
#: single character. No token starts with a space, tab or other non-line-break
#: whitespace: those runs are the gaps between tokens (``re.split`` returns them).
_TOKEN_RE = re.compile(
    r"(\n\s*|['’]s\b|(?:[^\W\d_]\.){2,}"
    r"|[^\W_]+(?:['’](?!s\b)[^\W_]+)*|\S)"
)
_SENT_END = frozenset(".!?…")
_PUNCT_RE = re.compile(r"[^\w\s]+")


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


_norm_cache: dict[str, str] = {}


def _norm(word: str) -> str:
    """:func:`normalize` of one token, memoised (tokens repeat across documents)."""
    key = _norm_cache.get(word)
    if key is None:
        if len(_norm_cache) > 200_000:
            _norm_cache.clear()
        key = _norm_cache[word] = "" if word in _POSSESSIVE else normalize(word)
    return key


class _View:
    """Plain-list copy of the token attributes the rules read in whole-document passes.

    Built from one ``Doc.to_array`` call and the vocabulary's strings, so no ``Token``
    object is created per token (that alone cost more than the rules themselves).
    """

    __slots__ = (
        "text",
        "words",
        "idx",
        "ends",
        "alpha",
        "stop",
        "cap",
        "newline",
        "spaced",
        "sent_of",
        "sent_spans",
        "sent_starts",
        "n",
        "has_sents",
    )

    @classmethod
    def from_text(cls, text: str) -> _View:
        """A view of ``text`` tokenised by :data:`_TOKEN_RE` (no spaCy ``Doc``): close to
        spaCy's English tokenizer where the rules look (possessives, hyphens, line
        breaks), with exact character offsets; sentences split like spaCy's sentencizer.
        """
        self = cls.__new__(cls)
        self.text = text
        parts = _TOKEN_RE.split(text)  # gap, token, gap, token, ..., gap
        words = self.words = parts[1::2]
        bounds = list(accumulate(map(len, parts)))  # the end of each part
        self.idx = bounds[0:-1:2]
        self.ends = bounds[1::2]
        self.n = len(words)
        self.spaced = [g[:1] == " " for g in parts[2::2]]
        self.alpha = list(map(str.isalpha, words))
        self.stop = list(map(_stop_words().__contains__, map(str.lower, words)))
        self.cap = [w[0].isupper() for w in words]  # tokens are never empty
        # only the whitespace-run tokens hold a line break, and they hold one always
        self.newline = list(map(str.isspace, words))
        self.has_sents = True
        # a sentence starts at the first token after a run of . ! ? … (and other
        # punctuation such as closing quotes) that follows one of them
        starts = []
        n, nxt = len(words), 0
        for e in [i for i, w in enumerate(words) if w in _SENT_END]:
            if e < nxt:
                continue
            j = e + 1
            while j < n and (words[j] in _SENT_END or _PUNCT_RE.fullmatch(words[j])):
                j += 1
            if j < n:
                starts.append(j)
            nxt = j
        self.sent_of, self.sent_spans = self._sentences(None, starts)
        return self

    def __init__(self, doc: Any) -> None:
        arr = doc.to_array(["ORTH", "SPACY", "IS_ALPHA", "IS_STOP"]).tolist()
        strings = doc.vocab.strings
        words = self.words = [strings[r[0]] for r in arr]
        # Doc.text joins Token objects; the same string from the vocabulary is ~10x cheaper
        self.text = "".join([w + " " if r[1] else w for w, r in zip(words, arr)])
        self.n = len(arr)
        idx: list[int] = []
        ends: list[int] = []
        self.idx, self.ends = idx, ends
        pos = 0
        for w, r in zip(words, arr):
            idx.append(pos)
            pos += len(w)
            ends.append(pos)
            pos += r[1]
        self.alpha = [bool(r[2]) for r in arr]
        self.stop = [bool(r[3]) for r in arr]
        self.spaced = [bool(r[1]) for r in arr]
        self.cap = [w[:1].isupper() for w in words]
        # spaCy keeps line breaks in whitespace tokens; a token's own trailing
        # whitespace is at most one space
        self.newline = ["\n" in w for w in words]
        self.has_sents = doc.has_annotation("SENT_START")
        self.sent_of, self.sent_spans = self._sentences(doc)

    def _sentences(self, doc: Any, starts: list[int] | None = None) -> tuple[list[int], list[tuple[int, int]]]:
        """Per token its sentence number, and the sentences' char spans: the doc's
        boundaries when a parser or sentencizer set them, else one sentence per line."""
        n = self.n
        self.sent_starts = set()
        if not n:
            return [], []
        if starts is not None:
            pass
        elif self.has_sents:
            starts = [i for i, v in enumerate(doc.to_array("SENT_START").tolist()) if v == 1]
        else:
            starts = [i for i in range(n) if i == 0 or "\n" in self.words[i - 1]]
        if not starts or starts[0] != 0:
            starts.insert(0, 0)
        sent_of = [0] * n
        spans: list[tuple[int, int]] = []
        bounds = starts[1:] + [n]
        for k, (a, b) in enumerate(zip(starts, bounds)):
            sent_of[a:b] = [k] * (b - a)
            spans.append((self.idx[a], self.ends[b - 1]))
        self.sent_starts = set(starts)
        return sent_of, spans

    def lower(self, i: int) -> str:
        return self.words[i].lower()


def token_view(doc: Any) -> _View:
    """The plain-list token view of ``doc`` (its ``.text`` equals ``doc.text``)."""
    return _View(doc)


def text_view(text: str) -> _View:
    """A token view of plain text, tokenised without spaCy (see :meth:`_View.from_text`)."""
    return _View.from_text(text)


def _title_case_lines(v: _View, line_starts: list[int]) -> set[int]:
    """Lines where most words (of 4+) are capitalised: headlines, bullets, menus."""
    caps: dict[int, list[int]] = {}
    line, n_lines = 0, len(line_starts)
    for word, idx, alpha, cap in zip(v.words, v.idx, v.alpha, v.cap):
        if alpha and len(word) > 3:
            while line + 1 < n_lines and line_starts[line + 1] <= idx:  # tokens are in order
                line += 1
            c = caps.get(line)
            if c is None:
                c = caps[line] = [0, 0]
            c[0] += cap
            c[1] += 1
    return {line for line, (up, total) in caps.items() if total >= 3 and up / total >= 0.6}


# ---------------------------------------------------------------------- candidates
def _admin_word(v: _View, i: int) -> str | None:
    word = v.words[i].casefold()
    if word not in _LOWER_ADMIN and not v.cap[i]:
        return None
    return ADMIN_WORDS.get(word)


def _run_end(v: _View, i: int, max_words: int) -> int:
    """End (exclusive) of the capitalised run starting at token ``i``."""
    j, words = i, 0
    n, sent_of, w = v.n, v.sent_of, v.words
    while j < n and words < max_words + 1 and sent_of[j] == sent_of[i]:
        if j > i and v.newline[j - 1]:
            break
        if w[j] in _HYPHENS and j > i and not v.spaced[j - 1]:
            j += 1
            continue
        if v.cap[j] or _admin_word(v, j):
            words += 1
            j += 1
            continue
        if w[j] in _CONNECTORS and j + 1 < n and v.cap[j + 1] and v.lower(j + 1) not in _DATE_WORDS:
            j += 1  # "Rostov-on-Don", but not "Kostiantynivka on Monday"
            continue
        break
    while j > i and (w[j - 1] in _HYPHENS or w[j - 1] in _CONNECTORS):
        j -= 1
    return j


def _is_fragment(v: _View, i: int, j: int, run_end: int) -> bool:
    """The match is only part of a longer capitalised name ("Black Sea Fleet", "Eastern X").

    Titles after the match ("Kremenchuk Mayor ...") and a sentence-initial or stop word
    before it ("In Kyiv") do not count.
    """
    if j < run_end and v.words[j].casefold() not in TITLES:
        return True
    if i == 0:
        return False
    p = i - 1
    return (
        v.cap[p]
        and v.alpha[p]
        and not v.stop[p]
        and p not in v.sent_starts
        and "\n" not in v.text[v.ends[p] : v.idx[i]]
        and v.words[p].casefold() not in TITLES
    )


def _key(v: _View, i: int, j: int) -> str:
    return _join_key(map(_norm, v.words[i:j]))


def _join_key(norms: Iterable[str]) -> str:
    """The match key of a run of normalised tokens (empty ones, e.g. possessives, dropped)."""
    return " ".join([x for x in norms if x])


_SETTLEMENT_BITS = KIND_BITS["city"] | KIND_BITS["village"]
_HROMADA_WORDS = frozenset({"community", "hromada", "territorial", "communities"})


def _hromada_centre(v: _View, i: int, table: PlaceTable) -> tuple[str, tuple[int, int]] | None:
    """The centre of a community named by its adjective: "the Dubovykivska community" ->
    Dubovyky, "Novooleksandrivska hromada" -> Novooleksandrivka (Ukrainian hromada names are
    the centre's name + "-ska"). Returns (centre name, table entry) or None."""
    word = v.words[i]
    if i + 1 >= v.n or v.lower(i + 1) not in _HROMADA_WORDS or len(word) < 6:
        return None
    low = word.lower()
    if not low.endswith("ska"):
        return None
    stem = low[:-3]
    forms = [stem, stem + "ka", stem + "ia", stem + "lia", stem + "e", stem + "ske", stem + "a"]
    if stem.endswith("iv"):
        forms += [stem[:-2] + "y", stem[:-2] + "i", stem[:-2]]
    if stem.endswith("yn"):
        forms += [stem + "e", stem[:-2] + "e"]
    for form in forms:
        hit = table.get(_norm(form))
        if hit is not None and hit[0] & _SETTLEMENT_BITS:
            return form.capitalize(), hit
    return None


def candidates(v: _View, table: PlaceTable, line_starts: list[int], settings: Settings) -> list[RawMention]:
    """Longest gazetteer matches over capitalised runs (see the module docstring)."""
    import bisect

    out: list[RawMention] = []
    i, n = 0, v.n
    cap, w, sent_of = v.cap, v.words, v.sent_of
    while i < n:
        if not cap[i] or _admin_word(v, i) and not (i + 1 < n and cap[i + 1]):
            i += 1
            continue
        end = _run_end(v, i, settings.max_words)
        found = None
        norms = [_norm(x) for x in w[i:end]]  # _key(v, i, j) for each j from these
        for j in range(end, i, -1):
            if w[j - 1] in _HYPHENS or w[j - 1] in _CONNECTORS:
                continue
            key = _join_key(norms[: j - i])
            hit = table.get(key) if key else None
            if hit is not None:
                found = (j, key, hit)
                break
        if found is None and end - i >= 2 and _admin_word(v, end - 1):
            key = _key(v, i, end)
            found = (end, key, (0, 0)) if key else None
        if found is None:
            hromada = _hromada_centre(v, i, table)
            if hromada is not None:
                name, hit = hromada
                out.append(
                    RawMention(
                        i,
                        i + 1,
                        name,
                        normalize(name),
                        hit[0],
                        hit[1],
                        False,
                        sent_of[i],
                        bisect.bisect_right(line_starts, v.idx[i]) - 1,
                    )
                )
                i += 1
                continue
            i += 1
            continue
        j, key, (mask, pop) = found
        if j < n and _admin_word(v, j) and sent_of[j] == sent_of[i] and split_admin_word(key)[1] is None:
            j += 1
            key = _key(v, i, j)
        admin = split_admin_word(key)[1] is not None
        s0, s1 = v.idx[i], v.ends[j - 1]
        out.append(
            RawMention(
                i,
                j,
                v.text[s0:s1],
                key,
                mask,
                pop,
                admin,
                sent_of[i],
                bisect.bisect_right(line_starts, s0) - 1,
                fragment=_is_fragment(v, i, j, end),
            )
        )
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


def _doc_facts(
    doc: Any, v: _View, table: PlaceTable, line_starts: list[int], dates: Sequence[DateMention], settings: Settings
) -> _DocFacts:
    ents: dict[int, Any] = {}
    surnames: set[str] = set()
    has_ner = doc is not None and doc.has_annotation("ENT_IOB")
    for ent in doc.ents if has_ner else ():
        for i in range(ent.start, ent.end):
            ents[i] = ent
        if ent.label_ == "PERSON" and len(ent) >= 2 and not _is_place_name(ent, table, settings):
            last = ent[-1] if ent[-1].text not in _POSSESSIVE else ent[-2]
            surnames.add(normalize(last.text))
    cap = v.cap
    for i in range(1, v.n):  # "President X", "Andriy X": X is a person's name
        if cap[i] and _person_prefix(doc, v, i, table, settings, has_ner):
            surnames.add(_norm(v.words[i]))
    date_tokens: set[int] = set()
    if dates:
        import bisect

        for d in dates:  # tokens overlapping the date expression
            a = bisect.bisect_right(v.ends, d.start)
            b = bisect.bisect_left(v.idx, d.end)
            date_tokens.update(range(a, b))
    # the first token of each sentence and of each line
    sent_first = set(v.sent_starts) if v.n else set()
    sent_first.update(i + 1 for i in compress(range(v.n - 1), v.newline))
    # the first word after an opening quote, bullet or dash also starts a sentence
    for i in sorted(sent_first):
        j = i
        while j < v.n and not v.alpha[j] and j - i < 3:
            j += 1
            sent_first.add(j)
    return _DocFacts(
        ents=ents,
        lower_words=set(filter(str.islower, compress(v.words, v.alpha))),
        surnames=surnames,
        title_lines=_title_case_lines(v, line_starts),
        date_tokens=date_tokens,
        has_tags=doc is not None and doc.has_annotation("TAG"),
        has_ner=has_ner,
        sent_first=sent_first,
    )


def _is_place_name(span: Any, table: PlaceTable, settings: Settings) -> bool:
    hit = table.get(normalize(span.text))
    return hit is not None and (bool(hit[0] & REGION_BITS) or hit[1] >= settings.contradict_population)


def _person_prefix(doc: Any, v: _View, i: int, table: PlaceTable, settings: Settings, has_ner: bool) -> bool:
    """Token ``i`` follows a title, or a capitalised first name that is not a big place."""
    p = i - 1
    prev = v.words[p]
    if prev.casefold().rstrip(".") in TITLES:
        return True
    if not v.cap[p] or not v.alpha[p] or prev.isupper() or v.stop[p]:
        return False
    if i + 1 < v.n and (v.cap[i + 1] or _admin_word(v, i + 1)):
        return False  # inside a longer capitalised run, e.g. "Velyka Novosilka Raion"
    if doc is not None:
        tok = doc[p]
        if tok.has_morph() and tok.pos_ and tok.pos_ != "PROPN":
            return False
        if has_ner:
            return tok.ent_type_ == "PERSON" and doc[i].ent_type_ == "PERSON"
    hit_prev = table.get(_norm(prev))
    hit_self = table.get(_norm(v.words[i]))
    if hit_self is not None and (hit_self[0] & REGION_BITS or hit_self[1] >= settings.strong_population):
        return False
    if hit_prev is not None and (hit_prev[0] & REGION_BITS or hit_prev[1] >= 1000):
        return False
    if (
        i - 1 >= 1
        and v.alpha[i - 2]
        and v.words[i - 2].islower()
        and v.words[i - 2] not in TITLES
        and v.words[i - 2] not in ("and", "with", "by")
    ):
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


def _is_common_word(doc: Any, v: _View, m: RawMention, facts: _DocFacts) -> bool:
    if m.end - m.start != 1:
        return False
    if v.stop[m.start] or v.words[m.start].lower() in facts.lower_words:
        return True
    return facts.has_tags and doc[m.start].pos_ not in ("PROPN", "")


def _rejected(v: _View, m: RawMention, facts: _DocFacts, settings: Settings) -> str | None:
    """Why a candidate is not a place (None: keep it for the support checks)."""
    toks = range(m.start, m.end)
    if any(i in facts.date_tokens for i in toks):
        return "date"
    label, rel = _ent_relation(m, facts)
    if label in NEVER_LABELS:
        return "date"
    first = v.words[m.start]
    if (
        sum(ch.isupper() for ch in first) >= 2
        and len(first) <= 4
        and not m.mask & (KIND_BITS["country"] | KIND_BITS["admin1"])
    ):
        return "acronym"
    if m.admin_word:
        return None
    if rel == "inside":
        ent = facts.ents[m.start]
        if label == "PERSON" and ent.end == m.end:
            return "person"  # "Andriy Yermak": the last word of a person's name
        if (
            label not in PLACE_LABELS
            and ent.end == m.end
            and ent.start < m.start
            and v.cap[m.start - 1]
            and v.alpha[m.start - 1]
            and not v.stop[m.start - 1]
            and not m.region_like
            and v.lower(m.start - 1) not in _PLACE_MODIFIERS
        ):
            # the head of an organisation's name is a noun ("Lipscomb University", "Green
            # Valley Community Center", "State Duma"), not the place it may also name; a
            # place keeps its modifier ("Metro Vancouver") and "the Port of Odesa" has a
            # lower-case word before it
            return f"head of a longer {label} name"
        if (
            ent.end > m.end
            and v.words[m.end].casefold() not in TITLES
            and not (label in PLACE_LABELS and m.region_like)
            and v.words[m.end] not in (",", "and")  # "Krasnopilla, Bilopillia": a list ("Stevens & Wilkinson": a firm)
            and not _head_noun_after(v, m)
        ):
            # English names are head-final: "Vladimir" in "Vladimir Putin", "Kyiv" in
            # "Kyiv Independent", "North" in "North America" only modify the head
            return f"modifier in a longer {label} name"
    if m.start > 0 and v.words[m.start - 1].casefold().rstrip(".") in TITLES:
        return "person"
    big = m.mask & (KIND_BITS["country"] | KIND_BITS["admin1"]) or m.population >= settings.strong_population
    if m.end - m.start == 1 and m.key in facts.surnames and not big:
        return "person"
    if (
        m.start > 0
        and v.lower(m.start - 1) == "the"
        and not m.region_like
        and label not in PLACE_LABELS
        and not _head_noun_after(v, m)
    ):
        return "not a settlement after 'the'"
    return None


def _needs_support(doc: Any, v: _View, m: RawMention, facts: _DocFacts, settings: Settings) -> str | None:
    """Why the candidate needs support (None: accepted as it is)."""
    if m.admin_word:
        return None
    if m.mask & _MINOR_BIT and not m.region_like:
        # a village known only from a settlement list: "Dobre", "Zelene", "Sokil" are words
        # first; the name needs a cue ("the village of"), a region next to it or agreeing
        # regions around it -- an NER label is not enough
        return "minor settlement without support in the text"
    label, rel = _ent_relation(m, facts)
    initial = m.start in facts.sent_first or m.para in facts.title_lines
    if label == "NORP" and not m.mask & KIND_BITS["country"]:
        return "demonym"
    if (
        facts.has_tags
        and m.end - m.start == 1
        and doc[m.start].pos_ == "ADJ"
        and not (m.region_like or m.population >= settings.contradict_population)
    ):
        return "adjective"
    if _is_common_word(doc, v, m, facts):
        if initial:
            return "common word at sentence start"
        if (label in PLACE_LABELS and rel == "exact") or m.population >= settings.strong_population:
            return None
        return "common word"
    exact_place = label in PLACE_LABELS and rel == "exact"
    if m.fragment and not (m.region_like or exact_place or m.population >= settings.strong_population):
        return "part of a longer name"
    if m.region_like or m.population >= settings.contradict_population or exact_place:
        return None
    return f"small place ({label or 'no NER label'})"


def _cue_before(v: _View, m: RawMention) -> bool:
    """A settlement cue before the name ("the village of X", "near X"), also before the
    list the name ends ("the communities of A, B and X"), or a head noun after it ("the X
    community")."""
    j = m.start - 1
    if j >= 0 and v.lower(j) == "of":
        j -= 1
        if j >= 0 and v.lower(j) in _LIST_CUES:
            return True
    if j >= 0 and v.lower(j) in _CUES:
        return True
    if _head_noun_after(v, m):
        return True
    # walk back over a list of capitalised names: "of A, B-C, D E and"
    j = m.start - 1
    steps = 0
    sent = v.sent_of[m.start]
    while j >= 0 and steps < 30 and v.sent_of[j] == sent:
        w = v.words[j]
        if w in (",", "and", "or") or w in _HYPHENS or v.cap[j]:
            j -= 1
            steps += 1
            continue
        break
    return (
        j >= 1
        and j < m.start - 1
        and v.lower(j) == "of"
        and v.lower(j - 1) in _LIST_CUES
        and v.words[j + 1] not in (",", "and", "or")
    )


def _head_noun_after(v: _View, m: RawMention) -> bool:
    """A settlement/unit/facility head noun right after the mention ("the X community")."""
    j = m.end
    if j >= v.n:
        return False
    heads = _HEAD_FIRST.get(v.words[j].lower())
    return heads is not None and any(
        j + len(head) <= v.n and all(v.lower(j + k) == w for k, w in enumerate(head[1:], 1)) for head in heads
    )


# ---------------------------------------------------------------------- resolution
@lru_cache(maxsize=4096)
def _hint_from(c: Candidate, *, local: bool) -> Hints:
    from geomap.gazetteer import Hints

    if c.kind == "country":
        return Hints(countries=frozenset({c.country_code}))
    if c.kind in ("admin1", "admin2"):
        pts = ((c.lat, c.lon),) if c.kind == "admin2" else ()
        return Hints(admin1s=frozenset({(c.country_code, c.admin1)}), points=pts)
    if local and c.admin1:
        return Hints(admin1s=frozenset({(c.country_code, c.admin1)}), points=((c.lat, c.lon),))
    return Hints()


def _is_local(v: _View, a: RawMention, b: RawMention) -> bool:
    """``b`` qualifies ``a``: "a, b Oblast", "a in b", "a (b)", "b Oblast's a",
    "the a district of b" (same sentence, at most 3 connector tokens apart).

    A comma links only a region ("Kherson, Zaporizhzhia" is a list, not a qualifier).
    """
    if a.sent != b.sent:
        return False
    if b.end <= a.start:  # qualifier before the place: only a possessive
        gap = v.words[b.end : a.start]
        return gap in (["'s"], ["’s"])
    if b.start - a.end > 3:
        return False
    gap = [w.casefold() for w in v.words[a.end : b.start]]
    if not gap or len(gap) > 3 or not all(g in _LOCAL_GAP or g in ADMIN_WORDS for g in gap):
        return False
    return (
        b.admin_word
        or bool(b.mask & REGION_BITS)
        and b.match is not None
        and b.match.kind in ("country", "admin1", "admin2")
        or gap[0] != ","
        or _oblast_namesake_after_comma(v, b, gap)
    )


def _oblast_namesake_after_comma(v: _View, b: RawMention, gap: list[str]) -> bool:
    """ "New York, Donetsk": an oblast centre named after a settlement and a comma stands for
    its oblast (unless a list goes on: "Kramatorsk, Donetsk and Kharkiv")."""
    c = b.match
    if gap != [","] or c is None or c.kind != "city" or not c.admin1_name:
        return False
    if b.end < v.n and (
        v.words[b.end] in ("and", "or", "&") or v.words[b.end] == "," and b.end + 1 < v.n and v.cap[b.end + 1]
    ):
        return False
    core = split_admin_word(normalize(c.admin1_name))[0]
    return loose_key(core) == loose_key(normalize(b.text))


def _agrees(c: Candidate, h: Hints) -> bool:
    from geomap.gazetteer import near_hint_points

    return (c.country_code, c.admin1) in h.admin1s or near_hint_points(c.lat, c.lon, h.points)


class _Context:
    """What a document says about where it is, for :func:`_resolve`.

    * region hints (admin-1 units of the regions and countries named), merged once
      per (level, sentence/paragraph, excluded name) instead of once per mention;
    * a country profile: how many mentions of each country the document has (regions
      and countries by their first reading, cities of 50,000+), so that a name can be
      weighed against the *other* names of the document ("Georgia" among Atlanta and
      Texas is the US state; "Paris" in a story naming Texas is Paris, Texas).
    """

    def __init__(
        self, regions: Sequence[RawMention], bases: dict[str, Candidate | None], counts: dict[str, int]
    ) -> None:
        self.items = [
            (c, h) for c in regions if c.match is not None for h in (_hint_from(c.match, local=False),) if h.admin1s
        ]
        self._item_keys = {c.key for c, _ in self.items}
        self._merged: dict[tuple[str, Hashable, str | None], Hints] = {}
        self._groups: dict[tuple[str, Hashable], list[tuple[RawMention, Hints]]] = {}
        for c, h in self.items:
            # a sentence's hints stop at a line break: a heading or bullet the parser ran into
            # the next line is another report ("Donetsk region" in one bullet, "Kherson region" in the next)
            self._groups.setdefault(("sentence", (c.sent, c.para)), []).append((c, h))
            self._groups.setdefault(("paragraph", c.para), []).append((c, h))
        self._units_of: dict[tuple[tuple[str, str] | None, int], frozenset[tuple[str, str]]] = {}
        self.total: dict[str, int] = {}
        self.by_key: dict[str, dict[str, int]] = {}
        #: admin-1 units of the places and regions named, by first reading
        self.units: dict[tuple[str, str], int] = {}
        self.unit_of: dict[str, tuple[str, str]] = {}
        for key, base in bases.items():
            if base is not None and base.admin1 and base.kind != "country":
                unit = (base.country_code, base.admin1)
                self.units[unit] = self.units.get(unit, 0) + 1
                self.unit_of[key] = unit
            if base is None or not (base.kind in ("country", "admin1", "admin2") or base.population >= 50_000):
                continue
            cc = base.country_code
            self.total[cc] = self.total.get(cc, 0) + counts[key]
            self.by_key[key] = {cc: counts[key]}

    def level(self, name: str, group: Hashable, exclude_key: str | None) -> Hints:
        """Merged region hints of a sentence/paragraph (``group``) or the document."""
        from geomap.gazetteer import Hints

        if exclude_key not in self._item_keys:
            exclude_key = None  # the same hints as for any other name outside the items
        cache_key = (name, group, exclude_key)
        h = self._merged.get(cache_key)
        if h is None:
            items = self.items if name == "document" else self._groups.get((name, group), ())
            parts = [hc for c, hc in items if c.key != exclude_key]
            if not parts:
                h = Hints()
            elif len(parts) == 1:
                h = parts[0]
            else:  # one union per field (Hints.merge pairwise copies the sets each time)
                h = Hints(
                    frozenset().union(*(p.admin1s for p in parts)),
                    frozenset().union(*(p.countries for p in parts)),
                    tuple(pt for p in parts for pt in p.points),
                    frozenset().union(*(p.names for p in parts)),
                )
            self._merged[cache_key] = h
        return h

    def others(self, cc: str, key: str) -> int:
        """Mentions of country ``cc`` in the document, not counting the name ``key``."""
        return self.total.get(cc, 0) - self.by_key.get(key, {}).get(cc, 0)

    def named_units(self, key: str, at_least: int = 2) -> frozenset[tuple[str, str]]:
        """Admin-1 units that ``at_least`` other distinct names of the document are in."""
        own = self.unit_of.get(key)
        units = self._units_of.get((own, at_least))
        if units is None:  # depends on the name only through its own unit
            units = self._units_of[own, at_least] = frozenset(
                u for u, n in self.units.items() if n - (u == own) >= at_least
            )
        return units

    def dominant(self, key: str) -> str | None:
        """The country named most often by the other names (at least twice), or None."""
        best, n = None, 1
        for cc in self.total:
            k = self.others(cc, key)
            if k > n:
                best, n = cc, k
        return best


@lru_cache(maxsize=65536)
def _same_name(name: str, key: str) -> bool:
    """A place's own name is the mention's (up to spelling and a region word)."""
    return loose_key(normalize(name)) == loose_key(split_admin_word(key)[0])


def _resolve(
    gaz: Gazetteer,
    v: _View,
    m: RawMention,
    ctx: _Context | None,
    local: Sequence[RawMention],
    countries: frozenset[str],
    base_of: dict[str, Candidate | None],
    strong: int,
    towns: Sequence[tuple[str, Candidate]] = (),
) -> None:
    """Set ``m.match``/``m.hint_source``/``m.supported`` from the nearest agreeing hints.

    ``strong`` is the population from which a place stands on its own
    (:attr:`Settings.strong_population`): its own reading is kept against distant hints.
    ``towns`` are the towns of the mention's paragraph (name key, first reading): when no
    region agrees, a small place takes the region of one of them if it has a namesake there.

    ``base_of`` maps mention texts to their reading without hints (filled on use)."""
    from geomap.gazetteer import Hints

    if m.text in base_of:
        base = base_of[m.text]
    else:
        base = base_of[m.text] = gaz.best(m.text, None, Hints())
    local_hints = Hints()
    for c in local:
        if c is not m and c.match is not None and c.key != m.key and _is_local(v, m, c):
            local_hints = local_hints.merge(_hint_from(c.match, local=True))
    keep_base = base is not None and (
        base.kind in ("country", "admin1") or (base.population >= strong and _same_name(base.name, m.key))
    )
    # a reading in a country no other name of the document is in gives way to a
    # reading inside the regions the document names
    foreign = (
        base is not None and ctx is not None and base.kind != "country" and ctx.others(base.country_code, m.key) == 0
    )
    failed: list[Hints] = []  # a level with the hints of one that failed fails alike
    wider: tuple[tuple[str, Hashable], ...] = (
        () if ctx is None else (("sentence", (m.sent, m.para)), ("paragraph", m.para), ("document", -1))
    )
    for name, group in (("local", -1), *wider):
        if name == "local":
            h = local_hints
        elif keep_base and not foreign:
            break  # the wider levels (merged lazily) cannot move this reading
        else:
            assert ctx is not None
            h = ctx.level(name, group, m.key)
        if not (h.admin1s or h.points) or h in failed:
            continue
        failed.append(h)
        if not gaz.may_agree(m.text, h):
            continue  # no place of this name lies in these regions or near these points
        r = gaz.best(m.text, None, h)
        if r is None or not _agrees(r, h):
            continue
        if (
            name in ("paragraph", "document")
            and base is not None
            and not foreign
            and r.population * 10 < base.population
            and base.population >= strong
        ):
            continue  # a distant hint does not turn a town into a hamlet of its name
        m.match, m.hint_source, m.supported = r, name, name != "document"
        return
    if towns and (base is None or (base.population < strong and base.kind not in ("country", "admin1"))):
        # "near the southern city of Kherson ... the village of Sadove": a small place takes the
        # region of a town named in its paragraph when it has a namesake there
        units = frozenset((c.country_code, c.admin1) for key, c in towns if key != m.key and c.admin1)
        if units and (base is None or (base.country_code, base.admin1) not in units):
            h = Hints(admin1s=units)
            if gaz.may_agree(m.text, h):
                r = gaz.best(m.text, None, h)
                if r is not None and (r.country_code, r.admin1) in units:
                    # which namesake, not whether the word is a place: no support
                    m.match, m.hint_source = r, "paragraph"
                    return
    in_countries = Hints(countries=countries)
    if base is not None and countries and base.country_code not in countries and gaz.may_agree(m.text, in_countries):
        r = gaz.best(m.text, None, in_countries)
        if r is not None and r.country_code in countries and (not keep_base or r.population >= base.population):
            m.match, m.hint_source = r, "document"
            return
    m.match, m.hint_source = base, None
    if ctx is not None:
        _prefer_document_country(gaz, m, ctx)
        _prefer_document_units(gaz, m, ctx)


# ---------------------------------------------------------------------- driver
def find_mentions(
    doc: Any,
    table: PlaceTable,
    gaz: Gazetteer,
    settings: Settings,
    dates: Sequence[DateMention] = (),
    view: _View | None = None,
) -> tuple[list[RawMention], list[tuple[int, int]], list[RawMention]]:
    """Accepted mentions, sentence char spans, and the rejected candidates (with reasons).

    ``view`` is :func:`token_view` of ``doc`` when the caller has built it already.
    """
    from geomap.gazetteer import Hints

    v = view or _View(doc)
    line_starts = _lines(v.text)
    cands = candidates(v, table, line_starts, settings)
    cands = _cued_spellings(v, cands, gaz, line_starts, settings)
    facts = _doc_facts(doc, v, table, line_starts, dates, settings)
    rejected: list[RawMention] = []
    live: list[RawMention] = []
    for m in cands:
        m.label = _ent_relation(m, facts)[0] or "GAZ"
        why = _rejected(v, m, facts, settings)
        if why:
            m.reason = why
            rejected.append(m)
        else:
            live.append(m)
    counts: dict[str, int] = {}
    for m in live:
        counts[m.key] = counts.get(m.key, 0) + 1
    base_of: dict[str, Candidate | None] = {}
    for m in live:
        if m.text not in base_of:
            base_of[m.text] = gaz.best(m.text, None, Hints())
    bases = {m.key: base_of[m.text] for m in live if m.key}
    profile = _Context((), bases, counts)
    regions = [m for m in live if m.region_like]
    for m in regions:
        _resolve(gaz, v, m, None, (), frozenset(), base_of, settings.strong_population)
        _prefer_document_country(gaz, m, profile)
    countries = frozenset(m.match.country_code for m in regions if m.match is not None and m.match.kind == "country")
    ctx = _Context([m for m in live if m.region_like and m.match is not None], bases, counts)
    by_sent: dict[int, list[RawMention]] = {}
    towns: dict[int, list[tuple[str, Candidate]]] = {}
    for m in live:
        by_sent.setdefault(m.sent, []).append(m)
        b = base_of[m.text]
        if not m.admin_word and b is not None and b.kind == "city" and b.population >= _TOWN_HINT_POPULATION:
            towns.setdefault(m.para, []).append((m.key, b))
    accepted: list[RawMention] = []
    for m in live:
        near = [c for c in by_sent[m.sent] if c.match is not None]
        _resolve(gaz, v, m, ctx, near, countries, base_of, settings.strong_population, towns.get(m.para, ()))
        why = _needs_support(doc, v, m, facts, settings)
        if (
            not why
            and m.match is not None
            and m.hint_source == "document"
            and m.match.population < settings.contradict_population <= m.population
            and m.label not in PLACE_LABELS
        ):
            # the name passed for a big place elsewhere ("Police", Poland), the document moved it to
            # a small namesake: that one needs support of its own
            why = "small namesake of a bigger place"
        if why and m.match is not None and not m.supported and _cue_before(v, m):
            m.supported = True  # "the village of X", "the X community", "the communities of A, B and X"
        if why and not m.supported or m.match is None:
            m.reason = why or "no gazetteer match"
            rejected.append(m)
            continue
        accepted.append(m)
    return _drop_foreign(accepted, rejected, facts, settings, v), v.sent_spans, rejected


#: A town this big named in a paragraph hints the region of the small places around it.
_TOWN_HINT_POPULATION = 50_000


#: A name the place table lacks counts, with a settlement cue, when the gazetteer reads it
#: (another spelling: "Ilsky" for Il'skiy) with at least this score.
_SPELLING_SCORE = 0.5


def _cued_spellings(
    v: _View, cands: list[RawMention], gaz: Gazetteer, line_starts: list[int], settings: Settings
) -> list[RawMention]:
    """Candidates for capitalised names the place table lacks that a cue marks as places ("the
    Ilsky oil refinery", "the village of Zvannoye"): read by the gazetteer's spelling variants."""
    import bisect

    from geomap.gazetteer import Hints

    covered: set[int] = set()
    for c in cands:
        covered.update(range(c.start, c.end))
    # only tokens next to a cue: a head noun after ("... oil refinery") or "<cue> of" before
    lows = [w.lower() for w in v.words]
    starts: set[int] = set()
    for j, w in enumerate(lows):
        if w in _HEAD_FIRST and j > 1 and v.cap[j - 1]:
            i = j - 1
            starts.add(i)
            while i > 1 and (v.cap[i - 1] and not v.stop[i - 1] or v.words[i - 1] in _HYPHENS) and j - i < 4:
                i -= 1
                starts.add(i)
        elif w == "of" and j + 1 < v.n and j > 0 and (lows[j - 1] in _CUES or lows[j - 1] in _LIST_CUES):
            starts.add(j + 1)
    extra: list[RawMention] = []
    for i in sorted(starts):
        if i in covered or not v.cap[i] or not v.alpha[i] or len(v.words[i]) < 4 or v.stop[i]:
            continue
        j = _run_end(v, i, settings.max_words)
        if j - i > 3 or any(k in covered for k in range(i, j)):
            continue
        text = v.text[v.idx[i] : v.ends[j - 1]]
        r = gaz.best(text, None, Hints())
        if r is None or r.score < _SPELLING_SCORE or r.kind not in ("city", "village"):
            continue
        extra.append(
            RawMention(
                i,
                j,
                text,
                _key(v, i, j),
                KIND_BITS[r.kind],
                r.population,
                False,
                v.sent_of[i],
                bisect.bisect_right(line_starts, v.idx[i]) - 1,
            )
        )
        covered.update(range(i, j))
    return sorted(cands + extra, key=lambda m: m.start) if extra else cands


def _prefer_document_units(gaz: Gazetteer, m: RawMention, ctx: _Context) -> None:
    """A place whose first reading lies in an admin-1 unit no other name of the document
    is in, while other names agree on a unit that has a place of this name: take that
    place ("Gainesville" among Hall County and Atlanta is Gainesville, Georgia)."""
    from geomap.gazetteer import Hints

    base = m.match
    if base is None or base.kind in ("country", "admin1") or m.hint_source is not None:
        return
    units = ctx.named_units(m.key, _UNIT_SUPPORT)
    if not units or (base.country_code, base.admin1) in units:
        return
    hints = Hints(admin1s=units)
    if (
        not gaz.may_agree(m.text, hints) or len(gaz.ids_for_key(m.key)) < 2
    ):  # one place of that name: nothing to move to
        return
    r = gaz.best(m.text, None, hints)
    if (
        r is not None
        and (r.country_code, r.admin1) in units
        and r.kind == base.kind
        and r.population * 10 >= base.population
    ):  # Washington, D.C. stays itself
        m.match, m.hint_source = r, "document"


#: Distinct other names of a document that must lie in an admin-1 unit before a
#: place's reading is moved there.
_UNIT_SUPPORT = 2


def _prefer_document_country(gaz: Gazetteer, m: RawMention, profile: _Context) -> None:
    """A region name read as a country (or a region) that no other name of the document
    is in, while the document's main country has a region of that name: take the
    region ("Georgia" in a story naming Atlanta and Savannah)."""
    from geomap.gazetteer import Hints

    base = m.match
    if base is None or base.kind not in ("country", "admin1", "admin2"):
        return
    dom = profile.dominant(m.key)
    if dom is None or dom == base.country_code or profile.others(base.country_code, m.key):
        return
    hints = Hints(countries=frozenset({dom}))
    if not gaz.may_agree(m.text, hints):
        return
    r = gaz.best(m.text, None, hints)
    if r is not None and r.country_code == dom and r.kind in ("admin1", "admin2"):
        m.match, m.hint_source = r, "document"


def _anchors_country(m: RawMention, settings: Settings) -> bool:
    """A mention that shows which countries the document is about."""
    c = m.match
    if c is None:
        return False
    if c.kind == "country":
        return True
    if c.kind == "admin1":
        return m.label == "GPE" or m.admin_word
    if c.kind not in ("city", "district"):
        return False
    if m.hint_source == "document" and c.population < settings.strong_population:
        # moved to a smaller namesake by the document's other names, which were
        # counted already: "Charleston" read as Charleston, West Virginia still anchors
        # the US as its first reading (Charleston, South Carolina) did
        return m.population >= settings.strong_population
    return c.population >= settings.strong_population


#: Words of a strike report: in such a document a place of the war's countries
#: (``settings.event_countries``) needs no country anchor ("Russian forces shelled Kherson.").
_STRIKE_VOCAB_RE = re.compile(
    r"\b(?:shell(?:ed|ing|s)?|strikes?|struck|attack(?:s|ed)?|drones?|missiles?|bomb(?:s|ed|ing)?|"
    r"air ?strikes?|artillery|rockets?|killed|injured|wounded|explosions?|shot down|intercepted)\b",
    re.I,
)


_LABEL_AFTER_RE = re.compile(r"\s*[-–—:|]")

#: The people of the war's countries, by ISO code: a strike report naming one ("Russian
#: drones", "Polish air defence") is about the war even when it anchors no country by name.
_DEMONYMS = {
    "UA": "Ukrainian",
    "RU": "Russian",
    "BY": "Belarusian",
    "MD": "Moldovan",
    "PL": "Polish",
    "RO": "Romanian",
    "SK": "Slovak",
    "HU": "Hungarian",
    "LT": "Lithuanian",
    "LV": "Latvian",
    "EE": "Estonian",
    "FI": "Finnish",
    "GE": "Georgian",
}


def _war_countries(text: str, anchored: Iterable[str]) -> frozenset[str]:
    """The countries of ``settings.event_countries`` whose places a report of the war
    (strike vocabulary) keeps without a country anchor: those of
    ``settings.front_countries`` ("A guided bomb hit Kostiantynivka."), and those the
    document anchors or whose people it names ("Polish officials said a drone crashed
    near Police"); none without strike vocabulary. A football report with an "attack"
    keeps no Police (Poland), a church story with a killing no Göd (Hungary)."""
    war = _event_countries() or frozenset()
    if not war or not _STRIKE_VOCAB_RE.search(text):
        return frozenset()
    from geomap import settings

    front = settings.get_codes("front_countries")
    named = (war if front is None else war.intersection(front)) | war.intersection(anchored)
    people = {_DEMONYMS[cc]: cc for cc in war - named if cc in _DEMONYMS}
    if people:
        found = re.findall(r"\b(" + "|".join(sorted(people)) + r")s?\b", text)
        named |= {people[p] for p in found}
    return frozenset(named)


def _event_countries() -> frozenset[str] | None:
    from geomap import settings

    codes = settings.get_codes("event_countries")
    return None if codes is None else frozenset(codes)


def _drop_foreign(
    accepted: list[RawMention], rejected: list[RawMention], facts: _DocFacts, settings: Settings, v: _View
) -> list[RawMention]:
    """A place in a country the document never names (no country, region word, big city
    of it) needs an exact NER GPE label or a big population: "Western" is no Ugandan
    region in a Ukraine story, "Asia" no Philippine town. In a strike report, a town of
    the war's countries (``settings.event_countries``) with :attr:`Settings.contradict_population`
    people, or supported by its context, needs no anchor ("Russian drones hit Kstovo overnight.");
    see :func:`_war_countries`."""
    countries = {m.match.country_code for m in accepted if m.match is not None and _anchors_country(m, settings)}
    text = v.text
    war = _war_countries(text, countries)

    def war_place(m: RawMention) -> bool:
        c = m.match
        return (
            c is not None
            and c.country_code in war
            and (c.population >= settings.contradict_population or m.supported or m.label in PLACE_LABELS)
        )

    # a name that opens a sentence may be a common word ("Police investigators ..."): it counts
    # when it is a label ("Kherson – ...") or the document names the place elsewhere too
    inside = {m.key for m in accepted if m.start not in facts.sent_first and war_place(m)}
    out = []
    for m in accepted:
        c = m.match
        assert c is not None
        if (
            c.kind != "country"
            and c.country_code not in countries
            and not m.admin_word
            and not _anchors_country(m, settings)
            and not (m.label == "GPE" and c.kind != "admin1")
            and not (
                war_place(m)
                and (
                    m.start not in facts.sent_first or m.key in inside or _LABEL_AFTER_RE.match(text, v.ends[m.end - 1])
                )
            )
        ):
            m.reason = "place in a country the document does not name"
            rejected.append(m)
            continue
        out.append(m)
    return out
