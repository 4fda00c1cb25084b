"""Bundled JavaScript/CSS for the offline map and the step that inlines them.

geomap's HTML map must open with no network, so every script and style sheet it
needs is read from ``geomap/map/static/`` and written *into* the page:

* ``geomap/map/static/gm-*.js`` and ``geomap.css`` are geomap's own code (committed; the
  scripts are split by concern and inlined in the order of :data:`OWN_JS`);
* ``geomap/map/static/vendor/`` holds third-party files copied from ``node_modules`` by
  ``python -m geomap.map.assets --vendor node_modules`` (run by ``make install``; the
  folder is git-ignored), with a ``NOTICE`` naming each file and its licence, and the
  offline base map ``basemap.json`` copied from ``data/basemap/`` so that a built wheel
  ships it.

Folium elements reference an asset with a pseudo-URL ``geomap-asset:<name>`` in
their ``default_js``/``default_css``; :func:`inline_header_links` swaps those
header links for ``<script>``/``<style>`` elements holding the file's text.
"""

from __future__ import annotations

import argparse
import base64
import functools
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geomap._fileio import write_text_atomic
from geomap.exc import GeomapError

__all__ = [
    "ASSET_SCHEME",
    "OWN",
    "OWN_JS",
    "AssetError",
    "asset_url",
    "external_refs",
    "inline_header_links",
    "read_asset",
    "vendor",
]

#: Prefix of the pseudo-URLs naming a bundled asset in ``default_js``/``default_css``.
ASSET_SCHEME = "geomap-asset:"


class AssetError(GeomapError, FileNotFoundError):
    """A bundled JS/CSS asset is missing (the vendored copy was never made)."""


@dataclass(frozen=True, slots=True)
class VendoredFile:
    """One third-party file copied from ``node_modules`` into ``static/vendor``."""

    name: str  # file name inside static/vendor
    package: str  # npm package
    path: str  # path inside the package
    licence: str  # SPDX identifier
    note: str = ""


#: Every third-party file the map uses.  Nothing else is bundled: the map needs no
#: jQuery, Bootstrap, Font Awesome or awesome-markers (folium's default header).
VENDORED: tuple[VendoredFile, ...] = (
    VendoredFile("leaflet.js", "leaflet", "dist/leaflet.js", "BSD-2-Clause"),
    VendoredFile(
        "leaflet.css",
        "leaflet",
        "dist/leaflet.css",
        "BSD-2-Clause",
        "images referenced by url(images/...) are inlined as data: URIs",
    ),
    VendoredFile(
        "leaflet-heat.js",
        "leaflet.heat",
        "dist/leaflet-heat.js",
        "BSD-2-Clause",
        "contains simpleheat (c) Vladimir Agafonkin, BSD-2-Clause",
    ),
)

#: geomap's own scripts (committed, in geomap/map/static/), inlined in this order: each
#: adds to the ``window.geomap`` namespace that the earlier ones made.
OWN_JS = (
    "gm-util.js",  # namespace, DOM and text helpers
    "gm-data.js",  # the data block: decoding, columns, event text
    "gm-canvas.js",  # the event canvas: symbols, clusters, spiders, hit tests
    "gm-layers.js",  # base map, labels, region outlines
    "gm-popup.js",  # event and source cards, multi-event popups
    "gm-time.js",  # the timeline: histogram, slider, play, windows
    "gm-panels.js",  # panels: search, legend, layers, event list, downloads
    "gm-view.js",  # the view: filters, URL hash, layout, entry point
)
#: geomap's own files (committed, in geomap/map/static/).
OWN = (*OWN_JS, "geomap.css")


def assets_dir() -> Path:
    """Directory of the bundled assets (``geomap/map/static``)."""
    return Path(__file__).resolve().parent / "static"


def vendor_dir() -> Path:
    """Directory of the vendored third-party assets (``geomap/map/static/vendor``)."""
    return assets_dir() / "vendor"


def asset_url(name: str) -> str:
    """Pseudo-URL naming bundled asset ``name`` (for ``default_js``/``default_css``)."""
    return ASSET_SCHEME + name


def asset_path(name: str) -> Path:
    """Path of bundled asset ``name``.

    Raises
    ------
    AssetError
        If ``name`` is not a known asset.
    """
    if name in OWN:
        return assets_dir() / name
    if any(f.name == name for f in VENDORED):
        return vendor_dir() / name
    raise AssetError(f"unknown bundled asset {name!r}")


def read_asset(name: str) -> str:
    """Text of bundled asset ``name``.

    Raises
    ------
    AssetError
        If the file is missing: the message says to run ``make install``.
    """
    path = asset_path(name)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = (
            f"bundled map asset {path} is missing; run `make install` "
            "(or `python -m geomap.map.assets --vendor node_modules` after `npm ci`)"
        )
        raise AssetError(msg) from None


@functools.cache
def _raw_class() -> type:
    from branca.element import Element

    class RawText(Element):
        """Element rendering its text verbatim (no Jinja)."""

        def __init__(self, body: str) -> None:
            super().__init__()
            self._name = "RawText"
            self.body = body

        def render(self, **kwargs: Any) -> str:
            return self.body

    return RawText


def raw_element(text: str) -> Any:
    """A branca ``Element`` that renders ``text`` verbatim.

    ``branca.element.Element(template)`` compiles its text as a Jinja template, so
    any ``{{ ... }}`` inside data would be *evaluated* at render time (folium's
    ``MacroElement`` feeds macro output through that path).  This element bypasses
    Jinja entirely: it is the only way geomap puts data into the page.
    """
    return _raw_class()(text)


def _script_text(code: str) -> str:
    """``code`` made safe to sit inside ``<script>...</script>``."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)


def _style_text(css: str) -> str:
    """``css`` made safe to sit inside ``<style>...</style>``."""
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


def inline_header_links(figure: Any) -> None:
    """Replace every ``geomap-asset:`` link in ``figure.header`` by the file's text.

    Order is preserved; links to other URLs are left alone (see :func:`external_refs`).
    """
    from branca.element import CssLink, JavascriptLink

    items = list(figure.header._children.items())
    figure.header._children.clear()
    for key, child in items:
        url = getattr(child, "url", "")
        if isinstance(child, (JavascriptLink, CssLink)) and url.startswith(ASSET_SCHEME):
            name = url[len(ASSET_SCHEME) :]
            if isinstance(child, JavascriptLink):
                body = f"<script>/* {name} */\n{_script_text(read_asset(name))}\n</script>"
            else:
                body = f"<style>/* {name} */\n{_style_text(read_asset(name))}\n</style>"
            child = raw_element(body)
        figure.header._children[key] = child
        child._parent = figure.header


_REF_RE = re.compile(
    r"<(script|link|img|iframe|source|embed|object)\b[^>]*?\b(src|href|data)\s*=\s*"
    r"[\"']?\s*([a-z][a-z0-9+.-]*:|//)",
    re.IGNORECASE,
)


def external_refs(html: str) -> list[str]:
    """Opening tags in ``html`` that would make a browser fetch a URL by themselves.

    ``<script src>``, ``<link href>``, ``<img src>`` ... with an absolute or
    protocol-relative URL (``data:`` URIs are allowed).  Plain ``<a href>`` links are
    not fetches and are not reported.
    """
    out = []
    for m in _REF_RE.finditer(html):
        scheme = m.group(3).lower()
        if scheme == "data:":
            continue
        end = html.find(">", m.start())
        out.append(html[m.start() : end + 1 if end >= 0 else m.end()])
    return out


# --------------------------------------------------------------------------- vendoring

_CSS_URL_RE = re.compile(r"url\((['\"]?)(images/[A-Za-z0-9._-]+\.png)\1\)")


def _inline_css_images(css: str, base: Path) -> str:
    """Replace ``url(images/x.png)`` in ``css`` with ``data:`` URIs of the files."""

    def repl(m: re.Match[str]) -> str:
        data = (base / m.group(2)).read_bytes()
        return "url(data:image/png;base64," + base64.b64encode(data).decode("ascii") + ")"

    return _CSS_URL_RE.sub(repl, css)


def _package_meta(pkg_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((pkg_dir / "package.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        msg = f"npm package {pkg_dir.name!r} not found in {pkg_dir.parent}; run `npm ci`"
        raise AssetError(msg) from None


def _notice(node_modules: Path, basemap: bool = False) -> str:
    lines = [
        "Third-party files bundled into geomap's offline HTML maps",
        "(copied from node_modules by `python -m geomap.map.assets --vendor node_modules`).",
        "",
    ]
    packages: dict[str, list[VendoredFile]] = {}
    for f in VENDORED:
        packages.setdefault(f.package, []).append(f)
    for pkg, files in packages.items():
        meta = _package_meta(node_modules / pkg)
        lines.append(f"{pkg} {meta.get('version', '?')} ({meta.get('homepage', '')})")
        for f in files:
            note = f" - {f.note}" if f.note else ""
            lines.append(f"  {f.name} <- {pkg}/{f.path}; licence {f.licence}{note}")
        lic = node_modules / pkg / "LICENSE"
        if lic.exists():
            lines += ["", "  " + lic.read_text(encoding="utf-8").strip().replace("\n", "\n  ")]
        lines.append("")
    if basemap:
        lines += [
            "basemap.json <- data/basemap/basemap.json (tools/build_basemap.py): Natural Earth",
            "  (public domain); town names from GeoNames (CC BY 4.0).",
            "",
        ]
    return "\n".join(lines) + "\n"


def vendor(node_modules: Path, dest: Path | None = None, basemap: Path | None = None) -> list[Path]:
    """Copy the third-party assets from ``node_modules`` into ``dest``.

    Parameters
    ----------
    node_modules
        The ``node_modules`` directory made by ``npm ci``.
    dest
        Target directory; ``geomap/map/static/vendor`` by default.
    basemap
        The offline base map to ship with the package (``data/basemap/basemap.json``
        beside ``node_modules`` by default); copied as ``basemap.json`` when it exists.

    Returns
    -------
    list of Path
        The files written (assets, the base map, then ``NOTICE``).
    """
    dest = dest or vendor_dir()
    if basemap is None:
        basemap = node_modules.resolve().parent / "data" / "basemap" / "basemap.json"
    written = []
    for f in VENDORED:
        src = node_modules / f.package / f.path
        try:
            text = src.read_text(encoding="utf-8")
        except FileNotFoundError:
            msg = f"{src} not found; run `npm ci` in the project root first"
            raise AssetError(msg) from None
        if f.name.endswith(".css"):
            text = _inline_css_images(text, src.parent)
        write_text_atomic(dest / f.name, text, make_parents=True)
        written.append(dest / f.name)
    shipped = basemap.is_file()
    if shipped:
        write_text_atomic(dest / "basemap.json", basemap.read_text(encoding="utf-8"), make_parents=True)
        written.append(dest / "basemap.json")
    write_text_atomic(dest / "NOTICE", _notice(node_modules, shipped), make_parents=True)
    written.append(dest / "NOTICE")
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m geomap.map.assets --vendor node_modules``."""
    parser = argparse.ArgumentParser(prog="python -m geomap.map.assets", description=__doc__)
    parser.add_argument("--vendor", type=Path, metavar="NODE_MODULES", required=True)
    parser.add_argument("--dest", type=Path, default=None)
    parser.add_argument(
        "--basemap",
        type=Path,
        default=None,
        help="offline base map to ship (default: data/basemap/basemap.json beside NODE_MODULES)",
    )
    args = parser.parse_args(argv)
    try:
        for path in vendor(args.vendor, args.dest, args.basemap):
            print(path)
    except GeomapError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
