"""The gazetteer's column storage: ``places.npz`` members memory-mapped without copying, numeric and
kind columns read in place, string columns decoded a block of lines at a time, a sorted key index
searched by bisection over block checkpoints."""

from __future__ import annotations

import bisect
import mmap
import sys
import zipfile
from pathlib import Path
from typing import Any

from geomap.exc import GazetteerError

#: Version of the ``places.npz`` layout. Version 2 adds per-row flags and admin-1 unit
#: numbers, the per-posting "current name" marks, each key's no-hint best row and the
#: tables that version 1 derived on first use (admin-1 keys, fuzzy pools, unit tables).
FORMAT_VERSION = 2
#: Feature kinds, in the order of their codes in ``places.npz`` (append only). "feature"
#: is a non-settlement place (an aerodrome, an island, a bridge, a power plant), "area" a
#: sea or a continent.
KINDS = ("country", "admin1", "admin2", "city", "village", "district", "feature", "area")
#: Row flag: a small settlement (no known population, or fewer than
#: :data:`MINOR_POPULATION` people) known only from Who's On First or a postal list, whose
#: name alone is weak evidence of a place in running text.
FLAG_MINOR = 1
#: Row flag: the point is a postal-code list's estimate (GeoNames postal accuracy 1).
FLAG_ESTIMATED = 2
#: Row flag: Who's On First links the place to a Wikidata item (about one Ukrainian
#: settlement in ten): a sign of notability that orders namesake villages of unknown
#: population.
FLAG_NOTABLE = 4
#: Below this population a settlement known only from Who's On First or a postal list is
#: "minor" (:data:`FLAG_MINOR`).
MINOR_POPULATION = 1000
#: Posting mark: the key is (a spelling of) the row's current name, not a historical,
#: foreign or variant alternate.
MARK_CURRENT = 1

#: Arrays every ``places.npz`` holds (checked at load, before any is needed). Text
#: columns are newline-separated UTF-8 blobs with a ``*_blocks`` array of line
#: checkpoints (see :class:`_Lines`).
ARRAYS = (
    # one entry per row
    "lat",
    "lon",
    "population",
    "geonameid",
    "kind",
    "flags",
    "names",
    "unit",
    "name",
    "name_blocks",
    "name_offsets",
    # exact and loose name indexes: sorted keys -> postings (row ids), with a mark per posting
    "exact_keys",
    "exact_blocks",
    "exact_offsets",
    "exact_postings",
    "exact_marks",
    "exact_best",
    "loose_keys",
    "loose_blocks",
    "loose_offsets",
    "loose_postings",
    "loose_marks",
    # admin-1 units ("CC.A1"; countries are "CC."): English name, admin-1 row, most
    # populous place, bounding box of the unit's places (south, west, north, east)
    "units",
    "units_blocks",
    "unit_names",
    "unit_names_blocks",
    "unit_row",
    "unit_centre",
    "unit_bbox",
    # loose keys of every admin-1 unit's names (misspelt region names), with the row
    "a1keys",
    "a1keys_blocks",
    "a1key_rows",
    # loose keys of every populated place, grouped by unit (misspelt place names): the
    # keys of unit u are lines fuzzy_starts[u] .. fuzzy_starts[u + 1] - 1
    "fuzzy_keys",
    "fuzzy_keys_blocks",
    "fuzzy_rows",
    "fuzzy_starts",
    "meta",
)


def _map_npz(path: Path) -> dict[str, memoryview]:
    """The arrays of an (uncompressed) ``.npz`` file as typed views of a memory map:
    nothing is read until it is used, and NumPy is not needed to read them.

    Members are located through the zip directory and their ``.npy`` headers; every
    array in :data:`ARRAYS` must be present and lie inside the file. A member that is
    compressed or of an unexpected type is read with NumPy instead.
    """
    if not path.exists():
        raise GazetteerError(
            f"{path}: gazetteer file not found; rebuild it with `make gazetteer` or set geomap.settings.gazetteer_dir"
        )
    try:
        with path.open("rb") as fh, zipfile.ZipFile(fh) as zf:
            infos = {i.filename.removesuffix(".npy"): i for i in zf.infolist()}
            missing = [k for k in ARRAYS if k not in infos]
            if missing:
                version = _format_of(zf, infos.get("meta"))
                if version is not None and version != FORMAT_VERSION:
                    fix = "rebuild it with `make gazetteer`"
                    raise GazetteerError(f"{path}: gazetteer format {version!r} is not {FORMAT_VERSION}; {fix}")
                raise GazetteerError(
                    f"{path}: corrupt gazetteer (missing arrays: "
                    f"{', '.join(missing)}); rebuild it with `make gazetteer`"
                )
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            out = {}
            for name in ARRAYS:
                info = infos[name]
                view = _mapped_member(mm, info) if info.compress_type == zipfile.ZIP_STORED else None
                if view is None:
                    import numpy as np

                    with zf.open(info) as member:
                        arr = np.lib.format.read_array(member, allow_pickle=False)
                    view = np.ascontiguousarray(arr).data
                out[name] = view
            return out
    except GazetteerError:
        raise
    except (OSError, ValueError, TypeError, SyntaxError, zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise GazetteerError(f"{path}: corrupt gazetteer file ({exc}); rebuild it with `make gazetteer`") from exc


def _format_of(zf: zipfile.ZipFile, meta: zipfile.ZipInfo | None) -> object:
    """The ``format`` recorded in a file's metadata (None when unreadable)."""
    if meta is None:
        return None
    try:
        import json

        import numpy as np

        with zf.open(meta) as member:
            data = json.loads(np.lib.format.read_array(member, allow_pickle=False).tobytes().decode("utf-8"))
        return data.get("format") if isinstance(data, dict) else None
    except (OSError, ValueError, TypeError, UnicodeDecodeError):
        return None


#: ``.npy`` dtypes read without NumPy -> :mod:`struct` format of the memory view.
_NPY_FORMATS = {"<f8": "d", "<f4": "f", "<i8": "q", "<i4": "i", "<u4": "I", "|i1": "b", "|u1": "B"}


def _mapped_member(mm: mmap.mmap, info: zipfile.ZipInfo) -> memoryview | None:
    """One stored 1-D ``.npy`` member as a typed view of ``mm`` (None: use NumPy)."""
    import ast
    import struct

    if sys.byteorder != "little":
        return None
    head = mm[info.header_offset : info.header_offset + 30]
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise ValueError(f"bad zip entry {info.filename!r}")
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    start = info.header_offset + 30 + name_len + extra_len
    end = start + info.file_size
    if end > len(mm):
        raise ValueError(f"zip entry {info.filename!r} runs past the end of the file")
    if mm[start : start + 6] != b"\x93NUMPY":
        raise ValueError(f"{info.filename!r} is not a .npy array")
    major = mm[start + 6]
    if major == 1:
        (hlen,), hstart = struct.unpack("<H", mm[start + 8 : start + 10]), start + 10
    else:
        (hlen,), hstart = struct.unpack("<I", mm[start + 8 : start + 12]), start + 12
    header = ast.literal_eval(mm[hstart : hstart + hlen].decode("latin-1"))
    fmt = _NPY_FORMATS.get(str(header.get("descr"))) if isinstance(header, dict) else None
    shape = header.get("shape") if isinstance(header, dict) else None
    if fmt is None or header.get("fortran_order") or not isinstance(shape, tuple) or len(shape) != 1:
        return None
    offset = hstart + hlen
    size = shape[0] * struct.calcsize(fmt)
    if offset + size > end:
        raise ValueError(f"array {info.filename!r} is truncated")
    view: Any = memoryview(mm)[offset : offset + size]
    return view.cast(fmt)  # one of the formats of _NPY_FORMATS


class _NumColumn:
    """A numeric column: Python numbers per row; :attr:`array` for whole-table work."""

    __slots__ = ("_view", "_list")

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._list: list | None = None

    def __len__(self) -> int:
        return len(self._view)

    def __getitem__(self, i: int):  # noqa: ANN204
        return self._view[i]

    def __iter__(self):  # noqa: ANN204
        return iter(self.tolist())

    @property
    def array(self):  # noqa: ANN201
        """The column as a NumPy array (imports NumPy)."""
        import numpy as np

        return np.asarray(self._view)

    def tolist(self) -> list:
        if self._list is None:
            self._list = self._view.tolist()
        return self._list


class _KindColumn:
    """Feature kind names per row, decoded from their codes on access."""

    __slots__ = ("_codes",)

    def __init__(self, codes: memoryview) -> None:
        self._codes = codes

    def __len__(self) -> int:
        return len(self._codes)

    def __getitem__(self, i: int) -> str:
        return KINDS[self._codes[i]]

    def __iter__(self):  # noqa: ANN204
        return (KINDS[k] for k in self._codes.tolist())


#: Rows per checkpoint in the ``*_blocks`` arrays: the byte offset of every 64th line.
BLOCK = 64


class _Lines:
    """``n`` newline-separated UTF-8 strings in one blob, decoded a block at a time.

    ``blocks`` holds the byte offset of every :data:`BLOCK`-th line (written by the
    builder), so nothing is scanned up front: a read of a line decodes its block of 64
    lines into a list, kept for later reads (at most :data:`KEEP_BLOCKS` blocks are kept;
    then the kept ones are dropped and decoding starts over, which bounds the memory a
    long run of distinct look-ups can take). A sorted blob is searched by bisecting the
    blocks' first lines, then the block (UTF-8 byte order is code point order, so
    ``str`` comparison agrees with the blob's order).
    """

    __slots__ = ("_raw", "_n", "_blocks", "_bytes", "_chunks", "_firsts", "_all")

    #: Decoded blocks kept per blob (64 lines each).
    KEEP_BLOCKS = 1024

    def __init__(self, raw: memoryview, n: int, blocks: memoryview) -> None:
        self._raw = raw
        self._n = n
        self._bytes: bytes | None = None
        self._all: list[str] | None = None
        self._blocks: list[int] = blocks.tolist()
        self._chunks: dict[int, list[str]] = {}
        self._firsts: list[str] | None = None
        if len(self._blocks) != -(-n // BLOCK) or any(
            not 0 <= b <= len(raw) for b in self._blocks[:1] + self._blocks[-1:]
        ):
            raise ValueError("line checkpoints do not match the strings")

    def __len__(self) -> int:
        return self._n

    @property
    def blob(self) -> bytes:
        if self._bytes is None:
            self._bytes = bytes(self._raw)
        return self._bytes

    def chunk(self, b: int) -> list[str]:
        """The decoded lines of block ``b``."""
        lines = self._chunks.get(b)
        if lines is None:
            if self._all is not None:
                return self._all[b * BLOCK : (b + 1) * BLOCK]
            blocks = self._blocks
            blob = self.blob
            end = blocks[b + 1] - 1 if b + 1 < len(blocks) else len(blob)
            lines = blob[blocks[b] : end].decode("utf-8").split("\n")
            if len(lines) != min(BLOCK, self._n - b * BLOCK):
                raise GazetteerError(
                    "corrupt gazetteer (line checkpoints do not match the strings); rebuild with `make gazetteer`"
                )
            if len(self._chunks) >= self.KEEP_BLOCKS:
                self._chunks.clear()
            self._chunks[b] = lines
        return lines

    def get(self, i: int) -> str:
        """Line ``i`` (0 <= i < n)."""
        if not 0 <= i < self._n:
            raise IndexError(i)
        if self._all is not None:
            return self._all[i]
        return self.chunk(i >> 6)[i & 63]

    def slice(self, start: int, stop: int) -> list[str]:
        """Lines ``start`` .. ``stop - 1``, decoded in one piece (not kept)."""
        if not 0 <= start <= stop <= self._n:
            raise IndexError((start, stop))
        if start == stop:
            return []
        if self._all is not None:
            return self._all[start:stop]
        blocks, blob = self._blocks, self.blob
        b0, b1 = start >> 6, (stop - 1) >> 6
        end = blocks[b1 + 1] - 1 if b1 + 1 < len(blocks) else len(blob)
        lines = blob[blocks[b0] : end].decode("utf-8").split("\n")
        if len(lines) != min(self._n, (b1 + 1) * BLOCK) - b0 * BLOCK:
            raise GazetteerError(
                "corrupt gazetteer (line checkpoints do not match the strings); rebuild with `make gazetteer`"
            )
        return lines[start - b0 * BLOCK : stop - b0 * BLOCK]

    def prepare(self) -> list[str]:
        """The first line of every block (what :meth:`find` bisects), decoded once."""
        if self._firsts is None:
            blob, firsts = self.blob, []
            for start in self._blocks:
                end = blob.find(b"\n", start)
                firsts.append(blob[start : len(blob) if end < 0 else end].decode("utf-8"))
            self._firsts = firsts
        return self._firsts

    def find(self, target: str) -> int | None:
        """Position of ``target`` in a sorted blob, or None.

        The block is found by bisecting the blocks' first lines; the line inside it by a
        byte search of the block for the whole line (lines are distinct, so nothing needs
        decoding), its number by counting the newlines before it.
        """
        b = bisect.bisect_right(self._firsts or self.prepare(), target) - 1
        if b < 0:
            return None
        if "\n" in target:
            return None
        blocks, blob = self._blocks, self.blob
        start = blocks[b]
        stop = blocks[b + 1] if b + 1 < len(blocks) else len(blob)  # just past the block's last newline
        line = target.encode("utf-8")
        after = start + len(line)
        if blob.startswith(line, start) and (after == len(blob) or blob[after] == 10):
            return b * BLOCK  # the block's first line
        pos = blob.find(b"\n" + line + b"\n", start, stop)
        if pos < 0:
            last = len(blob) - len(line) - 1  # the blob's last line has no newline after it
            if b + 1 < len(blocks) or last < start or not blob.endswith(b"\n" + line):
                return None
            pos = last
        return b * BLOCK + blob.count(b"\n", start, pos + 1)

    def tolist(self) -> list[str]:
        """Every line (decoded once and kept: for whole-table work)."""
        if self._all is None:
            lines = self.blob.decode("utf-8").split("\n") if self._n else []
            if len(lines) != self._n:
                raise GazetteerError("corrupt gazetteer (string count does not match the table)")
            self._all = lines
            self._chunks.clear()
        return self._all


class _StrColumn:
    """A text column (names), decoded by blocks on access."""

    __slots__ = ("_lines",)

    def __init__(self, raw: memoryview, n: int, blocks: memoryview) -> None:
        self._lines = _Lines(raw, n, blocks)

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, i: int) -> str:
        if i < 0:
            i += len(self._lines)
        return self._lines.get(i)

    def __iter__(self):  # noqa: ANN204
        return iter(self.tolist())

    def tolist(self) -> list[str]:
        return self._lines.tolist()


class _KeyIndex:
    """Sorted name keys -> posting lists of row ids, with a mark per posting.

    A key is found by bisecting the decoded first keys of the blocks, then one block.
    """

    __slots__ = ("_lines", "_offsets", "_postings", "_marks")

    def __init__(
        self, blob: memoryview, offsets: memoryview, postings: memoryview, marks: memoryview, blocks: memoryview
    ) -> None:
        self._lines = _Lines(blob, len(offsets) - 1, blocks)
        self._offsets = offsets
        self._postings = postings
        self._marks = marks
        if len(offsets) < 2 or int(offsets[0]) != 0 or int(offsets[-1]) != len(postings):
            raise ValueError("posting offsets do not match the postings")
        if len(marks) != len(postings):
            raise ValueError("posting marks do not match the postings")

    def __len__(self) -> int:
        return len(self._lines)

    def keys(self) -> list[str]:
        return self._lines.tolist()

    def prepare(self) -> None:
        self._lines.prepare()

    def position(self, key: str) -> int | None:
        return self._lines.find(key)

    def ids(self, key: str) -> list[int]:
        n = self._lines.find(key)
        if n is None:
            return []
        return self._postings[self._offsets[n] : self._offsets[n + 1]].tolist()

    def postings(self, n: int) -> tuple[list[int], list[int]]:
        """``(row ids, marks)`` of key number ``n``."""
        a, b = self._offsets[n], self._offsets[n + 1]
        return self._postings[a:b].tolist(), self._marks[a:b].tolist()
