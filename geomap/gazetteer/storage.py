"""The gazetteer's column storage: ``places.npz`` members memory-mapped without copying, numeric and
kind columns read in place, string columns decoded a block of lines at a time, a sorted key index
searched by bisection over block checkpoints."""

from __future__ import annotations

import bisect
import mmap
import sys
import threading
import zipfile
from pathlib import Path

from geomap.exc import GazetteerError

#: Version of the ``places.npz`` layout.
FORMAT_VERSION = 1
#: Feature kinds, in the order of their codes in ``places.npz`` (append only). "feature"
#: is a curated non-settlement place (an island, a bridge, a power plant), "area" a sea
#: or a continent.
KINDS = ("country", "admin1", "admin2", "city", "village", "district", "feature", "area")
#: Arrays every ``places.npz`` must hold (checked at load, before any is needed).
ARRAYS = (
    "lat",
    "lon",
    "population",
    "geonameid",
    "kind",
    "name",
    "country",
    "admin1",
    "exact_keys",
    "exact_offsets",
    "exact_postings",
    "loose_keys",
    "loose_offsets",
    "loose_postings",
    "meta",
)


#: Arrays a ``places.npz`` may hold: line checkpoints of the string blobs (see ``_Lines``).
OPTIONAL_ARRAYS = ("name_blocks", "country_blocks", "admin1_blocks", "exact_blocks", "loose_blocks")


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
                raise GazetteerError(
                    f"{path}: corrupt gazetteer (missing arrays: "
                    f"{', '.join(missing)}); rebuild it with `make gazetteer`"
                )
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            out = {}
            for name in (*ARRAYS, *(k for k in OPTIONAL_ARRAYS if k in infos)):
                info = infos[name]
                view = _mapped_member(mm, info) if info.compress_type == zipfile.ZIP_STORED else None
                if view is None:
                    import numpy as np

                    with zf.open(info) as member:
                        arr = np.lib.format.read_array(member, allow_pickle=False)
                    view = memoryview(np.ascontiguousarray(arr))
                out[name] = view
            return out
    except (OSError, ValueError, TypeError, SyntaxError, zipfile.BadZipFile, EOFError, KeyError) as exc:
        raise GazetteerError(f"{path}: corrupt gazetteer file ({exc}); rebuild it with `make gazetteer`") from exc


#: ``.npy`` dtypes read without NumPy -> :mod:`struct` format of the memory view.
_NPY_FORMATS = {"<f8": "d", "<i8": "q", "<i4": "i", "|i1": "b", "|u1": "B"}


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
    fmt = _NPY_FORMATS.get(header.get("descr")) if isinstance(header, dict) else None
    shape = header.get("shape") if isinstance(header, dict) else None
    if fmt is None or header.get("fortran_order") or not isinstance(shape, tuple) or len(shape) != 1:
        return None
    offset = hstart + hlen
    size = shape[0] * struct.calcsize(fmt)
    if offset + size > end:
        raise ValueError(f"array {info.filename!r} is truncated")
    return memoryview(mm)[offset : offset + size].cast(fmt)


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

    With ``blocks`` (the byte offset of every :data:`BLOCK`-th line, written by the
    builder) nothing is scanned up front: the first read of a line decodes its block of
    64 lines into a list, which later reads index directly. A sorted blob is searched
    by bisecting the blocks' first lines, then the block (UTF-8 byte order is code
    point order, so ``str`` comparison agrees with the blob's order). Without
    ``blocks`` the whole blob is decoded on first use.
    """

    __slots__ = ("_raw", "_n", "_blocks", "_bytes", "_chunks", "_firsts", "_all")

    def __init__(self, raw: memoryview, n: int, blocks: memoryview | None) -> None:
        self._raw = raw
        self._n = n
        self._bytes: bytes | None = None
        self._all: list[str] | None = None
        self._blocks: list[int] | None = None
        self._chunks: list[list[str] | None] = []
        self._firsts: list[str] | None = None
        if blocks is not None:
            self._blocks = blocks.tolist()
            if len(self._blocks) != -(-n // BLOCK) or any(
                not 0 <= b <= len(raw) for b in self._blocks[:1] + self._blocks[-1:]
            ):
                raise ValueError("line checkpoints do not match the strings")
            self._chunks = [None] * len(self._blocks)
        elif self.blob.count(b"\n") + 1 != n:
            raise ValueError("string count does not match the table")

    def __len__(self) -> int:
        return self._n

    @property
    def blob(self) -> bytes:
        if self._bytes is None:
            self._bytes = bytes(self._raw)
        return self._bytes

    def chunk(self, b: int) -> list[str]:
        """The decoded lines of block ``b`` (decoded once, then kept)."""
        lines = self._chunks[b]
        if lines is None:
            blocks = self._blocks
            assert blocks is not None
            blob = self.blob
            end = blocks[b + 1] - 1 if b + 1 < len(blocks) else len(blob)
            lines = blob[blocks[b] : end].decode("utf-8").split("\n")
            if len(lines) != min(BLOCK, self._n - b * BLOCK):
                raise GazetteerError(
                    "corrupt gazetteer (line checkpoints do not match the strings); rebuild with `make gazetteer`"
                )
            self._chunks[b] = lines
        return lines

    def get(self, i: int) -> str:
        """Line ``i`` (0 <= i < n)."""
        if not 0 <= i < self._n:
            raise IndexError(i)
        if self._blocks is None:
            return self.tolist()[i]
        return self.chunk(i >> 6)[i & 63]

    def prepare(self) -> list[str]:
        """The first line of every block (what :meth:`find` bisects), decoded once."""
        if self._firsts is None and self._blocks is not None:
            blob, firsts = self.blob, []
            for start in self._blocks:
                end = blob.find(b"\n", start)
                firsts.append(blob[start : len(blob) if end < 0 else end].decode("utf-8"))
            self._firsts = firsts
        return self._firsts or []

    def find(self, target: str) -> int | None:
        """Position of ``target`` in a sorted blob, or None."""
        if self._blocks is None:
            lines = self.tolist()
            i = bisect.bisect_left(lines, target)
            return i if i < self._n and lines[i] == target else None
        b = bisect.bisect_right(self._firsts or self.prepare(), target) - 1
        if b < 0:
            return None
        lines = self.chunk(b)
        j = bisect.bisect_left(lines, target)
        return b * BLOCK + j if j < len(lines) and lines[j] == target else None

    def tolist(self) -> list[str]:
        if self._all is None:
            self._all = self.blob.decode("utf-8").split("\n")
        return self._all


class _StrColumn:
    """A text column (names, country and admin-1 codes), decoded by blocks on access."""

    __slots__ = ("_lines",)

    def __init__(self, raw: memoryview, n: int, blocks: memoryview | None) -> None:
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
    """Sorted name keys -> posting lists of row ids.

    Answers the first few thousand look-ups by bisecting the decoded key blocks, then
    builds a dict once that pays off (bulk users such as the place matcher's table).
    """

    DICT_AFTER = 20_000

    def __init__(
        self, blob: memoryview, offsets: memoryview, postings: memoryview, blocks: memoryview | None = None
    ) -> None:
        self._lines = _Lines(blob, len(offsets) - 1, blocks)
        self._offsets = offsets
        self._postings = postings
        self._dict: dict[str, int] | None = None
        self._misses = 0
        self._lock = threading.Lock()
        if len(offsets) < 2 or int(offsets[0]) != 0 or int(offsets[-1]) != len(postings):
            raise ValueError("posting offsets do not match the postings")

    def __len__(self) -> int:
        return len(self._lines)

    def keys(self) -> list[str]:
        return self._lines.tolist()

    def _search(self, key: str) -> int | None:
        return self._lines.find(key)

    def prepare(self) -> None:
        self._lines.prepare()

    def position(self, key: str) -> int | None:
        if self._dict is not None:
            return self._dict.get(key)
        self._misses += 1
        if self._misses > self.DICT_AFTER:
            with self._lock:
                if self._dict is None:
                    keys = self.keys()
                    self._dict = dict(zip(keys, range(len(keys))))
            return self._dict.get(key)
        return self._search(key)

    def ids(self, key: str) -> list[int]:
        n = self.position(key)
        if n is None:
            return []
        return self._postings[int(self._offsets[n]) : int(self._offsets[n + 1])].tolist()
