"""Strike events: the records geomap extracts from articles.

A :class:`StrikeEvent` is one attack (or interception) at one place on one date,
coded in ACLED's vocabulary. Extraction from parsed articles lives in this module
too (added by the events stage); it has no file I/O.
"""

from __future__ import annotations

from geomap.records import Source, StrikeEvent

__all__ = [
    "count_casualties",
    "detect_target",
    "detect_weapon",
    "events_from_doc",
    "resolve_date",
]

# =========================================================================== extraction
# Everything below turns a parsed article (spaCy Doc + place mentions from
# geomap.nlp) into StrikeEvent records. Pure functions over the Doc; no I/O.

import datetime as _dt
import hashlib as _hashlib
import re as _re
from dataclasses import replace as _replace

_WEAPON_PATTERNS: tuple[tuple[str, str], ...] = (
    ("aerial bomb", r"glide bombs?|guided (?:aerial )?bombs?|aerial bombs?|\bKABs?\b|air(?:-dropped)? bombs?"),
    ("mlrs", r"\bMLRS\b|multiple(?:-| )launch rocket|\bGrads?\b|\bUragan\b|\bSmerch\b|\bHIMARS\b"),
    ("drone", r"\bdrones?\b|\bUAVs?\b|Shaheds?|\bGeran\b|loitering munitions?|kamikaze|unmanned aerial"),
    ("missile", r"missiles?|Kh-\d+\w*|Kinzhals?|Iskanders?|Kalibrs?|\bS-300s?\b|Tochka|ballistic|cruise"),
    ("artillery", r"artillery|shell(?:s|ing|ed)?\b|howitzers?|mortars?|\bcannon"),
)
_WEAPON_RES = tuple((w, _re.compile(p, _re.I)) for w, p in _WEAPON_PATTERNS)
_MODEL_RE = _re.compile(
    r"\b(Kh-\d+\w*|Kinzhal|Iskander(?:-[MK])?|Kalibr|Shahed(?:-\d+)?|Geran-\d|"
    r"S-300|S-400|Tochka-U|Lancet|KAB-\d+|Oniks|Zircon|Tsirkon)s?\b"
)

#: Lemmas that make a sentence describe an attack (verbs and nouns).
_ATTACK_LEMMAS = frozenset(
    """
strike attack hit shell bomb pound target launch raid explode explosion blast blow
bombard bombardment fire shelling barrage assault damage destroy injure kill wound hurt
fall crash debris wreckage impact struck shoot intercept down repel aim
""".split()
)
_INTERCEPT_RE = _re.compile(
    r"\b(shot down|shoot(?:s|ing)? down|downed|intercept(?:ed|ion|s)?|brought down|"
    r"destroyed (?:\w+ ){0,3}(?:drones?|missiles?|UAVs?)|(?:drones?|missiles?|UAVs?) "
    r"(?:were|was) destroyed|air defen[cs]es? (?:destroyed|downed|repelled|shot))",
    _re.I,
)
#: Frames that make a place a venue, not a target (talks, visits, captures ...).
_NON_STRIKE_LEMMAS = frozenset(
    """
meeting talk talks summit conference negotiation negotiate visit visited arrive tour
capture seize retake liberate advance withdraw withdrawal occupy recapture control
airport flight flights restriction accord agreement envoy deal
""".split()
)
_TARGETS: tuple[tuple[str, str], ...] = (
    ("fire station", r"fire station|firefighters?"),
    ("nuclear plant", r"nuclear"),
    ("oil refinery", r"refiner(?:y|ies)|petrochemical|oil processing"),
    ("oil depot", r"oil depot|fuel depot|oil storage|fuel storage|tank farm"),
    ("port", r"\bport\b|harbou?r|\bdocks?\b"),
    (
        "energy",
        r"power (?:plant|station|grid|line)|energy|electricity|substation|heating|"
        r"utilit(?:y|ies)|thermal",
    ),
    (
        "government",
        r"administration (?:building|headquarters)|government (?:building|headquarters)|"
        r"regional government|city hall|council building",
    ),
    (
        "military",
        r"military (?:base|unit|camp|airfield|facility|target|installation|site)|"
        r"\bbase\b|airfield|air base|barracks|\bcamp\b|arsenal|ammunition",
    ),
    ("residential", r"residential|apartment|homes?\b|houses?\b|high-rise|dwelling"),
    ("industrial", r"industrial|factory|plant\b|enterprise"),
    ("infrastructure", r"infrastructure|railway|bridge"),
)
_TARGET_RES = tuple((t, _re.compile(p, _re.I)) for t, p in _TARGETS)

_NUMBER_WORDS = {
    "no": 0,
    "zero": 0,
    "none": 0,
    "nobody": 0,
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "hundred": 100,
    # ACLED-style conventions for vague counts: "a few"/"several" -> 3, "dozens" -> 12.
    "several": 3,
    "few": 3,
    "dozens": 12,
    "dozen": 12,
    "scores": 20,
    "hundreds": 100,
}
_COUNT = r"(\d{1,5}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_VICTIM = (
    r"(?:[\w-]+ ){0,2}?(?:people|persons?|civilians?|residents?|women|woman|men|man|"
    r"children|child|firefighters?|rescuers?|workers?|soldiers?|servicemen|others?|"
    r"teenagers?|employees?|police(?:men| officers)?|locals?)"
)
_KILL = r"(?:killed|killing|dead|died|kills|kill)"
_INJURE = r"(?:injured|injuring|wounded|wounding|hurt|injures|wounds|injure)"
_CASUALTY_RES = {
    "killed": (
        _re.compile(rf"\b{_COUNT} {_VICTIM}(?: (?:were|was|have been|had been))? {_KILL}", _re.I),
        _re.compile(rf"\b{_KILL},? {_COUNT} {_VICTIM}", _re.I),
        _re.compile(rf"\b{_COUNT} (?:dead|killed)\b", _re.I),
    ),
    "injured": (
        _re.compile(rf"\b{_COUNT} {_VICTIM}(?: (?:were|was|have been|had been|got))? {_INJURE}", _re.I),
        _re.compile(rf"\b{_INJURE},? {_COUNT} {_VICTIM}", _re.I),
        _re.compile(rf"\b{_COUNT} (?:injured|wounded)\b", _re.I),
    ),
}
_NOBODY_RE = {
    "killed": _re.compile(
        r"\b(?:no(?:body| one)|none)\b[^.;]{0,40}?\b(?:killed|died)|"
        r"\bno (?:casualties|deaths|fatalities)\b(?![^.]{0,30}\b(?:confirmed|so far|yet)\b)|"
        r"without casualties",
        _re.I,
    ),
    "injured": _re.compile(
        r"\b(?:no(?:body| one)|none)\b[^.;]{0,40}?\b(?:injured|hurt|wounded)|"
        r"\bno (?:casualties|injuries)\b(?![^.]{0,30}\b(?:confirmed|so far|yet)\b)|"
        r"without casualties",
        _re.I,
    ),
}

_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_MONTH_RE = (
    r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE_MD_RE = _re.compile(rf"\b{_MONTH_RE} (\d{{1,2}})(?:\s*[-–]\s*(\d{{1,2}}))?(?:,? (\d{{4}}))?\b")
_DATE_DM_RE = _re.compile(rf"\b(\d{{1,2}})(?:\s*[-–]\s*(\d{{1,2}}))? {_MONTH_RE}(?:,? (\d{{4}}))?\b")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_RE = _re.compile(r"\b(?:on |late on |early on |last |since )?(" + "|".join(_WEEKDAYS) + r")\b", _re.I)
_RELATIVE = (
    (_re.compile(r"\b(?:the day before|the previous day|yesterday|a day earlier)\b", _re.I), -1),
    (
        _re.compile(
            r"\b(?:overnight|last night|tonight|today|this morning|this evening|"
            r"earlier today|on the night)\b",
            _re.I,
        ),
        0,
    ),
)


def _parse_iso(value: str | None) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _month_day(month: str, day: str, year: str | None, ref: _dt.date | None) -> _dt.date | None:
    m = _MONTHS.get(month[:3].lower())
    if m is None:
        return None
    if year:
        y = int(year)
    elif ref is not None:  # a date without a year is the latest such date not after ref
        y = ref.year if (m, int(day)) <= (ref.month, ref.day) else ref.year - 1
    else:
        return None
    try:
        return _dt.date(y, m, int(day))
    except ValueError:
        return None


def _last_date_text(text: str) -> str:
    """The last explicit date expression in ``text`` (or "")."""
    hits = [m for rx in (_DATE_MD_RE, _DATE_DM_RE) for m in rx.finditer(text)]
    return max(hits, key=lambda m: m.start()).group(0) if hits else ""


def resolve_date(text: str, published: str | None, *, context: str = "") -> tuple[_dt.date | None, str, int]:
    """Resolve the date a passage states, relative to the article date.

    Returns ``(date, how, time_precision)``; ``how`` quotes the expression used.
    "January 28-29" / "the night of 28-29 January" give the later day (an overnight
    strike is dated to the morning it is reported for).
    """
    ref = _parse_iso(published)
    for rx, order in ((_DATE_MD_RE, "md"), (_DATE_DM_RE, "dm")):
        for m in rx.finditer(text):
            if order == "md":
                month, d1, d2, year = m.group(1), m.group(2), m.group(3), m.group(4)
            else:
                d1, d2, month, year = m.group(1), m.group(2), m.group(3), m.group(4)
            day = _month_day(month, d2 or d1, year, ref)
            if day is not None and (ref is None or day <= ref + _dt.timedelta(days=1)):
                return day, f"stated: {m.group(0)}", 1
    if context:  # the passage before: "On Jan. 13 ... At 7:30 a.m. missiles struck X"
        prior, how, _ = resolve_date(_last_date_text(context), published)
        if how.startswith("stated"):
            if _RELATIVE[0][0].search(text):
                return prior - _dt.timedelta(days=1), f"relative to {how[8:]}: the day before", 1
            return prior, f"context: {how[8:]}", 1
    if ref is None:
        return None, "none: no date stated and no article date", 0
    for rx, delta in _RELATIVE:
        m = rx.search(text)
        if m:
            return ref + _dt.timedelta(days=delta), f"relative: {m.group(0)}", 1
    m = _WEEKDAY_RE.search(text)
    if m:
        wd = _WEEKDAYS.index(m.group(1).lower())
        back = (ref.weekday() - wd) % 7
        return ref - _dt.timedelta(days=back), f"relative: {m.group(0).strip()}", 1
    return ref, "article date", 2


def count_casualties(text: str, which: str) -> int | None:
    """Killed or injured count stated in ``text`` (numbers in words too), else None."""
    best: int | None = None
    for rx in _CASUALTY_RES[which]:
        for m in rx.finditer(text):
            raw = m.group(1).lower()
            n = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
            if n is not None and (best is None or n > best):
                best = n
    if best is None and _NOBODY_RE[which].search(text):
        return 0
    return best


def detect_weapon(text: str) -> tuple[str, str | None]:
    """``(weapon class, model)`` named in ``text``; ``("unknown", None)`` when none."""
    model_m = _MODEL_RE.search(text)
    model = model_m.group(1) if model_m else None
    for weapon, rx in _WEAPON_RES:
        if rx.search(text):
            return weapon, model
    return "unknown", model


def detect_target(text: str) -> str | None:
    """The first target class named in ``text``."""
    for target, rx in _TARGET_RES:
        if rx.search(text):
            return target
    return None


def _event_type(weapon: str, intercepted: bool) -> str:
    if intercepted:
        return "Disrupted weapons use"
    if weapon in ("drone", "aerial bomb"):
        return "Air/drone strike"
    return "Shelling/artillery/missile attack"


def _actor(text: str, country: str | None) -> str | None:
    low = text.lower()
    if _re.search(
        r"\brussian (?:forces|troops|army|military|missiles?|drones?|strikes?|"
        r"attacks?|artillery|shells?|bombs?|aircraft|kamikaze|air)",
        low,
    ):
        return "Russian forces"
    if _re.search(
        r"\bukrainian (?:forces|troops|army|military|missiles?|drones?|strikes?|"
        r"attacks?|artillery|side|uavs?)",
        low,
    ):
        return "Ukrainian forces"
    # Clearly implied by the front line of this war: strikes in Ukraine are Russian,
    # strikes inside Russia are Ukrainian.
    return {"UA": "Russian forces", "RU": "Ukrainian forces"}.get(country or "")


def _stem(word: str) -> str:
    """A crude stem, so that matching works with or without spaCy's lemmatizer."""
    word = word.lower()
    for suffix in ("ing", "ed", "es", "s", "d"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


_ATTACK_STEMS = frozenset(_stem(w) for w in _ATTACK_LEMMAS)
_NON_STRIKE_STEMS = frozenset(_stem(w) for w in _NON_STRIKE_LEMMAS)


def _token_stems(tok) -> set[str]:
    return {_stem(tok.text), _stem(tok.lemma_)} if tok.lemma_ else {_stem(tok.text)}


def _has_attack_trigger(tokens) -> bool:
    return any(_token_stems(t) & _ATTACK_STEMS for t in tokens)


def _governing_frame(span) -> str | None:
    """ "strike"/"venue" from the mention's syntactic heads, None when neither governs."""
    for tok in [span.root, *span.root.ancestors][:6]:
        stems = _token_stems(tok)
        if stems & _ATTACK_STEMS or _WEAPON_RES[2][1].search(tok.text) or _WEAPON_RES[3][1].search(tok.text):
            return "strike"
        if stems & _NON_STRIKE_STEMS:
            return "venue"
    return None


_LOCATOR_RE = _re.compile(
    r"\b(?:near|close to|outside|border(?:s|ing)?(?: with)?|adjoin(?:s|ing)?|"
    r"(?:north|south|east|west)(?:-?(?:east|west))? of|from|km|kilometres|"
    r"miles|halfway between|between)\b[^,.;]{0,25}$",
    _re.I,
)


def _is_context_only(mention, others, text: str = "") -> bool:
    """A place named only to locate another: "Stanislav, Kherson Oblast", "the Tver
    region near Moscow", "which borders Ukraine"."""
    cand = mention.match
    if cand is None:
        return False
    if (
        text
        and _LOCATOR_RE.search(text[max(mention.sent_start, mention.start - 40) : mention.start])
        and any(o is not mention and o.match is not None and o.end <= mention.start for o in others)
    ):
        return True
    if cand.kind not in ("admin1", "country"):
        return False
    for o in others:
        oc = o.match
        if o is mention or oc is None or oc.kind in ("admin1", "country"):
            continue
        same = oc.country_code == cand.country_code and (cand.kind == "country" or oc.admin1 == cand.admin1)
        if same and abs(o.start - mention.start) < 120:
            return True
    return False


def _geo_precision(mention, sentence: str) -> int:
    cand = mention.match
    if cand.kind in ("admin1", "country"):
        return 3
    before = sentence[max(0, mention.start - mention.sent_start - 40) : mention.start - mention.sent_start].lower()
    after = sentence[mention.end - mention.sent_start : mention.end - mention.sent_start + 30].lower()
    if (
        cand.kind in ("admin2", "district")
        or _re.search(
            r"\b(near|outside|outskirts|around|"
            r"close to|district of)\b",
            before,
        )
        or _re.match(r"\W*(district|industrial zone|outskirts|area)", after)
    ):
        return 2
    return 1


def _event_id(article_id: str, date: str | None, cand, weapon: str, intercepted: bool) -> str:
    key = f"{article_id}|{date}|{cand.geonameid}|{weapon}|{intercepted}"
    return "gm-" + _hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def events_from_doc(article, doc, mentions) -> list[StrikeEvent]:
    """Strike events in one parsed article.

    Parameters
    ----------
    article
        The :class:`geomap.ingest.Article` (for id, title, url and publication date).
    doc
        The spaCy ``Doc`` of ``article.text`` (with a dependency parse when available).
    mentions
        Place mentions from :func:`geomap.nlp.parse` (with gazetteer matches).
    """
    by_sentence: dict[int, list] = {}
    for m in mentions:
        if m.match is not None:
            by_sentence.setdefault(m.sent_start, []).append(m)
    starts = sorted(by_sentence)
    source = Source(id=article.id, title=article.title, url=article.url, published=article.published)
    events: list[StrikeEvent] = []
    for _n, sent_start in enumerate(starts):
        group = _with_region_list(by_sentence[sent_start], article.text)
        for m in group:
            rel = (m.start - m.sent_start, m.end - m.sent_start)
            full = article.text[m.sent_start : m.sent_end]
            lo, hi = _clause(full, *rel)
            clause = full[lo:hi]
            span = doc.char_span(m.sent_start + lo, m.sent_start + hi, alignment_mode="expand")
            if span is None or not _has_attack_trigger(span):
                continue
            after = _next_sentence(doc, m.sent_end, by_sentence)
            details = clause + " " + after
            before = article.text[max(0, m.sent_start - 1500) : m.sent_start]
            ev = _mention_event(article, doc, m, group, clause, details, before, source)
            if ev is not None:
                events.append(ev)
    return events


def _next_sentence(doc, end: int, by_sentence: dict[int, list]) -> str:
    """The following sentence when it names no place: it often carries the details
    ("A woman was injured." / "... point to Kh-22 missiles")."""
    span = doc.char_span(end, min(len(doc.text), end + 1), alignment_mode="expand")
    if span is None or span.start >= len(doc):
        return ""
    out = []
    sent = doc[span.start].sent
    for _ in range(2):
        if sent.start_char in by_sentence or sent.start_char < end:
            break
        out.append(sent.text)
        if sent.end >= len(doc):
            break
        sent = doc[sent.end].sent
    return " ".join(out)


def _with_region_list(group: list, text: str) -> list:
    """Re-resolve the members of "the Poltava, ... and Rivne oblasts" as oblasts."""
    from geomap.gazetteer import Gazetteer

    sentence = text[group[0].sent_start : group[0].sent_end]
    names = region_list_names(sentence)
    if not names:
        return group
    gaz = Gazetteer.default()
    out = [m for m in group if not any(m.text.split()[0] in n for n in names)]
    for name in names:
        core = name.rsplit(" ", 1)[0]
        pos = sentence.find(core)
        res = gaz.rank(name, limit=1)
        if pos < 0 or not res or res[0].kind != "admin1":
            continue
        start = group[0].sent_start + pos
        out.append(_replace(group[0], text=core, start=start, end=start + len(core), match=res[0], label="GAZ"))
    return sorted(out, key=lambda m: m.start)


_CLAUSE_BREAK_RE = _re.compile(r"\s*(?:\n+|[•▪●◦·]|\s-\s)\s*")
_REGION_LIST_RE = _re.compile(
    r"\b(?:the )?((?:[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?, )*[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?"
    r",? and [A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?) (oblasts|regions|provinces)\b"
)


def _clause(text: str, rel_start: int, rel_end: int) -> tuple[int, int]:
    """Bounds of the bullet/line-separated clause of a sentence around a mention."""
    lo, hi = 0, len(text)
    for br in _CLAUSE_BREAK_RE.finditer(text):
        if br.end() <= rel_start:
            lo = br.end()
        elif br.start() >= rel_end:
            hi = br.start()
            break
    return lo, hi


_COLON_LIST_RE = _re.compile(
    r"\b(?:regions|oblasts|provinces)\b[^:.;]{0,80}:\s*((?:[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?,\s*)+"
    r"(?:and\s+)?[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?)"
)


def region_list_names(sentence: str) -> list[str]:
    """Names in "the Poltava, Dnipropetrovsk and Rivne oblasts" -> each "X Oblast"
    (also "in six regions ...: Smolensk, Tver, and Bryansk")."""
    out = []
    for m in _COLON_LIST_RE.finditer(sentence):
        for name in _re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1)):
            if name.strip():
                out.append(f"{name.strip()} region")
    for m in _REGION_LIST_RE.finditer(sentence):
        word = "Oblast" if m.group(2) == "oblasts" else "region"
        for name in _re.split(r",\s*(?:and\s+)?|\s+and\s+", m.group(1)):
            if name.strip():
                out.append(f"{name.strip()} {word}")
    return out


#: Tallies over a period are not dated strikes (ACLED codes events, not totals).
_TALLY_RE = _re.compile(
    r"\b(?:since (?:the (?:start|beginning)|the (?:full-scale )?invasion|"
    r"february 2022|the war began)|so far (?:in|this)|in (?:the )?(?:past|last|first) "
    r"(?:month|year|weeks|months)|over the (?:past|last) (?:month|year|weeks|months)|"
    r"during the (?:war|invasion)|a month(?:-long)? (?:of|tally))\b",
    _re.I,
)


def _mention_event(article, doc, m, group, sentence, details, before, source):
    if _is_context_only(m, group, article.text) or m.match.kind == "country":
        return None
    if _TALLY_RE.search(sentence):
        return None
    if _foreign_stray(m, group, before):
        return None
    from geomap import settings
    from geomap.gazetteer import Gazetteer

    allowed = settings.get("event_countries")
    if allowed is not None and m.match.country_code not in allowed:
        return None
    weapon, model = detect_weapon(sentence)
    if weapon == "unknown" or model is None:
        weapon2, model2 = detect_weapon(details)
        weapon = weapon if weapon != "unknown" else weapon2
        model = model or model2
    intercepted = bool(_INTERCEPT_RE.search(sentence))
    mspan = doc.char_span(m.start, m.end, alignment_mode="expand")
    frame = _governing_frame(mspan) if mspan is not None else None
    if frame == "venue":
        return None
    if frame != "strike" and Gazetteer.default().is_capital(m.match):
        return None  # "Moscow said", "Kyiv and Moscow have used": the government
    if frame is None and _venue_words_near(sentence, m):
        return None
    cand = m.match
    if cand.kind == "admin2":  # "Kstovsky industrial zone" -> the district's seat, Kstovo
        seat = Gazetteer.default().reverse(cand.lat, cand.lon, max_km=2.0)
        cand = seat if seat is not None and seat.admin1 == cand.admin1 else cand
    day, how, precision = resolve_date(sentence, article.published, context=before)
    day_iso = day.isoformat() if day else None
    geo = _geo_precision(m, sentence)
    confidence = round(min(1.0, 0.45 + (0.3 if frame == "strike" else 0.0) + 0.25 * cand.score), 2)
    return StrikeEvent(
        event_id=_event_id(article.id, day_iso, cand, weapon, intercepted),
        date=day_iso,
        time_precision=precision or None,
        date_source=how,
        place_text=m.text,
        place_name=cand.name,
        geonameid=cand.geonameid,
        lat=cand.lat,
        lon=cand.lon,
        country_code=cand.country_code,
        admin1=cand.admin1 or None,
        admin1_name=cand.admin1_name,
        geo_precision=geo,
        event_type=_event_type(weapon, intercepted),
        weapon=weapon,
        weapon_model=model,
        actor=_actor(sentence, cand.country_code),
        target=detect_target(sentence) or detect_target(details),
        killed=_first_known(count_casualties(sentence, "killed"), count_casualties(details, "killed")),
        injured=_first_known(count_casualties(sentence, "injured"), count_casualties(details, "injured")),
        intercepted=intercepted,
        quote=sentence.strip()[:600],
        confidence=confidence,
        sources=[source],
        geometry=None,
    )


def _foreign_stray(m, group, before: str) -> bool:
    """A small place in a country the article never names (a channel called "Baza",
    a surname that is a village in Spain) is not this article's strike location."""
    cand = m.match
    if cand.population >= 100_000 or cand.kind in ("admin1", "admin2"):
        return False
    from geomap.gazetteer import Gazetteer

    gaz = Gazetteer.default()
    country = gaz.country_row(cand.country_code)
    names = {cand.country_code}
    if country is not None:
        names.add(country.name)
    context = before + " " + " ".join(o.text for o in group)
    countries_named = {o.match.country_code for o in group if o.match is not None and o is not m}
    return cand.country_code not in countries_named and not any(n and n in context for n in names)


def _first_known(*values: int | None) -> int | None:
    return next((v for v in values if v is not None), None)


def _venue_words_near(sentence: str, m) -> bool:
    """Talks/visit/capture words within a few words of an ungoverned mention."""
    rel = m.start - m.sent_start
    window = sentence[max(0, rel - 60) : rel + len(m.text) + 40].lower()
    return any(
        _re.search(rf"\b{w}", window)
        for w in (
            "talks",
            "meeting",
            "summit",
            "conference",
            "visit",
            "captur",
            "seiz",
            "retak",
            "liberat",
            "advance",
            "airport",
            "negotiat",
            "withdraw",
        )
    )


# =========================================================================== merging
