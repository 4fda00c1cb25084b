"""Synthetic article corpora for benchmarks and tests (no download needed).

Sentences of the sample articles in ``seeds/`` are recombined into new articles;
every place name in them that the gazetteer knows as a Ukrainian or Russian
town or village becomes a slot, filled with a random town or village of the
bundled gazetteer. Each article gets a random publication date (2022-2025) and
a few strike sentences with stated dates. The same ``seed`` gives the same corpus.

Run ``python -m tools.synth N OUT.jsonl [--seed S]`` (or ``OUT/`` for one
``.txt`` file per article).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from geomap._fileio import write_text_atomic
from geomap.ingest import Article, read_articles

__all__ = ["Corpus", "generate", "main", "seed_dir", "write_corpus"]

_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c])")
_NAME_RE = re.compile(r"\b[A-Z][a-z'\u2019]+(?:[- ][A-Z][a-z'\u2019]+)?\b")
_PLACE_NAME_RE = re.compile(r"[A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-]+)?")
_SLOT = "\x00"
_START = dt.date(2022, 2, 24)
_DAYS = (dt.date(2025, 12, 31) - _START).days
_WEAPONS = ("drones", "missiles", "a ballistic missile", "Shahed drones", "artillery", "guided aerial bombs")
_TARGETS = (
    "an energy facility",
    "residential buildings",
    "a school",
    "a fuel depot",
    "a railway station",
    "an industrial site",
    "a power substation",
    "a warehouse",
)
_TEMPLATES = (
    "On {date}, {weapon} struck {target} in {place}, the regional governor said.",
    "Overnight on {date}, air defences shot down {n} drones over {place}.",
    "{weapon_cap} hit {place} on {date}, killing {k} people and injuring {m}.",
    "Officials in {place} reported damage to {target} after shelling on {date}.",
    "A strike on {place} on {date} damaged {target}; no casualties were reported.",
)


def seed_dir() -> Path:
    """The repository's ``seeds/`` folder."""
    return Path(__file__).resolve().parent.parent / "seeds"


@dataclass(frozen=True, slots=True)
class Corpus:
    """Sentence templates (with place slots) and the place names to fill them."""

    sentences: tuple[str, ...]
    towns: tuple[str, ...]
    villages: tuple[str, ...]


def _is_local_place(gaz: object, name: str) -> bool:
    ids, _, admin_kind = gaz.lookup(name)  # type: ignore[attr-defined]
    if admin_kind is not None:
        return False
    for i in ids[:20]:
        cand = gaz.candidate(i)  # type: ignore[attr-defined]
        if cand.kind in ("city", "village") and cand.country_code in ("UA", "RU"):
            return True
    return False


def _templates(texts: list[str], gaz: object) -> tuple[str, ...]:
    """Sentences of 40-400 characters with known local place names turned into slots."""
    out = []
    for text in texts:
        for sentence in _SENTENCE_SPLIT_RE.split(" ".join(text.split())):
            if not 40 <= len(sentence) <= 400 or _SLOT in sentence or "{" in sentence:
                continue
            out.append(_NAME_RE.sub(lambda m: _SLOT if _is_local_place(gaz, m.group()) else m.group(), sentence))
    return tuple(out)


def _places(gaz: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names of UA/RU towns and villages in the gazetteer (Latin script), sorted."""
    # The row columns are read directly: Gazetteer.candidate() per row takes ~5 s for 290k rows.
    rows = zip(gaz._name, gaz._cc, gaz._kind, strict=True)  # type: ignore[attr-defined]  # noqa: SLF001
    towns, villages = set(), set()
    for name, cc, kind in rows:
        if cc in ("UA", "RU") and kind in ("city", "village") and _PLACE_NAME_RE.fullmatch(name):
            (towns if kind == "city" else villages).add(name)
    return tuple(sorted(towns)), tuple(sorted(villages))


@lru_cache(maxsize=4)
def load_corpus(seeds: str | None = None) -> Corpus:
    """Build the templates from ``seeds`` (default :func:`seed_dir`) and the bundled gazetteer."""
    from geomap.gazetteer import Gazetteer  # noqa: PLC0415

    gaz = Gazetteer.default()
    root = Path(seeds) if seeds else seed_dir()
    files = sorted(p for p in root.iterdir() if p.name != "README.md" and not p.name.startswith("."))
    texts = [a.text for a in read_articles(files, on_error=lambda _e: None)]
    towns, villages = _places(gaz)
    return Corpus(_templates(texts, gaz), towns, villages)


def _place(rng: random.Random, corpus: Corpus) -> str:
    pool = corpus.towns if rng.random() < 0.75 or not corpus.villages else corpus.villages
    return rng.choice(pool)


def _fill(sentence: str, rng: random.Random, corpus: Corpus) -> str:
    while _SLOT in sentence:
        sentence = sentence.replace(_SLOT, _place(rng, corpus), 1)
    return sentence


def _strike_sentence(rng: random.Random, corpus: Corpus, day: dt.date) -> str:
    weapon = rng.choice(_WEAPONS)
    return rng.choice(_TEMPLATES).format(
        date=f"{day:%B} {day.day}",
        weapon=weapon,
        weapon_cap=weapon[0].upper() + weapon[1:],
        target=rng.choice(_TARGETS),
        place=_place(rng, corpus),
        n=rng.randint(2, 40),
        k=rng.randint(1, 9),
        m=rng.randint(1, 30),
    )


def _article(i: int, rng: random.Random, corpus: Corpus, prefix: str, size: tuple[int, int]) -> Article:
    published = _START + dt.timedelta(days=rng.randrange(_DAYS))
    sentences = [_fill(rng.choice(corpus.sentences), rng, corpus) for _ in range(rng.randint(*size))]
    for _ in range(rng.randint(1, 3)):
        day = published - dt.timedelta(days=rng.randint(0, 2))
        sentences.insert(rng.randrange(len(sentences) + 1), _strike_sentence(rng, corpus, day))
    paragraphs = [" ".join(sentences[k : k + 3]) for k in range(0, len(sentences), 3)]
    title = f"Strikes reported in {_place(rng, corpus)}"
    text = f"{title}\n\nPublished {published.day} {published:%B %Y}\n\n" + "\n\n".join(paragraphs)
    return Article(
        id=f"{prefix}{i:06d}",
        title=title,
        text=text,
        published=published.isoformat(),
        url=None,
        path=None,
        date_source="jsonl",
    )


def generate(
    n: int, *, seed: int = 0, prefix: str = "synth-", size: tuple[int, int] = (6, 18), seeds: str | None = None
) -> Iterator[Article]:
    """Yield ``n`` synthetic articles, the same ones for the same ``seed``.

    Parameters
    ----------
    n
        Number of articles.
    seed
        Random seed.
    prefix
        Article ids are ``f"{prefix}{i:06d}"``.
    size
        Least and most recombined sentences per article (1-3 strike sentences are added);
        the default gives ~330 words per article.
    seeds
        Folder of sample articles (default :func:`seed_dir`).
    """
    corpus = load_corpus(seeds)
    rng = random.Random(seed)
    for i in range(n):
        yield _article(i, rng, corpus, prefix, size)


def write_corpus(path: str | os.PathLike[str], n: int, *, seed: int = 0) -> Path:
    """Write ``n`` synthetic articles to ``path``: a ``.jsonl`` file, else a folder of ``.txt`` files.

    Files are written atomically. Returns the path.
    """
    out = Path(path)
    articles = generate(n, seed=seed)
    if out.suffix == ".jsonl":
        lines = (
            json.dumps({"id": a.id, "title": a.title, "date": a.published, "text": a.text}, ensure_ascii=False)
            for a in articles
        )
        write_text_atomic(out, "".join(line + "\n" for line in lines))
        return out
    out.mkdir(parents=True, exist_ok=True)
    for a in articles:
        write_text_atomic(out / f"{a.id}.txt", a.text + "\n")
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.synth N OUT [--seed S]``."""
    parser = argparse.ArgumentParser(description="Write a synthetic article corpus.")
    parser.add_argument("n", type=int, help="number of articles")
    parser.add_argument("out", help="OUT.jsonl, or a folder for .txt files")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(write_corpus(args.out, args.n, seed=args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
