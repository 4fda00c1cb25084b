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

import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from geomap import settings
from geomap.exc import InputError
from geomap.ingest.clean import _guess_title, clean_text
from geomap.ingest.dates import _to_iso, detect_published
from geomap.ingest.html import _html_parts
from geomap.ingest.markdown import _markdown_parts
from geomap.records import Article

__all__ = ["SUFFIXES", "article_from_text", "read_articles"]

#: File suffixes read by :func:`read_articles` (others are skipped inside directories).
SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")

#: Candidate legacy encodings tried when a file is not valid UTF-8.
_LEGACY_ENCODINGS = ["cp1251", "cp1252", "latin_1"]


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
        yield _fail(str(path), f"unsupported file type {suffix or '(none)'!r}, expected one of {', '.join(SUFFIXES)}")
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
