"""The date of a strike: what the clause says, read against the article's own date.

Order (the first that applies wins):

1. an explicit date in the clause ("on Jan. 13", "the night of 3-4 January" -> the later
   day, "Monday, August 25" -> the year in which that day is a Monday, nearest the
   article date; a date without a year is the latest one not after the article date, or up
   to three days after it);
2. a weekday or relative word in the clause ("on Saturday", "Saturday's raid", "late Sunday
   night", "last Tuesday", "yesterday", "overnight", "a day earlier"): a weekday is the
   latest such day on or before the article date ("last Tuesday" strictly before);
   "the day before" / "a day earlier" count back from the date of the passage before, when
   that passage states one;
3. the previous sentence's date expression, when the clause has none (a clause often
   continues the one before: "... a day earlier. The van was hit near X.");
4. the latest explicit date stated before the clause, when it lies within ten days before
   the article date (a recap of February 2022 is not the date of today's strike);
5. the article date (``time_precision`` 2: reported, not stated).

The article date is the wire dateline's date when the story carries one ("KYIV, June 14 -"
in a copy published on June 15), else the publication date.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re

from geomap.events._caseless import Caseless

__all__ = ["ArticleDates", "explicit_dates", "reference_date", "resolve_date"]

_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_MONTH = (
    r"(Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WD = r"(?:(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),?\s+)?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATE_MD_RE = Caseless(rf"\b{_WD}{_MONTH}\s+{_DAY}(?:\s*[-–/]\s*{_DAY})?(?:,?\s+(\d{{4}}))?(?![\d:])")
_DATE_DM_RE = Caseless(
    rf"\b{_WD}(?:the\s+)?{_DAY}(?:\s*(?:[-–/]|and)\s*{_DAY})?\s+(?:of\s+)?{_MONTH}(?:,?\s+(\d{{4}}))?\b"
)
_WEEKDAY_RE = re.compile(
    r"\b(last|this past|past|on|late|early)?\s*(?:on\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"(?:['’]s)?\b",
    re.I,
)
_DAYS_BACK_RE = re.compile(
    r"\b(?:(the day before|the previous day|the day prior|a day earlier|a day before|one day earlier|"
    r"the night before|the previous night)|(yesterday|last night)|(two|three|four|five|2|3|4|5) days (?:earlier|"
    r"before|ago|prior))\b",
    re.I,
)
_TODAY_RE = re.compile(
    r"\b(?:overnight|tonight|today|this morning|this evening|this afternoon|earlier today|on the night|"
    r"early hours|in the morning|at dawn|in the evening)\b",
    re.I,
)
_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5}
#: Explicit dates of the passage before count only this many days back.
_CONTEXT_DAYS = 10


def _parse_iso(value: str | None) -> _dt.date | None:
    if not value:
        return None
    try:
        return _dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _infer(month: int, day: int, year: int | None, weekday: str | None, ref: _dt.date | None) -> _dt.date | None:
    """The date of a month/day with an optional year and weekday, read against ``ref``."""
    if year is not None:
        try:
            return _dt.date(year, month, day)
        except ValueError:
            return None
    if ref is None:
        return None
    options = []
    for y in (ref.year - 1, ref.year, ref.year + 1):
        try:
            options.append(_dt.date(y, month, day))
        except ValueError:
            continue
    if weekday is not None:
        wd = _WEEKDAYS.index(weekday.lower())
        hits = [d for d in options if d.weekday() == wd]
        if hits:
            return min(hits, key=lambda d: abs((d - ref).days))
    recent = [d for d in options if d <= ref + _dt.timedelta(days=3)]
    return max(recent) if recent else None


def explicit_dates(text: str, ref: _dt.date | None) -> list[tuple[int, _dt.date, str]]:
    """Explicit dates in ``text``: ``(offset, date, text)``, in order; a range gives its later day."""
    hits = []
    for rx, order in ((_DATE_MD_RE, "md"), (_DATE_DM_RE, "dm")):
        for m in rx.finditer(text):
            if order == "md":
                wd, month, d1, d2, year = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
                mk = 2
            else:
                wd, d1, d2, month, year = m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)
                mk = 4
            if month.startswith("may") and text[m.start(mk)].islower():
                continue  # "may" is a verb
            mo = _MONTHS.get(month[:3].lower())
            day = int(d2 or d1)
            if mo is None or not 1 <= day <= 31:
                continue
            date = _infer(mo, day, int(year) if year else None, wd, ref)
            if date is not None:
                hits.append((m.start(), date, text[m.start() : m.end()]))
    hits.sort(key=lambda h: h[0])
    out: list[tuple[int, _dt.date, str]] = []
    for h in hits:  # "Monday, August 25" is found by one pattern only, "3 June" may be by both
        if out and h[0] < out[-1][0] + len(out[-1][2]):
            continue
        out.append(h)
    return out


def _weekday(m: re.Match[str], ref: _dt.date) -> _dt.date:
    wd = _WEEKDAYS.index(m.group(2).lower())
    back = (ref.weekday() - wd) % 7
    if back == 0 and (m.group(1) or "").lower() in ("last", "this past", "past"):
        back = 7
    return ref - _dt.timedelta(days=back)


def _relative(text: str, ref: _dt.date, anchor: _dt.date | None) -> tuple[_dt.date, str] | None:
    """A weekday or relative expression of ``text``: (date, expression)."""
    m = _DAYS_BACK_RE.search(text)
    if m:
        if m.group(1):
            base = anchor or ref
            return base - _dt.timedelta(days=1), m.group(0)
        if m.group(2):
            return ref - _dt.timedelta(days=1), m.group(0)
        n = _SMALL.get(m.group(3).lower()) or int(m.group(3))
        return (anchor or ref) - _dt.timedelta(days=n), m.group(0)
    m = _WEEKDAY_RE.search(text)
    if m and m.group(2)[0].isupper():
        return _weekday(m, ref), m.group(0).strip()
    m = _TODAY_RE.search(text)
    if m:
        return ref, m.group(0)
    return None


def reference_date(published: str | None, dateline: str | None = None) -> _dt.date | None:
    """The article's own date: the dateline's when it is within three days before the
    publication date (a wire copy republished a day later), else the publication date."""
    pub = _parse_iso(published)
    line = _parse_iso(dateline)
    if line is not None and (pub is None or _dt.timedelta(0) <= pub - line <= _dt.timedelta(days=3)):
        return line
    return pub


def resolve_date(
    text: str,
    published: str | None,
    *,
    context: str = "",
    previous: str = "",
    ref: _dt.date | None = None,
) -> tuple[_dt.date | None, str, int]:
    """Resolve the date a passage states, relative to the article date.

    Parameters
    ----------
    text
        The clause.
    published
        The article's publication date (ISO), used when ``ref`` is not given.
    context
        Text before the clause (explicit dates there are the context date).
    previous
        The sentence before the clause (its date expression carries over).
    ref
        The article's own date (:func:`reference_date`); default: ``published``.

    Returns
    -------
    tuple
        ``(date, how, time_precision)``; ``how`` quotes the expression used.
    """
    ref = ref or _parse_iso(published)
    anchor = _latest_recent([(d, e) for _, d, e in explicit_dates(context, ref)], ref) if context else None
    prev = [(d, e) for _, d, e in explicit_dates(previous, ref)] if previous else []
    return _decide(text, [(d, e) for _, d, e in explicit_dates(text, ref)], ref, anchor, previous, prev)


class ArticleDates:
    """The dates of one article, its explicit dates found once over the whole text: what the
    event rules call for each clause (same rules as :func:`resolve_date`)."""

    def __init__(self, text: str, ref: _dt.date | None) -> None:
        self.text = text
        self.ref = ref
        self.stated = explicit_dates(text, ref)
        self._offsets = [h[0] for h in self.stated]

    def _within(self, a: int, b: int) -> list[tuple[_dt.date, str]]:
        lo = bisect.bisect_left(self._offsets, a)
        out = []
        for off, date, expr in self.stated[lo:]:
            if off >= b:
                break
            if off + len(expr) <= b:
                out.append((date, expr))
        return out

    def resolve(
        self, clause: tuple[int, int], sentence: tuple[int, int], previous: tuple[int, int] | None
    ) -> tuple[_dt.date | None, str, int]:
        """The date of the clause ``clause`` (character span) of ``sentence``: the clause's own
        expressions first, then the sentence's, the previous sentence's and the context's."""
        text = self.text
        a, b = sentence
        before = self._within(max(0, a - 1500), a)
        anchor = _latest_recent(before, self.ref)
        prev_text = text[previous[0] : previous[1]] if previous else ""
        prev = self._within(*previous) if previous else []
        got = _own(text[clause[0] : clause[1]], self._within(*clause), self.ref, anchor)
        if got is not None:
            return got
        return _decide(text[a:b], self._within(a, b), self.ref, anchor, prev_text, prev)


def _own(
    text: str, stated: list[tuple[_dt.date, str]], ref: _dt.date | None, anchor: tuple[_dt.date, str] | None
) -> tuple[_dt.date | None, str, int] | None:
    """What ``text`` itself states: an explicit date, else a weekday or relative word."""
    for date, expr in stated:
        if ref is None or date <= ref + _dt.timedelta(days=3):
            return date, f"stated: {expr}", 1
    if ref is None:
        return None
    rel = _relative(text, ref, anchor[0] if anchor else None)
    return None if rel is None else (rel[0], f"relative: {rel[1]}", 1)


def _decide(
    text: str,
    stated: list[tuple[_dt.date, str]],
    ref: _dt.date | None,
    anchor: tuple[_dt.date, str] | None,
    previous: str,
    prev_stated: list[tuple[_dt.date, str]],
) -> tuple[_dt.date | None, str, int]:
    """The decision ladder of the module docstring."""
    own = _own(text, stated, ref, anchor)
    if own is not None:
        return own
    if ref is None:
        if anchor is not None:
            return anchor[0], f"context: {anchor[1]}", 1
        return None, "none: no date stated and no article date", 0
    if previous or prev_stated:
        recent = [d for d, _ in prev_stated if d <= ref + _dt.timedelta(days=3)]
        if recent:
            return recent[-1], "previous sentence", 1
        rel = _relative(previous, ref, anchor[0] if anchor else None)
        if rel is not None and not _TODAY_RE.fullmatch(rel[1]):
            return rel[0], f"previous sentence: {rel[1]}", 1
    if anchor is not None:
        return anchor[0], f"context: {anchor[1]}", 1
    return ref, "article date", 2


def _latest_recent(hits: list[tuple[_dt.date, str]], ref: _dt.date | None) -> tuple[_dt.date, str] | None:
    """The latest explicit date of the passage before, if recent (see the module docstring):
    a latest date that is old or in the future frames a recap, not today's news."""
    if not hits:
        return None
    date, expr = hits[-1]
    if ref is None or ref - _dt.timedelta(days=_CONTEXT_DAYS) <= date <= ref + _dt.timedelta(days=1):
        return date, expr
    return None
