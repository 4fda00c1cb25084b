"""Case-insensitive matching at the cost of a case-sensitive one: the pattern is compiled in lower
case and run over the lower-cased text (``re.IGNORECASE`` costs about twice as much on long
alternations in :mod:`re`). Offsets are those of the text as given as long as lower-casing keeps
its length, which it does for everything but a few letters ("İ"); then the ``re.I`` pattern runs.
"""

from __future__ import annotations

import re

__all__ = ["Caseless"]

_PROTECT_RE = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)|[A-Z]")


def _lower_pattern(pattern: str) -> str:
    """``pattern`` in lower case, escapes (``\\S``, ``\\W``) and group names kept."""
    return _PROTECT_RE.sub(lambda m: m.group(0) if len(m.group(0)) > 1 else m.group(0).lower(), pattern)


class Caseless:
    """A case-insensitive pattern with :meth:`search`, :meth:`finditer` and :meth:`match`."""

    __slots__ = ("_exact", "_lower", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._lower = re.compile(_lower_pattern(pattern))
        self._exact = re.compile(pattern, re.I)

    def _pick(self, text: str) -> tuple[re.Pattern[str], str]:
        low = text.lower()
        return (self._lower, low) if len(low) == len(text) else (self._exact, text)

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """Like :meth:`re.Pattern.search`; the match's groups are in lower case."""
        rx, t = self._pick(text)
        return rx.search(t, pos)

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        """Like :meth:`re.Pattern.match`; the match's groups are in lower case."""
        rx, t = self._pick(text)
        return rx.match(t, pos)

    def finditer(self, text: str) -> list[re.Match[str]]:
        """Like :meth:`re.Pattern.finditer` (as a list); the groups are in lower case."""
        rx, t = self._pick(text)
        return list(rx.finditer(t))
