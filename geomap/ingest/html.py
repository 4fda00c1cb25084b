"""Article text, title, URL and date out of an HTML page (one pass of html.parser)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
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
