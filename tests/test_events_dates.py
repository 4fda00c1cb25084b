"""Dates (issue 13, class 5): page-header publication dates, the date a clause states read against
the article's own date, and the warning for an article that ends undated."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from geomap.events.dates import explicit_dates, reference_date, resolve_date
from geomap.ingest.dates import dateline_date, detect_published
from tests.test_events_helpers import extract, find, places

HEADERS = [
    ("05-06-2025\n\nDrones hit Odesa.", "2025-06-05"),
    ("13/06/2025\n\nDrones hit Odesa.", "2025-06-13"),
    ("06/13/2025\n\nDrones hit Odesa.", "2025-06-13"),
    ("June 5, 2025\n\nDrones hit Odesa.", "2025-06-05"),
    ("5 June 2025 14:30\n\nDrones hit Odesa.", "2025-06-05"),
    ("Thursday 5 June 2025\n\nDrones hit Odesa.", "2025-06-05"),
    ("2025-06-05T10:00:00Z\n\nDrones hit Odesa.", "2025-06-05"),
    ("Published 5 June 2025\n\nDrones hit Odesa.", "2025-06-05"),
    ("Drones hit Odesa.\n\nThe strike came after talks on June 5, 2025.", None),
]


@pytest.mark.parametrize(("text", "iso"), HEADERS)
def test_page_header_dates(text: str, iso: str | None) -> None:
    assert detect_published(text)[0] == iso


def test_wire_dateline_date_takes_the_publication_year() -> None:
    assert dateline_date("Title\n\nKYIV, June 14: Deadly strikes hit Odesa.", "2023-06-15") == "2023-06-14"
    assert dateline_date("KYIV, Dec 31 (Reuters) - Drones hit Kyiv.", "2024-01-01") == "2023-12-31"
    assert dateline_date("MOSCOW, Feb 24, 2025 (BSS/AFP) - A drone attack.", None) == "2025-02-24"
    assert dateline_date("Drones hit Odesa on June 14.", "2023-06-15") is None


def test_reference_date_is_a_recent_dateline() -> None:
    assert reference_date("2023-06-15", "2023-06-14") == dt.date(2023, 6, 14)
    assert reference_date("2023-06-15", "2023-05-01") == dt.date(2023, 6, 15)  # not the story's day
    assert reference_date("2023-06-15", None) == dt.date(2023, 6, 15)
    assert reference_date(None, None) is None


D = dt.date
#: (clause, publication date, context before, previous sentence, expected date)
RESOLVE = [
    ("Drones hit Odesa on Jan. 13.", "2024-01-14", "", "", D(2024, 1, 13)),
    ("On the night of 3–4 January, drones struck Odesa.", "2025-01-05", "", "", D(2025, 1, 4)),
    ("Drones struck Odesa on January 28-29.", "2025-01-30", "", "", D(2025, 1, 29)),
    ("Drones struck Odesa on Dec. 31.", "2025-01-02", "", "", D(2024, 12, 31)),  # year from the publication date
    ("Here is how things stand on Monday, August 25.", "2025-08-24", "", "", D(2025, 8, 25)),  # the Monday
    ("Saturday's raid on Zaporizhzhia killed two.", "2025-06-17", "", "", D(2025, 6, 14)),
    ("A drone hit Sumy late Sunday night.", "2025-06-17", "", "", D(2025, 6, 15)),
    ("A drone hit Sumy on Tuesday.", "2025-06-17", "", "", D(2025, 6, 17)),  # the day itself
    ("A strike last Tuesday killed 28 people.", "2025-06-17", "", "", D(2025, 6, 10)),
    ("Drones hit Sumy overnight.", "2025-06-17", "", "", D(2025, 6, 17)),
    ("Drones hit Sumy yesterday.", "2025-06-17", "", "", D(2025, 6, 16)),
    ("The day before, shelling hit Kherson.", "2024-01-14", "On Jan. 13 drones hit Sumy.", "", D(2024, 1, 12)),
    ("Shelling hit Kherson.", "2024-01-14", "On Jan. 13 drones hit Sumy.", "", D(2024, 1, 13)),
    ("Shelling hit Kherson.", "2024-01-14", "Russia invaded on Feb. 24, 2022.", "", D(2024, 1, 14)),  # a recap
    ("The van was hit near the village.", "2023-06-14", "", "The van had left six dead a day earlier.", D(2023, 6, 13)),
    ("A drone hit Sumy.", "2025-06-17", "", "Officials said on Sunday that drones attacked.", D(2025, 6, 15)),
    ("A drone hit Sumy.", "2025-06-17", "", "", D(2025, 6, 17)),
]


@pytest.mark.parametrize(
    ("text", "published", "context", "previous", "want"), RESOLVE, ids=[r[0][:40] for r in RESOLVE]
)
def test_resolve_date(text: str, published: str, context: str, previous: str, want: dt.date) -> None:
    day, how, _ = resolve_date(text, published, context=context, previous=previous)
    assert day == want, how


def test_explicit_dates_skip_may_the_verb() -> None:
    assert explicit_dates("Strikes may 5 times hit the city.", D(2025, 6, 17)) == []
    assert [d for _, d, _ in explicit_dates("On May 5 drones hit Sumy.", D(2025, 6, 17))] == [D(2025, 5, 5)]


#: events through the per-article stage: (text, publication date, place, expected ISO date)
EVENT_DATES = [
    ("Saturday's raid on Zaporizhzhia killed two people.", "2025-06-17", "Zaporizhzhia", "2025-06-14"),
    ("On the night of 3–4 January, drones struck Odesa.", "2025-01-05", "Odesa", "2025-01-04"),
    ("KYIV, June 14: Russian missile strikes hit Odesa overnight.", "2023-06-15", "Odesa", "2023-06-14"),
    (
        "Here is the situation on Monday, August 26.\n- Russian attacks on Sunday hit the Sumy region.",
        "2024-08-26",
        "Sumy Oblast",
        "2024-08-25",
    ),
    (
        "Here is how things stand on Monday, August 25:\n- A drone attack killed a woman in Nikopol.",
        "2025-08-24",
        "Nikopol",
        "2025-08-24",  # the header's date lies after the publication date: not the strike's
    ),
]


@pytest.mark.parametrize(("text", "published", "place", "iso"), EVENT_DATES, ids=[e[0][:40] for e in EVENT_DATES])
def test_event_dates(text: str, published: str, place: str, iso: str) -> None:
    events = extract(text, published=published)
    ev = find(events, place)
    assert ev is not None and ev.date == iso, places(events)


def test_undated_article_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="geomap"):
        events = extract("Drones hit Odesa and Kharkiv overnight.", published=None)
    assert events and all(e.date is None for e in events)
    warnings = [r for r in caplog.records if r.name == "geomap" and "undated" in r.getMessage()]
    assert len(warnings) == 1 and "2 event" in warnings[0].getMessage()
