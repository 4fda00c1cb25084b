"""Offsets into the text as given: map positions in the cleaned ``Article.text`` back to the
text an article was read from (the JSONL ``text`` field, a file's characters).

Ingest cleans a text line by line (:func:`geomap.ingest.clean.clean_text`): it normalises
Unicode (NFC), removes invisible and control characters, collapses runs of spaces, strips the
lines, drops page-furniture lines and squeezes blank lines. Every character kept therefore
comes from a source line, in order. :class:`OffsetMap` finds, for each cleaned line, the next
source line that cleans to it, then aligns the two character by character; a position that
cannot be aligned (a text cleaned by other rules, an HTML page) maps to None.

>>> m = OffsetMap("  Drones  hit\\u200b Kyiv.\\n\\nShare\\n", "Drones hit Kyiv.")
>>> m.source_span(11, 15)
(15, 19)
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import replace

from geomap.records import Mention

__all__ = ["OffsetMap", "source_mentions"]

_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_END_RE = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


def _clean_line(line: str) -> str:
    """A source line as the cleaner writes it (NFC, no invisible characters, spaces collapsed)."""
    line = unicodedata.normalize("NFC", line)
    line = "".join(c for c in line if c not in _INVISIBLE)
    line = _CONTROL_RE.sub("", line.replace("\t", " "))
    return " ".join(line.split())


class OffsetMap:
    """Positions of ``cleaned`` (a cleaned text) in ``source`` (the text it was cleaned from)."""

    def __init__(self, source: str, cleaned: str) -> None:
        self._starts: list[int] = []  # cleaned position of each cleaned line
        self._maps: list[tuple[list[int], list[int]] | None] = []  # per line: starts, ends in the source
        lines = _line_spans(source)
        k = 0
        pos = 0
        for cline in cleaned.split("\n"):
            self._starts.append(pos)
            pos += len(cline) + 1
            if not cline:
                self._maps.append(([], []))
                continue
            found = None
            while k < len(lines):
                a, b = lines[k]
                k += 1
                if _clean_line(source[a:b]) == cline:
                    found = (a, b)
                    break
            self._maps.append(None if found is None else _align(source, found[0], found[1], cline))

    def _char(self, offset: int) -> tuple[int, int] | None:
        """Source ``(start, end)`` of the cleaned character at ``offset``."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            return None
        cmap = self._maps[i]
        col = offset - self._starts[i]
        if cmap is None or col >= len(cmap[0]):
            return None
        return cmap[0][col], cmap[1][col]

    def source_offset(self, offset: int) -> int | None:
        """The source position of the cleaned character at ``offset`` (None: not aligned)."""
        got = self._char(offset)
        return None if got is None else got[0]

    def source_span(self, start: int, end: int) -> tuple[int, int] | None:
        """The source span of the cleaned span ``start:end`` (None: not aligned)."""
        if end <= start:
            return None
        a, b = self._char(start), self._char(end - 1)
        if a is None or b is None:
            return None
        return a[0], b[1]


def _line_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line of ``text`` (any line break)."""
    out = []
    pos = 0
    for m in _LINE_END_RE.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def _align(source: str, a: int, b: int, cline: str) -> tuple[list[int], list[int]] | None:
    """Source start and end of every character of ``cline`` within ``source[a:b]``."""
    starts: list[int] = []
    ends: list[int] = []
    j = a
    for c in cline:
        if c == " ":
            while j < b and not source[j].isspace():
                j += 1
            if j >= b:
                return None
            starts.append(j)
            while j < b and (source[j].isspace() or source[j] in _INVISIBLE):
                j += 1
            ends.append(j)
            continue
        width = 1
        while j < b and source[j] != c:
            if unicodedata.normalize("NFC", source[j : j + 2]) == c:  # a decomposed character
                width = 2
                break
            j += 1
        if j >= b:
            return None
        starts.append(j)
        ends.append(j + width)
        j += width
    return starts, ends


def source_mentions(mentions: list[Mention], source: str, cleaned: str) -> list[Mention]:
    """``mentions`` (offsets into ``cleaned``) with offsets into ``source``; a mention that
    cannot be aligned keeps its offsets."""
    omap = OffsetMap(source, cleaned)
    out = []
    for m in mentions:
        span = omap.source_span(m.start, m.end)
        if span is None:
            out.append(m)
            continue
        lead = len(m.sentence) - len(m.sentence.lstrip())
        tail = len(m.sentence) - len(m.sentence.rstrip())
        sent = omap.source_span(m.sent_start + lead, m.sent_end - tail)
        s0, s1 = sent if sent is not None else span
        out.append(replace(m, start=span[0], end=span[1], sent_start=s0, sent_end=s1))
    return out
