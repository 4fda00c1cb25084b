"""End-to-end: the events extracted from seeds/ match the table in seeds/README.md.

The table was written with the sample articles (before the extractor existed); this
test reads it rather than repeating it. Required: every expected event (file, date,
admin-1 and, for town-level rows, the place); forbidden: an event at any listed
non-event place in that file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from geomap._text import normalize, split_admin_word

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def _table(name: str) -> list[dict[str, str]]:
    text = (SEEDS / "README.md").read_text("utf-8")
    block = re.search(rf"<!-- {name}:start -->(.*?)<!-- {name}:end -->", text, re.S)
    assert block, f"table {name} missing from seeds/README.md"
    lines = [ln.strip() for ln in block.group(1).strip().splitlines() if ln.strip()]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    rows = []
    for ln in lines[2:]:
        cells = [c.strip() for c in ln.strip("|").split("|")]
        rows.append(dict(zip(header, cells)))
    return rows


def _key(name: str | None) -> str:
    """Compare names loosely: case, "Oblast"/"region", "City", transliteration."""
    from geomap._text import loose_key

    core = split_admin_word(normalize(name or ""))[0]
    core = re.sub(r"\bcity\b", "", core).strip()
    return loose_key(core)


def _file_of(ev) -> str:
    src = ev.sources[0]
    return src.id


@pytest.fixture(scope="module")
def seed_events():
    from geomap import api, nlp
    from geomap.ingest import read_articles

    pipe = nlp.load_pipeline()
    by_file: dict[str, list] = {}
    for art in read_articles([SEEDS]):
        path = Path(art.path.split(":")[0]) if art.path else None
        label = f"articles.jsonl#{art.id}" if path and path.suffix == ".jsonl" else path.name
        by_file[label] = api.extract_article(art, nlp=pipe)
    return by_file


def _matches(ev, row) -> bool:
    if ev.date != row["date"]:
        return False
    if _key(ev.admin1_name) != _key(row["admin1"]) and not (
        ev.geo_precision == 3 and _key(ev.place_name) == _key(row["admin1"])
    ):
        return False
    if row["place"] != row["admin1"] and ev.geo_precision < 3:
        # the resolved town, or (part of a city, geo_precision 2) the place as written
        return _key(ev.place_name) == _key(row["place"]) or (
            ev.geo_precision == 2 and _key(ev.place_text) == _key(row["place_text"])
        )
    return True


def test_every_expected_event_is_extracted(seed_events):
    missing = []
    for row in _table("expected-events"):
        got = seed_events.get(row["file"], [])
        if not any(_matches(ev, row) for ev in got):
            missing.append(f"{row['file']} {row['date']} {row['place']} ({row['admin1']})")
    assert not missing, "missing events:\n" + "\n".join(missing)


def test_no_event_at_non_event_places(seed_events):
    wrong = []
    for row in _table("non-events"):
        for ev in seed_events.get(row["file"], []):
            if _key(ev.place_text) == _key(row["place"]) or (
                ev.geo_precision < 3 and _key(ev.place_name) == _key(row["place"])
            ):
                wrong.append(f"{row['file']}: {row['place']} ({ev.quote[:80]!r})")
    assert not wrong, "events at non-event places:\n" + "\n".join(wrong)


def test_key_facts_of_the_headline_strikes(seed_events):
    roundup = seed_events["2024-01-14_kyiv-ledger_daily-roundup.txt"]
    shostka = [e for e in roundup if _key(e.place_name) == _key("Shostka")]
    assert shostka and shostka[0].weapon == "missile" and shostka[0].weapon_model == "Kh-22"
    assert shostka[0].injured == 1 and not shostka[0].intercepted
    stanislav = [e for e in roundup if _key(e.place_name) == _key("Stanislav")]
    assert stanislav and stanislav[0].admin1 == "08" and stanislav[0].injured == 4
    assert stanislav[0].weapon == "drone" and stanislav[0].target == "fire station"
    downed = [e for e in roundup if e.intercepted and e.geo_precision == 3]
    assert len(downed) >= 4 and all(e.geometry is not None for e in downed)
    assert all(e.event_type == "Disrupted weapons use" for e in downed)
