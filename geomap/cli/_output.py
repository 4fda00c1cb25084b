"""What every ``geomap`` command shares: exit codes and the way it prints.

Exit codes (the README's "Bad input" section):

====  ===============================================================================
0     everything succeeded
1     some inputs or articles failed (one line each on stderr); the others were processed
      and the outputs written
2     usage, set-up or environment error: a bad option or date, an unknown country code,
      an output that is an input or cannot be written, a damaged or busy store, a full
      disk, a missing gazetteer; nothing (more) was written
3     internal error: a bug in geomap (one line; ``GEOMAP_DEBUG=1`` adds the traceback)
====  ===============================================================================

Every message is one line on stderr, ``geomap: <file>: <problem>``, with control
characters, Unicode line separators, bidirectional overrides and undecodable bytes of
file names escaped (``\\x1b``, ``\\u2028``, ``\\udcff``), so a hostile file name can neither
break the line nor drive the terminal.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from typing import Any

__all__ = [
    "EXIT_FATAL",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_PARTIAL",
    "err",
    "escape",
    "progress_bar",
    "stdout_json",
]

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_FATAL = 2
EXIT_INTERNAL = 3

# C0 and C1 controls, DEL, line/paragraph separators, bidirectional controls, lone surrogates.
_UNSAFE_RE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escaped(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` with every character that could break a line or drive a terminal escaped."""
    return _UNSAFE_RE.sub(_escaped, text)


def err(message: str) -> None:
    """Print one ``geomap: <message>`` line on stderr (escaped: see :func:`escape`)."""
    print(f"geomap: {escape(message)}", file=sys.stderr, flush=True)


# Characters json.dumps(ensure_ascii=False) leaves raw that a line reader or a terminal
# would act on: DEL, C1 controls, the Unicode line separators, lone surrogates.
_JSON_UNSAFE_RE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def stdout_json(obj: Any) -> None:
    """One JSON object per line on stdout; nothing in it can split the line."""
    text = json.dumps(obj, ensure_ascii=False)
    sys.stdout.write(_JSON_UNSAFE_RE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def progress_bar(enabled: bool) -> tuple[Callable[[int], None] | None, Callable[[], None]]:
    """A tqdm progress callback on stderr for long interactive runs (else None) and its closer."""
    if not enabled or not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(unit=" articles", file=sys.stderr, leave=False)

    def tick(n: int) -> None:
        bar.n = n
        bar.refresh()

    return tick, bar.close
