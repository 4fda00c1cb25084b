"""Strike events from parsed articles: the extraction rules (:mod:`~geomap.events.rules`) with their
parts -- place roles (:mod:`~geomap.events.places`), gazetteer readings
(:mod:`~geomap.events.readings`), casualty statements (:mod:`~geomap.events.casualties`), dates
(:mod:`~geomap.events.dates`), weapons and targets (:mod:`~geomap.events.weapons`), the fold of one
article's events (:mod:`~geomap.events.fold`) -- and the merge of duplicate reports across articles
(:mod:`~geomap.events.merge`)."""

from geomap.events.casualties import count_casualties
from geomap.events.dates import resolve_date
from geomap.events.merge import merge_events
from geomap.events.rules import events_from_doc
from geomap.events.weapons import detect_target, detect_weapon
from geomap.records import EVENT_TYPES, WEAPONS, Source, StrikeEvent

__all__ = [
    "EVENT_TYPES",
    "WEAPONS",
    "Source",
    "StrikeEvent",
    "count_casualties",
    "detect_target",
    "detect_weapon",
    "events_from_doc",
    "merge_events",
    "resolve_date",
]
