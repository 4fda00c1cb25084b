"""Article text, title, URL and date out of Markdown (front matter, headings, links, emphasis)."""

from __future__ import annotations

import re

from geomap.ingest.dates import parse_date

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
