"""Place finding: the spaCy component (:mod:`~geomap.nlp.component`), the gazetteer-driven rules
(:mod:`~geomap.nlp.rules`), the place table they search (:mod:`~geomap.nlp.table`), and offsets
into the text as given (:mod:`~geomap.nlp.offsets`).

Importing this package loads spaCy.
"""

from geomap.nlp.component import (
    COMPONENT,
    PlacesComponent,
    find_places,
    load_pipeline,
    make_places_component,
    ner_only_exclude,
    parse,
    parse_many,
    register_extensions,
)
from geomap.nlp.offsets import OffsetMap, source_mentions
from geomap.records import DateMention, Mention

__all__ = [
    "COMPONENT",
    "DateMention",
    "Mention",
    "OffsetMap",
    "PlacesComponent",
    "find_places",
    "load_pipeline",
    "make_places_component",
    "ner_only_exclude",
    "parse",
    "parse_many",
    "register_extensions",
    "source_mentions",
]
