"""One article's events, folded: the within-article half of the merge.

The extraction makes one event per place mention; before the events leave the article:

* one event per place, day and interception flag (figures: the fuller);
* a city and its district(s) on one day: with one district, the city's figures fill the
  district's gaps; with several, the city gives none (a city total is not counted beside its
  districts' figures);
* "near X" (a reference point) gives way to a named settlement of X's region within
  :data:`_NEAR_KM` on the same day;
* a region event folds into a town of that region on the same day when their figures agree and
  either repeat each other, or the two come from adjacent sentences, or the region comes from
  the headline ("Drones attack refineries in the Krasnodar and Rostov regions");
* a headline's event ("Two killed in Zaporizhzhia" over a live-blog post) folds into the event of
  the post below it in the same region that repeats its figures, whatever the dates.

Across articles :func:`geomap.events.merge_events` takes over (it leaves region-and-town pairs of
one article alone).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace as _replace

from geomap._geo import haversine_km
from geomap.records import StrikeEvent

__all__ = ["fold"]


def fold(
    events: list[StrikeEvent],
    origin: Callable[[StrikeEvent], int],
    headline: Callable[[int], bool] = lambda k: False,
) -> list[StrikeEvent]:
    """Within one article: one event per place and day; a city into its one district;
    "near X" into a named settlement; a region into a town of it; a headline into the report
    below it (see the module docstring). ``origin`` gives an event's sentence number,
    ``headline`` whether a sentence number is a headline."""
    events = _same_place(events)
    events = _city_into_district(events)
    events = _near_into_settlement(events)
    events = _headline_into_body(events, origin, headline)
    return _region_into_town(events, origin)


#: A headline is folded into an event of the next few sentences.
_HEADLINE_REACH = 3


def _headline_into_body(
    events: list[StrikeEvent], origin: Callable[[StrikeEvent], int], headline: Callable[[int], bool]
) -> list[StrikeEvent]:
    """ "Two killed in Zaporizhzhia" over "Shelling killed two people in Orikhiv in Zaporizhzhia
    region on Tuesday": the headline's event is the body's (same region, the headline's figures
    repeated), whatever day the undated headline was given."""
    out = list(events)
    drop: set[int] = set()
    for i, h in enumerate(out):
        hi = origin(h)
        if hi < 0 or not headline(hi) or (h.killed is None and h.injured is None):
            continue
        best = None
        for j, b in enumerate(out):
            bj = origin(b)
            if j == i or j in drop or not 0 < bj - hi <= _HEADLINE_REACH or headline(bj):
                continue
            if (b.country_code, b.admin1) != (h.country_code, h.admin1) or b.intercepted != h.intercepted:
                continue
            stated = [(x, y) for x, y in ((h.killed, b.killed), (h.injured, b.injured)) if x is not None]
            if all(x == y for x, y in stated) and (best is None or bj < best[0]):
                best = (bj, j)
        if best is not None:
            drop.add(i)
    return [e for i, e in enumerate(out) if i not in drop]


def _agree(a: int | None, b: int | None) -> bool:
    return a is None or b is None or a == b


def _same_place(events: list[StrikeEvent]) -> list[StrikeEvent]:
    out: list[StrikeEvent] = []
    for ev in events:
        for i, o in enumerate(out):
            if o.geonameid == ev.geonameid and o.date == ev.date and o.intercepted == ev.intercepted:
                out[i] = _combine(o, ev)
                break
        else:
            out.append(ev)
    return out


def _combine(keep: StrikeEvent, other: StrikeEvent, *, figures: str = "max") -> StrikeEvent:
    def pick(x: int | None, y: int | None) -> int | None:
        if figures == "keep":
            return x if x is not None else y
        known = [v for v in (x, y) if v is not None]
        return max(known) if known else None

    return _replace(
        keep,
        weapon=keep.weapon if keep.weapon != "unknown" else other.weapon,
        weapon_model=keep.weapon_model or other.weapon_model,
        event_type=keep.event_type if keep.weapon != "unknown" else other.event_type,
        target=keep.target or other.target,
        actor=keep.actor or other.actor,
        killed=pick(keep.killed, other.killed),
        injured=pick(keep.injured, other.injured),
        intercepted=keep.intercepted,
        confidence=max(keep.confidence, other.confidence),
    )


def _city_into_district(events: list[StrikeEvent]) -> list[StrikeEvent]:
    """A city and its districts on one day: the districts keep their figures; with one
    district the city's figures fill its gaps, with several the city gives none."""
    cities = [e for e in events if e.geo_precision == 1]
    drop: set[int] = set()
    out = list(events)
    for c in cities:
        parts = [
            i
            for i, e in enumerate(out)
            if e.geo_precision == 2
            and e.date == c.date
            and e.intercepted == c.intercepted
            and e.geonameid != c.geonameid
            and _near(e, c, 15.0)
            and re.search(r"\b(?:district|raion)\b", e.place_text, re.I)
        ]
        if not parts:
            continue
        ci = out.index(c)
        if len(parts) == 1:
            out[parts[0]] = _combine(out[parts[0]], c, figures="keep")
        drop.add(ci)
    return [e for i, e in enumerate(out) if i not in drop]


def _near_into_settlement(events: list[StrikeEvent]) -> list[StrikeEvent]:
    out = list(events)
    drop: set[int] = set()
    for i, e in enumerate(out):
        if e.geo_precision != 2 or not _is_near(e):
            continue
        for j, o in enumerate(out):
            if j == i or j in drop or o.geo_precision != 1 or o.date != e.date or not _near(e, o, _NEAR_KM):
                continue
            if (o.country_code, o.admin1) != (e.country_code, e.admin1):
                continue
            if _agree(e.killed, o.killed) and _agree(e.injured, o.injured):
                out[j] = _combine(o, e, figures="keep")
                drop.add(i)
                break
    return [e for i, e in enumerate(out) if i not in drop]


#: "near X" gives way to a named settlement of X's region within this distance.
_NEAR_KM = 60.0


def _is_near(e: StrikeEvent) -> bool:
    q = e.quote
    pos = q.find(e.place_text)
    return pos > 0 and bool(
        re.search(r"\bnear\s+(?:the\s+)?(?:\w+\s+){0,2}(?:(?:city|town|village) of\s+)?$", q[:pos], re.I)
    )


def _near(a: StrikeEvent, b: StrikeEvent, km: float) -> bool:
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return False
    return haversine_km(a.lat, a.lon, b.lat, b.lon) <= km


def _region_into_town(events: list[StrikeEvent], origin: Callable[[StrikeEvent], int]) -> list[StrikeEvent]:
    out = list(events)
    drop: set[int] = set()
    for i, r in enumerate(out):
        if r.geo_precision != 3 or not r.admin1:
            continue
        ri = origin(r)
        best: tuple[int, int] | None = None
        for j, t in enumerate(out):
            if j in drop or t.geo_precision == 3 or t.date != r.date or t.intercepted != r.intercepted:
                continue
            if (t.country_code, t.admin1) != (r.country_code, r.admin1):
                continue
            if not (_agree(r.killed, t.killed) and _agree(r.injured, t.injured)):
                continue
            tj = origin(t)
            stated = [(x, y) for x, y in ((r.killed, t.killed), (r.injured, t.injured)) if x is not None]
            equal = (r.killed, r.injured) == (t.killed, t.injured) or bool(stated) and all(x == y for x, y in stated)
            adjacent = ri >= 0 and tj >= 0 and abs(tj - ri) <= 1
            title = ri == 0
            if not (equal or adjacent or title):
                continue
            dist = abs(tj - ri) * 2 + (0 if tj >= ri else 1)
            if best is None or dist < best[0]:
                best = (dist, j)
        if best is not None:
            j = best[1]
            out[j] = _combine(out[j], r, figures="keep")
            drop.add(i)
    return [e for i, e in enumerate(out) if i not in drop]
