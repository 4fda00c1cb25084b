"""Speed of geomap.nlp next to spaCy's own NER-only pipeline, measured in the same run.

Usage: ``.venv/bin/python bench/bench_nlp.py [--docs N] [--rounds R] [--warm W]``

Prints words/s on the seed articles and on LGL/GWN texts (../shared/devdata) for:

* spaCy NER only: the same model loaded with only what its NER needs (for
  ``en_core_web_sm`` the ``ner`` component alone: it has its own tok2vec) - the baseline;
* places: what ``find_places`` runs, ``load_pipeline(parser=False)`` = NER + sentencizer
  + geomap_places (target >= 85 % of the baseline);
* events: ``load_pipeline()``, with the tagger and parser that geomap.events reads
  (no target; shown for scale);
* fast pipeline: ``load_pipeline(fast=True)`` = blank English tokenizer + sentencizer +
  geomap_places, no statistical model (the Doc that ``extract --fast`` needs);
* fast text: ``find_places(fast=True)`` = the same rules over a regular-expression
  tokenisation, no spaCy Doc (target >= 10x the baseline);
* places with ``n_process=2``;

and start-up times in fresh interpreters. The pipelines are timed in ``--rounds``
interleaved rounds. Within a round, each pipeline with a target runs between two
NER-only passes over the same texts, and its ratio to the baseline is the mean time
of those two passes over its own: a slow phase of a shared or virtual machine then
hits both sides of the ratio. The ratio printed is the median over the rounds, with
every round's ratio beside it; words/s are the best round. The other pipelines are
compared with the mean of the round's baseline passes. Every pass starts from a
freshly loaded gazetteer (loaded untimed, with the tables the place component builds
at start-up) and with geomap's name caches cleared, so no round is a warm re-run of
the same texts. Two figures per pipeline:

* cold: the timed texts are the first the pipeline sees;
* steady: ``--warm`` *other* devdata texts run untimed first (the NER baseline too;
  for the seeds as well as for devdata),
  so geomap's per-name caches hold what a long batch has learnt from earlier
  documents, but nothing about the timed ones. This is the throughput of a real run
  over many articles.

The machine load (``os.getloadavg``) is printed before and after. No assertions.
"""

from __future__ import annotations

import argparse
import os
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


class TextPlaces:
    """``find_places(fast=True)`` behind a ``pipe`` method: no spaCy Doc at all."""

    pipe_names = ["text_places"]

    def __init__(self, nlp) -> None:
        self.comp = nlp.get_pipe("geomap_places")

    def pipe(self, texts, **_kw):
        return (self.comp.text_places(t) for t in texts)


def cold_caches() -> None:
    """Start every pass from a freshly loaded gazetteer with empty name caches, so that
    repeated rounds do not flatter geomap: resolved names, memoised keys and hints, and
    the gazetteer's lazily decoded columns are all dropped. The new gazetteer is loaded
    (with the tables the component prepares at load) here, untimed, as in start-up."""
    from geomap import nlp as geomap_nlp
    from geomap.gazetteer import core as gazetteer
    from geomap.nlp import component as _nlp_component
    from geomap.nlp import rules as _nlp_rules

    gazetteer.Gazetteer._default = None
    for pipeline in _nlp_component._pipelines.values():
        comp = pipeline.get_pipe(geomap_nlp.COMPONENT)
        comp._gazetteer = None
        comp.table.clear_memo()
        comp.gazetteer  # noqa: B018 - what loading the pipeline does
    gazetteer._primary_key.cache_clear()
    gazetteer._name_key.cache_clear()
    gazetteer._known_countries.cache_clear()
    _nlp_rules._norm_cache.clear()
    _nlp_rules._hint_from.cache_clear()
    _nlp_rules._same_name.cache_clear()


def seconds(nlp, texts: list[str], n_process: int = 1, warm: list[str] = ()) -> float:
    """Wall time of one ``nlp.pipe`` pass over ``texts``: caches cleared first, then
    the ``warm`` texts run untimed (steady state: what a long batch looks like after
    its first documents, without ever having seen the timed ones)."""
    cold_caches()
    for _doc in nlp.pipe(warm, batch_size=16):
        pass
    t0 = time.perf_counter()
    for _doc in nlp.pipe(texts, batch_size=16, n_process=n_process):
        pass
    return time.perf_counter() - t0


#: The pipelines with a speed target: each timed pass is paired with NER-only passes.
PAIRED = ("places (ner + sentencizer + geomap_places)", "fast text (find_places(fast=True), no Doc)")


def _timed_rounds(ner_only, pipes: dict, texts: list[str], modes: list, rounds: int):
    """Per round and mode: NER, target, NER, target, NER (each target between two
    baseline passes, so that a slow phase of the machine hits both sides of its ratio),
    then the other pipelines (cold only). Returns ``(ratios, best seconds, best
    baseline seconds)``: ratios per ``(mode, pipeline)`` are baseline/pipeline speed."""
    ratios: dict[tuple[str, str], list[float]] = {}
    best: dict[tuple[str, str], float] = {}
    base_best: dict[str, float] = {}
    for _ in range(rounds):
        for mode, before in modes:
            bases = [seconds(ner_only, texts, warm=before)]
            for name in PAIRED:
                t = seconds(pipes[name], texts, warm=before)
                bases.append(seconds(ner_only, texts, warm=before))
                ratios.setdefault((mode, name), []).append((bases[-2] + bases[-1]) / 2 / t)
                best[mode, name] = min(best.get((mode, name), t), t)
            base_best[mode] = min([base_best.get(mode, bases[0]), *bases])
            if mode != "cold":
                continue
            for name, nlp in pipes.items():
                if name not in PAIRED:
                    t = seconds(nlp, texts)
                    ratios.setdefault((mode, name), []).append(statistics.mean(bases) / t)
                    best[mode, name] = min(best.get((mode, name), t), t)
    return ratios, best, base_best


def _fmt_ratio(r: float) -> str:
    return f"{r:.1%}" if r < 2 else f"{r:.2f}x"


def startup(code: str) -> float:
    """Median wall time of a fresh interpreter running ``code`` (3 runs)."""
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    import spacy

    from geomap import settings
    from geomap.nlp import load_pipeline, ner_only_exclude

    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=300, help="devdata texts to use")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved timing rounds")
    ap.add_argument("--warm", type=int, default=200, help="other devdata texts run before each steady-state pass")
    args = ap.parse_args(argv)
    model = str(settings.get("spacy_model"))
    print(f"{os.cpu_count()} CPUs, {load()} (before)")

    exclude = ner_only_exclude(model)
    ner_only = spacy.load(model, exclude=exclude)
    pipes = {
        "places (ner + sentencizer + geomap_places)": load_pipeline(parser=False),
        "events (load_pipeline(), + tagger, parser)": load_pipeline(),
        "fast pipeline (blank + sentencizer + places)": load_pipeline(fast=True),
        "fast text (find_places(fast=True), no Doc)": TextPlaces(load_pipeline(fast=True)),
    }
    print(
        f"pipelines: ner-only {ner_only.pipe_names} | "
        + " | ".join(f"{k.split('(')[0].strip()} {v.pipe_names}" for k, v in pipes.items())
    )

    all_dev = dev_texts(args.docs + args.warm)
    for label, texts in (("seeds", seed_texts()), ("devdata", all_dev[: args.docs])):
        if not texts:
            print(f"{label}: no texts found, skipped")
            continue
        warm = all_dev[args.docs :]  # other texts than the timed ones, for both sets
        for nlp in (ner_only, *pipes.values()):  # warm-up: caches, lazy data
            seconds(nlp, texts[:20])
        modes = [("cold", [])] + ([("steady", warm)] if warm else [])
        ratios, best, base_best = _timed_rounds(ner_only, pipes, texts, modes, args.rounds)
        print(f"\n{label}: {len(texts)} texts, {words(texts):,} words, {args.rounds} rounds")
        print("  cold: caches cleared, the timed texts are the first after start-up")
        if warm:
            print(
                f"  steady: caches cleared, then {len(warm)} devdata texts not timed here "
                f"({words(warm):,} words) untimed, then the timed texts"
            )
        print(
            "  words/s: best round; vs NER: median over rounds of the time of the NER-only "
            "passes run\n  just before and after the pipeline's pass (same mode) over "
            "its own time; [each round]"
        )
        w = words(texts)
        print(f"  {'':44}" + "".join(f"{mode + ' words/s':>16} {'vs NER':>8}  {'':18}" for mode, _ in modes))
        print(
            f"  {'spaCy NER only (baseline)':44}"
            + "".join(f"{w / base_best[mode]:16,.0f} {'100.0%':>8}  {'':18}" for mode, _ in modes)
        )
        for name in pipes:
            row = ""
            for mode, _ in modes:
                rs = ratios.get((mode, name))
                if not rs:
                    row += f"{'-':>16} {'-':>8}  {'':18}"
                    continue
                each = "[" + " ".join(_fmt_ratio(r) for r in rs) + "]"
                row += f"{w / best[mode, name]:16,.0f} {_fmt_ratio(statistics.median(rs)):>8}  {each:18}"
            print(f"  {name:44}{row}")
        base = w / base_best["cold"]
        if label == "devdata":
            t_base2 = seconds(ner_only, texts, n_process=2)
            t_pl2 = seconds(pipes[next(iter(pipes))], texts, n_process=2)
            print(f"  {'NER only, n_process=2':44} {words(texts) / t_base2:10,.0f} words/s")
            r2 = words(texts) / t_pl2
            print(
                f"  {'places, n_process=2':44} {r2:10,.0f} words/s  {r2 / base:6.1%} "
                f"of 1-process baseline, {t_base2 / t_pl2:.1%} of NER n_process=2"
            )

    print("\nstart-up (fresh interpreter, median of 3; place table cached):")
    t_py = startup("pass")
    t_model = startup(f"import spacy; spacy.load({model!r}, exclude={exclude!r})")
    t_places = startup("from geomap.nlp import load_pipeline; load_pipeline(parser=False)('Kyiv')")
    t_events = startup("from geomap.nlp import load_pipeline; load_pipeline()('Kyiv')")
    t_fast = startup("from geomap.nlp import load_pipeline; load_pipeline(fast=True)('Kyiv')")
    print(
        f"  python alone {t_py:.2f}s | spacy.load NER only {t_model:.2f}s | "
        f"places pipeline + first doc {t_places:.2f}s (target < 3 s) | "
        f"events pipeline {t_events:.2f}s | fast {t_fast:.2f}s"
    )
    print(f"{load()} (after)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
