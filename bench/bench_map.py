"""Benchmark: geomap's offline map against naive folium and folium's FastMarkerCluster.

For 1k / 10k / 100k synthetic events it prints, for each map made in the same run, the
time to write the HTML, the file size, the time to first render in headless Chromium
(navigation start to the second animation frame after the map is drawn) and how many
events the page drew.  The baselines:

* naive folium: one ``folium.Marker`` with a popup and a tooltip per event;
* FastMarkerCluster: ``folium.plugins.FastMarkerCluster`` over the event points.

Both load their scripts and styles from five CDNs.  The benchmark serves every one of
those files from the npm packages installed by ``make install`` (``package.json``
devDependencies: leaflet, jquery, bootstrap, @fortawesome/fontawesome-free,
drmonty-leaflet-awesome-markers, leaflet.markercluster), so the baselines run as they
would online: folium's popups call jQuery's ``$``, and with an empty jQuery the page
stopped at the first marker.  Two style sheets that no npm package ships (Bootstrap 3's
glyphicons sheet, folium's own marker-rotation sheet: neither affects drawing) are served
empty; the output says so.  Every request is answered locally: nothing goes out.

Run: ``.venv/bin/python -m bench.bench_map [--sizes 1000,10000,100000] [--naive-max 10000]``
Targets for geomap at 100k events: written < 15 s, < 10 MB, first render < 5 s.
"""

from __future__ import annotations

import argparse
import html
import json
import sys
import tempfile
import time
from pathlib import Path

from tools.browser import CHROMIUM, launch_chromium

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"

WEAPONS = ["missile", "drone", "artillery", "mlrs", "aerial bomb", "unknown"]
SIDES = ["strikes on Ukraine", "strikes on Russia", "other"]
WORDS = (
    "the regional governor said a drone struck an energy facility overnight while air defence "
    "units shot down several missiles over the city and debris damaged residential buildings"
).split(" ")

#: CDN file name -> file in node_modules (the baselines' assets, served locally).
NPM_ASSETS = {
    "leaflet.js": "leaflet/dist/leaflet.js",
    "leaflet.css": "leaflet/dist/leaflet.css",
    "jquery-3.7.1.min.js": "jquery/dist/jquery.min.js",
    "bootstrap.bundle.min.js": "bootstrap/dist/js/bootstrap.bundle.min.js",
    "bootstrap.min.css": "bootstrap/dist/css/bootstrap.min.css",
    "all.min.css": "@fortawesome/fontawesome-free/css/all.min.css",
    "leaflet.awesome-markers.js": "drmonty-leaflet-awesome-markers/js/leaflet.awesome-markers.js",
    "leaflet.awesome-markers.css": "drmonty-leaflet-awesome-markers/css/leaflet.awesome-markers.css",
    "leaflet.markercluster.js": "leaflet.markercluster/dist/leaflet.markercluster.js",
    "MarkerCluster.css": "leaflet.markercluster/dist/MarkerCluster.css",
    "MarkerCluster.Default.css": "leaflet.markercluster/dist/MarkerCluster.Default.css",
}
#: Directories searched for files referenced from those (images, web fonts).
NPM_DIRS = (
    "leaflet/dist/images",
    "@fortawesome/fontawesome-free/webfonts",
    "drmonty-leaflet-awesome-markers/css/images",
)
#: Style sheets no npm package ships; served empty (they do not affect drawing).
EMPTY_CSS = {"bootstrap-glyphicons.css", "leaflet.awesome.rotate.min.css"}
#: The baselines' default tile layer: not fetched (no network), as for geomap's own optional layer.
TILES = "https://tile.openstreetmap.org/"
TYPES = {
    ".js": "application/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".svg": "image/svg+xml",
}


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
    dates = (pd.Timestamp("2024-01-01") + pd.to_timedelta(day, unit="D")).strftime("%Y-%m-%d").tolist()
    undated = rng.random(n) < 0.03
    regions = [
        box(23 + 2 * (k % 10), 45 + 2.5 * (k // 10), 24.8 + 2 * (k % 10), 47.2 + 2.5 * (k // 10)) for k in range(40)
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


# --------------------------------------------------------------------------- the maps


def write_geomap(events, path: Path) -> float:
    from geomap.map.render import write_map

    t = time.perf_counter()
    write_map(events, path, title="Benchmark")
    return time.perf_counter() - t


def write_naive(events, path: Path) -> float:
    """The plain route: one folium.Marker (with a popup and a tooltip) per event."""
    import folium

    t = time.perf_counter()
    m = folium.Map(location=[49, 32], zoom_start=5)
    for row in events.itertuples():
        text = html.escape(f"{row.date} {row.weapon} {row.place_name}: {row.quote}")
        folium.Marker([row.lat, row.lon], popup=folium.Popup(text), tooltip=html.escape(str(row.place_name))).add_to(m)
    m.save(str(path))
    return time.perf_counter() - t


def write_fast_cluster(events, path: Path) -> float:
    """folium.plugins.FastMarkerCluster over the event points (no popups)."""
    import folium
    from folium.plugins import FastMarkerCluster

    t = time.perf_counter()
    m = folium.Map(location=[49, 32], zoom_start=5)
    FastMarkerCluster(events[["lat", "lon"]].to_numpy().tolist()).add_to(m)
    m.save(str(path))
    return time.perf_counter() - t


MAPS = (
    ("geomap", write_geomap, "geomap"),
    ("naive folium", write_naive, "naive"),
    ("FastMarkerCluster", write_fast_cluster, "cluster"),
)


# --------------------------------------------------------------------------- rendering


def _npm_file(url: str) -> Path | None:
    name = url.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1]
    if name in NPM_ASSETS:
        return NODE / NPM_ASSETS[name]
    for folder in NPM_DIRS:
        if (NODE / folder / name).is_file():
            return NODE / folder / name
    return None


FIRST_PAINT = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"

#: What each page drew, read after the first render.
DRAWN = {
    "geomap": (
        "() => { const s = window.geomap.views[0].stats; return s.drawnPoints + s.clusteredEvents + s.regionEvents; }"
    ),
    "naive": "() => document.querySelectorAll('.leaflet-marker-icon').length",
    "cluster": (
        "() => { let n = 0; document.querySelectorAll('.marker-cluster div span')"
        ".forEach(s => n += +s.textContent); return n + document.querySelectorAll("
        "'.leaflet-marker-icon:not(.marker-cluster)').length; }"
    ),
}


def render_time(browser, path: Path, kind: str) -> tuple[float, int, list[str], list[str]]:
    """(seconds from navigation start to the second frame after the map is drawn, events
    drawn, page errors, CDN files served empty or missing)."""
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    errors: list[str] = []
    unserved: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    def route(r) -> None:
        url = r.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            r.continue_()
            return
        local = _npm_file(url)
        name = url.rsplit("/", 1)[-1]
        if local is not None and local.is_file():
            r.fulfill(body=local.read_bytes(), content_type=TYPES.get(local.suffix, "application/octet-stream"))
        elif name in EMPTY_CSS:
            unserved.append(name)
            r.fulfill(body="", content_type="text/css")
        else:
            unserved.append(url)
            r.abort()

    page.route("**/*", route)
    try:
        page.goto(path.as_uri(), wait_until="load", timeout=900_000)
        if kind == "geomap":
            page.wait_for_function("window.geomap && window.geomap.ready === true", timeout=900_000)
        shown = page.evaluate(FIRST_PAINT) / 1000
        drawn = int(page.evaluate(DRAWN[kind]))
        return shown, drawn, errors, sorted(set(unserved))
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
    if not NODE.is_dir():
        print("note: node_modules missing (run `make install`): the baselines cannot load their assets")

    # Warm-up (imports, bundled boundaries, browser) so the first row is not charged for them.
    with tempfile.TemporaryDirectory() as tmp:
        write_geomap(make_events(10), Path(tmp) / "warm.html")
        if browser:
            render_time(browser, Path(tmp) / "warm.html", "geomap")

    rows = []
    notes: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            events = make_events(n)
            for name, writer, kind in MAPS:
                if kind == "naive" and n > args.naive_max:
                    rows.append((n, name, None, None, None, None, f"skipped (> --naive-max {args.naive_max})"))
                    continue
                path = Path(tmp) / f"{kind}_{n}.html"
                secs = writer(events, path)
                size = path.stat().st_size / 1e6
                shown = drawn = None
                note = ""
                if browser:
                    shown, drawn, errors, unserved = render_time(browser, path, kind)
                    if errors:
                        note = f"page errors: {errors[0][:60]}"
                    missing = [u for u in unserved if u not in EMPTY_CSS and not u.startswith(TILES)]
                    if missing:
                        note += f" unserved: {missing[0][:60]}"
                    notes.update(u for u in unserved if u in EMPTY_CSS)
                rows.append((n, name, secs, size, shown, drawn, note))
                print(f"  done {name} n={n}", file=sys.stderr, flush=True)
                path.unlink()

    if browser:
        browser.close()
        pw.stop()

    def fmt(v: float | None, unit: str) -> str:
        return "-" if v is None else f"{v:.2f} {unit}"

    print(f"{'events':>8}  {'map':<18} {'write':>9} {'size':>9} {'1st render':>11} {'drawn':>8}  note")
    for n, name, secs, size, shown, drawn, note in rows:
        cells = f"{fmt(secs, 's'):>9} {fmt(size, 'MB'):>9} {fmt(shown, 's'):>11} {'-' if drawn is None else drawn:>8}"
        print(f"{n:>8}  {name:<18} {cells}  {note}")
    if notes:
        print(f"(served empty, no npm package ships them: {', '.join(sorted(notes))}; OSM tiles not fetched)")
    print("(geomap draws the dated events: undated ones, 3% here, are off until asked for)")
    big = [r for r in rows if r[1] == "geomap" and r[0] == 100_000]
    if big:
        _, _, secs, size, shown, _, _ = big[0]
        print(
            f"targets at 100k: write {secs:.1f} s (< 15), size {size:.1f} MB (< 10), render {fmt(shown, 's')} (< 5 s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
