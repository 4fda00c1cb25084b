"""The place-name table behind the ``geomap_places`` spaCy component.

A filtered copy of the gazetteer's exact name index: every Latin-script key of at most
:data:`MAX_WORDS` words, with a bit mask of the feature kinds indexed under it and the
largest population among them. The component looks token n-grams up in it (a binary
search per n-gram), which needs no spaCy ``Doc`` patterns: a PhraseMatcher over ~650k
names costs minutes to build and several hundred MB. The keys stay one sorted UTF-8
blob with the offset of every 64th line (as in the gazetteer file), decoded a block at
a time on use: loading reads ~9 MB and creates no per-key objects (a dict of the
530k keys took 0.3-0.6 s to build on every start), and a probe costs about a
microsecond.

The table is written next to a pipeline by ``to_disk`` and cached in
``settings.cache_dir``, one file per gazetteer location, rebuilt when that file
changes, so it is built once per gazetteer.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path
from typing import BinaryIO

import numpy as np

from geomap._fileio import atomic_path
from geomap.exc import GazetteerError
from geomap.gazetteer.core import derived_cache_path, gazetteer_identity
from geomap.gazetteer.storage import BLOCK, _Lines

__all__ = ["KIND_BITS", "MAX_WORDS", "PlaceTable", "cached_table"]

TABLE_VERSION = 3
MAX_WORDS = 6
#: Bit of each feature kind in :attr:`PlaceTable.kinds`; "minor" is set when every place
#: of the key is a small settlement known only from a settlement list
#: (:meth:`geomap.gazetteer.Gazetteer.minor_key`): its name alone needs support in the text.
KIND_BITS = {"country": 1, "admin1": 2, "admin2": 4, "city": 8, "village": 16, "district": 32, "minor": 64}
#: Most answers :meth:`PlaceTable.get` keeps before it starts over.
_MEMO_SIZE = 200_000
_KEY_RE = re.compile(r"[a-z0-9 ]+")
_HAS_LETTER_RE = re.compile(r"[a-z]")


class PlaceTable:
    """Name key -> (kind mask, max population), plus the gazetteer it came from.

    Parameters
    ----------
    keys
        The sorted keys (see :class:`geomap.gazetteer._Lines`).
    kinds, pops
        Kind mask and largest population per key, in key order.
    source
        :func:`gazetteer_identity` of the gazetteer the table was built from.
    """

    __slots__ = ("_keys", "_kinds", "_pops", "source", "_memo")

    def __init__(self, keys: _Lines, kinds: Sequence[int], pops: Sequence[int], source: str = "") -> None:
        if not len(keys) == len(kinds) == len(pops):
            raise GazetteerError("corrupt place table (column lengths differ)")
        self._keys = keys
        self._kinds = kinds
        self._pops = pops
        self.source = source
        #: Answers already looked up (token n-grams repeat across documents).
        self._memo: dict[str, tuple[int, int] | None] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def keys(self) -> list[str]:
        """All keys, sorted."""
        return self._keys.tolist()

    def get(self, key: str) -> tuple[int, int] | None:
        """``(kind_mask, max_population)`` for a normalised key, or None."""
        memo = self._memo
        if key in memo:
            return memo[key]
        n = self._keys.find(key)
        hit = None if n is None else (self._kinds[n], self._pops[n])
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        memo[key] = hit
        return hit

    def prepare(self) -> PlaceTable:
        """Decode the key blocks' checkpoints now instead of on the first look-up."""
        self._keys.prepare()
        return self

    def clear_memo(self) -> None:
        """Forget the answers kept by :meth:`get` (benchmarks start cold with this)."""
        self._memo.clear()

    # ------------------------------------------------------------------ build
    @classmethod
    def build(cls, gazetteer: object) -> PlaceTable:
        """Build the table from a :class:`geomap.gazetteer.Gazetteer`."""
        keys: list[str] = []
        kinds: list[int] = []
        pops: list[int] = []
        for key in gazetteer.keys():  # type: ignore[attr-defined]
            if not _keep_key(key):
                continue
            mask = 0
            for kind in gazetteer.kinds_for_key(key):  # type: ignore[attr-defined]
                mask |= KIND_BITS.get(kind, 0)
            if not mask:
                continue
            if gazetteer.minor_key(key):  # type: ignore[attr-defined]
                mask |= KIND_BITS["minor"]
            keys.append(key)
            kinds.append(mask)
            pops.append(int(gazetteer.max_population_for_key(key)))  # type: ignore[attr-defined]
        source = gazetteer_identity(Path(gazetteer.path))  # type: ignore[attr-defined]
        blob, blocks = _join_lines(keys)
        lines = _Lines(memoryview(blob), len(keys), memoryview(blocks).cast("q"))
        return cls(lines, kinds, pops, source)

    # ------------------------------------------------------------------ disk
    def save(self, path: str | Path) -> None:
        """Write the table as one ``.npz`` file (atomically)."""
        with atomic_path(path, make_parents=True) as tmp, open(tmp, "wb") as fh:
            self._write(fh)

    def to_bytes(self) -> bytes:
        """The ``.npz`` file :meth:`save` writes, as bytes."""
        buf = io.BytesIO()
        self._write(buf)
        return buf.getvalue()

    def _write(self, fh: BinaryIO) -> None:
        blob, blocks = _join_lines(self.keys())
        meta = {"version": TABLE_VERSION, "source": self.source, "max_words": MAX_WORDS}
        np.savez(
            fh,
            keys=np.frombuffer(blob, dtype=np.uint8),
            blocks=np.frombuffer(blocks, dtype=np.int64),
            kinds=np.asarray(self._kinds, dtype=np.uint8),
            pops=np.asarray(np.minimum(self._pops, 2**32 - 1), dtype=np.uint32),
            meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
        )

    @classmethod
    def load(cls, path: str | Path) -> PlaceTable:
        """Read a table written by :meth:`save`."""
        return cls._read(Path(path), str(path))

    @classmethod
    def from_bytes(cls, data: bytes) -> PlaceTable:
        """Read a table written by :meth:`to_bytes`."""
        return cls._read(io.BytesIO(data), "place table bytes")

    @classmethod
    def _read(cls, source: Path | BinaryIO, where: str) -> PlaceTable:
        try:
            with np.load(source, allow_pickle=False) as npz:
                meta = json.loads(npz["meta"].tobytes().decode("utf-8"))
                if meta.get("version") != TABLE_VERSION:
                    raise GazetteerError(
                        f"{where}: place table version {meta.get('version')!r} "
                        f"is not {TABLE_VERSION}; delete it to rebuild"
                    )
                # memory views index to Python ints without NumPy scalars
                kinds = np.ascontiguousarray(npz["kinds"], dtype=np.uint8).data
                pops = np.ascontiguousarray(npz["pops"], dtype=np.uint32).data
                blocks = np.ascontiguousarray(npz["blocks"], dtype=np.int64).data
                keys = _Lines(memoryview(npz["keys"].tobytes()), len(kinds), blocks)
        except (OSError, ValueError, KeyError, EOFError) as exc:
            raise GazetteerError(f"{where}: unreadable place table ({exc}); delete it to rebuild") from exc
        try:
            return cls(keys, kinds, pops, str(meta.get("source", "")))
        except GazetteerError as exc:
            raise GazetteerError(f"{where}: {exc}; delete it to rebuild") from exc


def _join_lines(keys: list[str]) -> tuple[bytes, bytes]:
    """Sorted keys -> (newline-joined UTF-8 blob, int64 offsets of every BLOCK-th line)."""
    encoded = [k.encode("utf-8") for k in keys]
    starts = list(accumulate((len(k) + 1 for k in encoded), initial=0))
    blocks = np.asarray(starts[: len(encoded)][::BLOCK], dtype=np.int64)
    return b"\n".join(encoded), blocks.tobytes()


def _keep_key(key: str) -> bool:
    """Latin-script keys of 2+ characters and at most MAX_WORDS words, with a letter."""
    return (
        len(key) >= 2
        and key.count(" ") < MAX_WORDS
        and _KEY_RE.fullmatch(key) is not None
        and _HAS_LETTER_RE.search(key) is not None
    )


def cached_table(gazetteer: object, cache_dir: Path | None = None) -> PlaceTable:
    """The table for ``gazetteer``: read from the cache, or built and cached.

    One cache file per gazetteer location (see
    :func:`geomap.gazetteer.derived_cache_path`), rebuilt when the gazetteer file
    changes. An unwritable cache directory only costs a rebuild on the next start.
    """
    gaz_path = Path(gazetteer.path)  # type: ignore[attr-defined]
    source = gazetteer_identity(gaz_path)
    path = derived_cache_path(gaz_path, "place-table", TABLE_VERSION, ".npz", cache_dir)
    if path.exists():
        try:
            table = PlaceTable.load(path)
            if table.source == source:
                return table
        except GazetteerError:
            pass
    table = PlaceTable.build(gazetteer)
    try:
        table.save(path)
    except OSError:
        pass
    return table
