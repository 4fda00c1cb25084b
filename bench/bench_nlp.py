"""Speed of geomap.nlp next to spaCy's own NER-only pipeline, measured in the same run.

Usage: ``.venv/bin/python bench/bench_nlp.py [--docs N]``

Prints words/s on the seed articles and on LGL/GWN texts (../shared/devdata) for:
spaCy NER only (tok2vec + ner, the baseline), places only (tok2vec + ner + geomap_places,
target >= 85 % of the baseline), with parser (what ``load_pipeline()`` runs, needed by
the events stage), fast mode (blank + sentencizer + component, target >= 10x baseline),
and ``parse_many(n_process=2)``; plus start-up times. No assertions.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
DEVDATA = ROOT.parent / "shared" / "devdata"


def seed_texts() -> list[str]:
    from geomap.ingest import read_articles

    return [a.text for a in read_articles([SEEDS])] if SEEDS.is_dir() else []


def dev_texts(limit: int) -> list[str]:
    out: list[str] = []
    for name in ("lgl.xml", "GWN.xml"):
        if (DEVDATA / name).exists():
            out += [t.text or "" for t in ET.parse(DEVDATA / name).getroot().iter("text")]
    return out[:limit]


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


def rate(nlp, texts: list[str], repeat: int = 2, n_process: int = 1) -> float:
    """Best-of-``repeat`` words/s of ``nlp.pipe`` over ``texts``."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=16, n_process=n_process):
            pass
        best = min(best, time.perf_counter() - t0)
    return words(texts) / best


def startup(code: str) -> float:
    """Median wall time of a fresh interpreter running ``code`` (3 runs)."""
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    import spacy

    from geomap import settings
    from geomap.nlp import load_pipeline

    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=300, help="devdata texts to use")
    args = ap.parse_args(argv)
    model = str(settings.get("spacy_model"))

    ner_only = spacy.load(model, exclude=["lemmatizer", "parser", "tagger",
                                          "attribute_ruler", "senter"])
    places = spacy.load(model, exclude=["lemmatizer", "parser", "tagger",
                                        "attribute_ruler", "senter"])
    places.add_pipe("geomap_places").initialize()
    full = load_pipeline()
    fast = load_pipeline(fast=True)
    print(f"pipelines: ner-only {ner_only.pipe_names} | places {places.pipe_names} | "
          f"full {full.pipe_names} | fast {fast.pipe_names}")

    for label, texts in (("seeds", seed_texts()), ("devdata", dev_texts(args.docs))):
        if not texts:
            print(f"{label}: no texts found, skipped")
            continue
        base = rate(ner_only, texts)
        print(f"\n{label}: {len(texts)} texts, {words(texts):,} words")
        print(f"  {'spaCy NER only (baseline)':38} {base:10,.0f} words/s  100%")
        for name, nlp, kw in (("places only (ner + geomap_places)", places, {}),
                              ("with parser (load_pipeline())", full, {}),
                              ("fast (blank + sentencizer + places)", fast, {}),
                              ("with parser, n_process=2", full, {"n_process": 2})):
            r = rate(nlp, texts, repeat=1 if kw else 2, **kw)
            print(f"  {name:38} {r:10,.0f} words/s  {r / base:6.1%}  ({r / base:.2f}x)")

    print("\nstart-up (fresh interpreter, median of 3; table cached):")
    t_model = startup(f"import spacy; spacy.load({model!r})")
    t_full = startup("from geomap.nlp import load_pipeline; load_pipeline()('Kyiv')")
    t_fast = startup("from geomap.nlp import load_pipeline; load_pipeline(fast=True)('Kyiv')")
    t_py = startup("pass")
    print(f"  python alone {t_py:.2f}s | spacy.load only {t_model:.2f}s | "
          f"load_pipeline() + first doc {t_full:.2f}s | fast {t_fast:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
