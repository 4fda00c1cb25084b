"""The value types every stage passes on: articles, gazetteer candidates, mentions, events.

This module imports nothing of geomap: ingest produces :class:`Article`, the gazetteer
:class:`Candidate`, the place component :class:`Mention` and :class:`DateMention`, the event
rules :class:`StrikeEvent` (with its :class:`Source` list). Exports, the store and the map
derive their columns from :class:`StrikeEvent`'s fields.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = [
    "DATE_SOURCES",
    "EVENT_TYPES",
    "WEAPONS",
    "Article",
    "Candidate",
    "DateMention",
    "Mention",
    "Source",
    "StrikeEvent",
]

#: Values of ``Article.date_source``.
DATE_SOURCES = (
    "option",
    "jsonl",
    "html-meta",
    "front-matter",
    "byline",
    "dateline",
    "live-blog stamp",
    "none",
)


@dataclass(frozen=True, slots=True)
class Article:
    """One article, cleaned and ready for place extraction.

    Attributes
    ----------
    id
        JSONL ``id``; else the file stem, made unique within a batch.
    title
        Headline, when one could be found.
    text
        Cleaned text; all later character offsets index into this string.
    published
        ISO publication date ``YYYY-MM-DD``, or ``None``.
    url
        Source URL, when known.
    path
        Source file (``"file.jsonl:LINE"`` for JSONL records, ``"-"`` for stdin).
    date_source
        Where ``published`` came from; one of :data:`DATE_SOURCES`.
    source_text
        The text as given (the JSONL ``text`` field, the decoded file text after markup
        removal) when cleaning changed it, else ``None``; ``geomap places`` reports offsets
        into it. Not part of equality.
    """

    id: str
    title: str | None
    text: str
    published: str | None
    url: str | None
    path: str | None
    date_source: str
    source_text: str | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One gazetteer place proposed for a name, with its ranking score (0..1)."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country_code: str
    admin1: str
    admin1_name: str | None
    kind: str
    population: int
    score: float = 0.0
    matched: str = "exact"  # "exact", "loose" (spelling variant) or "fuzzy" (misspelling)

    @property
    def precision(self) -> str:
        """``"region"`` for countries, admin units and areas (seas), else ``"point"``."""
        return "region" if self.kind in ("country", "admin1", "admin2", "area") else "point"

    def to_dict(self) -> dict[str, object]:
        """The JSON form used by ``geomap geocode --json`` (stable contract)."""
        return {
            "name": self.name,
            "lat": round(self.lat, 6),
            "lon": round(self.lon, 6),
            "geonameid": self.geonameid,
            "country_code": self.country_code,
            "admin1": self.admin1 or None,
            "admin1_name": self.admin1_name,
            "kind": self.kind,
            "population": self.population,
            "score": round(self.score, 3),
        }


@dataclass(frozen=True, slots=True)
class Mention:
    """A place named in an article, with its resolution.

    Attributes
    ----------
    doc
        Article id (or path) the mention comes from; ``""`` straight from a Doc.
    text, start, end
        The span and its character offsets into the article text as read.
    sentence, sent_start, sent_end
        The enclosing sentence and its offsets.
    label
        The NER label over the span, or ``"GAZ"`` when only the gazetteer found it.
    match
        The resolved gazetteer place, or None.
    hint_source
        Which context chose ``match``: ``"local"`` (a region attached to the name,
        e.g. "Stanislav, Kherson Oblast"), ``"sentence"``, ``"paragraph"``,
        ``"document"``, or None (no context used).
    """

    doc: str
    text: str
    start: int
    end: int
    sentence: str
    sent_start: int
    sent_end: int
    label: str
    match: Candidate | None
    hint_source: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The ``geomap places --json`` record."""
        return {
            "doc": self.doc,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
            "label": self.label,
            "hint_source": self.hint_source,
            "match": self.match.to_dict() if self.match else None,
        }


class DateMention(tuple):  # noqa: SLOT001 - a plain named tuple without typing magic
    """``(text, start, end, label)``: a date expression; ``label`` is the NER label or
    ``"RULE"`` for a regular-expression hit."""

    __slots__ = ()

    def __new__(cls, text: str, start: int, end: int, label: str) -> DateMention:
        return tuple.__new__(cls, (text, start, end, label))

    text = property(lambda self: self[0])
    start = property(lambda self: self[1])
    end = property(lambda self: self[2])
    label = property(lambda self: self[3])


#: ACLED sub-event types geomap emits.
EVENT_TYPES = (
    "Air/drone strike",
    "Shelling/artillery/missile attack",
    "Disrupted weapons use",
    "Remote explosive/landmine/IED",
)

#: Weapon classes (the ``weapon`` field); a model such as "Kh-101" goes in ``weapon_model``.
WEAPONS = ("missile", "drone", "artillery", "mlrs", "aerial bomb", "unknown")


@dataclass(frozen=True, slots=True)
class Source:
    """An article an event was reported in."""

    id: str
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO date of the article, if known


@dataclass(slots=True)
class StrikeEvent:
    """One strike event.

    Geometry: ``lon``/``lat`` is the point (town, or label point of a region);
    ``geometry`` is a GeoJSON geometry dict when the event is region-level
    (``geo_precision == 3``: the region polygon), else ``None`` (use the point).
    """

    event_id: str
    date: str | None  # ISO YYYY-MM-DD, None when no date could be resolved
    time_precision: int | None  # ACLED: 1 day, 2 week, 3 month
    date_source: str  # how the date was resolved, e.g. "stated: Jan. 13", "relative: overnight", "none"
    place_text: str  # as written in the article
    place_name: str | None  # resolved gazetteer name
    geonameid: int | None
    lat: float | None
    lon: float | None
    country_code: str | None
    admin1: str | None  # GeoNames admin1 code within the country, e.g. "18"
    admin1_name: str | None
    geo_precision: int  # ACLED: 1 town, 2 near a town / part of a region, 3 region
    event_type: str  # one of EVENT_TYPES
    weapon: str  # one of WEAPONS
    weapon_model: str | None = None  # "Kh-22", "Shahed", "Iskander-M" ...
    actor: str | None = None  # "Russian forces" / "Ukrainian forces"
    target: str | None = None  # residential, energy, oil refinery, port, fire station ...
    killed: int | None = None
    injured: int | None = None
    intercepted: bool = False
    quote: str = ""
    confidence: float = 0.5
    sources: list[Source] = field(default_factory=list)
    geometry: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (sources as a list of dicts)."""
        return asdict(self)
