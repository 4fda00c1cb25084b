"""merge_events: the bucketed merge gives exactly what comparing every pair gives."""

from __future__ import annotations

import random

from geomap.events import Source, StrikeEvent, merge_events
from geomap.events.merge import _combine, _compatible


def _reference_merge(events: list[StrikeEvent]) -> list[StrikeEvent]:
    """The plain quadratic definition: each event joins the first compatible one."""
    merged: list[StrikeEvent] = []
    for ev in sorted(events, key=lambda e: (e.date or "", e.geo_precision, e.event_id)):
        for k, have in enumerate(merged):
            if _compatible(have, ev):
                merged[k] = _combine(have, ev)
                break
        else:
            merged.append(ev)
    return sorted(
        merged, key=lambda e: (e.date or "9999", e.country_code or "", e.admin1 or "", e.place_name or "", e.event_id)
    )


def _random_event(rng: random.Random, i: int) -> StrikeEvent:
    region = rng.random() < 0.25
    place = rng.randrange(6)
    return StrikeEvent(
        event_id=f"e{i:04d}",
        date=rng.choice([None, "2025-01-13", "2025-01-14"]),
        time_precision=1,
        date_source="stated",
        place_text=f"P{place}",
        place_name=f"P{place}",
        geonameid=None if region else 1000 + place,
        lat=50.0,
        lon=30.0,
        country_code=rng.choice(["UA", "RU"]),
        admin1=rng.choice(["01", "02"]),
        admin1_name=None,
        geo_precision=3 if region else rng.choice([1, 2]),
        event_type="Air/drone strike",
        weapon=rng.choice(["drone", "missile", "unknown"]),
        killed=rng.choice([None, 0, 1, 3]),
        injured=rng.choice([None, 2, 5]),
        intercepted=rng.random() < 0.3,
        sources=[Source(id=f"a{rng.randrange(4)}")],
    )


def test_bucketed_merge_equals_pairwise_reference() -> None:
    rng = random.Random(7)
    for trial in range(200):
        events = [_random_event(rng, i) for i in range(rng.randrange(1, 40))]
        got = [e.to_dict() for e in merge_events(events)]
        want = [e.to_dict() for e in _reference_merge(events)]
        assert got == want, f"trial {trial}"
    # the random events do merge: the check is not vacuous
    assert len(merge_events(events)) < len(events)
