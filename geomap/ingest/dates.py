"""Publication dates stated in a page: bylines, datelines, wire stamps, live-blog stamps."""

from __future__ import annotations

import datetime as _dt
import re

_SENTENCE_END_RE = re.compile(r"[.!?\u2026][\"'\u201d\u2019)]*$")
_MONTH_NUMBERS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
# Capitalised or upper-case month names (lower-case "may" is a verb far too often).
_MONTH = (
    "(?:"
    + "|".join(f"{name.capitalize()}|{name.upper()}" for name in sorted(_MONTH_NUMBERS, key=len, reverse=True))
    + r")\.?"
)
_YEAR = r"(?:19|20)\d{2}"
_ORD = r"(?:st|nd|rd|th)?"
_DATE = (
    rf"(?<!\d)(?P<d1>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m1>{_MONTH}),?\s+(?P<y1>{_YEAR})(?!\d)"
    rf"|\b(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}){_ORD},?\s+(?P<y2>{_YEAR})(?!\d)"
    rf"|(?<!\d)(?P<y3>{_YEAR})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})(?!\d)"
    rf"|(?<![\d.])(?P<d4>\d{{1,2}})\.(?P<m4>\d{{1,2}})\.(?P<y4>{_YEAR})(?!\d)"
    rf"|(?<![\d/-])(?P<d5>\d{{1,2}})(?P<sep>[-/])(?P<m5>\d{{1,2}})(?P=sep)(?P<y5>{_YEAR})(?!\d)"
)
_DATE_RE = re.compile(_DATE)
_TIME = r"(?P<hh>\d{1,2})[:.](?P<mm>\d{2})(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?"
# "Arpan Rai29 January 2025 07:38": optional author glued to the date, then a time.
_STAMP_RE = re.compile(
    rf"^(?P<name>[^\W\d][^\d\n]{{0,60}}?)?\s*(?:{_DATE}),?\s+(?:at\s+)?{_TIME}"
    r"\s*(?:[A-Z]{2,4}|GMT[+-]\d{1,2})?$"
)
# "KYIV, Jan 14 (Reuters) -", "KYIV, June 14:": upper-case place, month and day, optional year,
# agency, then a dash or colon.
_WIRE_RE = re.compile(
    rf"^[A-Z][A-Z.'\- ]{{1,40}}(?:,\s*[A-Z][A-Za-z.\- ]{{1,30}})?,\s*(?P<m>{_MONTH})\s+"
    rf"(?P<d>\d{{1,2}})(?:,\s*(?P<y>{_YEAR}))?\s*(?:\([A-Za-z ./]{{2,30}}\)\s*)?[-:\u2013\u2014]"
)
_WEEKDAY = r"(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\b"
# "By <Name>" (not "By January 14, ..." / "By Tuesday, ..." / "by the end of ...").
_BYLINE_RE = re.compile(rf"^(?:by|By|BY)\s+(?=[A-Z])(?!{_MONTH}\s*\d|{_WEEKDAY})")
_PUBLISHED_RE = re.compile(r"^(?:Published|Posted|First published)\b", re.IGNORECASE)
_UPDATED_RE = re.compile(r"^(?:Last\s+)?Updated\b", re.IGNORECASE)
_DATELINE_NOISE_RE = re.compile(
    r"\b(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\b|"
    r"\b(?:published|updated|posted|on|at|GMT|UTC|BST|CET|EET|EEST|ET|EST|[AP]M)\b|"
    r"\d{1,2}[:.]\d{2}|[\W_]+",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"\w")
_YEAR_RE = re.compile(rf"(?<!\d){_YEAR}(?!\d)")
_HEAD_LINES = 25  # bylines are looked for in the first 25 non-blank lines
_DATELINE_LINES = 8  # datelines in the first 8 non-blank lines


def _to_iso(year: int, month: int, day: int) -> str | None:
    """Return ``YYYY-MM-DD`` or ``None`` for an impossible date (February 30)."""
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _match_iso(m: re.Match[str]) -> str | None:
    """Turn a :data:`_DATE_RE` match into an ISO date (``None`` if impossible)."""
    if m.group("y5"):
        # "05-06-2025", "13/06/2025": day first (the common form outside the US) unless
        # the first number cannot be a month day pair that way round
        day, month = int(m.group("d5")), int(m.group("m5"))
        if month > 12 >= day:
            day, month = month, day
        return _to_iso(int(m.group("y5")), month, day)
    for d, mo, y in (("d1", "m1", "y1"), ("d2", "m2", "y2"), ("d3", "m3", "y3"), ("d4", "m4", "y4")):
        if m.group(y):
            month_text = m.group(mo).rstrip(".").lower()
            month = _MONTH_NUMBERS.get(month_text) or int(month_text)
            return _to_iso(int(m.group(y)), month, int(m.group(d)))
    return None  # pragma: no cover - one alternative always matches


def _first_date(line: str) -> str | None:
    """First possible full date on ``line`` (impossible ones are skipped)."""
    for m in _DATE_RE.finditer(line):
        if iso := _match_iso(m):
            return iso
    return None


def parse_date(value: str) -> str | None:
    """Parse an ISO date/datetime or a written full date into ``YYYY-MM-DD``.

    Parameters
    ----------
    value
        ``"2024-01-14"``, ``"2024-01-14T09:00:00+02:00"``, ``"14 January 2024"`` ...

    Returns
    -------
    str or None
        The ISO date, or ``None`` when ``value`` holds no possible date.
    """
    return _first_date(value.strip()[:100])


def _head_lines(text: str, limit: int) -> list[str]:
    lines = [ln.strip() for ln in text.split("\n", 400)[:400] if ln.strip()]
    return lines[:limit]


def _byline_date(lines: list[str]) -> str | None:
    """Date on a "By <author> ... <date>" or "Published <date>" line, else on an "Updated" line."""
    for pattern in ((_BYLINE_RE, _PUBLISHED_RE), (_UPDATED_RE,)):
        for line in lines:
            if len(line) <= 250 and any(p.match(line) for p in pattern) and (iso := _first_date(line)):
                return iso
    return None


def _dateline_date(lines: list[str], text: str) -> str | None:
    """A short line that is mostly a date, or a wire dateline ("KYIV, Jan 14 (Reuters) -")."""
    for line in lines[:_DATELINE_LINES]:
        m = _DATE_RE.search(line) if len(line) <= 100 else None  # longer lines are never datelines
        tail = line[m.end() :] if m else ""
        if m and not (_WORD_RE.search(tail) and _SENTENCE_END_RE.search(tail)):
            rest = _DATELINE_NOISE_RE.sub(" ", line[: m.start()] + " " + line[m.end() :])
            if len(rest.strip()) <= 20 and (iso := _match_iso(m)):
                return iso
        if (w := _WIRE_RE.match(line)) and (iso := _wire_date(w, text)):
            return iso
    return None


def _wire_date(m: re.Match[str], text: str) -> str | None:
    """ISO date of a wire dateline; a missing year comes from the latest year stated in the text."""
    month = _MONTH_NUMBERS[m.group("m").rstrip(".").lower()]
    day = int(m.group("d"))
    if m.group("y"):
        return _to_iso(int(m.group("y")), month, day)
    full = [iso for iso in map(_match_iso, _DATE_RE.finditer(text)) if iso]
    if full:
        return _to_iso(int(max(full)[:4]), month, day)
    this_year = _dt.date.today().year
    years = [int(y) for y in _YEAR_RE.findall(text) if int(y) <= this_year]
    return _to_iso(max(years), month, day) if years else None


def dateline_date(text: str, published: str | None = None) -> str | None:
    """The date of a wire dateline at the top of the body ("KYIV, June 14 (Reuters) -",
    "MOSCOW, Feb 24, 2025 (AFP) -"), ISO; a missing year is the publication year (the
    previous one when that puts the dateline after the publication date)."""
    for line in _head_lines(text, _DATELINE_LINES):
        w = _WIRE_RE.match(line)
        if w is None:
            continue
        if w.group("y") or not published:
            return _wire_date(w, text)
        try:
            pub = _dt.date.fromisoformat(published[:10])
        except ValueError:
            return _wire_date(w, text)
        month = _MONTH_NUMBERS[w.group("m").rstrip(".").lower()]
        for year in (pub.year, pub.year - 1):
            iso = _to_iso(year, month, int(w.group("d")))
            if iso is not None and iso <= (pub + _dt.timedelta(days=1)).isoformat():
                return iso
        return None
    return None


def _live_stamps(text: str) -> list[str]:
    """ISO dates of live-blog stamp lines ("Arpan Rai29 January 2025 07:38")."""
    found = []
    for line in text.split("\n"):
        line = line.strip()
        if 8 <= len(line) <= 100 and (m := _STAMP_RE.match(line)) and (iso := _match_iso(m)):
            found.append(iso)
    return found


def detect_published(text: str) -> tuple[str | None, str]:
    """Find the publication date stated in an article's text.

    Sources, best first:

    1. ``"byline"``: the first date on a line near the top (first 25 non-blank
       lines) that starts with "By <name>", "Published" or "Posted" (else "Updated");
    2. ``"live-blog stamp"`` when the page has two or more stamp lines
       ("Arpan Rai29 January 2025 07:38"): the **latest** stamp, i.e. the page's
       last update (entries are usually newest first, but not always);
    3. ``"dateline"``: a short line in the first 8 non-blank lines that is
       mostly a date ("Tuesday, 02 January 2024 12:17 GMT", "2024-01-14",
       "14.01.2024"), or a wire dateline ("KYIV, Jan 14 (Reuters) -"; a missing
       year is taken from the latest full date, else the latest past year, in the text);
    4. ``"live-blog stamp"`` from a single stamp line.

    Dates in the body (events, captions) are never taken as the publication
    date: ``(None, "none")`` is returned instead. Impossible dates
    ("February 30, 2024") are skipped.

    Parameters
    ----------
    text
        Article text (cleaned or raw).

    Returns
    -------
    tuple of (str or None, str)
        The ISO date and its source (see :data:`DATE_SOURCES`).
    """
    head = _head_lines(text, _HEAD_LINES)
    if iso := _byline_date(head):
        return iso, "byline"
    stamps = _live_stamps(text)
    if len(stamps) >= 2:
        return max(stamps), "live-blog stamp"
    if iso := _dateline_date(head, text):
        return iso, "dateline"
    if stamps:
        return stamps[0], "live-blog stamp"
    return None, "none"
