"""Article text, title, URL and date out of an HTML page.

The page is cut into tokens by :func:`_tokens`, a tokenizer that follows the HTML5 rules
where they matter (an unclosed comment, tag or quoted attribute value runs to the end of
the page; ``<script>``/``<style>`` hold raw text up to their end tag) and looks at every
character a bounded number of times, so the time is linear in the size of the page
whatever it holds (html.parser of Python 3.11 takes quadratic time on runs of ``<a x='``,
``<!--`` or ``<a``). :class:`_Extractor` then walks the tokens once.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html import unescape
from typing import Any

from geomap.ingest.dates import parse_date

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
        if len(parts) == 2 and parts[1] in _SKIP_WORDS and parts[0] not in {"has", "with", "no", "is", "show"}:
            return True
    return False


# --------------------------------------------------------------------------- tokenizer

_RAW_TEXT_TAGS = ("script", "style")  # content is text up to the end tag (as html.parser does)
_TAG_NAME_RE = re.compile(r"[^\s/>]*")
_SIMPLE_START_RE = re.compile(r"<([A-Za-z][^\s/<>\"'=]*)>")  # a start tag without attributes
_SIMPLE_END_RE = re.compile(r"</([A-Za-z][^\s/<>]*)>")
_GAP_RE = re.compile(r"[\s/]*")
_ATTR_NAME_RE = re.compile(r"[^\s/>][^\s/=>]*")
_EQUALS_RE = re.compile(r"\s*=\s*")
_UNQUOTED_RE = re.compile(r"[^\s>]*")
_RAW_END_RE = {tag: re.compile(rf"</{tag}[\s/>]", re.IGNORECASE) for tag in _RAW_TEXT_TAGS}

#: A token: ``("start", name, attrs)``, ``("end", name, None)`` or ``("data", text, None)``; tuples
#: all the way down (no lists), so the garbage collector does not rescan a big page's tokens.
Attrs = tuple[tuple[str, str | None], ...]
Token = tuple[str, str, Attrs | None]


def _span(pattern: re.Pattern[str], raw: str, pos: int) -> tuple[str, int]:
    """What ``pattern`` (which may match the empty string) matches at ``pos``, and where it ends."""
    m = pattern.match(raw, pos)
    return ("", pos) if m is None else (m.group(), m.end())


def _text(raw: str) -> str:
    return unescape(raw) if "&" in raw else raw


def _start_tag(raw: str, i: int) -> tuple[int, str, Attrs, bool] | None:
    """Parse the start tag whose name begins at ``raw[i]``: ``(end, name, attrs, self_closing)``.

    ``None`` when the page ends inside the tag (HTML5: the tag is dropped). Every step
    consumes at least one character and a quoted value is found with one ``str.find``.
    """
    n = len(raw)
    name, j = _span(_TAG_NAME_RE, raw, i)
    name = name.lower()
    attrs: list[tuple[str, str | None]] = []
    while True:
        j = _span(_GAP_RE, raw, j)[1]
        if j >= n:
            return None
        if raw[j] == ">":
            return j + 1, name, tuple(attrs), raw[j - 1] == "/"
        key, j = _span(_ATTR_NAME_RE, raw, j)
        key = key.lower()
        eq = _EQUALS_RE.match(raw, j)
        if eq is None:
            attrs.append((key, None))
            continue
        j = eq.end()
        if j >= n:
            return None
        if raw[j] in "\"'":
            close = raw.find(raw[j], j + 1)
            if close < 0:
                return None
            value, j = raw[j + 1 : close], close + 1
        else:
            value, j = _span(_UNQUOTED_RE, raw, j)
        attrs.append((key, _text(value)))


def _tokens(raw: str) -> list[Token]:
    """The tokens of an HTML page, in linear time (text with character references decoded)."""
    out: list[Token] = []
    data: list[str] = []

    def flush() -> None:
        if data:
            out.append(("data", _text("".join(data)), None))
            data.clear()

    n, i = len(raw), 0
    find, simple_start, simple_end = raw.find, _SIMPLE_START_RE.match, _SIMPLE_END_RE.match
    while i < n:
        lt = find("<", i)
        if lt < 0:
            data.append(raw[i:])
            break
        if lt > i:
            data.append(raw[i:lt])
        if m := simple_end(raw, lt):  # "</div>", "<p>": most tags, without the attribute loop
            if data:
                flush()
            out.append(("end", m.group(1).lower(), None))
            i = m.end()
            continue
        if m := simple_start(raw, lt):
            if data:
                flush()
            i = m.end()
            name = m.group(1).lower()
            out.append(("start", name, ()))
            if name in _RAW_END_RE:
                found = _RAW_END_RE[name].search(raw, i)
                stop = found.start() if found else n
                if stop > i:
                    out.append(("data", raw[i:stop], None))
                i = stop
            continue
        nxt = raw[lt + 1 : lt + 2]
        if nxt.isalpha():
            tag = _start_tag(raw, lt + 1)
            if tag is None:
                break  # the page ends inside a tag
            i, name, attrs, self_closing = tag
            flush()
            out.append(("start", name, attrs))
            if self_closing and name not in _VOID_TAGS:  # "<br/>" is "<br>", "<div/>" opens and closes
                out.append(("end", name, None))
            elif name in _RAW_END_RE:
                found = _RAW_END_RE[name].search(raw, i)
                stop = found.start() if found else n
                if stop > i:
                    out.append(("data", raw[i:stop], None))
                i = stop
            continue
        if nxt == "/":
            if raw[lt + 2 : lt + 3].isalpha():
                name, end = _span(_TAG_NAME_RE, raw, lt + 2)
                close = raw.find(">", end)
                if close < 0:
                    break
                flush()
                out.append(("end", name.lower(), None))
                i = close + 1
                continue
            close = raw.find(">", lt + 2)  # "</>" or a bogus comment such as "</ 3>"
        elif raw.startswith("<!--", lt):
            if raw.startswith(">", lt + 4) or raw.startswith("->", lt + 4):  # "<!-->", "<!--->"
                close = raw.find(">", lt + 4)
            else:
                close = raw.find("-->", lt + 4)
                close = close + 2 if close >= 0 else close
        elif nxt in ("!", "?"):  # doctype, "<![CDATA[", "<![if !IE]>", processing instruction
            close = raw.find(">", lt + 2)
        else:
            data.append("<")
            i = lt + 1
            continue
        if close < 0:
            break  # an unclosed comment runs to the end of the page
        flush()
        i = close + 1
    flush()
    return out


_NO_ATTRS: dict[str, str] = {}


class _Extractor:
    """Collect visible article text plus title, URL and date metadata from HTML tokens."""

    def __init__(self, *, unclosed: frozenset[int] = frozenset()) -> None:
        self.unclosed = set(unclosed)  # ordinals of start tags whose skipped element never closes
        self._ordinal = 0
        self._skip_start = 0  # ordinal of the start tag that opened the current skipped element
        self._open_tags: list[str] = []  # non-void elements open outside skipped regions
        self._open_count: Counter[str] = Counter()  # how many of each name are in _open_tags
        self.chunks: list[str] = []
        self.meta: dict[str, str] = {}
        self.h1: str | None = None
        self.title_tag: str | None = None
        self._skip: list[str] = []  # tag names whose end closes a skipped element (nested same-name count)
        self._in_article = 0
        self._capture: str | None = None  # "title" / "h1" / "ld" while collecting that text
        self._buf: list[str] = []
        self._pre = 0

    def run(self, tokens: list[Token]) -> _Extractor:
        """Walk the tokens once; returns ``self``."""
        for kind, value, attrs in tokens:
            if kind == "data":
                self.handle_data(value)
            elif kind == "start":
                self.handle_starttag(value, attrs or ())
            else:
                self.handle_endtag(value)
        return self

    def _should_skip(self, tag: str, attrs: dict[str, str]) -> bool:
        if tag in _SKIP_TAGS or (tag == "header" and not self._in_article):
            return True
        if not attrs or tag in _NEVER_SKIP:
            return False
        if "hidden" in attrs or attrs.get("aria-hidden") == "true" or attrs.get("role") in _SKIP_ROLES:
            return True
        style = attrs.get("style", "").replace(" ", "").lower()
        if "display:none" in style or "visibility:hidden" in style:
            return True
        return _class_skips(attrs.get("class", "") + " " + attrs.get("id", ""))

    def handle_starttag(self, tag: str, attrs_list: Attrs) -> None:
        attrs = {k: (v or "") for k, v in attrs_list} if attrs_list else _NO_ATTRS
        if attrs:
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
            self._open_count[tag] += 1
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
            if not self._open_count[tag]:
                return
            self._skip.clear()  # an ancestor closes: the skipped element ended implicitly
        if self._open_count[tag]:  # a count, not a search of the stack: stray end tags cost O(1)
            while (closed := self._open_tags.pop()) != tag:
                self._open_count[closed] -= 1
            self._open_count[tag] -= 1
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


def _html_parts(raw: str) -> tuple[str, str | None, str | None, str | None]:
    """Return ``(text, title, url, published)`` from an HTML document."""
    tokens = _tokens(raw)
    unclosed: frozenset[int] = frozenset()
    for _ in range(5):  # a skipped element left open (<aside> never closed) must not swallow the page
        parser = _Extractor(unclosed=unclosed).run(tokens)
        if (ordinal := parser.unclosed_skip()) is None:
            break
        unclosed |= {ordinal}
    text = "".join(parser.chunks)
    title = parser.h1 or parser.meta.get("og:title") or parser.title_tag
    url = parser.meta.get("canonical") or parser.meta.get("og:url")
    return text, title, url, parser.published()
