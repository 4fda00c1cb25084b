"""Official Ukrainian romanisation (Cabinet of Ministers resolution No. 55, 27 January 2010).

The table is letter by letter. Five letters have a separate form at the start of a word
(є Ye, ї Yi, й Y, ю Yu, я Ya; elsewhere ie, i, i, iu, ia); the pair зг is written zgh
(so that it is not read as ж); the soft sign and the apostrophe are not written.
Hyphens, spaces and any other non-letter separate words.

Capitals are kept: a capital letter gives a capitalised Latin group (Щ -> Shch), or an
upper-case one inside a word written in capitals (ЩОРС -> SHCHORS).
"""

from __future__ import annotations

__all__ = ["APOSTROPHES", "romanize_uk"]

#: Apostrophe characters used in Ukrainian spelling (dropped by the romanisation).
APOSTROPHES = "'’ʼ‘`"

# letter: (word-initial form, form elsewhere)
_TABLE: dict[str, tuple[str, str]] = {
    "а": ("a", "a"),
    "б": ("b", "b"),
    "в": ("v", "v"),
    "г": ("h", "h"),
    "ґ": ("g", "g"),
    "д": ("d", "d"),
    "е": ("e", "e"),
    "є": ("ye", "ie"),
    "ж": ("zh", "zh"),
    "з": ("z", "z"),
    "и": ("y", "y"),
    "і": ("i", "i"),
    "ї": ("yi", "i"),
    "й": ("y", "i"),
    "к": ("k", "k"),
    "л": ("l", "l"),
    "м": ("m", "m"),
    "н": ("n", "n"),
    "о": ("o", "o"),
    "п": ("p", "p"),
    "р": ("r", "r"),
    "с": ("s", "s"),
    "т": ("t", "t"),
    "у": ("u", "u"),
    "ф": ("f", "f"),
    "х": ("kh", "kh"),
    "ц": ("ts", "ts"),
    "ч": ("ch", "ch"),
    "ш": ("sh", "sh"),
    "щ": ("shch", "shch"),
    "ь": ("", ""),
    "ю": ("yu", "iu"),
    "я": ("ya", "ia"),
}
# Not Ukrainian letters, but they occur in Ukrainian-register data (Russian spellings);
# written so that no Cyrillic is left over.
_EXTRA: dict[str, tuple[str, str]] = {
    "ё": ("yo", "io"),
    "ы": ("y", "y"),
    "э": ("e", "e"),
    "ъ": ("", ""),
    "ў": ("u", "u"),
}
_LETTERS = {**_TABLE, **_EXTRA}


def _is_word_char(ch: str) -> bool:
    return ch.isalpha() or ch in APOSTROPHES


def _word_is_upper(text: str, i: int) -> bool:
    """Whether the word around position ``i`` is written in capitals (two letters or more)."""
    start = i
    while start > 0 and _is_word_char(text[start - 1]):
        start -= 1
    end = i
    while end < len(text) and _is_word_char(text[end]):
        end += 1
    letters = [c for c in text[start:end] if c.isalpha()]
    return len(letters) > 1 and all(c.isupper() for c in letters)


def _cased(rom: str, ch: str, text: str, i: int) -> str:
    if not rom or not ch.isupper():
        return rom
    return rom.upper() if _word_is_upper(text, i) else rom.capitalize()


def romanize_uk(text: str) -> str:
    """Romanise Ukrainian Cyrillic ``text`` with the 2010 national system.

    Characters that are not Cyrillic letters or apostrophes are kept as they are.

    >>> romanize_uk("Згурівка")
    'Zghurivka'
    >>> romanize_uk("Нью-Йорк")
    'Niu-York'
    """
    out: list[str] = []
    word_start = True
    for i, ch in enumerate(text):
        lower = ch.lower()
        if ch in APOSTROPHES:  # inside a word it changes nothing; before one, nor does it
            continue
        forms = _LETTERS.get(lower)
        if forms is None:
            out.append(ch)
            word_start = not ch.isalpha()
            continue
        rom = forms[0] if word_start else forms[1]
        if lower == "г" and i > 0 and text[i - 1].lower() == "з":
            rom = "gh"
        out.append(_cased(rom, ch, text, i))
        word_start = False
    return "".join(out)
