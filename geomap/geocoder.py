"""``GazetteerGeocoder``: the bundled gazetteer behind geopy's geocoder interface.

A thin adapter over :class:`geomap.gazetteer.Gazetteer`. It never touches the
network, so it works offline and under geopy's tooling::

    >>> from geomap.geocoder import GazetteerGeocoder
    >>> loc = GazetteerGeocoder().geocode("Stanislav, Kherson Oblast")
    >>> round(loc.latitude, 2), round(loc.longitude, 2)
    (46.57, 32.15)

It follows geopy's contract (see ``geopy/geocoders/base.py``):

* ``geocode`` returns ``None`` when nothing matches (and for blank input), one
  :class:`geopy.location.Location` when ``exactly_one``, else a list;
* invalid arguments (a non-string or over-long query, an unknown country code)
  raise :class:`geopy.exc.GeocoderQueryError`;
* a missing or corrupt gazetteer raises :class:`geomap.exc.GazetteerError`, which is
  deliberately *not* a geopy service error, so ``RateLimiter`` does not retry it;
* lookups are read-only, hence thread-safe.

With ``geopy.extra.rate_limiter.RateLimiter`` use ``min_delay_seconds=0,
error_wait_seconds=0`` — there is no remote service to be polite to. With
``geopandas.tools.geocode(strings, provider=GazetteerGeocoder, country="UA")`` pass
the **class**: geopandas instantiates it with the keyword arguments.
"""

from __future__ import annotations

from typing import Any

from geopy.exc import GeocoderQueryError
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from geomap.exc import QueryError
from geomap.gazetteer import Candidate, Gazetteer, Hints, Resolution

__all__ = ["GazetteerGeocoder"]


def _address(cand: Candidate) -> str:
    parts = [cand.name]
    if cand.admin1_name and cand.admin1_name != cand.name:
        parts.append(cand.admin1_name)
    if cand.kind != "country" and cand.country_code:
        parts.append(cand.country_code)
    return ", ".join(parts)


def _location(cand: Candidate, query: str) -> Location:
    raw: dict[str, Any] = cand.to_dict()
    raw.update(query=query, precision=cand.precision, matched=cand.matched)
    return Location(_address(cand), Point(cand.lat, cand.lon), raw)


class GazetteerGeocoder(Geocoder):
    """Offline geocoder over geomap's bundled gazetteer.

    Parameters
    ----------
    country
        Default ISO 3166-1 alpha-2 restriction for every query (e.g. ``"UA"``).
    gazetteer
        A loaded :class:`~geomap.gazetteer.Gazetteer`; default: the bundled one.
    **kwargs
        Accepted for compatibility with geopy's base options (``timeout``,
        ``user_agent`` ...); they have no effect offline.
    """

    def __init__(self, *, country: str | None = None, gazetteer: Gazetteer | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.country = country
        self._gazetteer = gazetteer

    @property
    def gazetteer(self) -> Gazetteer:
        """The gazetteer answering queries (loaded on first use)."""
        if self._gazetteer is None:
            self._gazetteer = Gazetteer.default()
        return self._gazetteer

    def resolve(self, query: str, *, country: str | None = None, hints: Hints | None = None) -> Resolution:
        """The full :class:`~geomap.gazetteer.Resolution` (match + alternatives)."""
        try:
            return self.gazetteer.resolve(query, country or self.country, hints or Hints())
        except QueryError as exc:
            raise GeocoderQueryError(str(exc)) from exc

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout: Any = DEFAULT_SENTINEL,
        country: str | None = None,
        hints: Hints | None = None,
    ) -> Location | list[Location] | None:
        """Geocode a place name, optionally with context.

        Parameters
        ----------
        query
            A name, optionally with context: ``"Stanislav, Kherson Oblast"``,
            ``"Shevchenkove (Kharkiv region)"``, ``"Sumy Oblast"``.
        exactly_one
            Return the best :class:`~geopy.location.Location` (or None) instead of a list
            of the best match and its alternatives.
        timeout
            Ignored (no network).
        country
            ISO 3166-1 alpha-2 restriction for this query.
        hints
            Extra context, e.g. regions named elsewhere in the article.
        """
        if isinstance(query, str) and not query.strip():
            return None
        res = self.resolve(query, country=country, hints=hints)
        if res.match is None:
            return None
        if exactly_one:
            return _location(res.match, query)
        return [_location(c, query) for c in (res.match, *res.alternatives)]

    def reverse(
        self, query: Any, *, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL, max_km: float = 50.0
    ) -> Location | list[Location] | None:
        """The nearest populated place to ``(lat, lon)`` and its admin-1 unit."""
        try:
            point = Point(query)
        except (ValueError, TypeError) as exc:
            raise GeocoderQueryError(f"not a point: {query!r} ({exc})") from exc
        try:
            cand = self.gazetteer.reverse(point.latitude, point.longitude, max_km=max_km)
        except QueryError as exc:
            raise GeocoderQueryError(str(exc)) from exc
        if cand is None:
            return None
        loc = _location(cand, f"{point.latitude}, {point.longitude}")
        return loc if exactly_one else [loc]
