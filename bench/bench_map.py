"""Benchmark: geomap's offline map against a naive folium-Marker-per-event map.

For 1k / 10k / 100k synthetic events it prints, for both maps made in the same run,
the time to write the HTML, the file size and the time to first render in headless
Chromium (navigation start to the second animation frame after the map is drawn).
The naive map loads Leaflet from a CDN: the benchmark serves those two files from
the bundled copies (other CDN files get an empty reply) so that it can render at all.

Run: ``.venv/bin/python bench/bench_map.py [--sizes 1000,10000,100000] [--naive-max 10000]``
Targets for geomap at 100k events: written < 15 s, < 25 MB, rendered < 5 s.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from conftest import CHROMIUM, launch_chromium  # noqa: E402 - the browser is started as in the tests

WEAPONS = ["missile", "drone", "artillery", "mlrs", "aerial bomb", "unknown"]
SIDES = ["strikes on Ukraine", "strikes on Russia", "other"]
WORDS = (
    "the regional governor said a drone struck an energy facility overnight while air defence "
    "units shot down several missiles over the city and debris damaged residential buildings"
).split(" ")


def make_events(n: int, seed: int = 1):
    """``n`` synthetic events in the export schema (80% towns, 12% near, 8% regions)."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    from shapely.geometry import Point, box

    rng = np.random.default_rng(seed)
    lat = rng.uniform(44.5, 56.0, n).round(5)
    lon = rng.uniform(23.0, 45.0, n).round(5)
    prec = rng.choice([1, 2, 3], n, p=[0.8, 0.12, 0.08])
    day = rng.integers(0, 365, n)
    dates = (
        (pd.Timestamp("2024-01-01") + pd.to_timedelta(day, unit="D")).strftime("%Y-%m-%d").tolist()
    )
    undated = rng.random(n) < 0.03
    regions = [
        box(23 + 2 * (k % 10), 45 + 2.5 * (k // 10), 24.8 + 2 * (k % 10), 47.2 + 2.5 * (k // 10))
        for k in range(40)
    ]
    region_of = rng.integers(0, len(regions), n)
    n_articles = max(n // 5, 1)
    art = rng.integers(0, n_articles, n)
    words = np.array(WORDS)
    quote_words = rng.integers(0, len(words), (n, 14))
    geometry = [regions[region_of[i]] if prec[i] == 3 else Point(lon[i], lat[i]) for i in range(n)]
    killed = rng.poisson(0.6, n).astype("float")
    killed[rng.random(n) < 0.3] = np.nan
    frame = pd.DataFrame(
        {
            "event_id": [f"ev{i:06d}" for i in range(n)],
            "date": [None if u else d for u, d in zip(undated, dates, strict=True)],
            "time_precision": 1,
            "date_source": "stated",
            "place_text": [f"place {i % 5000}" for i in range(n)],
            "place_name": [f"Place {i % 5000}" for i in range(n)],
            "geonameid": rng.integers(100000, 999999, n),
            "lat": lat,
            "lon": lon,
            "country_code": np.where(lon > 40, "RU", "UA"),
            "admin1": [f"{k:02d}" for k in region_of],
            "admin1_name": [f"Region {k}" for k in region_of],
            "geo_precision": prec,
            "event_type": "Air/drone strike",
            "weapon": rng.choice(WEAPONS, n),
            "weapon_model": rng.choice(["Shahed-136", "Kh-101", "Iskander-M", None], n),
            "actor": "Russian forces",
            "target": rng.choice(["residential", "energy", "port", "oil refinery", None], n),
            "killed": pd.array(killed, dtype="Int64"),
            "injured": pd.array(rng.poisson(1.5, n), dtype="Int64"),
            "intercepted": rng.random(n) < 0.2,
            "side": rng.choice(SIDES, n, p=[0.7, 0.25, 0.05]),
            "quote": [f"#{i}: " + " ".join(words[q]) for i, q in enumerate(quote_words)],
            "confidence": rng.uniform(0.3, 0.95, n).round(2),
            "source": [f"a{k}" for k in art],
            "n_sources": 1,
            "source_titles": [f"Article {k}" for k in art],
            "source_urls": [f"https://news.example.org/{k}" for k in art],
            "sources_json": [
                json.dumps(
                    [
                        {
                            "id": f"a{k}",
                            "title": f"Article {k}",
                            "url": f"https://news.example.org/{k}",
                            "published": "2024-06-01",
                        }
                    ]
                )
                for k in art
            ],
        }
    )
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def write_geomap(events, path: Path) -> float:
    from geomap.map.render import write_map

    t = time.perf_counter()
    write_map(events, path, title="Benchmark")
    return time.perf_counter() - t


def write_naive(events, path: Path) -> float:
    """Today's route: one folium.Marker (with a popup) per event."""
    import folium

    t = time.perf_counter()
    m = folium.Map(location=[49, 32], zoom_start=5)
    for row in events.itertuples():
        text = html.escape(f"{row.date} {row.weapon} {row.place_name}: {row.quote}")
        folium.Marker(
            [row.lat, row.lon], popup=folium.Popup(text), tooltip=html.escape(str(row.place_name))
        ).add_to(m)
    m.save(str(path))
    return time.perf_counter() - t


FIRST_PAINT = (
    "() => new Promise(r => requestAnimationFrame("
    "() => requestAnimationFrame(() => r(performance.now()))))"
)


def render_time(browser, path: Path, naive: bool) -> float:
    """Seconds from navigation start to the second frame after the map is drawn."""
    from geomap.map.assets import vendor_dir

    page = browser.new_page(viewport={"width": 1280, "height": 860})

    def route(r) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:", "about:")):
            r.continue_()
        elif naive and url.endswith("/leaflet.js"):
            r.fulfill(
                body=(vendor_dir() / "leaflet.js").read_bytes(),
                content_type="application/javascript",
            )
        elif naive and url.endswith("/leaflet.css"):
            r.fulfill(body=(vendor_dir() / "leaflet.css").read_bytes(), content_type="text/css")
        elif naive and r.request.resource_type in ("script", "stylesheet"):
            r.fulfill(body="", content_type="text/plain")
        else:
            r.abort()

    page.route("**/*", route)
    try:
        page.goto(path.as_uri(), wait_until="load", timeout=600_000)
        if not naive:
            page.wait_for_function("window.geomap && window.geomap.ready === true", timeout=600_000)
        return page.evaluate(FIRST_PAINT) / 1000
    finally:
        page.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument(
        "--naive-max",
        type=int,
        default=10000,
        help="largest size for the naive map (it takes minutes at 100k)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    browser = pw = None
    if CHROMIUM.exists():
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        browser = launch_chromium(pw)
    else:
        print(f"note: {CHROMIUM} missing, render times not measured")

    # Warm-up (imports, bundled boundaries, browser) so the first row is not charged for them.
    with tempfile.TemporaryDirectory() as tmp:
        write_geomap(make_events(10), Path(tmp) / "warm.html")
        if browser:
            render_time(browser, Path(tmp) / "warm.html", naive=False)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            events = make_events(n)
            for name, writer, naive in (
                ("geomap", write_geomap, False),
                ("naive folium", write_naive, True),
            ):
                if naive and n > args.naive_max:
                    rows.append(
                        (n, name, None, None, None, f"skipped (> --naive-max {args.naive_max})")
                    )
                    continue
                path = Path(tmp) / f"{name.replace(' ', '_')}_{n}.html"
                secs = writer(events, path)
                size = path.stat().st_size / 1e6
                shown = render_time(browser, path, naive) if browser else None
                rows.append((n, name, secs, size, shown, ""))
                print(f"  done {name} n={n}", file=sys.stderr, flush=True)
                path.unlink()

    if browser:
        browser.close()
        pw.stop()

    def fmt(v: float | None, unit: str) -> str:
        return "-" if v is None else f"{v:.2f} {unit}"

    print(f"{'events':>8}  {'map':<13} {'write':>9} {'size':>9} {'1st render':>11}  note")
    for n, name, secs, size, shown, note in rows:
        cells = f"{fmt(secs, 's'):>9} {fmt(size, 'MB'):>9} {fmt(shown, 's'):>11}"
        print(f"{n:>8}  {name:<13} {cells}  {note}")
    big = [r for r in rows if r[1] == "geomap" and r[0] == 100_000]
    if big:
        _, _, secs, size, shown, _ = big[0]
        print(
            f"targets at 100k: write {secs:.1f} s (< 15), size {size:.1f} MB (< 25), "
            f"render {fmt(shown, 's')} (< 5 s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
