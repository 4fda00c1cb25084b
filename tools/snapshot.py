"""Snapshot geomap's outputs to compare two checkouts byte for byte (used to check refactorings).

``python -m tools.snapshot OUT_DIR`` writes, for the geomap importable in this process:
every place mention (``Mention.to_dict()``, fast and full pipelines) of the first 150 LGL and
150 GeoWebNews texts plus the seed pages; ``geomap places seeds/ --json``; the seed map and its
GeoJSON; the seed events in every export format (+ ACLED CSV); three geocoder answers.
``python -m tools.snapshot --compare A B`` lists the files that differ (GeoPackages are compared by
content: their headers carry a timestamp).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import re
import subprocess
import sys
from pathlib import Path

DEVDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "devdata"
FORMATS = ("geojson", "gpkg", "csv", "kml", "fgb", "parquet")


def _texts(per_corpus: int = 150) -> list[str]:
    texts: list[str] = []
    for name in ("lgl.xml", "GWN.xml"):
        raw = (DEVDATA / name).read_text(encoding="utf-8")
        texts += re.findall(r"<text>(.*?)</text>", raw, re.S)[:per_corpus]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(Path("seeds").iterdir())]
    return texts


def _cli(*args: str, stdout: Path | None = None) -> None:
    with open(stdout, "w") if stdout else open("/dev/null", "w") as out:
        subprocess.run([sys.executable, "-m", "geomap.cli", *args], stdout=out, stderr=subprocess.DEVNULL, check=True)


def snapshot(out: Path) -> None:
    """Write every output into ``out``."""
    import geomap

    out.mkdir(parents=True, exist_ok=True)
    texts = _texts()
    for mode in ("fast", "full"):
        with open(out / f"mentions-{mode}.jsonl", "w", encoding="utf-8") as fh:
            for text in texts:
                mentions = geomap.places(text, fast=mode == "fast")
                fh.write(json.dumps([m.to_dict() for m in mentions], sort_keys=True, ensure_ascii=False) + "\n")
    _cli("places", "seeds/", "--json", stdout=out / "places.json")
    _cli("map", "seeds/", "-o", str(out / "seeds.html"))
    for ext in FORMATS:
        _cli("extract", "seeds/", "-q", "-o", str(out / f"ev.{ext}"))
    _cli("extract", "seeds/", "-q", "--acled", "-o", str(out / "acled.csv"))
    _cli("geocode", "Kremenchuk", "Stanislav, Kherson Oblast", "Sumy Oblast", "--json", stdout=out / "geocode.json")


def _same(a: Path, b: Path) -> bool:
    if a.suffix == ".gpkg":
        import pyogrio

        return bool(pyogrio.read_dataframe(a).equals(pyogrio.read_dataframe(b)))
    return filecmp.cmp(a, b, shallow=False)


def compare(a: Path, b: Path) -> int:
    """Print ``same``/``DIFF`` per file; the number of differing files."""
    diffs = 0
    for left in sorted(p for p in a.iterdir() if p.is_file()):
        right = b / left.name
        ok = right.exists() and _same(left, right)
        diffs += not ok
        print(f"{'same' if ok else 'DIFF'} {left.name}")
    return diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.snapshot", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"))
    args = parser.parse_args(argv)
    if args.compare:
        return 1 if compare(*args.compare) else 0
    if args.out is None:
        parser.error("give OUT_DIR or --compare A B")
    snapshot(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
