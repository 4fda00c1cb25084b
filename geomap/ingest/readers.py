"""Read news articles from files, directories, JSONL and stdin into :class:`Article` records.

This is the first pipeline stage: it knows nothing about NLP. It decodes bytes
(UTF-8, else cp1251/cp1252/latin-1 detected with charset-normalizer), strips
HTML and Markdown markup, drops boilerplate lines (:func:`clean_text`) and finds
the publication date stated in the page (:func:`detect_published`).

Every character offset computed by later stages indexes into ``Article.text``.

Bad input never produces a traceback: each unreadable file or JSONL line becomes
one :class:`~geomap.exc.InputError` whose message is ``"<path>[:line]: <problem>"``,
passed to ``on_error`` (the rest of the batch is still read) or raised.

Hostile input is bounded: a file larger than ``settings.max_article_bytes`` is not read,
an article whose text is longer than ``settings.max_article_chars`` (what the NLP takes)
is refused, the markup is taken out in linear time, every string field is valid Unicode
(lone surrogates become U+FFFD, one-line fields lose control characters), only regular
files are opened (a FIFO named as an input is refused, never waited on), and loops of
symbolic links or unreadable folders are reported, one line each.
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from geomap import settings
from geomap.exc import InputError
from geomap.ingest.clean import _guess_title, clean_field, clean_text, valid_text
from geomap.ingest.dates import _to_iso, detect_published, parse_date
from geomap.ingest.html import _html_parts
from geomap.ingest.markdown import _FRONT_MATTER_RE, _front_matter, _markdown_parts
from geomap.records import Article

__all__ = [
    "SUFFIXES",
    "article_from_text",
    "check_date_option",
    "decode_lines",
    "read_articles",
    "reads_path",
    "shown_path",
]

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


_LINE_END_RE = re.compile(r"\r\n|\r|\n")
_LINE_END_BYTES_RE = re.compile(rb"\r\n|\r|\n")


# What a list of places in this part of the world is written in: ASCII, Latin, Cyrillic, punctuation.
_LIST_TEXT_RE = re.compile("[\t\n\r\x20-\x7e\u00a0-\u024f\u0400-\u052f\u2000-\u206f]")


def _utf16_without_bom(data: bytes) -> str | None:
    """``data`` decoded as UTF-16 (LE or BE) when its NUL bytes sit at one parity and it then
    reads as Latin or Cyrillic text; else None."""
    sample = data[:4000]
    if b"\x00" not in sample or len(data) % 2:
        return None
    zeros_even, zeros_odd = sample[0::2].count(0), sample[1::2].count(0)
    codec = "utf-16-le" if zeros_even == 0 else "utf-16-be" if zeros_odd == 0 else None
    if codec is None:
        return None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None
    head = text[:2000]
    return text if len(_LIST_TEXT_RE.findall(head)) >= 0.95 * len(head) else None


def decode_lines(data: bytes) -> list[str]:
    """The lines of a list of short entries (e.g. place names, one a line), decoded leniently.

    A BOM (UTF-8, UTF-16) or UTF-16 without one decides; else UTF-8 when the whole
    file is UTF-8; else, when no line is UTF-8, the legacy encoding detected as for
    articles (cp1251, cp1252, latin-1); else each line on its own, UTF-8 with U+FFFD
    for undecodable bytes. Only ``\\n``, ``\\r\\n`` and ``\\r`` end a line; a trailing
    line end gives no empty last line. Never raises.
    """
    text: str | None = None
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            text = data.decode(codec, errors="replace")
            break
    else:
        if (utf16 := _utf16_without_bom(data)) is not None:
            text = utf16
        else:
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = _legacy_text(data)
    if text is not None:
        lines = _LINE_END_RE.split(text)
    else:
        lines = [raw.decode("utf-8", errors="replace") for raw in _LINE_END_BYTES_RE.split(data)]
    if lines and lines[-1] == "":
        lines.pop()
    return [valid_text(line) for line in lines]


def _legacy_text(data: bytes) -> str | None:
    """The whole of ``data`` in a legacy encoding, when no line of it is UTF-8 (else None)."""
    if b"\x00" in data:
        return None
    for raw in data.splitlines():
        if not raw.isascii():
            try:
                raw.decode("utf-8")
                return None  # a UTF-8 line among others: decode line by line
            except UnicodeDecodeError:
                continue
    from charset_normalizer import from_bytes  # noqa: PLC0415 - keep `import geomap` light

    best = from_bytes(data, cp_isolation=_LEGACY_ENCODINGS).best()
    return None if best is None else str(best)


# --------------------------------------------------------------------------- reading


def _fail(where: str, problem: str) -> InputError:
    return InputError(f"{where}: {problem}")


def shown_path(path: str | os.PathLike[str]) -> str:
    """A file name as text that any output can hold: bytes that are not UTF-8 (kept by
    Python as lone surrogates) are shown as ``\\xNN``. Control characters are left to the
    printer (the CLI escapes them)."""
    text = os.fspath(path)
    if text.isascii():
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _max_bytes() -> int:
    return settings.get_int("max_article_bytes")


def _max_chars() -> int:
    return settings.get_int("max_article_chars")


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    """What a non-regular, non-directory file is, in words."""
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _os_problem(exc: OSError) -> str:
    """The one-line problem for an OSError met while opening or listing a path."""
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (too many levels of symbolic links)"
    return f"cannot read ({exc.strerror or exc})"


def _open_regular(path: Path, where: str) -> BinaryIO:
    """Open ``path`` for reading only if it is a regular file.

    The open does not block (``O_NONBLOCK``), so a FIFO or a device named as an input is
    refused at once instead of waiting forever for a writer.

    Raises
    ------
    InputError
        Missing, unreadable, a directory, a loop of symbolic links, or not a regular file.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _fail(where, _os_problem(exc)) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise _fail(where, "is a directory")
        if not stat.S_ISREG(mode):
            raise _fail(where, f"is {_kind(mode)}, not a regular file: refused")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_file_bytes(path: Path, where: str) -> bytes:
    """Read a whole regular file after checking its size against ``settings.max_article_bytes``."""
    limit = _max_bytes()
    with _open_regular(path, where) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > limit:
            raise _fail(where, f"file is {size:,} bytes, larger than max_article_bytes ({limit:,})")
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise _fail(where, _os_problem(exc)) from None
    if len(data) > limit:
        raise _fail(where, f"file is larger than max_article_bytes ({limit:,})")
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
        base = clean_field(base) or "article"
        hint = clean_field(hint) or "root"
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
        """Clean the text, resolve the date and build the record.

        Every string field is valid Unicode (:func:`~geomap.ingest.clean.valid_text`);
        raises when no text is left or the text is longer than ``max_article_chars``.
        """
        text = clean_text(raw_text)
        if not text:
            raise _fail(where, "no article text left after removing markup and boilerplate")
        limit = _max_chars()
        if len(text) > limit:
            raise _fail(
                where,
                f"article text is {len(text):,} characters, longer than max_article_chars ({limit:,}): split it",
            )
        if self.date:
            published, date_source = self.date, "option"
        elif published is None:
            published, date_source = detect_published(text)
        title = clean_field(title) if title else _guess_title(text)
        url = clean_field(url) if url else None
        path = where if path == "" else path
        return Article(
            self.unique_id(id, hint),
            title or None,
            text,
            published,
            url or None,
            path and valid_text(path),
            date_source,
            source_text=None if raw_text == text else valid_text(raw_text),
        )


def _hint(path: Path) -> str:
    return shown_path(path.parent.name) or "root"


# A geomap map page (geomap/map/render.py writes this comment into the <head>): a map written
# into an input folder is not read back as an article on the next run.
_MAP_MARKER = b"<!-- Made with geomap."


def _read_document(path: Path, batch: _Batch, *, in_folder: bool = False) -> Article | None:
    """Read one .txt / .md / .html / .htm file (``None``: a geomap map met in a folder, skipped)."""
    where = shown_path(path)
    data = _read_file_bytes(path, where)
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm") and _MAP_MARKER in data[:65536]:
        if in_folder:
            return None
        raise _fail(where, "is a map written by geomap, not an article")
    raw = _decode_or_fail(data, where)
    return _document_article(raw, suffix, batch, id=shown_path(path.stem), hint=_hint(path), where=where)


# "URL: https://..." on a line of its own near the top or the end of a .txt/.md article.
_URL_LINE_RE = re.compile(r"^[ \t]*(?:source[ \t]+)?url[ \t]*:[ \t]*(https?://\S+)[ \t]*$", re.IGNORECASE)
_URL_LINE_HEAD, _URL_LINE_TAIL = 10, 5


def _url_line(raw: str) -> tuple[str, str | None]:
    """Take a ``URL: https://...`` line out of the first 10 or last 5 non-blank lines."""
    lines = raw.split("\n")
    filled = [i for i, line in enumerate(lines[:200]) if line.strip()][:_URL_LINE_HEAD]
    tail = [i for i in range(len(lines) - 1, max(len(lines) - 200, -1), -1) if lines[i].strip()][:_URL_LINE_TAIL]
    for i in filled + tail:
        if m := _URL_LINE_RE.match(lines[i].rstrip("\r")):
            return "\n".join(lines[:i] + lines[i + 1 :]), m.group(1)
    return raw, None


_FIELD_LINE_RE = re.compile(r"[ \t]*[A-Za-z][\w \t.-]{0,40}:.*|[ \t]*")


def _text_parts(raw: str) -> tuple[str, str | None, str | None, str | None]:
    """``(text, title, url, published)`` of a plain-text article: an optional front matter
    block (``title:``, ``url:``, ``date:`` between ``---`` lines, as in Markdown). A block
    with a line that is not ``key: value`` is article text between two rules, and is kept."""
    m = _FRONT_MATTER_RE.match(raw)
    if m is None or not all(_FIELD_LINE_RE.fullmatch(line) for line in m.group(1).split("\n")):
        return raw, None, None, None
    body, fields = _front_matter(raw)
    date = fields.get("date") or fields.get("published")
    return body, fields.get("title"), fields.get("url") or fields.get("source"), parse_date(date) if date else None


def _document_article(raw: str, suffix: str, batch: _Batch, *, id: str, hint: str, where: str) -> Article:
    if suffix in (".html", ".htm"):
        try:
            text, title, url, published = _html_parts(raw)
        except ValueError as exc:
            raise _fail(where, str(exc)) from None
        source = "html-meta"
    else:
        text, title, url, published = (_markdown_parts if suffix == ".md" else _text_parts)(raw)
        source = "front-matter"
        if url is None:
            text, url = _url_line(text)
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
    if not isinstance(rid, (str, int)) or isinstance(rid, bool) or not clean_field(str(rid)):
        raise _fail(where, f"'id' must be a non-empty string or integer, got {clean_field(repr(rid))[:40]}")
    if not isinstance(text, str):
        raise _fail(where, f"'text' must be a string, got {type(text).__name__}")
    return batch.article(
        text,
        id=clean_field(str(rid)),
        hint=hint,
        where=where,
        title=_opt_str(record, "title", where),
        url=_opt_str(record, "url", where),
        **_jsonl_date(record, where),
    )


def _opt_str(record: dict[str, Any], key: str, where: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(where, f"{key!r} must be a string, got {type(value).__name__}")
    return clean_field(value) or None


def _jsonl_date(record: dict[str, Any], where: str) -> dict[str, Any]:
    value = _opt_str(record, "date", where)
    if value is None:
        return {}
    iso = _strict_date(value)
    if iso is None:
        raise _fail(where, f"'date' {value[:40]!r} is not a valid YYYY-MM-DD date")
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
    where = shown_path(path)
    try:
        fh = _open_regular(path, where)
    except InputError as exc:
        yield exc
        return
    with fh:
        try:
            yield from _read_jsonl(fh, where, batch)
        except OSError as exc:
            yield _fail(where, _os_problem(exc))


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
            yield from _read_jsonl(io.BytesIO(raw.encode("utf-8")), "-", batch)
            return
        yield _document_article(raw, suffix, batch, id="stdin", hint="stdin", where="-")
    except InputError as exc:
        yield exc


_DOC_FILES = ("README", "LICENSE", "LICENCE", "CHANGELOG", "NOTICE")


def _skipped_name(name: str) -> bool:
    """Hidden entries and a folder's own documentation are not read inside folders."""
    return name.startswith(".") or name.upper().startswith(_DOC_FILES)


def _walk(root: Path, seen: set[tuple[int, int]]) -> Iterator[Path | InputError]:
    """Files under ``root`` with a known suffix, recursively, sorted; problems as InputErrors.

    Hidden entries and a folder's own documentation (README*, LICENSE*, CHANGELOG*)
    are skipped: they describe the corpus, they are not articles. Name such a file
    explicitly to read it. Symbolic links to folders are followed once: a folder met
    again (a link to an ancestor) is reported as a loop, as is a link that points to
    itself; an unreadable folder is reported; both are then passed over. A FIFO, device
    or socket with an article suffix is reported and never opened.
    """
    where = shown_path(root)
    try:
        st = root.stat()
        if (st.st_dev, st.st_ino) in seen:
            yield _fail(where, "symbolic link loop (folder already read), skipped")
            return
        seen.add((st.st_dev, st.st_ino))
        with os.scandir(root) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        yield _fail(where, f"{_os_problem(exc)}, folder skipped")
        return
    for entry in entries:
        if _skipped_name(entry.name):
            continue
        path = Path(entry.path)
        suffix = path.suffix.lower()
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
            exists = is_dir or is_file or os.path.exists(path)
        except OSError as exc:
            yield _fail(shown_path(path), f"{_os_problem(exc)}, skipped")
            continue
        if is_dir:
            yield from _walk(path, seen)
        elif suffix not in SUFFIXES:
            continue
        elif is_file:
            yield path
        elif not exists:
            yield _fail(shown_path(path), "broken symbolic link, skipped")
        else:
            yield _fail(shown_path(path), f"is {_kind(os.stat(path).st_mode)}, not a regular file: skipped")


def _path_items(path: Path, batch: _Batch, *, in_folder: bool = False) -> Iterator[Article | InputError]:
    where = shown_path(path)
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and path.is_symlink():
            yield _fail(where, "broken symbolic link")
        else:
            yield _fail(where, _os_problem(exc))
        return
    if stat.S_ISDIR(mode):
        if not os.access(path, os.R_OK | os.X_OK):
            yield _fail(where, "permission denied")
            return
        for item in _walk(path, set()):
            if isinstance(item, InputError):
                yield item
            else:
                yield from _path_items(item, batch, in_folder=True)
        return
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES and stat.S_ISREG(mode):
        yield _fail(where, f"unsupported file type {suffix or '(none)'!r}, expected one of {', '.join(SUFFIXES)}")
        return
    if suffix == ".jsonl":
        yield from _jsonl_file(path, batch)
        return
    try:
        article = _read_document(path, batch, in_folder=in_folder)
    except InputError as exc:
        yield exc
        return
    if article is not None:
        yield article


def reads_path(inputs: Iterable[str | os.PathLike[str]], path: str | os.PathLike[str]) -> bool:
    """Whether reading ``inputs`` would read the existing file ``path`` as an article.

    True when ``path`` is one of the inputs, or a file that a folder among them
    holds and :func:`read_articles` would read (its suffix, not hidden, not a folder's
    README, not a map geomap wrote). The API and the CLI use it to never write an
    output onto an input.
    """
    target = Path(path)
    try:
        if not target.exists():
            return False
        real = target.resolve()
    except OSError:
        return False
    for item in inputs:
        if os.fspath(item) == "-":
            continue
        source = Path(item)
        try:
            if source.exists() and os.path.samefile(source, target):
                return True
            if not source.is_dir():
                continue
            rel = real.relative_to(source.resolve())
        except (OSError, ValueError):
            continue
        if any(_skipped_name(part) for part in rel.parts) or real.suffix.lower() not in SUFFIXES:
            continue
        if real.suffix.lower() in (".html", ".htm") and _is_geomap_map(real):
            continue
        return True
    return False


def _is_geomap_map(path: Path) -> bool:
    try:
        with _open_regular(path, shown_path(path)) as fh:
            return _MAP_MARKER in fh.read(65536)
    except (InputError, OSError):
        return False


def check_date_option(date: str | None, what: str = "date") -> str | None:
    """A ``YYYY-MM-DD`` option (``--date``, ``--since``, ``--until``) checked; ``None`` stays None.

    Raises
    ------
    InputError
        Not a real calendar date written ``YYYY-MM-DD`` ("yesterday", "2024-02-30").
    """
    if date is None:
        return None
    iso = _strict_date(date) if isinstance(date, str) and len(date.strip()) == 10 else None
    if iso is None:
        shown = clean_field(repr(date))[:60]
        raise InputError(f"{what} {shown} is not a valid date, expected YYYY-MM-DD")
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
    batch = _Batch(check_date_option(date), set())
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
    batch = _Batch(check_date_option(published, "published"), set())
    return batch.article(text, id=id, hint="text", where=id, path=None, title=title, url=url)
