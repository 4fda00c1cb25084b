"""Page furniture out of article text: menus, appeals, comment lists, tag lists; headline guess."""

from __future__ import annotations

import re
import unicodedata

from geomap.ingest.dates import _DATE_RE, _SENTENCE_END_RE

_INVISIBLE_RE = re.compile("[\u00ad\u200b-\u200d\u2060\ufeff]")
# Lone surrogates (valid in JSON as "\\ud800", in file names as undecodable bytes) cannot be
# written as UTF-8 by any exporter or SQLite: they become U+FFFD. Noncharacters go.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_NONCHAR_RE = re.compile("[\ufdd0-\ufdef\ufffe\uffff]")
# In a one-line field: every control character, line and paragraph separator.
_FIELD_SPACE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\\s]+")
_SPACE_CHARS = "\t\f\v\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
# Runs of two or more spaces, or any other horizontal white space (single spaces are left alone: fast).
_SPACES_RE = re.compile(f"[{_SPACE_CHARS}][ {_SPACE_CHARS}]*| [ {_SPACE_CHARS}]+")
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BLANKS_RE = re.compile(r"\n{3,}")
_BLANK_RUN_RE = re.compile(r"\n(?: *\n)+")  # one or more blank lines (after spaces are collapsed)

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


def valid_text(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD and noncharacters (U+FFFE ...) removed.

    Every string an :class:`~geomap.records.Article` holds passes through here, so any
    exporter, the event store and the map can encode it as UTF-8.
    """
    if text.isascii():
        return text
    return _NONCHAR_RE.sub("", _SURROGATE_RE.sub("\ufffd", text))


def clean_field(value: str) -> str:
    """A one-line field (id, title, URL, date): :func:`valid_text`, control characters and
    line breaks turned into single spaces, the ends stripped."""
    return _FIELD_SPACE_RE.sub(" ", valid_text(value)).strip()


def _normalise(text: str) -> list[str]:
    """NFC, invisible characters removed, spaces collapsed, lines stripped."""
    text = unicodedata.normalize("NFC", valid_text(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _SPACES_RE.sub(" ", _CONTROL_RE.sub("", _INVISIBLE_RE.sub("", text)))
    # a run of blank lines is one blank line: the same output (runs collapse at the end anyway),
    # and a page of thousands of empty block elements costs no more than its text
    text = _BLANK_RUN_RE.sub("\n\n", text)
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
        short = len(gap) <= 3 and all(len(lines[i]) <= 60 and not _SENTENCE_END_RE.search(lines[i]) for i in gap)
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
