"""Strike events: the records geomap extracts from articles.

A :class:`StrikeEvent` is one attack (or interception) at one place on one date,
coded in ACLED's vocabulary. Extraction from parsed articles lives in this module
too (added by the events stage); it has no file I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["EVENT_TYPES", "WEAPONS", "Source", "StrikeEvent"]

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
