"""Name normalisation and transliteration shared by the gazetteer and its builder.

Pure functions, no data files. ``normalize`` is the exact index key; ``loose_key``
folds the spelling variants that English-language news uses for the same
Cyrillic name (Darnytsia / Darnytsya, Kyivskyi / Kiyvskiy, Mykolaiv / Mykolayiv).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ADMIN_WORDS",
    "bounded_edit_distance",
    "loose_key",
    "normalize",
    "split_admin_word",
    "translit_ru",
    "translit_uk",
]

_APOSTROPHES = "'’ʼ`´ʹʻ‘\u02bc\u2019\u0027"
_APOS_RE = re.compile(f"[{re.escape(_APOSTROPHES)}]")
_NON_WORD_RE = re.compile(r"[^\w]+", re.UNICODE)
_SPACE_RE = re.compile(r"\s+")

#: Words that mark an administrative unit when they trail (or lead) a name.
#: Value: the kind they point to ("admin1" for oblast-like, "admin2" for raion-like).
ADMIN_WORDS: dict[str, str] = {
    "oblast": "admin1",
    "oblasts": "admin1",
    "oblasti": "admin1",
    "region": "admin1",
    "regions": "admin1",
    "province": "admin1",
    "krai": "admin1",
    "kray": "admin1",
    "republic": "admin1",
    "governorate": "admin1",
    "state": "admin1",
    "county": "admin2",
    "raion": "admin2",
    "rayon": "admin2",
    "raions": "admin2",
    "district": "admin2",
    "districts": "admin2",
    "municipality": "admin2",
    "hromada": "admin2",
    "okrug": "admin2",
    "область": "admin1",
    "обл": "admin1",
    "край": "admin1",
    "район": "admin2",
}
_LEADING_WORDS = (
    "the city of ",
    "city of ",
    "the village of ",
    "village of ",
    "town of ",
    "the town of ",
    "the settlement of ",
    "settlement of ",
    "the ",
)


def _strip_latin_marks(text: str) -> str:
    """Drop combining marks that sit on Latin letters; keep Cyrillic й, ї, ё intact."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and out and out[-1].isascii():
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def normalize(name: str) -> str:
    """Return the exact index key of a place name.

    Case-folded, Latin diacritics removed, apostrophes dropped, hyphens and other
    punctuation turned into single spaces, ``ё`` folded to ``е``.

    Examples
    --------
    >>> normalize("Kam’ianske")
    'kamianske'
    >>> normalize("Ivano-Frankivsk")
    'ivano frankivsk'
    """
    if name.isascii():  # fast path: NFKC, case folding and mark stripping are trivial
        text = _APOS_RE.sub("", name.lower())
    else:
        text = unicodedata.normalize("NFKC", name).casefold()
        text = _APOS_RE.sub("", text)
        text = _strip_latin_marks(text).replace("ё", "е").replace("ł", "l").replace("ß", "ss")
    text = _NON_WORD_RE.sub(" ", text).replace("_", " ")
    return _SPACE_RE.sub(" ", text).strip()


_LOOSE_RULES = (
    # Russian-style endings of Ukrainian place names: -ovka/-evka (-івка), -oye (-е as in
    # -ське), -aya (-а), -ovo (-ове)
    (re.compile(r"(?<=[a-z]{3})(?:yo|ye|o|e)vka\b"), "ivka"),
    (re.compile(r"(?<=[a-z]{3})(?:oye|oe)\b"), "e"),
    (re.compile(r"(?<=[a-z]{3})aya\b"), "a"),
    (re.compile(r"(?<=[a-z]{3})ovo\b"), "ove"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"zhzh"), "zh"),
    (re.compile(r"sch"), "sh"),
    (re.compile(r"j"), "y"),
    (re.compile(r"iy|yi|yy|ii"), "i"),
    (re.compile(r"y"), "i"),
    (re.compile(r"ii+"), "i"),
    (re.compile(r"w"), "v"),
    (re.compile(r"([a-z])\1+"), r"\1"),
    (re.compile(r"(?<=[a-z])(ia|ya)\b"), "a"),
)


def loose_key(key: str) -> str:
    """Fold transliteration variants of an already normalised key.

    Folds y/i/j, kh/h, doubled letters and word-final -ia/-ya so that
    ``Darnytsia``, ``Darnytsya`` and ``Darnitsa`` share a key, and the Russian-style
    endings of Ukrainian names (``Novoselovka``/``Novoselivka``, ``Pervomayskoye``/
    ``Pervomaiske``, ``Novaya``/``Nova``, ``Ivanovo``/``Ivanove``).
    """
    text = key
    for pattern, repl in _LOOSE_RULES:
        text = pattern.sub(repl, text)
    return text.replace(" ", "")


def bounded_edit_distance(a: str, b: str, limit: int) -> int:
    """Edit distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``.

    Insertions, deletions, substitutions and swaps of two adjacent letters each cost 1
    (optimal string alignment). Only a band of width ``2 * limit + 1`` is computed
    and the loop stops as soon as every cell of a row exceeds ``limit``.

    >>> bounded_edit_distance("zaporiza", "zaporizha", 2)
    1
    >>> bounded_edit_distance("donestk", "donetsk", 1)
    1
    >>> bounded_edit_distance("kyiv", "lviv", 1)
    2
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if a == b:
        return 0
    big = limit + 1
    if len(set(a).symmetric_difference(b)) > 2 * limit:  # each edit changes <= 2 letters
        return big
    n = len(b)
    before: list[int] = []
    prev = [j if j <= limit else big for j in range(n + 1)]
    for i in range(1, len(a) + 1):
        lo, hi = max(1, i - limit), min(n, i + limit)
        cur = [big] * (n + 1)
        cur[0] = i if i <= limit else big
        ca = a[i - 1]
        for j in range(lo, hi + 1):
            cb = b[j - 1]
            d = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb and ca != cb:
                d = min(d, before[j - 2] + 1)
            cur[j] = min(d, big)
        if min(cur[lo - 1 : hi + 1]) > limit:
            return big
        before, prev = prev, cur
    return min(prev[n], big)


def split_admin_word(key: str) -> tuple[str, str | None]:
    """Split a trailing/leading administrative word off a normalised key.

    Returns ``(core, kind)`` where kind is ``"admin1"``, ``"admin2"`` or ``None``.

    >>> split_admin_word("sumy oblast")
    ('sumy', 'admin1')
    >>> split_admin_word("kremenchuk")
    ('kremenchuk', None)
    """
    for lead in _LEADING_WORDS:
        if key.startswith(lead) and len(key) > len(lead):
            key = key[len(lead) :]
            break
    words = key.split(" ")
    if len(words) > 1 and words[-1] in ADMIN_WORDS:
        return " ".join(words[:-1]), ADMIN_WORDS[words[-1]]
    if len(words) > 2 and words[-2] in ADMIN_WORDS and words[-1] in ("of",):
        return " ".join(words[:-2]), ADMIN_WORDS[words[-2]]
    if len(words) > 1 and words[0] in ADMIN_WORDS:
        return " ".join(words[1:]), ADMIN_WORDS[words[0]]
    return key, None


# Official Ukrainian national transliteration (Cabinet of Ministers resolution 55, 2010):
# the first form applies at the start of a word, the second elsewhere.
_UK_TABLE: dict[str, tuple[str, str]] = {
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
    "'": ("", ""),
    "’": ("", ""),
    "ʼ": ("", ""),
    # Russian/Belarusian letters that appear in Ukrainian-register data
    "ё": ("yo", "io"),
    "ы": ("y", "y"),
    "э": ("e", "e"),
    "ъ": ("", ""),
    "ў": ("u", "u"),
}

# Russian-style romanisation (BGN/PCGN-like, simplified) used for Russian and
# Belarusian names and as the "Kharkov/Nikolaev" style variant of Ukrainian ones.
_RU_TABLE: dict[str, str] = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "g",
    "ґ": "g",
    "д": "d",
    "е": "e",
    "ё": "e",
    "є": "ye",
    "ж": "zh",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "yi",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ў": "u",
    "ф": "f",
    "х": "kh",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ъ": "",
    "ы": "y",
    "ь": "",
    "э": "e",
    "ю": "yu",
    "я": "ya",
    "'": "",
    "’": "",
    "ʼ": "",
}


def _word_starts(text: str) -> set[int]:
    starts = set()
    prev_alpha = False
    for i, ch in enumerate(text):
        if ch.isalpha() and not prev_alpha:
            starts.add(i)
        prev_alpha = ch.isalpha() or ch in "'’ʼ"
    return starts


def translit_uk(text: str) -> str:
    """Romanise Ukrainian Cyrillic with the official 2010 national system.

    >>> translit_uk("Миколаїв")
    'Mykolaiv'
    >>> translit_uk("Згурівка")
    'Zghurivka'
    """
    starts = _word_starts(text)
    out: list[str] = []
    for i, ch in enumerate(text):
        lower = ch.lower()
        if lower not in _UK_TABLE:
            out.append(ch)
            continue
        rom = _UK_TABLE[lower][0 if i in starts else 1]
        if lower == "г" and i > 0 and text[i - 1].lower() == "з":
            rom = "gh"  # "зг" is romanised "zgh" to keep it apart from "ж"
        out.append(rom.capitalize() if ch.isupper() else rom)
    return "".join(out)


def translit_ru(text: str) -> str:
    """Romanise Russian (or Ukrainian, Russian-style) Cyrillic.

    >>> translit_ru("Кстово")
    'Kstovo'
    """
    out = []
    for ch in text:
        lower = ch.lower()
        if lower in _RU_TABLE:
            rom = _RU_TABLE[lower]
            out.append(rom.capitalize() if ch.isupper() else rom)
        else:
            out.append(ch)
    return "".join(out)


def is_cyrillic(text: str) -> bool:
    """True when ``text`` contains Cyrillic letters."""
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def is_latin_or_cyrillic(text: str) -> bool:
    """True when every letter of ``text`` is Latin or Cyrillic."""
    for ch in text:
        if ch.isalpha() and not (
            ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff" or "\u0400" <= ch <= "\u04ff"
        ):
            return False
    return True
