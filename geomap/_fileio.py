"""Atomic file writes: a reader sees the old file or the new one, never half of one.

Every writer in geomap (exports, maps, offline assets, gazetteer and boundary builds,
caches) goes through :func:`atomic_path`: it hands out a path of the same file name in a
fresh temporary directory beside the target (so drivers that add side files or look at
the extension behave as usual), and moves the result onto the target with
:func:`os.replace` only when the block ends without an exception.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path", "write_bytes_atomic", "write_text_atomic"]


@contextmanager
def atomic_path(path: str | os.PathLike[str], *, make_parents: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write ``path``'s new content to.

    On success the temporary file replaces ``path``; on any exception it is removed
    and ``path`` is left as it was. ``make_parents`` creates missing directories.

    Raises
    ------
    OSError
        The directory cannot be created or written, or the write failed.
    """
    target = Path(path)
    if make_parents:
        target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as tmpdir:
        tmp = Path(tmpdir) / target.name
        yield tmp
        os.replace(tmp, target)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes, *, make_parents: bool = False) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`)."""
    with atomic_path(path, make_parents=make_parents) as tmp:
        tmp.write_bytes(data)


def write_text_atomic(path: str | os.PathLike[str], text: str, *, make_parents: bool = False) -> None:
    """Write ``text`` as UTF-8 with ``\\n`` line ends to ``path`` atomically."""
    with atomic_path(path, make_parents=make_parents) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
