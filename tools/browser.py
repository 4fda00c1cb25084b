"""Headless Chromium for the browser tests and the map benchmark, started one way everywhere."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

#: The Chromium binary (Debian's ``chromium``); ``GEOMAP_CHROMIUM`` overrides it.
CHROMIUM = Path(os.environ.get("GEOMAP_CHROMIUM", "/usr/bin/chromium"))

#: Launch arguments for headless Chromium in a container, with no network chatter.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def launch_chromium(playwright: Any) -> Any:
    """A headless :data:`CHROMIUM` browser from a started ``sync_playwright()`` object."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=list(CHROMIUM_ARGS))
