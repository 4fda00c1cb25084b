"""The offline map in a real browser: headless Debian Chromium driven by Playwright.

Every request that is not file:/data:/about: is aborted and recorded; the map must
render, filter and escape with none made.  A screenshot goes to test-artifacts/.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CHROMIUM, HOSTILE_QUOTE, HOSTILE_TITLE, JINJA, event_row, launch_chromium, sample_events

from geomap.map import render

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium chromium-driver")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def map_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("map") / "map.html"
    return render.write_map(sample_events(), path, title="Test strikes <script>")


class Page:
    """A loaded map with the network blocked; records blocked URLs and console errors."""

    def __init__(self, browser, path: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 860})
        self.blocked: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.geomap && window.geomap.ready === true", timeout=30000)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:")):
            route.continue_()
        else:
            self.blocked.append((route.request.resource_type, url))
            route.abort()

    def stats(self) -> dict:
        return self.page.evaluate("() => Object.assign({}, window.geomap.views[0].stats)")

    def label(self) -> str:
        return self.page.inner_text(".gm-time-label")

    def set_day(self, iso: str) -> None:
        day = self.page.evaluate("iso => window.geomap.views[0].ev.isoDay(iso)", iso)
        self.page.locator(".gm-time-slider").fill(str(day))

    def toggle_layer(self, text: str) -> None:
        self.page.locator(".leaflet-control-layers label", has_text=text).locator("input").click()

    def event_point(self, event_id: str) -> tuple[float, float]:
        """Page coordinates of the clickable head of an event's symbol."""
        return tuple(
            self.page.evaluate(
                """id => {
                const v = window.geomap.views[0], ev = v.ev, d = ev.d;
                let i = 0;
                while (i < ev.n && ev.str('event_id', i) !== id) { i++; }
                const p = v.map.latLngToContainerPoint([d.lat[i], d.lon[i]]);
                const box = v.map.getContainer().getBoundingClientRect();
                const lift = d.shape[i] === 1 ? ev.r[i] * 1.9 : 0;
                const dx = d.shape[i] === 1 ? ev.r[i] * 0.7 : 0;
                return [box.left + p.x + dx, box.top + p.y - lift];
            }""",
                event_id,
            )
        )

    def pixel(self, x: float, y: float) -> list[int]:
        return self.page.evaluate(
            """([x, y]) => {
            const c = document.querySelector('.gm-events-canvas'), r = c.getBoundingClientRect();
            const k = c.width / r.width;
            const px = Math.round((x - r.left) * k), py = Math.round((y - r.top) * k);
            return Array.from(c.getContext('2d').getImageData(px, py, 1, 1).data);
        }""",
            [x, y],
        )


@pytest.fixture()
def loaded(browser, map_file):
    page = Page(browser, map_file)
    yield page
    page.page.close()


def test_renders_offline_with_no_requests(loaded):
    s = loaded.stats()
    assert s["total"] == 5 and s["visible"] == 5
    assert s["pins"] == 3 and s["circles"] == 1
    assert s["regionPolygons"] == 1 and s["regionEvents"] == 1
    assert loaded.page.locator("path.gm-region").count() == 1
    assert loaded.blocked == []
    assert loaded.errors == []
    assert loaded.page.evaluate("typeof window.L") == "object"
    ARTIFACTS.mkdir(exist_ok=True)
    loaded.page.screenshot(path=str(ARTIFACTS / "map.png"))


def test_pin_is_drawn_in_its_weapon_colour(loaded):
    x, y = loaded.event_point("town-1")  # a drone: #0072b2
    r, g, b, a = loaded.pixel(x, y)
    assert a == 255 and abs(r - 0x00) < 40 and abs(g - 0x72) < 40 and abs(b - 0xB2) < 40


def test_layer_control_lists_layers(loaded):
    text = loaded.page.inner_text(".leaflet-control-layers")
    for name in (
        "Offline: outlines only",
        "OpenStreetMap",
        "Countries",
        "Regions (oblasts)",
        "Missile",
        "Drone",
        "Artillery / shelling",
        "Air / glide bomb",
        "Intercepted",
        "Unknown weapon",
        "Strikes on Ukraine",
        "Strikes on Russia",
        "Heat map",
        "2024-01-13",
        "2024-01-14",
        "2024-01-15",
    ):
        assert name in text


def test_time_control_filters_every_layer(loaded):
    assert "all dates" in loaded.label()
    loaded.set_day("2024-01-13")
    assert loaded.label() == "2024-01-13"
    s = loaded.stats()
    assert (s["visible"], s["pins"], s["circles"], s["regionPolygons"]) == (2, 2, 0, 0)  # + undated
    loaded.set_day("2024-01-15")
    s = loaded.stats()
    assert (s["visible"], s["pins"], s["regionPolygons"]) == (3, 2, 1)
    loaded.page.locator(".gm-time-undated input").uncheck()
    assert loaded.stats()["visible"] == 2
    loaded.page.locator(".gm-date input").nth(0).fill("2024-01-14")
    loaded.page.locator(".gm-date input").nth(1).fill("2024-01-15")
    assert loaded.label() == "2024-01-14 \u2192 2024-01-15"
    s = loaded.stats()
    assert (s["visible"], s["circles"], s["regionPolygons"]) == (3, 1, 1)
    assert "3 of 5 events shown" in loaded.page.inner_text(".gm-time-count")
    loaded.page.get_by_role("button", name="Show every date").click()
    assert loaded.stats()["visible"] == 4
    assert loaded.errors == []


def test_layers_and_time_combine(loaded):
    loaded.toggle_layer("Strikes on Russia")
    s = loaded.stats()
    assert s["visible"] == 3 and s["regionPolygons"] == 0
    loaded.set_day("2024-01-15")  # only Russian-side events that day: all hidden
    assert loaded.stats()["visible"] == 1  # the undated one
    loaded.toggle_layer("Strikes on Russia")
    assert loaded.stats()["visible"] == 3
    loaded.toggle_layer("Intercepted")
    assert loaded.stats()["regionPolygons"] == 0
    loaded.toggle_layer("2024-01-15")
    assert loaded.stats()["visible"] == 1
    loaded.toggle_layer("Heat map")
    assert loaded.page.locator("canvas.leaflet-heatmap-layer").count() == 1
    assert loaded.errors == []


def test_popup_shows_quote_as_text(loaded):
    x, y = loaded.event_point("town-1")
    loaded.page.mouse.move(x, y)
    assert "Kharkiv" in loaded.page.inner_text(".gm-tooltip")
    loaded.page.mouse.click(x, y)
    popup = loaded.page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert HOSTILE_QUOTE in popup.locator(".gm-quote").inner_text()
    assert popup.locator("img").count() == 0
    link = popup.locator(".gm-sources a")
    assert link.inner_text() == HOSTILE_TITLE
    assert link.get_attribute("href") == "https://example.org/a?x=1&y='2'"
    assert link.get_attribute("rel") == "noopener noreferrer"
    text = popup.inner_text()
    for expected in (
        "2024-01-13",
        "Kharkiv Oblast",
        "drone",
        "residential",
        "2 / 5",
        "town",
        "0.70",
    ):
        assert expected in text
    assert loaded.page.evaluate("window.__pwned") is None


def test_non_http_source_is_not_a_link(loaded):
    x, y = loaded.event_point("near-1")
    loaded.page.mouse.click(x, y)
    popup = loaded.page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert JINJA in popup.inner_text()
    assert "Bad link" in popup.inner_text()
    assert popup.locator(".gm-sources a").count() == 0
    assert "near a town" in popup.inner_text()


def test_region_polygon_popup(loaded):
    box = loaded.page.locator("path.gm-region").bounding_box()
    loaded.page.mouse.click(box["x"] + box["width"] * 0.85, box["y"] + box["height"] * 0.15)
    popup = loaded.page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Region: Belgorod Oblast" in popup.inner_text()
    assert "Drones were shot down" in popup.inner_text()


def test_tiles_only_when_chosen(loaded):
    assert loaded.blocked == []
    loaded.page.locator(".leaflet-control-layers label", has_text="OpenStreetMap").locator(
        "input"
    ).check()
    loaded.page.wait_for_timeout(300)
    kinds = {kind for kind, _ in loaded.blocked}
    assert loaded.blocked and kinds == {"image"}
    assert all(url.startswith("https://tile.openstreetmap.org/") for _, url in loaded.blocked)


def test_nothing_executed_from_article_text(loaded):
    assert loaded.page.evaluate("window.__pwned") is None
    title = loaded.page.title()
    assert title == "Test strikes <script>"
    assert loaded.page.inner_text(".gm-title") == "Test strikes <script>"


def test_many_events_are_batched_and_clickable(browser, tmp_path):
    import geopandas as gpd
    import numpy as np

    rng = np.random.default_rng(7)
    n = 4000
    lat, lon = rng.uniform(48, 51, n), rng.uniform(30, 37, n)
    rows = [
        event_row(
            event_id=f"m{i}",
            lat=float(lat[i]),
            lon=float(lon[i]),
            weapon=["missile", "drone", "artillery"][i % 3],
            date=f"2024-02-{1 + i % 28:02d}",
            geo_precision=1 if i % 10 else 2,
            quote=f"quote number {i}",
        )
        for i in range(n)
    ]
    path = render.write_map(
        gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326"),
        tmp_path / "many.html",
        base_layers={},
    )
    page = Page(browser, path)
    try:
        s = page.stats()
        assert s["visible"] == n and s["drawnPoints"] > 2500  # batched drawing path
        assert s["pins"] + s["circles"] == s["drawnPoints"]
        # Click the last-drawn symbol: it is on top, so its popup must open.
        x, y = page.page.evaluate("""() => {
            const v = window.geomap.views[0], L_ = v.points, h = L_._hn - 1, i = L_._hi[h];
            const box = v.map.getContainer().getBoundingClientRect();
            const lift = L_._hTop[h] === 1 ? v.ev.r[i] * 1.9 : 0;
            return [box.left + L_._hx[h], box.top + L_._hy[h] - lift];
        }""")
        page.page.mouse.click(x, y)
        page.page.locator(".leaflet-popup-content .gm-quote").first.wait_for()
        assert "quote number" in page.page.inner_text(".leaflet-popup-content")
        page.set_day("2024-02-01")
        assert page.stats()["visible"] == len([i for i in range(n) if i % 28 == 0])
        assert page.blocked == [] and page.errors == []
    finally:
        page.page.close()


def test_play_steps_through_days(loaded):
    loaded.page.get_by_role("button", name="Play day by day").click()
    assert loaded.label() == "2024-01-13"
    loaded.page.wait_for_function(
        "document.querySelector('.gm-time-label').textContent === '2024-01-14'", timeout=5000
    )
    loaded.page.get_by_role("button", name="Play day by day").click()  # stop
    shown = loaded.label()
    loaded.page.wait_for_timeout(1200)
    assert loaded.label() == shown
    assert loaded.errors == []


def test_big_map_shrinks_symbols_and_defers_redraws(browser, tmp_path):
    """25k events (only a few columns): crowded-view symbols, per-frame time filtering."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(3)
    n = 25_000
    lat, lon = rng.uniform(48, 51, n), rng.uniform(30, 37, n)
    frame = pd.DataFrame(
        {
            "event_id": [f"b{i}" for i in range(n)],
            "date": [f"2024-03-{1 + i % 30:02d}" for i in range(n)],
            "weapon": rng.choice(["missile", "drone", "artillery"], n),
            "side": "strikes on Ukraine",
            "geo_precision": 1,
            "quote": "q",
        }
    )
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    page = Page(browser, render.write_map(gdf, tmp_path / "big.html", base_layers={}))
    try:
        s = page.stats()
        assert s["visible"] == n and s["symbolScale"] < 1
        page.set_day("2024-03-02")
        page.page.wait_for_function(
            f"window.geomap.views[0].stats.visible === {len(range(1, n, 30))}", timeout=10000
        )
        assert page.label() == "2024-03-02"
        assert page.blocked == [] and page.errors == []
    finally:
        page.page.close()
