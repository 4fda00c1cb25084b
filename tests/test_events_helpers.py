"""Shared helpers of the event-rule tests (no tests here): run one text through the per-article stage and
summarise its events so that a table row can say what must (and must not) come out."""

from __future__ import annotations

from geomap._text import loose_key, normalize, split_admin_word
from geomap.records import StrikeEvent

PUBLISHED = "2025-06-17"  # a Tuesday


def key(name: str | None) -> str:
    """Loose comparison key: case, transliteration, a trailing "Oblast"/"region"."""
    return loose_key(split_admin_word(normalize(name or ""))[0])


def extract(text: str, *, fast: bool = True, published: str | None = PUBLISHED) -> list[StrikeEvent]:
    """The events of one article text (the fast pipeline unless ``fast=False``)."""
    from geomap import nlp, pipeline
    from geomap.ingest import article_from_text

    article = article_from_text(text, published=published)
    return pipeline.extract_article(article, nlp=nlp.load_pipeline(fast=fast), fast=fast)


def find(events: list[StrikeEvent], place: str) -> StrikeEvent | None:
    """The event whose place (as written, resolved, or its region for a region event) is ``place``."""
    want = key(place)
    for ev in events:
        names = [ev.place_text, ev.place_name]
        if ev.geo_precision == 3:
            names.append(ev.admin1_name)
        if any(key(n) == want for n in names if n):
            return ev
    return None


def places(events: list[StrikeEvent]) -> list[str]:
    """Readable list of the events (for assertion messages)."""
    return [
        f"{e.place_text}->{e.place_name} [{e.admin1_name}] p{e.geo_precision} {e.killed}/{e.injured}" for e in events
    ]
