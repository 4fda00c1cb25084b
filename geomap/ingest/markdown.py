"""Article text, title, URL and date out of Markdown (front matter, headings, links, emphasis).

Every pattern here runs in time linear in the size of the document: no lazy ``.*?`` that
can rescan the rest of a line or file from each of many starting points, no ``\\s`` that
crosses line ends under ``^``/``$``, and character classes that stop at the next opening
delimiter (``[^[\\]\\n]`` rather than ``[^\\]\\n]``). Blocks that need a closing delimiter
(``<script>...</script>``, ``<!--...-->``) are cut by :func:`_cut_blocks`, which finds each
closing delimiter with one ``str.find`` and stops looking once there is none left.
"""

from __future__ import annotations

import itertools
import re

from geomap.ingest.dates import parse_date

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
# link text stops at the next bracket, the target allows one level of parentheses
_LINK_TARGET = r"\((?:[^()\n]|\([^()\n]*\))*\)"
_MD_LINK_RE = re.compile(r"\[([^\[\]\n]+)\]" + _LINK_TARGET)


def _start_re(kinds: frozenset[str]) -> re.Pattern[str]:
    """The openings of the block kinds still looked for ("script", "style", "-->")."""
    tags = sorted(kinds - {"-->"})
    parts = ([rf"<({'|'.join(tags)})\b"] if tags else []) + (["<!--"] if "-->" in kinds else [])
    return re.compile("|".join(parts), re.IGNORECASE)


_BLOCK_KINDS = frozenset({"script", "style", "-->"})
_START_RES = {
    kinds: _start_re(kinds)
    for kinds in (frozenset(c) for n in (1, 2, 3) for c in itertools.combinations(sorted(_BLOCK_KINDS), n))
}
_BLOCK_END_RE = {tag: re.compile(rf"</{tag}\s*>", re.IGNORECASE) for tag in ("script", "style")}
_MD_SUBS = [
    (re.compile(r"</?[A-Za-z][^<>\n]*>"), ""),
    (re.compile(r"^[ \t]*\[[^\[\]\n]+\]:[ \t]*\S.*$", re.MULTILINE), ""),
    (re.compile(r"^[ \t]*(?:```|~~~).*$", re.MULTILINE), ""),
    (re.compile(r"!\[([^\[\]\n]*)\]" + _LINK_TARGET), ""),
    (_MD_LINK_RE, r"\1"),
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.MULTILINE), ""),
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"\*\*(?=\S)([^*\n]+?)(?<=\S)\*\*"), r"\1"),
    (re.compile(r"__(?=\S)([^_\n]+?)(?<=\S)__"), r"\1"),
    (re.compile(r"`([^`\n]*)`"), r"\1"),
    (re.compile(r"^[ \t]*(?:[-*_][ \t]*){3,}$", re.MULTILINE), ""),
]
_BLANK_RUN_RE = re.compile(r"\n(?:[ \t]*\n)+")
_HEADING_RE = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*)$", re.MULTILINE)


def _inline(text: str) -> str:
    """A heading's text without its inline markup (links, emphasis, code)."""
    for pattern, repl in _MD_SUBS[3:5] + _MD_SUBS[6:10]:
        text = pattern.sub(repl, text)
    return text


def _heading_text(line: str) -> str:
    """The text of an ATX heading line without its closing ``#`` run."""
    return line.rstrip(" \t").rstrip("#").rstrip(" \t")


def _cut_blocks(text: str) -> str:
    """Remove ``<script>``/``<style>`` elements and ``<!-- -->`` comments.

    An element or comment that is never closed is left to the tag pattern (the tag
    goes, the rest stays), as before. Each closing delimiter is looked for once per
    opening one, and not at all once it is known to be absent from the rest of the text:
    from then on its openings are not even looked for.
    """
    out: list[str] = []
    pos = search_from = 0
    kinds = set(_BLOCK_KINDS)
    start_re = _START_RES[_BLOCK_KINDS]
    while m := start_re.search(text, search_from):
        kind = (m.group(1) or "-->").lower()
        if kind == "-->":
            end = text.find("-->", m.end())
            end = end + 3 if end >= 0 else -1
        else:
            found = _BLOCK_END_RE[kind].search(text, m.end())
            end = found.end() if found else -1
        if end < 0:  # never closed from here on: stop looking for this kind
            kinds.discard(kind)
            if not kinds:
                break
            start_re = _START_RES[frozenset(kinds)]
            search_from = m.start()
            continue
        out.append(text[pos : m.start()])
        pos = search_from = end
    out.append(text[pos:])
    return "".join(out)


def _front_matter(raw: str) -> tuple[str, dict[str, str]]:
    """Split a YAML-style front matter block (simple ``key: value`` lines) off Markdown or text."""
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
    body = _BLANK_RUN_RE.sub("\n\n", body)  # a run of blank lines is one: fewer line starts to try
    heading = next((h for h in _HEADING_RE.finditer(body) if len(h.group(1)) == 1 and h.group(2).strip()), None)
    body = _cut_blocks(body)
    for pattern, repl in _MD_SUBS:
        body = pattern.sub(repl, body)
    body = _HEADING_RE.sub(lambda h: _heading_text(h.group(2)), body)
    title = fields.get("title") or (_inline(_heading_text(heading.group(2))) if heading else None)
    date = fields.get("date") or fields.get("published")
    return body, title, fields.get("url") or fields.get("source"), parse_date(date) if date else None
