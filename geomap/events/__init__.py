"""Strike events from parsed articles: the extraction rules (:mod:`~geomap.events.rules`) and the
merge of duplicate reports (:mod:`~geomap.events.merge`)."""

from geomap.events.merge import merge_events
from geomap.events.rules import count_casualties, detect_target, detect_weapon, events_from_doc, resolve_date
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
