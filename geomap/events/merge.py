"""Merge duplicate reports of one strike: same date, interception flag and country, nearby place.

Events are compared only within a (date, intercepted, country) bucket, so the merge is linear in
the number of buckets times their size, not quadratic in the whole run.
"""

from __future__ import annotations

from dataclasses import replace as _replace

from geomap.records import StrikeEvent

__all__ = ["merge_events"]


def _compatible(a: StrikeEvent, b: StrikeEvent) -> bool:
    if a.date != b.date or a.intercepted != b.intercepted or a.country_code != b.country_code:
        return False
    if a.geonameid == b.geonameid:
        return True
    # a region-level event and a point inside the same region describe one strike -- across
    # articles; within one article the extraction has already decided (a region report and a
    # separate town report of the same oblast are two events there)
    if {s.id for s in a.sources} & {s.id for s in b.sources}:
        return False
    region, point = (a, b) if a.geo_precision == 3 else (b, a)
    return (
        region.geo_precision == 3
        and point.geo_precision < 3
        and region.admin1 is not None
        and region.admin1 == point.admin1
        and (a.weapon == b.weapon or "unknown" in (a.weapon, b.weapon))
    )


def _combine(a: StrikeEvent, b: StrikeEvent) -> StrikeEvent:
    keep, other = (a, b) if a.geo_precision <= b.geo_precision else (b, a)
    same_source = {s.id for s in a.sources} == {s.id for s in b.sources}
    sources = list({s.id: s for s in [*a.sources, *b.sources]}.values())
    return _replace(
        keep,
        weapon=keep.weapon if keep.weapon != "unknown" else other.weapon,
        weapon_model=keep.weapon_model or other.weapon_model,
        event_type=keep.event_type if keep.weapon != "unknown" else other.event_type,
        target=keep.target or other.target,
        actor=keep.actor or other.actor,
        killed=_pick(a.killed, b.killed, fuller=same_source),
        injured=_pick(a.injured, b.injured, fuller=same_source),
        confidence=max(a.confidence, b.confidence),
        quote=keep.quote or other.quote,
        sources=sources,
    )


def _pick(x: int | None, y: int | None, *, fuller: bool) -> int | None:
    """Casualty figure of two reports: within one article the fuller figure, across
    articles the lowest (ACLED's rule); None only when neither states one."""
    known = [v for v in (x, y) if v is not None]
    if not known:
        return None
    return max(known) if fuller else min(known)


def merge_events(events: list[StrikeEvent]) -> list[StrikeEvent]:
    """Merge reports of the same strike (same date, same or overlapping place, same kind).

    Casualties follow ACLED's rule across sources (the lowest figure); within one
    article the fullest figure stated is kept. Order: by date, then place, then id —
    deterministic whatever the input order.
    """
    merged: list[StrikeEvent] = []
    # _compatible needs date, interception flag and country equal, and _combine keeps
    # them, so only events sharing that triple are ever compared (linear, not quadratic).
    buckets: dict[tuple, list[int]] = {}
    for ev in sorted(events, key=lambda e: (e.date or "", e.geo_precision, e.event_id)):
        slots = buckets.setdefault((ev.date, ev.intercepted, ev.country_code), [])
        for k in slots:
            if _compatible(merged[k], ev):
                merged[k] = _combine(merged[k], ev)
                break
        else:
            slots.append(len(merged))
            merged.append(ev)
    return sorted(
        merged, key=lambda e: (e.date or "9999", e.country_code or "", e.admin1 or "", e.place_name or "", e.event_id)
    )
