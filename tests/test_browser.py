"""The offline map in a real browser: headless Debian Chromium driven by Playwright.

Every request that is not file:/data:/about:/blob: is aborted and recorded; the map must
render, filter and escape with none made.  Each control is tried at a desktop size
(1400x900) and a phone size (390x844); screenshots go to test-artifacts/.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import CHROMIUM, HOSTILE_QUOTE, HOSTILE_TITLE, JINJA, event_row, launch_chromium, sample_events
from test_render import tiny_base_layers, tiny_basemap

from geomap.map import render

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DESKTOP = (1400, 900)
PHONE = (390, 844)
SIZES = pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium chromium-driver")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def _write(frame, path: Path, **kw) -> Path:
    kw.setdefault("base_layers", tiny_base_layers())
    kw.setdefault("basemap", tiny_basemap())
    return render.write_map(frame, path, **kw)


@pytest.fixture(scope="module")
def map_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("map") / "map.html"
    return _write(sample_events(), path, title="Test strikes <script>")


def _frame(rows):
    import geopandas as gpd

    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:4326")


class Page:
    """A loaded map with the network blocked; records blocked URLs and console errors."""

    def __init__(self, browser, path: Path, size=DESKTOP, hash: str = "") -> None:
        self.size = size
        self.page = browser.new_page(viewport={"width": size[0], "height": size[1]}, accept_downloads=True)
        self.blocked: list[tuple[str, str]] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri() + hash)
        self.page.wait_for_function("window.geomap && window.geomap.ready === true", timeout=60000)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "about:", "blob:")):
            route.continue_()
        else:
            self.blocked.append((route.request.resource_type, url))
            route.abort()

    @property
    def phone(self) -> bool:
        return self.size == PHONE

    def js(self, code: str, arg=None):
        return self.page.evaluate(code, arg)

    def stats(self) -> dict:
        return self.js("() => Object.assign({}, window.geomap.views[0].stats)")

    def label(self) -> str:
        return self.page.inner_text(".gm-time-label")

    def index(self, event_id: str) -> int:
        return self.js("id => window.geomap.views[0].ev.indexOfId(id)", event_id)

    def open_panel(self, key: str) -> None:
        panel = self.page.locator(f".gm-panel-{key}")
        if "gm-open" not in (panel.get_attribute("class") or ""):
            panel.locator(".gm-panel-toggle").click()

    def check(self, text: str, on: bool) -> None:
        self.open_panel("layers")
        box = self.page.locator(".gm-panel-layers label", has_text=text).locator("input")
        box.set_checked(on)

    def event_point(self, event_id: str) -> tuple[float, float]:
        """Page coordinates of the clickable head of an event's drawn symbol."""
        return tuple(
            self.js(
                """id => {
                const v = window.geomap.views[0], ev = v.ev, i = ev.indexOfId(id);
                const p = v.points.pointOf(i), box = v.map.getContainer().getBoundingClientRect();
                const r = ev.shape[i] === 1 ? Math.max(ev.r[i], 7) : 0;
                return [box.left + p[0], box.top + p[1] - 1.9 * r];
            }""",
                event_id,
            )
        )

    def pixel(self, x: float, y: float) -> list[int]:
        return self.js(
            """([x, y]) => {
            const c = document.querySelector('.gm-events-canvas'), r = c.getBoundingClientRect();
            const k = c.width / r.width;
            const px = Math.round((x - r.left) * k), py = Math.round((y - r.top) * k);
            return Array.from(c.getContext('2d').getImageData(px, py, 1, 1).data);
        }""",
            [x, y],
        )

    def popup_text(self, expect: str | None = None) -> str:
        """Text of the open popup (one containing ``expect``: a closing one fades out)."""
        popup = (
            self.page.locator(".leaflet-popup-content", has_text=expect)
            if expect
            else self.page.locator(".leaflet-popup-content")
        )
        popup.last.wait_for()
        return popup.last.inner_text()

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        suffix = "phone" if self.phone else "desktop"
        self.page.screenshot(path=str(ARTIFACTS / f"{name}-{suffix}.png"))

    def close(self) -> None:
        self.page.close()


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def loaded(request, browser, map_file):
    page = Page(browser, map_file, request.param)
    yield page
    page.close()


@pytest.fixture()
def desktop(browser, map_file):
    page = Page(browser, map_file, DESKTOP)
    yield page
    page.close()


def _rects_overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


# --------------------------------------------------------------------------- basics


def test_renders_offline_with_no_requests(loaded):
    s = loaded.stats()
    assert s["total"] == 5 and s["visible"] == 4  # the undated event is off by default
    assert s["undatedShown"] == 0
    assert s["pins"] + s["circles"] + s["clusteredEvents"] == 3
    assert s["regionPolygons"] == 1 and s["regionEvents"] == 1
    assert loaded.page.locator("path.gm-region").count() == 1
    assert loaded.blocked == [] and loaded.errors == []
    assert loaded.js("typeof window.L") == "object"
    loaded.shot("map")


def test_view_fits_the_events_on_open(loaded):
    inside = loaded.js(
        """() => {
        const v = window.geomap.views[0], ev = v.ev, size = v.map.getSize(), out = [];
        for (let i = 0; i < ev.n; i++) {
            const p = v.map.latLngToContainerPoint([ev.lat[i], ev.lon[i]]);
            out.push(p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y);
        }
        return out;
    }"""
    )
    assert all(inside)
    assert loaded.js("window.geomap.views[0].map.getZoom()") >= 5  # not a world view


def test_pin_is_drawn_in_its_weapon_colour(desktop):
    x, y = desktop.event_point("town-1")  # a drone: #0072b2 (white side mark in the middle)
    radius = desktop.js("window.geomap.views[0].ev.r[window.geomap.views[0].ev.indexOfId('town-1')]")
    r, g, b, a = desktop.pixel(x + radius * 0.7, y)
    assert a == 255 and abs(r - 0x00) < 40 and abs(g - 0x72) < 40 and abs(b - 0xB2) < 40


def test_credits_in_attribution(loaded):
    attr = loaded.page.locator(".leaflet-control-attribution")
    text = attr.inner_text()
    for name in ("Leaflet", "GeoNames", "Who\u2019s On First", "Natural Earth"):
        assert name in text
    assert attr.locator('a[href="https://whosonfirst.org/docs/licenses/"]').count() == 1


def test_nothing_executed_from_article_text(desktop):
    assert desktop.js("window.__pwned") is None
    assert desktop.page.title() == "Test strikes <script>"
    assert desktop.page.inner_text(".gm-title") == "Test strikes <script>"


def test_tiles_only_when_chosen(loaded):
    assert loaded.blocked == []
    loaded.open_panel("layers")
    loaded.page.locator(".gm-panel-layers label", has_text="OpenStreetMap").locator("input").check()
    loaded.page.wait_for_timeout(400)
    kinds = {kind for kind, _ in loaded.blocked}
    assert loaded.blocked and kinds == {"image"}
    assert all(url.startswith("https://tile.openstreetmap.org/") for _, url in loaded.blocked)


# --------------------------------------------------------------------------- timeline


def test_timeline_histogram_and_slider(loaded):
    slider = loaded.page.get_by_role("slider")
    assert slider.count() == 1
    assert "all dates" in slider.get_attribute("aria-valuetext")
    hist = loaded.js("window.geomap.views[0].timeControl.stats")
    assert hist["max"] == 2 and hist["daysPerBin"] == 1  # 2024-01-15: two events
    # Per-category stacking: the bar of 2024-01-13 is drawn in the drone colour.
    color = loaded.js(
        """() => {
        const tc = window.geomap.views[0].timeControl, c = tc._canvas, k = c.width / c.clientWidth;
        const w = c.clientWidth - 12, x = Math.round((6 + w / 6) * k), y = c.height - Math.round(5 * k);
        return Array.from(c.getContext('2d').getImageData(x, y, 1, 1).data);
    }"""
    )
    assert abs(color[0] - 0x00) < 30 and abs(color[1] - 0x72) < 30 and abs(color[2] - 0xB2) < 30
    slider.focus()
    loaded.page.keyboard.press("End")
    assert loaded.label() == "2024-01-15"
    assert slider.get_attribute("aria-valuetext") == "2024-01-15"
    assert slider.get_attribute("aria-valuenow") == "2"
    s = loaded.stats()
    assert (s["visible"], s["regionPolygons"]) == (2, 1)
    loaded.page.keyboard.press("ArrowLeft")
    assert loaded.label() == "2024-01-14" and loaded.stats()["visible"] == 1
    # A click on the histogram picks the day under the pointer.
    box = slider.bounding_box()
    loaded.page.mouse.click(box["x"] + 6 + (box["width"] - 12) / 6, box["y"] + box["height"] / 2)
    assert loaded.label() == "2024-01-13" and loaded.stats()["visible"] == 1
    loaded.shot("timeline")
    assert loaded.errors == []


def test_undated_off_by_default_and_drawn_hollow(loaded):
    if loaded.phone:
        loaded.page.get_by_role("button", name="More time options").click()
    box = loaded.page.locator(".gm-time-undated input")
    assert not box.is_checked()
    box.check()
    s = loaded.stats()
    assert s["visible"] == 5 and s["undatedShown"] == 1
    # Kyiv's undated bomb: a white head with a coloured rim.
    x, y = loaded.event_point("town-2")
    r, g, b, a = loaded.pixel(x, y + 3)
    assert a == 255 and min(r, g, b) > 200, (r, g, b)
    loaded.shot("undated")


def _gappy_events():
    dates = ["2024-01-01", "2024-01-01", "2024-01-05", "2024-01-20", "2024-02-25"]
    return _frame(
        [
            event_row(event_id=f"g{k}", date=d, lat=48 + k * 0.7, lon=30 + k, quote=f"gap {k}")
            for k, d in enumerate(dates)
        ]
    )


@SIZES
def test_play_skips_empty_days_at_the_chosen_speed(browser, tmp_path, size):
    page = Page(browser, _write(_gappy_events(), tmp_path / "gaps.html"), size)
    try:
        page.page.get_by_label("Play speed (event days per second)").select_option("8")
        page.js(
            """() => { window.__seen = []; const v = window.geomap.views[0];
            v.map.on('gm:refresh', () => window.__seen.push(v.rangeText())); }"""
        )
        page.page.get_by_role("button", name="Play").click()
        page.page.wait_for_function("window.__seen.length >= 4", timeout=5000)
        page.page.wait_for_timeout(700)  # it stops by itself at the last event day
        seen = page.js("window.__seen")
        assert seen == ["2024-01-01", "2024-01-05", "2024-01-20", "2024-02-25"]
        assert page.page.get_by_role("button", name="Play").count() == 1  # stopped
        page.page.get_by_role("button", name="Previous event day").click()
        assert page.label() == "2024-01-20"
        page.page.get_by_role("button", name="Previous event day").click()
        assert page.label() == "2024-01-05"
        page.page.get_by_role("button", name="Next event day").click()
        assert page.label() == "2024-01-20"
        assert page.errors == []
    finally:
        page.close()


def test_window_mode_and_date_range(loaded):
    loaded.page.get_by_label("Time window").select_option("3")
    assert loaded.label() == "2024-01-13 \u2192 2024-01-15 (last 3 days)"
    assert loaded.stats()["visible"] == 4
    slider = loaded.page.get_by_role("slider")
    slider.focus()
    loaded.page.keyboard.press("ArrowLeft")  # the window slides back (and stops at the first day)
    assert loaded.label() == "2024-01-13 \u2192 2024-01-14 (last 3 days)"
    assert loaded.stats()["visible"] == 2
    if loaded.phone:
        loaded.page.get_by_role("button", name="More time options").click()
    loaded.page.locator(".gm-date input").nth(0).fill("2024-01-14")
    loaded.page.locator(".gm-date input").nth(1).fill("2024-01-15")
    assert loaded.label() == "2024-01-14 \u2192 2024-01-15"
    assert loaded.stats()["visible"] == 3
    assert "3 of 5 events shown" in loaded.page.inner_text(".gm-time-count")
    loaded.page.get_by_label("Time window").select_option("all")
    assert loaded.stats()["visible"] == 4
    assert loaded.errors == []


# --------------------------------------------------------------------------- layers and filters


def test_layers_filter_map_list_and_histogram(loaded):
    loaded.check("Strikes on Russia", False)
    s = loaded.stats()
    assert s["visible"] == 2 and s["regionPolygons"] == 0
    assert loaded.js("window.geomap.views[0].timeControl.stats.max") == 1
    loaded.check("Strikes on Russia", True)
    loaded.check("Claimed interceptions over regions", False)
    s = loaded.stats()
    assert s["visible"] == 3 and s["regionPolygons"] == 0
    loaded.check("Drone", False)
    assert loaded.stats()["visible"] == 2
    loaded.open_panel("list")
    assert loaded.page.locator(".gm-list-body [role=row]").count() == 2
    loaded.check("Heat map", True)
    assert loaded.page.locator("canvas.leaflet-heatmap-layer").count() == 1
    loaded.shot("layers")
    assert loaded.errors == []


def test_regions_fade_at_city_zoom_and_interceptions_are_a_layer(browser, tmp_path):
    box = {"type": "Polygon", "coordinates": [[[35.0, 48.5], [38.5, 48.5], [38.5, 50.5], [35.0, 50.5], [35.0, 48.5]]]}
    rows = [
        event_row(event_id="strike", geo_precision=3, weapon="missile", geometry=box, quote="hit in the region"),
        event_row(event_id="claim", geo_precision=3, intercepted=True, geometry=box, quote="drones downed"),
        event_row(event_id="town", quote="a town"),
    ]
    page = Page(browser, _write(_frame(rows), tmp_path / "regions.html"))
    try:

        def fills():
            return page.js(
                """() => Array.from(document.querySelectorAll('path.gm-region')).map(p =>
                    [p.getAttribute('class').includes('intercept'), +p.getAttribute('fill-opacity'),
                     p.getAttribute('stroke-dasharray')])"""
            )

        page.js("window.geomap.views[0].map.setZoom(6, {animate: false})")
        low = fills()
        strike = [f for f in low if not f[0]][0]
        claim = [f for f in low if f[0]][0]
        assert strike[1] > 0.1 and claim[1] < strike[1] and claim[2] != strike[2]
        page.js("window.geomap.views[0].map.setZoom(11, {animate: false})")
        assert all(f[1] == 0 for f in fills())  # city zoom: outline only
        page.check("Claimed interceptions over regions", False)
        assert [f[0] for f in fills()] == [False]
        assert page.stats()["interceptPolygons"] == 0
    finally:
        page.close()


def test_region_polygon_popup(desktop):
    box = desktop.page.locator("path.gm-region").bounding_box()
    desktop.page.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] * 0.1)
    text = desktop.popup_text()
    assert "Drones were shot down" in text and "Belgorod Oblast" in text


# --------------------------------------------------------------------------- popups and source cards


def test_popup_source_cards(loaded):
    if loaded.phone:
        loaded.js("window.geomap.views[0].openEvent(window.geomap.views[0].ev.indexOfId('town-1'), {fly: true})")
    else:
        x, y = loaded.event_point("town-1")
        loaded.page.mouse.move(x, y)
        assert "Kharkiv" in loaded.page.inner_text(".gm-tooltip")
        loaded.page.mouse.click(x, y)
    popup = loaded.page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert HOSTILE_QUOTE in popup.locator(".gm-quote").inner_text()
    assert popup.locator("img").count() == 0
    card = popup.locator(".gm-source")
    assert card.locator(".gm-source-outlet").inner_text() == "example.org"
    assert card.locator(".gm-source-date").inner_text() == "2024-01-13"
    link = card.locator("a")
    assert link.inner_text() == HOSTILE_TITLE
    assert link.get_attribute("href") == "https://example.org/a?x=1&y='2'"
    assert link.get_attribute("rel") == "noopener noreferrer"
    text = popup.inner_text()
    for expected in (
        "2024-01-13",
        "\u201cKharkiv\u201d in the text \u2192 Kharkiv, Kharkiv Oblast, UA (town)",
        "\u2190 stated",  # how the date was found
        "0.70",  # confidence
        "drone",
        "residential",
        "2 / 5",
    ):
        assert expected in text
    assert loaded.js("window.__pwned") is None
    if loaded.phone:  # the popup sits clear of every panel once the fly-to and auto-pan have settled
        loaded.page.wait_for_function(
            "() => !window.geomap.views[0].map._animatingZoom && !window.geomap.views[0].map._panAnim?._inProgress",
            timeout=5000,
        )
        loaded.page.wait_for_timeout(400)
        pbox = loaded.page.locator(".leaflet-popup").bounding_box()
        for sel in (".gm-panel-toggle", ".gm-time"):
            for k in range(loaded.page.locator(sel).count()):
                other = loaded.page.locator(sel).nth(k).bounding_box()
                assert not _rects_overlap(pbox, other), sel
    loaded.shot("popup")


def test_non_http_source_is_not_a_link(desktop):
    desktop.js("window.geomap.views[0].openEvent(window.geomap.views[0].ev.indexOfId('near-1'), {fly: false})")
    text = desktop.popup_text()
    assert JINJA in text and "Bad link" in text and "(no link)" in text
    assert desktop.page.locator(".leaflet-popup-content .gm-sources a").count() == 0
    assert "near a town" in text


# --------------------------------------------------------------------------- clusters


def _kyiv_events():
    """Seven events at one Kyiv point on four dates, three nearby towns, one far."""
    rows = [
        event_row(
            event_id=f"kyiv-{k}",
            date=d,
            lat=50.45,
            lon=30.52,
            place_text="Kyiv",
            place_name="Kyiv",
            killed=k,
            weapon=["missile", "drone"][k % 2],
            quote=f"Kyiv report {k}",
        )
        for k, d in enumerate(
            ["2024-01-02", "2024-01-02", "2024-01-03", "2024-01-05", "2024-01-05", "2024-01-09", "2024-01-09"]
        )
    ]
    rows += [
        event_row(
            event_id=f"near-{k}",
            date="2024-01-04",
            lat=50.3 + 0.1 * k,
            lon=30.8 + 0.15 * k,
            place_text=f"Town {k}",
            place_name=f"Town {k}",
            quote=f"nearby {k}",
        )
        for k in range(3)
    ]
    rows.append(event_row(event_id="far", date="2024-01-04", lat=46.48, lon=30.72, quote="Odesa"))
    return _frame(rows)


@SIZES
def test_clusters_count_and_spread_apart(browser, tmp_path, size):
    page = Page(browser, _write(_kyiv_events(), tmp_path / "kyiv.html"), size)
    try:
        page.js("window.geomap.views[0].map.setView([50.45, 30.6], 7, {animate: false})")
        s = page.stats()
        assert s["clusters"] >= 1 and s["clusteredEvents"] >= 7
        page.shot("clusters")
        # The Kyiv cluster: a click zooms in while its events can be told apart, then,
        # all seven at one place, spreads them apart (spider).
        zooms = []
        for _ in range(6):
            where = page.js(
                """() => {
                const v = window.geomap.views[0], cl = v.points.clusters(), i = v.ev.indexOfId('kyiv-0');
                const c = cl.of[i], box = v.map.getContainer().getBoundingClientRect();
                const T = v.points._transform(), zs = T.k / Math.pow(2, cl.z);
                return [box.left + cl.cx[c] * zs + T.ox, box.top + cl.cy[c] * zs + T.oy, cl.count[c]];
            }"""
            )
            assert where[2] >= 7
            zoom = page.js("window.geomap.views[0].map.getZoom()")
            zooms.append((zoom, where[2]))
            page.page.mouse.click(where[0], where[1])
            page.page.wait_for_timeout(700)
            if page.stats()["spider"]:
                break
        assert page.stats()["spider"] == 7, zooms
        assert zooms[-1][1] == 7 and all(z < zooms[-1][0] for z, _ in zooms[:-1])
        page.shot("spider")
        x, y = page.event_point("kyiv-3")
        page.page.mouse.click(x, y)
        text = page.popup_text()
        assert "Kyiv report 3" in text and "2024-01-05" in text
        assert page.errors == []
    finally:
        page.close()


def test_stacked_events_popup_groups_by_date(browser, tmp_path):
    page = Page(browser, _write(_kyiv_events(), tmp_path / "kyiv.html"))
    try:
        page.js(
            """() => { const v = window.geomap.views[0], ids = [0,1,2,3,4,5,6].map(k => v.ev.indexOfId('kyiv-' + k));
            v.openEvents(ids, L.latLng(50.45, 30.52), '7 events at Kyiv'); }"""
        )
        popup = page.page.locator(".leaflet-popup-content")
        popup.wait_for()
        dates = popup.locator(".gm-popup-date").all_inner_texts()
        assert dates == ["2024-01-09", "2024-01-05", "2024-01-03", "2024-01-02"]  # newest first
        assert "7 events on 4 dates" in popup.inner_text()
        popup.locator(".gm-popup-row").nth(2).click()
        assert "2 of 7" in popup.inner_text() or "3 of 7" in popup.inner_text()
        popup.get_by_role("button", name="Next event").click()
        assert popup.locator(".gm-card").count() == 1
        popup.get_by_role("button", name="Back to the list of 7 events").click()
        assert popup.locator(".gm-popup-row").count() == 7
    finally:
        page.close()


# --------------------------------------------------------------------------- event list


def test_event_list_sorts_and_opens_events(loaded):
    loaded.open_panel("list")
    table = loaded.page.get_by_role("table")
    assert table.count() == 1 and table.get_attribute("aria-rowcount") == "5"  # 4 events + header
    rows = loaded.page.locator(".gm-list-body [role=row]")
    assert rows.count() == 4
    assert rows.nth(0).locator("[role=cell]").nth(0).inner_text() == "2024-01-15"  # newest first
    loaded.page.get_by_role("button", name="Sort by killed / inj.").click()
    assert rows.nth(0).locator("[role=cell]").nth(3).inner_text() == "2 / 5"
    assert table.locator("[aria-sort=descending]").count() == 1
    loaded.page.get_by_role("button", name="Sort by date").click()
    assert rows.nth(0).locator("[role=cell]").nth(0).inner_text() == "2024-01-15"
    loaded.page.get_by_role("button", name="Sort by date, now descending").click()
    assert rows.nth(0).locator("[role=cell]").nth(0).inner_text() == "2024-01-13"
    loaded.shot("list")
    rows.nth(0).click()  # Kharkiv drone: flies there and opens it
    text = loaded.popup_text()
    assert "Kharkiv" in text and "2024-01-13" in text
    v = loaded.js("(() => { const v = window.geomap.views[0]; return [v.selected, v.map.getZoom()]; })()")
    assert v[0] == loaded.index("town-1") and v[1] >= 11
    if loaded.phone:
        assert "gm-open" not in loaded.page.locator(".gm-panel-list").get_attribute("class")


def test_event_list_is_virtual_with_100k_events(browser, tmp_path):
    import geopandas as gpd
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(5)
    n = 100_000
    frame = pd.DataFrame(
        {
            "event_id": [f"v{i}" for i in range(n)],
            "date": (pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 720, n), unit="D")).strftime(
                "%Y-%m-%d"
            ),
            "weapon": rng.choice(["missile", "drone", "artillery"], n),
            "side": "strikes on Ukraine",
            "geo_precision": 1,
            "killed": rng.poisson(0.5, n),
            "place_name": [f"Place {i % 3000}" for i in range(n)],
            "quote": [f"report number {i}" for i in range(n)],
        }
    )
    lat, lon = rng.uniform(45, 52, n), rng.uniform(23, 40, n)
    gdf = gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    page = Page(browser, _write(gdf, tmp_path / "big.html", basemap={}, base_layers={}))
    try:
        s = page.stats()
        assert s["visible"] == n and s["clusters"] > 10 and s["drawnPoints"] < 5000
        page.open_panel("list")
        assert page.page.get_by_role("table").get_attribute("aria-rowcount") == str(n + 1)
        assert page.page.locator(".gm-list-body [role=row]").count() < 60  # only visible rows exist
        took = page.js(
            """() => { const t = performance.now(), v = window.geomap.views[0];
            v.panels.list.sortBy('casualties'); const sc = v.panels.list._scroller;
            sc.scrollTop = sc.scrollHeight; v.panels.list.render(); return performance.now() - t; }"""
        )
        assert took < 1000
        last = page.page.locator(".gm-list-body [role=row]").last
        assert int(last.get_attribute("aria-rowindex")) == n + 1
        page.page.get_by_role("slider").focus()
        page.page.keyboard.press("End")
        page.page.wait_for_function(f"window.geomap.views[0].stats.visible < {n // 100}", timeout=10000)
        assert page.blocked == [] and page.errors == []
        page.shot("big")
    finally:
        page.close()


# --------------------------------------------------------------------------- search


def test_search_places_and_quotes(loaded):
    if loaded.phone:
        loaded.open_panel("search")
    box = loaded.page.locator("input[type=search]")
    box.fill("odes")
    option = loaded.page.get_by_role("option").first
    option.wait_for()
    assert "Odesa" in option.inner_text() and "1 event" in option.inner_text()
    loaded.page.keyboard.press("Enter")
    text = loaded.popup_text("Odesa")
    assert "Kh-101" in text
    assert loaded.js("window.geomap.views[0].map.getZoom()") >= 10
    if loaded.phone:
        loaded.open_panel("search")
    box.fill("shot down")
    loaded.page.get_by_role("option").first.wait_for()
    quote = loaded.page.locator(".gm-search-quote").first
    assert "shot down" in quote.locator("mark").inner_text()
    loaded.shot("search")
    quote.click()
    assert "Drones were shot down over the region." in loaded.popup_text("Drones were shot down")
    box = loaded.page.locator("input[type=search]")
    if loaded.phone:
        loaded.open_panel("search")
    box.fill("<img src=x")  # hostile quote text: found, shown as text
    loaded.page.get_by_role("option").first.wait_for()
    assert loaded.page.locator(".gm-search-results img").count() == 0
    assert loaded.js("window.__pwned") is None


# --------------------------------------------------------------------------- base map


def test_offline_basemap_rivers_towns_and_oblast_names(loaded):
    loaded.js("window.geomap.views[0].map.setView([49.5, 33.5], 6, {animate: false})")
    loaded.page.wait_for_timeout(100)
    towns = loaded.page.locator(".gm-label-town").all_inner_texts()
    assert "Kyiv" in towns and len(towns) >= 2
    assert "Kharkiv Oblast" in loaded.page.locator(".gm-label-admin1").all_inner_texts()
    assert loaded.js("window.geomap.views[0].base.waterFeatures") == 3  # river, lake, coast
    loaded.shot("basemap")
    loaded.check("Towns over 50,000", False)
    assert loaded.page.locator(".gm-label-town").count() == 0
    loaded.check("Rivers, lakes and coast", False)
    assert loaded.js("window.geomap.views[0].map.hasLayer(window.geomap.views[0].base.parts.water)") is False


# --------------------------------------------------------------------------- phone layout


def test_phone_panels_collapse_to_buttons(browser, map_file):
    page = Page(browser, map_file, PHONE)
    try:
        screen = PHONE[0] * PHONE[1]
        toggles = page.page.locator(".gm-panel-toggle")
        assert toggles.count() == 4
        assert page.page.locator(".gm-panel.gm-open").count() == 0  # all collapsed, legend closed
        for key in ("search", "layers", "list", "legend"):
            page.page.locator(f".gm-panel-{key} .gm-panel-toggle").click()
            assert page.page.locator(".gm-panel.gm-open").count() == 1  # one at a time
            body = page.page.locator(f".gm-panel-{key} .gm-panel-body").bounding_box()
            assert body["width"] * body["height"] <= 0.4 * screen, key
            page.shot(f"panel-{key}")
        time_box = page.page.locator(".gm-time").bounding_box()
        assert time_box["width"] * time_box["height"] <= 0.4 * screen
        page.page.get_by_role("button", name="More time options").click()
        time_box = page.page.locator(".gm-time").bounding_box()
        assert time_box["width"] * time_box["height"] <= 0.4 * screen
        assert page.page.locator(".gm-panel.gm-open").count() == 0  # options closed the panel
        # A tap on the map reaches it (no panel blocks it) and opens the event there.
        x, y = page.event_point("town-1")
        page.page.mouse.click(x, y)
        assert "Kharkiv" in page.popup_text()
        assert "gm-time-open" not in page.page.locator(".gm-time").get_attribute("class")
        assert page.errors == []
    finally:
        page.close()


# --------------------------------------------------------------------------- URL hash


@SIZES
def test_view_round_trips_through_the_url_hash(browser, map_file, size):
    page = Page(browser, map_file, size)
    try:
        page.js(
            """() => { const v = window.geomap.views[0];
            v.setWindow(2, 2); v.setUndated(true); v.setCategory(1, false);
            v.setRegions('intercepts', false); v.map.setView([49.9, 36.3], 9, {animate: false}); }"""
        )
        page.page.wait_for_function("location.hash.includes('map=9/')", timeout=5000)
        hash_ = page.js("location.hash")
        assert "t=2d/2024-01-15" in hash_ and "u=1" in hash_ and "hide=drone" in hash_ and "off=intercepts" in hash_
        before = page.stats()
        label = page.label()
    finally:
        page.close()
    again = Page(browser, map_file, size, hash=hash_)
    try:
        assert again.label() == label == "2024-01-14 \u2192 2024-01-15 (last 2 days)"
        after = again.stats()
        assert after["visible"] == before["visible"] and after["regionPolygons"] == 0
        view = again.js(
            "(() => { const m = window.geomap.views[0].map, c = m.getCenter(); return [m.getZoom(), c.lat, c.lng]; })()"
        )
        assert view[0] == 9 and abs(view[1] - 49.9) < 0.01 and abs(view[2] - 36.3) < 0.01
        again.open_panel("layers")
        assert not again.page.locator(".gm-panel-layers label", has_text="Drone").locator("input").is_checked()
        # An open event is part of the view too.
        again.js("window.geomap.views[0].openEvent(window.geomap.views[0].ev.indexOfId('town-3'), {fly: false})")
        again.page.wait_for_function("location.hash.includes('ev=town-3')", timeout=5000)
        hash_ = again.js("location.hash")
    finally:
        again.close()
    third = Page(browser, map_file, size, hash=hash_)
    try:
        assert "Shelling of Belgorod." in third.popup_text()
        assert third.errors == []
    finally:
        third.close()


# --------------------------------------------------------------------------- downloads


@SIZES
def test_downloads_geojson_and_csv_of_the_filtered_events(browser, tmp_path, size):
    rows = [
        event_row(event_id="f1", quote='=HYPERLINK("http://evil")', target="+1 building", actor="@you"),
        event_row(event_id="f2", date="2024-01-14", quote='-2 dead, "quoted", comma', lat=49.5, lon=36.0),
        event_row(event_id="f3", date="2024-01-15", weapon="missile", lat=49.0, lon=35.5),
    ]
    page = Page(browser, _write(_frame(rows), tmp_path / "dl.html", title="Down load"), size)
    try:
        page.check("Missile", False)
        page.open_panel("list")
        with page.page.expect_download() as info:
            page.page.get_by_role("button", name="Download the events shown as GeoJSON").click()
        gj = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
        assert info.value.suggested_filename == "down-load-events-all-dates.geojson"
        assert [f["properties"]["event_id"] for f in gj["features"]] == ["f1", "f2"]
        assert gj["features"][0]["geometry"] == {"type": "Point", "coordinates": [36.25, 49.98]}
        assert gj["features"][0]["properties"]["sources"][0]["outlet"] == "example.org"
        page.open_panel("list")
        with page.page.expect_download() as info:
            page.page.get_by_role("button", name="Download the events shown as CSV").click()
        table = list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
        assert [r["event_id"] for r in table] == ["f1", "f2"]
        assert table[0]["quote"] == '\'=HYPERLINK("http://evil")'
        assert table[0]["target"] == "'+1 building" and table[0]["actor"] == "'@you"
        assert table[1]["quote"] == '\'-2 dead, "quoted", comma'
        assert table[0]["killed"] == "0" and table[0]["date"] == "2024-01-13"
        assert page.blocked == [] and page.errors == []
    finally:
        page.close()
