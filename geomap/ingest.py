"""Read news articles from files, directories, JSONL and stdin into :class:`Article` records.

This is the first pipeline stage: it knows nothing about NLP. It decodes bytes
(UTF-8, else cp1251/cp1252/latin-1 detected with charset-normalizer), strips
HTML and Markdown markup, drops boilerplate lines (:func:`clean_text`) and finds
the publication date stated in the page (:func:`detect_published`).

Every character offset computed by later stages indexes into ``Article.text``.

Bad input never produces a traceback: each unreadable file or JSONL line becomes
one :class:`~geomap.exc.InputError` whose message is ``"<path>[:line]: <problem>"``,
passed to ``on_error`` (the rest of the batch is still read) or raised.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, BinaryIO

from geomap import settings
from geomap.exc import InputError

__all__ = [
    "Article",
    "DATE_SOURCES",
    "SUFFIXES",
    "article_from_text",
    "clean_text",
    "detect_published",
    "parse_date",
    "read_articles",
]

#: Values of ``Article.date_source``.
DATE_SOURCES = (
    "option",
    "jsonl",
    "html-meta",
    "front-matter",
    "byline",
    "dateline",
    "live-blog stamp",
    "none",
)

#: File suffixes read by :func:`read_articles` (others are skipped inside directories).
SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")

#: Candidate legacy encodings tried when a file is not valid UTF-8.
_LEGACY_ENCODINGS = ["cp1251", "cp1252", "latin_1"]


@dataclass(frozen=True, slots=True)
class Article:
    """One article, cleaned and ready for place extraction.

    Attributes
    ----------
    id
        JSONL ``id``; else the file stem, made unique within a batch.
    title
        Headline, when one could be found.
    text
        Cleaned text; all later character offsets index into this string.
    published
        ISO publication date ``YYYY-MM-DD``, or ``None``.
    url
        Source URL, when known.
    path
        Source file (``"file.jsonl:LINE"`` for JSONL records, ``"-"`` for stdin).
    date_source
        Where ``published`` came from; one of :data:`DATE_SOURCES`.
    """

    id: str
    title: str | None
    text: str
    published: str | None
    url: str | None
    path: str | None
    date_source: str


# --------------------------------------------------------------------------- dates

_MONTH_NUMBERS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
# Capitalised or upper-case month names (lower-case "may" is a verb far too often).
_MONTH = (
    "(?:"
    + "|".join(
        f"{name.capitalize()}|{name.upper()}" for name in sorted(_MONTH_NUMBERS, key=len, reverse=True)
    )
    + r")\.?"
)
_YEAR = r"(?:19|20)\d{2}"
_ORD = r"(?:st|nd|rd|th)?"
_DATE = (
    rf"(?<!\d)(?P<d1>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<m1>{_MONTH}),?\s+(?P<y1>{_YEAR})(?!\d)"
    rf"|\b(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}){_ORD},?\s+(?P<y2>{_YEAR})(?!\d)"
    rf"|(?<!\d)(?P<y3>{_YEAR})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}})(?!\d)"
    rf"|(?<![\d.])(?P<d4>\d{{1,2}})\.(?P<m4>\d{{1,2}})\.(?P<y4>{_YEAR})(?!\d)"
)
_DATE_RE = re.compile(_DATE)
_TIME = r"(?P<hh>\d{1,2})[:.](?P<mm>\d{2})(?:\s*(?P<ampm>[AaPp]\.?[Mm]\.?))?"
# "Arpan Rai29 January 2025 07:38": optional author glued to the date, then a time.
_STAMP_RE = re.compile(
    rf"^(?P<name>[^\W\d][^\d\n]{{0,60}}?)?\s*(?:{_DATE}),?\s+(?:at\s+)?{_TIME}"
    r"\s*(?:[A-Z]{2,4}|GMT[+-]\d{1,2})?$"
)
# "KYIV, Jan 14 (Reuters) -": upper-case place, month and day, optional year, agency or dash.
_WIRE_RE = re.compile(
    rf"^[A-Z][A-Z.'\- ]{{1,40}}(?:,\s*[A-Z][A-Za-z.\- ]{{1,30}})?,\s*(?P<m>{_MONTH})\s+"
    rf"(?P<d>\d{{1,2}})(?:,\s*(?P<y>{_YEAR}))?\s*(?:\([A-Za-z .]{{2,30}}\)\s*)?[-\u2013\u2014]"
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
        m = _DATE_RE.search(line)
        tail = line[m.end() :] if m else ""
        if m and len(line) <= 100 and not (_WORD_RE.search(tail) and _SENTENCE_END_RE.search(tail)):
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


# --------------------------------------------------------------------------- cleaning

_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
_SPACE_CHARS = "\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Runs of two or more spaces, or any other horizontal white space (single spaces are left alone: fast).
_SPACES_RE = re.compile(f"[{_SPACE_CHARS}][ {_SPACE_CHARS}]*| [ {_SPACE_CHARS}]+")
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANKS_RE = re.compile(r"\n{3,}")

# Whole short lines (<= 100 characters) that are page furniture, matched case-insensitively.
_PAYMENT = r"(?:visa|master ?card|american ?express|amex|paypal)"
_FURNITURE = (
    r"skip to (?:main )?content",
    r"edit post",
    r"\*?\s*indicates required(?: fields?)?",
    r"this (?:audio|article|summary) (?:is|was) (?:created|generated|produced) with"
    r" (?:the help of )?ai(?: assistance)?\.?",
    r"enter your e-?mail(?: address)?(?: to subscribe)?:?",
    r"please,? enter (?:a |your )?(?:correct|valid) e-?mail(?: address)?\.?",
    r"success?ful+y subscribed!?",
    r"thank you for (?:signing up|subscribing)\b.*",
    r"subscribe(?: now| here| today)?!?",
    r"(?:sign up|subscribe) (?:for|to) (?:our|the|this) (?:free )?(?:daily |weekly )?newsletters?\b.*",
    r"newsletters?",
    r"(?:become|gift) a member(?:ship)?\b.*",
    r"gift membership",
    r"donate(?: now| today)?!?",
    r"support (?:us|our (?:work|journalism|reporting)|independent journalism)\b.*",
    r"your support (?:helps|makes)\b.*",
    r"help us get [\d,]+ (?:new )?(?:members|subscribers|supporters)!?",
    r"share(?: this)?(?: article| story| post| page)?(?: on \w+)?:?",
    r"follow us(?: on .*)?",
    r"tweet|print(?: this)?(?: article)?|e-?mail|copy link|copied!?|whatsapp|facebook|telegram|linkedin",
    r"we use cookies\b.*",
    r"(?:accept|reject|manage) (?:all )?cookies|cookie (?:settings|policy|preferences)|accept all",
    r"advertisement|sponsored(?: content)?|read more|editors?['\u2019]? picks|most (?:read|popular)",
    r"related(?: articles| stories| news)?:?",
    r"log ?in|sign ?in|register|menu|search|home",
    r"tags?:\s*\S.{0,60}",
    rf"{_PAYMENT}(?:\s+{_PAYMENT})+",
    r"[A-Za-z]*\d[A-Za-z\d]{19,}",  # tracking ids such as "MENAFN0712...ID1110448168"
)
_FURNITURE_RE = re.compile("|".join(f"(?:{p})" for p in _FURNITURE), re.IGNORECASE)
# Phrases that make a line of up to 200 characters a fundraising/membership banner.
_APPEAL_RE = re.compile(
    r"become a member|gift a membership|new members|funded by (?:our )?readers|readers like you"
    r"|support (?:our|independent) journalism|make a (?:donation|contribution)|donate now"
)  # matched against the lower-cased line
_APPEAL_KEYS = ("member", "reader", "journalism", "donat", "contribution")  # cheap pre-filter
# Vocabulary of appeal paragraphs (used only between two banner lines).
_APPEAL_WORDS_RE = re.compile(
    r"\bmember|\bdonat|\bsupporters?\b|\bcontribution|\bfund (?:our|the)\b|\bpaywall|\bsubscri|readers like you",
    re.IGNORECASE,
)
_COMMENT_HEAD_RE = re.compile(
    r"(?:\d+\s+)?comments?(?:\s*\(\d+\))?:?"
    r"|(?:show|view|load) (?:all )?comments|join the (?:conversation|discussion)",
    re.IGNORECASE,
)
_COMMENT_FORM_RE = re.compile(
    r"(?:leave|post|add|write|enter) (?:a |your )?(?:comment|reply)s?(?: here)?:?|comments? here:?"
    r"|enter comments? here:?|leave a reply(?: cancel reply)?",
    re.IGNORECASE,
)
_HASHTAGS_RE = re.compile(r"(?:#\w[\w-]*\s*){2,}")
_FOOTER_HEAD_RE = re.compile(r"legal disclaimer:?", re.IGNORECASE)
_TAGS_HEAD_RE = re.compile(r"(?:tags|topics|keywords):?", re.IGNORECASE)
_NUMBERED_RE = re.compile(r"^(\d{1,3})[.)]\s+\S")
_LIST_ITEM_RE = re.compile(r"^(?:[-*\u2022]|\d{1,3}[.)]|#)\s*\S")
_SENTENCE_END_RE = re.compile(r"[.!?\u2026][\"'\u201d\u2019)]*$")


def _normalise(text: str) -> list[str]:
    """NFC, invisible characters removed, spaces collapsed, lines stripped."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _SPACES_RE.sub(" ", _CONTROL_RE.sub("", _INVISIBLE_RE.sub("", text)))
    return [line.strip() for line in text.split("\n")]


def _is_furniture(line: str) -> bool:
    if len(line) <= 100 and _FURNITURE_RE.fullmatch(line) or _HASHTAGS_RE.fullmatch(line):
        return True
    if len(line) > 200:
        return False
    low = line.lower()
    return any(key in low for key in _APPEAL_KEYS) and bool(_APPEAL_RE.search(low))


def _is_content(line: str) -> bool:
    return len(line) >= 40 and bool(_SENTENCE_END_RE.search(line))


def _cut_index(lines: list[str]) -> int:
    """Index where the comment section / legal footer starts (``len(lines)`` if none)."""
    content = 0
    for i, line in enumerate(lines):
        if content >= 2 and len(line) <= 60:
            if _COMMENT_FORM_RE.fullmatch(line):
                return _comment_list_start(lines, i)
            if _COMMENT_HEAD_RE.fullmatch(line) or _FOOTER_HEAD_RE.fullmatch(line):
                return i
        content += _is_content(line)
    return len(lines)


def _comment_list_start(lines: list[str], form: int) -> int:
    """Start of a numbered comment list ("1. ...", "2. ...") just above a comment form."""
    expected: int | None = None
    gap = 0
    for i in range(form - 1, -1, -1):
        m = _NUMBERED_RE.match(lines[i])
        if not m:
            gap += bool(lines[i])
            if gap > 12:
                return form
            continue
        n, gap = int(m.group(1)), 0
        if expected is not None and n != expected:
            return form
        if n == 1:
            return i
        expected = n - 1
    return form


def _mark_sandwiches(lines: list[str], drop: list[bool]) -> None:
    """Drop the lines between two banner lines that are <= 6 lines apart when they read as an appeal."""
    marked = [i for i, d in enumerate(drop) if d and lines[i]]
    for a, b in zip(marked, marked[1:], strict=False):
        gap = [i for i in range(a + 1, b) if lines[i]]
        if not gap or len(gap) > 6:
            continue
        appeal = sum(bool(_APPEAL_WORDS_RE.search(lines[i])) for i in gap)
        short = len(gap) <= 3 and all(
            len(lines[i]) <= 60 and not _SENTENCE_END_RE.search(lines[i]) for i in gap
        )
        if short or 2 * appeal >= len(gap):
            for i in gap:
                drop[i] = True


def _is_list_like(line: str) -> bool:
    if len(line) <= 100 and _LIST_ITEM_RE.match(line):
        return True
    items = line.split(",")
    return len(items) >= 3 and all(len(item.split()) <= 5 for item in items)


def _mark_tag_lists(lines: list[str], drop: list[bool]) -> None:
    """Drop a "Tags:" heading and the keyword list that follows it."""
    for i, line in enumerate(lines):
        if not _TAGS_HEAD_RE.fullmatch(line):
            continue
        drop[i] = True
        seen_item = False
        for j in range(i + 1, len(lines)):
            if not lines[j]:
                if seen_item:
                    break  # the list is one block: the next block may be a bulleted headline
                continue
            if not _is_list_like(lines[j]):
                break
            drop[j] = seen_item = True


def clean_text(text: str) -> str:
    """Remove page furniture from an article's text, conservatively.

    Dropped: short lines that are navigation, share/follow/cookie prompts,
    membership/subscribe/donate banners, newsletter sign-up fields ("* indicates
    required"), "Skip to content", "Edit post", "This audio is created with AI
    assistance", hashtag and tag lists, tracking ids; appeal paragraphs between
    two banner lines; everything from a comment heading ("Comments", "Leave a
    comment", "Enter comments here:" with the numbered comments above it) or a
    "Legal Disclaimer:" heading onward, once some article text has been seen.
    A long sentence-like line is never dropped for a single word such as
    "subscribe".

    Parameters
    ----------
    text
        Raw article text.

    Returns
    -------
    str
        Text with whitespace normalised (runs of spaces collapsed, lines
        stripped) and paragraph breaks kept as one blank line.
    """
    lines = _normalise(text)
    lines = lines[: _cut_index(lines)]
    drop = [_is_furniture(line) for line in lines]
    _mark_sandwiches(lines, drop)
    _mark_tag_lists(lines, drop)
    kept = "\n".join("" if d else line for line, d in zip(lines, drop, strict=True))
    return _BLANKS_RE.sub("\n\n", kept).strip()


def _guess_title(text: str) -> str | None:
    """First line of the cleaned text (after a dateline) when it looks like a headline."""
    lines = [line for line in text.split("\n", 6)[:6] if line][:2]
    if len(lines) == 2 and len(lines[0]) < 60 and _DATE_RE.search(lines[0]):
        lines = lines[1:]  # skip a dateline above the headline
    line = lines[0].lstrip("•*- ") if lines else ""
    if not line or len(line) > 150 or _SENTENCE_END_RE.search(line):
        return None
    return line


# --------------------------------------------------------------------------- decoding


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f") + b"\x7f"


def _decode(data: bytes) -> str:
    """Decode file bytes: BOM, else UTF-8, else a detected legacy encoding.

    Raises
    ------
    ValueError
        Binary data, or no plausible text encoding (the message is the problem).
    """
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return _check_text(data.decode(codec, errors="replace"))
    if b"\x00" in data:
        raise ValueError("binary file (contains NUL bytes), expected text")
    sample = data[:20000]
    if len(sample) - len(sample.translate(None, _CONTROL_BYTES)) > 0.05 * len(sample):
        raise ValueError("binary file (mostly non-text bytes), expected text")
    try:
        return _check_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes  # noqa: PLC0415 - keep `import geomap` light

    best = from_bytes(data, cp_isolation=_LEGACY_ENCODINGS).best()
    if best is None:
        raise ValueError("not valid UTF-8 and no text encoding detected (tried cp1251, cp1252, latin-1)")
    return _check_text(str(best))


_BAD_CHARS_RE = re.compile("[\ufffd\x00-\x08\x0b\x0e-\x1f]")


def _check_text(text: str) -> str:
    sample = text[:20000]
    if sample and len(_BAD_CHARS_RE.findall(sample)) > 0.05 * len(sample):
        raise ValueError("binary file (mostly non-text bytes), expected text")
    return text


# --------------------------------------------------------------------------- HTML

_BLOCK_TAGS = frozenset(
    "address article blockquote br dd div dl dt figcaption figure h1 h2 h3 h4 h5 h6 hr li main "
    "ol p pre section table td th tr ul".split()
)
_SKIP_TAGS = frozenset(
    "script style noscript template svg math nav footer aside form button iframe select "
    "object embed canvas audio video dialog head".split()
)
_VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())
_SKIP_ROLES = frozenset("navigation banner contentinfo complementary search dialog alert".split())
_SKIP_WORDS = frozenset(
    "comment comments disqus share sharing social newsletter subscribe subscription cookie cookies "
    "consent advert advertisement ads ad promo related sidebar breadcrumb breadcrumbs paywall "
    "donate donation membership".split()
)
_HEAD_TAGS = frozenset("head title meta link style script base noscript template".split())
_NEVER_SKIP = frozenset("html body main article".split())
_META_DATE_KEYS = frozenset(
    "article:published_time og:published_time datepublished date pubdate publishdate publish-date "
    "publish_date dc.date dc.date.issued dcterms.created dcterms.date sailthru.date parsely-pub-date "
    "article.published original-publish-date".split()
)


def _class_skips(value: str) -> bool:
    """True for class/id tokens such as "comments", "share-bar", "article-social" (not "has-comments")."""
    for token in value.lower().split():
        parts = re.split(r"[-_]+", token)
        if parts[0] in _SKIP_WORDS:
            return True
        if (
            len(parts) == 2
            and parts[1] in _SKIP_WORDS
            and parts[0] not in {"has", "with", "no", "is", "show"}
        ):
            return True
    return False


class _Extractor(HTMLParser):
    """Collect visible article text plus title, URL and date metadata from HTML."""

    def __init__(self, *, unclosed: frozenset[int] = frozenset()) -> None:
        super().__init__(convert_charrefs=True)
        self.unclosed = set(unclosed)  # ordinals of start tags whose skipped element never closes
        self._ordinal = 0
        self._skip_start = 0  # ordinal of the start tag that opened the current skipped element
        self._open_tags: list[str] = []  # non-void elements open outside skipped regions
        self.chunks: list[str] = []
        self.meta: dict[str, str] = {}
        self.h1: str | None = None
        self.title_tag: str | None = None
        self._skip: list[str] = []  # tag names whose end closes a skipped element (nested same-name count)
        self._in_article = 0
        self._capture: str | None = None  # "title" / "h1" / "ld" while collecting that text
        self._buf: list[str] = []
        self._pre = 0

    def _should_skip(self, tag: str, attrs: dict[str, str]) -> bool:
        if tag in _SKIP_TAGS or (tag == "header" and not self._in_article):
            return True
        if tag in _NEVER_SKIP:
            return False
        if "hidden" in attrs or attrs.get("aria-hidden") == "true" or attrs.get("role") in _SKIP_ROLES:
            return True
        style = attrs.get("style", "").replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
        return _class_skips(attrs.get("class", "") + " " + attrs.get("id", ""))

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k.lower(): (v or "") for k, v in attrs_list}
        self._collect_meta(tag, attrs)
        if tag == "script" and attrs.get("type", "").lower() == "application/ld+json":
            self._start_capture("ld")
        elif tag == "title" and self.title_tag is None and (not self._skip or self._skip[0] == "head"):
            self._start_capture("title")
        self._ordinal += 1
        if self._skip and self._skip[0] == "head" and tag not in _HEAD_TAGS:
            self._skip.clear()  # <head> ends implicitly at the first body element
        if self._skip:
            if tag == self._skip[-1] and tag not in _VOID_TAGS:
                self._skip.append(tag)
            return
        if tag not in _VOID_TAGS and self._ordinal not in self.unclosed and self._should_skip(tag, attrs):
            self._skip.append(tag)
            self._skip_start = self._ordinal
            return
        self._open(tag)

    def _open(self, tag: str) -> None:
        if tag not in _VOID_TAGS:
            self._open_tags.append(tag)
        if tag in ("article", "main"):
            self._in_article += 1
        if tag == "pre":
            self._pre += 1
        if tag == "h1" and self.h1 is None:
            self._start_capture("h1")
        if tag in _BLOCK_TAGS:
            self.chunks.append("\n" if tag == "br" else "\n\n")

    def handle_endtag(self, tag: str) -> None:
        if self._capture and tag in ("title", "h1", "script"):
            self._end_capture()
        if self._skip:
            if tag == self._skip[-1]:
                self._skip.pop()
                return
            if tag not in self._open_tags:
                return
            self._skip.clear()  # an ancestor closes: the skipped element ended implicitly
        if tag in self._open_tags:
            while self._open_tags.pop() != tag:
                pass
        if tag in ("article", "main") and self._in_article:
            self._in_article -= 1
        if tag == "pre" and self._pre:
            self._pre -= 1
        if tag in _BLOCK_TAGS:
            self.chunks.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._capture:
            self._buf.append(data)
        if self._skip:
            return
        self.chunks.append(data if self._pre else re.sub(r"\s+", " ", data))

    def _start_capture(self, kind: str) -> None:
        self._capture, self._buf = kind, []

    def _end_capture(self) -> None:
        text = "".join(self._buf)
        kind, self._capture, self._buf = self._capture, None, []
        if kind == "ld":
            self._read_json_ld(text)
        elif kind == "title":
            self.title_tag = " ".join(text.split()) or None
        elif kind == "h1":
            self.h1 = " ".join(text.split()) or None

    def _collect_meta(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "meta":
            key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
            content = attrs.get("content", "").strip()
            if key and content:
                self.meta.setdefault(key, content)
        elif tag == "link" and "canonical" in attrs.get("rel", "").lower().split() and attrs.get("href"):
            self.meta.setdefault("canonical", attrs["href"].strip())
        elif tag == "time" and attrs.get("datetime"):
            if "pubdate" in attrs or attrs.get("itemprop", "").lower() == "datepublished":
                self.meta.setdefault("datepublished", attrs["datetime"])
            elif self._in_article:
                self.meta.setdefault("article-time", attrs["datetime"])

    def _read_json_ld(self, text: str) -> None:
        try:
            data = json.loads(text)
        except ValueError:
            return
        stack: list[Any] = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if isinstance(item.get("datePublished"), str):
                    self.meta.setdefault("datepublished", item["datePublished"])
                stack.extend(v for v in item.values() if isinstance(v, (list, dict)))

    def unclosed_skip(self) -> int | None:
        """Ordinal of a skipped non-code element still open at the end of the document."""
        if self._skip and self._skip[0] not in ("script", "style", "head", "template", "noscript"):
            return self._skip_start
        return None

    def published(self) -> str | None:
        """Publication date from meta tags / JSON-LD / ``<time>``."""
        for key in sorted(self.meta):
            if key in _META_DATE_KEYS and (iso := parse_date(self.meta[key])):
                return iso
        value = self.meta.get("article-time")
        return parse_date(value) if value else None


def _feed(raw: str, unclosed: frozenset[int]) -> _Extractor:
    """Parse ``raw``; marked sections html.parser rejects ("<![if !IE]>") are read as text."""
    for attempt in (raw, raw.replace("<![", "&lt;![")):
        parser = _Extractor(unclosed=unclosed)
        try:
            parser.feed(attempt)
            parser.close()
        except AssertionError as exc:  # html.parser's error for bad "<![...": retry once
            error = exc
            continue
        return parser
    raise ValueError(f"malformed HTML ({error})")


def _html_parts(raw: str) -> tuple[str, str | None, str | None, str | None]:
    """Return ``(text, title, url, published)`` from an HTML document."""
    unclosed: frozenset[int] = frozenset()
    for _ in range(5):  # a skipped element left open (<aside> never closed) must not swallow the page
        parser = _feed(raw, unclosed)
        if (ordinal := parser.unclosed_skip()) is None:
            break
        unclosed |= {ordinal}
    text = "".join(parser.chunks)
    title = parser.h1 or parser.meta.get("og:title") or parser.title_tag
    url = parser.meta.get("canonical") or parser.meta.get("og:url")
    return text, title, url, parser.published()


# --------------------------------------------------------------------------- Markdown

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_LINK_RE = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_MD_SUBS = [
    (re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL), ""),
    (re.compile(r"<!--.*?-->", re.DOTALL), ""),
    (re.compile(r"</?[A-Za-z][^>\n]*>"), ""),
    (re.compile(r"^\s*\[[^\]\n]+\]:\s*\S+.*$", re.MULTILINE), ""),
    (re.compile(r"^\s*(?:```|~~~).*$", re.MULTILINE), ""),
    (re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)"), ""),
    (_MD_LINK_RE, r"\1"),
    (re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE), r"\1"),
    (re.compile(r"^\s{0,3}>\s?", re.MULTILINE), ""),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"`([^`\n]*)`"), r"\1"),
    (re.compile(r"^\s*(?:[-*_]\s*){3,}$", re.MULTILINE), ""),
]
_MD_HEADING_RE = re.compile(r"^\s{0,3}#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _front_matter(raw: str) -> tuple[str, dict[str, str]]:
    """Split a YAML-style front matter block (simple ``key: value`` lines) off Markdown."""
    m = _FRONT_MATTER_RE.match(raw)
    if not m:
        return raw, {}
    fields = {}
    for line in m.group(1).split("\n"):
        key, sep, value = line.partition(":")
        if sep and key.strip() and value.strip():
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return raw[m.end() :], fields


def _markdown_parts(raw: str) -> tuple[str, str | None, str | None, str | None]:
    """Return ``(text, title, url, published)`` from a Markdown document."""
    body, fields = _front_matter(raw)
    heading = _MD_HEADING_RE.search(body)
    for pattern, repl in _MD_SUBS:
        body = pattern.sub(repl, body)
    title = fields.get("title") or (_MD_LINK_RE.sub(r"\1", heading.group(1)) if heading else None)
    date = fields.get("date") or fields.get("published")
    return body, title, fields.get("url"), parse_date(date) if date else None


# --------------------------------------------------------------------------- reading


def _fail(where: str, problem: str) -> InputError:
    return InputError(f"{where}: {problem}")


def _max_bytes() -> int:
    value = settings.get("max_article_bytes")
    return value if isinstance(value, int) else int(str(value))


def _read_file_bytes(path: Path) -> bytes:
    """Read a whole file after checking its size against ``settings.max_article_bytes``."""
    limit = _max_bytes()
    try:
        size = path.stat().st_size
        if size > limit:
            raise _fail(str(path), f"file is {size:,} bytes, larger than max_article_bytes ({limit:,})")
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise _fail(str(path), "no such file or directory") from None
    except PermissionError:
        raise _fail(str(path), "permission denied") from None
    except IsADirectoryError:
        raise _fail(str(path), "is a directory") from None
    except OSError as exc:
        raise _fail(str(path), f"cannot read file ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise _fail(str(path), f"file is larger than max_article_bytes ({limit:,})")
    return data


def _decode_or_fail(data: bytes, where: str) -> str:
    try:
        text = _decode(data)
    except ValueError as exc:
        raise _fail(where, str(exc)) from None
    if not text.strip():
        raise _fail(where, "empty file (no text)")
    return text


@dataclass(slots=True)
class _Batch:
    """Per-call state: forced date and the ids already used."""

    date: str | None
    used: set[str]

    def unique_id(self, base: str, hint: str) -> str:
        """``base``, else ``base~hint``, else ``base~hint~N`` — unique within the batch."""
        base = base or "article"
        candidate = base if base not in self.used else f"{base}~{hint}"
        n = 2
        while candidate in self.used:
            candidate, n = f"{base}~{hint}~{n}", n + 1
        self.used.add(candidate)
        return candidate

    def article(
        self,
        raw_text: str,
        *,
        id: str,
        hint: str,
        where: str,
        path: str | None = "",
        title: str | None = None,
        url: str | None = None,
        published: str | None = None,
        date_source: str = "none",
    ) -> Article:
        """Clean the text, resolve the date and build the record (raises if nothing is left)."""
        text = clean_text(raw_text)
        if not text:
            raise _fail(where, "no article text left after removing markup and boilerplate")
        if self.date:
            published, date_source = self.date, "option"
        elif published is None:
            published, date_source = detect_published(text)
        title = title or _guess_title(text)
        title = " ".join(title.split()) if title else None
        path = where if path == "" else path
        return Article(self.unique_id(id, hint), title, text, published, url, path, date_source)


def _hint(path: Path) -> str:
    return path.parent.name or "root"


def _read_document(path: Path, batch: _Batch) -> Article:
    """Read one .txt / .md / .html / .htm file."""
    raw = _decode_or_fail(_read_file_bytes(path), str(path))
    return _document_article(raw, path.suffix.lower(), batch, id=path.stem, hint=_hint(path), where=str(path))


def _document_article(raw: str, suffix: str, batch: _Batch, *, id: str, hint: str, where: str) -> Article:
    if suffix in (".html", ".htm"):
        try:
            text, title, url, published = _html_parts(raw)
        except ValueError as exc:
            raise _fail(where, str(exc)) from None
        source = "html-meta"
    elif suffix == ".md":
        text, title, url, published = _markdown_parts(raw)
        source = "front-matter"
    else:
        text, title, url, published = raw, None, None, None
        source = "none"
    return batch.article(
        text,
        id=id,
        hint=hint,
        where=where,
        title=title,
        url=url,
        published=published,
        date_source=source if published else "none",
    )


def _jsonl_record(line: bytes, where: str, batch: _Batch, hint: str) -> Article:
    """Parse one JSONL line into an Article (raises InputError naming ``where``)."""
    try:
        record = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError:
        raise _fail(where, "line is not valid UTF-8") from None
    except ValueError as exc:
        raise _fail(where, f"invalid JSON ({exc.args[0] if exc.args else exc})") from None
    if not isinstance(record, dict):
        raise _fail(where, f"expected a JSON object, got {type(record).__name__}")
    rid, text = record.get("id"), record.get("text")
    missing = [key for key in ("id", "text") if record.get(key) is None]
    if missing:
        raise _fail(where, f"missing required field {' and '.join(map(repr, missing))}")
    if not isinstance(rid, (str, int)) or isinstance(rid, bool) or not str(rid).strip():
        raise _fail(where, f"'id' must be a non-empty string or integer, got {rid!r:.40}")
    if not isinstance(text, str):
        raise _fail(where, f"'text' must be a string, got {type(text).__name__}")
    return batch.article(
        text,
        id=str(rid).strip(),
        hint=hint,
        where=where,
        title=_opt_str(record, "title", where),
        url=_opt_str(record, "url", where),
        **_jsonl_date(record, where),
    )


def _opt_str(record: dict[str, Any], key: str, where: str) -> str | None:
    value = record.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise _fail(where, f"{key!r} must be a string, got {type(value).__name__}")
    return value.strip()


def _jsonl_date(record: dict[str, Any], where: str) -> dict[str, Any]:
    value = _opt_str(record, "date", where)
    if value is None:
        return {}
    iso = _strict_date(value)
    if iso is None:
        raise _fail(where, f"'date' {value!r:.40} is not a valid YYYY-MM-DD date")
    return {"published": iso, "date_source": "jsonl"}


def _strict_date(value: str) -> str | None:
    """ISO date (optionally followed by a time) -> ``YYYY-MM-DD``; anything else -> None."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?", value.strip())
    return _to_iso(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _read_jsonl(stream: BinaryIO, name: str, batch: _Batch) -> Iterator[Article | InputError]:
    """Yield an Article or an InputError per non-blank line (lines are read with a size cap)."""
    limit = _max_bytes()
    hint = Path(name).stem
    lineno = 0
    while line := stream.readline(limit + 1):
        lineno += 1
        where = f"{name}:{lineno}"
        if len(line) > limit and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield _fail(where, f"line is larger than max_article_bytes ({limit:,})")
            continue
        if not line.strip():
            continue
        try:
            yield _jsonl_record(line, where, batch, f"{hint}-L{lineno}")
        except InputError as exc:
            yield exc


def _jsonl_file(path: Path, batch: _Batch) -> Iterator[Article | InputError]:
    try:
        with path.open("rb") as fh:
            yield from _read_jsonl(fh, str(path), batch)
    except FileNotFoundError:
        yield _fail(str(path), "no such file or directory")
    except PermissionError:
        yield _fail(str(path), "permission denied")
    except IsADirectoryError:
        yield _fail(str(path), "is a directory")


def _sniff_suffix(raw: str) -> str:
    """Guess the format of stdin: ``.jsonl``, ``.html`` or ``.txt``."""
    head = raw.lstrip()[:1000].lower()
    if head.startswith("{"):
        return ".jsonl"
    if head.startswith("<") and re.search(r"<(?:!doctype html|html|body|p|div|article)\b", head):
        return ".html"
    return ".txt"


def _stdin_items(batch: _Batch) -> Iterator[Article | InputError]:
    stream = sys.stdin.buffer
    data = stream.read(_max_bytes() + 1)
    if len(data) > _max_bytes():
        yield _fail("-", f"stdin is larger than max_article_bytes ({_max_bytes():,})")
        return
    try:
        raw = _decode_or_fail(data, "-")
        suffix = _sniff_suffix(raw)
        if suffix == ".jsonl":
            import io  # noqa: PLC0415

            yield from _read_jsonl(io.BytesIO(raw.encode("utf-8")), "-", batch)
            return
        yield _document_article(raw, suffix, batch, id="stdin", hint="stdin", where="-")
    except InputError as exc:
        yield exc


_DOC_FILES = ("README", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE")


def _walk(root: Path) -> Iterator[Path]:
    """Files under ``root`` with a known suffix, recursively, sorted.

    Hidden entries and a folder's own documentation (README*, LICENSE*, CHANGELOG*)
    are skipped: they describe the corpus, they are not articles. Name such a file
    explicitly to read it.
    """
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name.upper().startswith(_DOC_FILES):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(path)
        elif entry.is_file() and path.suffix.lower() in SUFFIXES:
            yield path


def _path_items(path: Path, batch: _Batch) -> Iterator[Article | InputError]:
    if path.is_dir():
        if not os.access(path, os.R_OK | os.X_OK):
            yield _fail(str(path), "permission denied")
            return
        for file in _walk(path):
            yield from _path_items(file, batch)
        return
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        yield from _jsonl_file(path, batch)
        return
    if suffix not in SUFFIXES and path.exists():
        yield _fail(
            str(path), f"unsupported file type {suffix or '(none)'!r}, expected one of {', '.join(SUFFIXES)}"
        )
        return
    try:
        yield _read_document(path, batch)
    except InputError as exc:
        yield exc


def _check_date_option(date: str | None) -> str | None:
    if date is None:
        return None
    iso = _strict_date(date) if isinstance(date, str) and len(date.strip()) == 10 else None
    if iso is None:
        raise InputError(f"date {date!r} is not a valid date, expected YYYY-MM-DD")
    return iso


def read_articles(
    inputs: Iterable[str | os.PathLike[str]],
    *,
    date: str | None = None,
    on_error: Callable[[InputError], None] | None = None,
) -> Iterator[Article]:
    """Read articles from files, directories, JSONL files and stdin.

    Parameters
    ----------
    inputs
        Paths to ``.txt``, ``.md``, ``.html``/``.htm`` or ``.jsonl`` files,
        directories (read recursively in sorted order; hidden entries and other
        suffixes are skipped) or ``"-"`` for stdin (format sniffed: JSONL,
        HTML or plain text).
    date
        ``"YYYY-MM-DD"`` publication date forced on every article
        (``date_source="option"``), overriding detection.
    on_error
        Called with an :class:`~geomap.exc.InputError` for each bad file or
        JSONL line, after which reading continues. ``None``: the error is raised.

    Returns
    -------
    Iterator[Article]
        Articles in input order; ids are unique within the call.

    Raises
    ------
    InputError
        Immediately for an invalid ``date``; during iteration for bad input
        when ``on_error`` is ``None``.
    """
    batch = _Batch(_check_date_option(date), set())
    items: list[str | os.PathLike[str]] = [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs)
    return _iter_articles(items, batch, on_error)


def _iter_articles(
    inputs: list[str | os.PathLike[str]], batch: _Batch, on_error: Callable[[InputError], None] | None
) -> Iterator[Article]:
    for item in inputs:
        items = _stdin_items(batch) if os.fspath(item) == "-" else _path_items(Path(item), batch)
        for result in items:
            if isinstance(result, Article):
                yield result
            elif on_error is None:
                raise result
            else:
                on_error(result)


def article_from_text(
    text: str,
    *,
    id: str = "text",
    title: str | None = None,
    published: str | None = None,
    url: str | None = None,
) -> Article:
    """Build an :class:`Article` from a string, with the same cleaning and date detection.

    Parameters
    ----------
    text
        Article text (plain text; markup is not stripped).
    id, title, url
        Stored as given (``title`` is guessed from the first line when ``None``).
    published
        ``"YYYY-MM-DD"``; when given, ``date_source`` is ``"option"``, else the
        date is detected with :func:`detect_published`.

    Raises
    ------
    InputError
        ``text`` is not a string or empty after cleaning, or ``published`` is invalid.
    """
    if not isinstance(text, str):
        raise InputError(f"{id}: text must be a string, got {type(text).__name__}")
    batch = _Batch(_check_date_option(published), set())
    return batch.article(text, id=id, hint="text", where=id, path=None, title=title, url=url)
