"""Gazetteer readings the event rules need: a name read as a region, a region read as its
city, a district read as the town it is named after.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from geomap.records import Candidate

if TYPE_CHECKING:
    from geomap.gazetteer import Gazetteer

__all__ = ["REGION_NAME_RE", "city_reading", "loose", "region_reading", "seat"]

REGION_NAME_RE = re.compile(r"\b(?:oblast|region|krai|kray|province|republic|okrug)\b", re.I)


def loose(name: str) -> str:
    from geomap._text import loose_key, normalize

    return loose_key(normalize(REGION_NAME_RE.sub("", name)).strip())


def city_reading(gaz: Gazetteer, name: str, region: Candidate) -> Candidate | None:
    """The city of a city with region status ("Kyiv" read as the admin-1 unit Kyiv)."""
    for c in gaz.rank(name, limit=5):
        if c.kind == "city" and (c.country_code, c.admin1) == (region.country_code, region.admin1):
            if loose(c.name) == loose(name):
                return c
    return None


_READINGS: dict[tuple[str, str], list[Candidate]] = {}


def _admin1_readings(gaz: Gazetteer, core: str) -> list[Candidate]:
    """Admin-1 units a name may stand for: the exact names "X", "X Oblast", "X region", "X Krai",
    "Republic of X" ... that the gazetteer holds as admin-1 units (memoised per gazetteer)."""
    key = (str(gaz.path), core)
    found = _READINGS.get(key)
    if found is None:
        from geomap._text import normalize

        found = []
        base = normalize(core)
        for form in _REGION_FORMS:
            query = form.format(base)
            if "admin1" not in gaz.kinds_for_key(query):
                continue
            for c in gaz.rank(query, limit=4):
                if c.kind == "admin1" and all(c.geonameid != f.geonameid for f in found):
                    found.append(c)
        if len(_READINGS) > 20_000:
            _READINGS.clear()
        _READINGS[key] = found
    return found


#: Exact name forms of an admin-1 unit, tried in order.
_REGION_FORMS = ("{} oblast", "{} region", "{} krai", "{} kray", "{} republic", "republic of {}", "{} province", "{}")


def region_reading(
    gaz: Gazetteer,
    name: str,
    *,
    same_admin1_as: Candidate | None = None,
    same_country_as: Candidate | None = None,
) -> Candidate | None:
    """The region (admin-1) a bare or "X region" name stands for, preferring the oblast to a
    city with the status of a region ("Kyiv region" is Kyiv Oblast, not the city of Kyiv)."""
    core = REGION_NAME_RE.sub("", name).strip(" ,")
    if not core:
        return None
    found = _admin1_readings(gaz, core)
    if same_country_as is not None:
        found = [c for c in found if c.country_code == same_country_as.country_code]
    if same_admin1_as is not None:
        found = [
            c for c in found if (c.country_code, c.admin1) == (same_admin1_as.country_code, same_admin1_as.admin1)
        ] or found
    key = loose(core)
    named = [c for c in found if loose(c.name) == key]
    if not named:
        return None
    # an oblast named "X Oblast" before a unit named only "X" (a city with region status)
    named.sort(key=lambda c: (not REGION_NAME_RE.search(c.name), -c.score))
    return named[0]


def seat(gaz: Gazetteer, cand: Candidate, text: str) -> Candidate:
    """The town a district is named after ("Synelnykove district" -> Synelnykove), else the
    place at the district's point, else the district."""
    core = REGION_NAME_RE.sub(
        "", re.sub(r"\b(?:district|raion|rayon|hromada|community|industrial zone)\b", "", text, flags=re.I)
    )
    core = core.strip(" ,")
    if core:
        key = loose(core)
        for c in gaz.rank(core, limit=6):
            if c.kind in ("city", "village") and (c.country_code, c.admin1) == (cand.country_code, cand.admin1):
                if loose(c.name)[:5] == key[:5]:
                    return c
    seat = gaz.reverse(cand.lat, cand.lon, max_km=2.0)
    return seat if seat is not None and seat.admin1 == cand.admin1 else cand
