"""``geomap places INPUT... [--json] [--fast] [--model NAME] [--date D]``.

Prints the place mentions of each article: one JSON object per mention with ``--json``,
else a readable table. Bad inputs are reported as one line each on stderr; the others
are processed; the exit status is 1 when any input failed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from geomap.exc import GeomapError, InputError

__all__ = ["add_places_command", "cmd_places"]


def add_places_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``places`` on the ``geomap`` sub-command parser."""
    p = subparsers.add_parser("places", help="list the places named in articles")
    p.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="article files, directories, .jsonl files or '-' for stdin"
    )
    p.add_argument("--json", action="store_true", help="one JSON object per mention")
    p.add_argument("--fast", action="store_true", help="gazetteer-only mode (no statistical NER; faster, less precise)")
    p.add_argument("--model", help="spaCy model (default: geomap.settings.spacy_model)")
    p.add_argument("--date", help="publication date YYYY-MM-DD forced on every article")
    p.set_defaults(func=cmd_places)


def _row(m: dict) -> str:
    match = m["match"]
    where = (
        f"{match['name'][:26]:26} {match['kind']:8} {(match['admin1_name'] or '')[:20]:20} "
        f"{match['country_code']:2} {match['lat']:9.4f} {match['lon']:9.4f}"
        if match
        else "(no match)"
    )
    return f"{m['doc'][:24]:24} {m['start']:>6}  {m['text'][:28]:28} {where}"


def _is_repo_furniture(path: str | None, explicit: set[str]) -> bool:
    """README*/LICENSE* files met inside a directory are not articles."""
    if not path or path in explicit:
        return False
    name = Path(path).name.upper()
    return name.startswith(("README", "LICENSE", "LICENCE"))


def cmd_places(args: argparse.Namespace) -> int:
    """Run ``geomap places``; returns the exit status."""
    from geomap.ingest import read_articles
    from geomap.nlp import load_pipeline, parse_many

    failed = 0

    def on_error(exc: InputError) -> None:
        nonlocal failed
        failed += 1
        print(f"geomap: {exc}", file=sys.stderr)

    try:
        nlp = load_pipeline(args.model, fast=args.fast)
        articles = read_articles(args.inputs, date=args.date, on_error=on_error)
    except (GeomapError, OSError) as exc:
        print(f"geomap: {exc}", file=sys.stderr)
        return 2
    if not args.json:
        print(f"{'doc':24} {'start':>6}  {'text':28} {'name':26} {'kind':8} {'admin1':20} cc {'lat':>9} {'lon':>9}")
    explicit = {str(i) for i in args.inputs}
    kept = (a for a in articles if not _is_repo_furniture(a.path, explicit))
    for _art, _doc, mentions in parse_many(kept, nlp=nlp):
        for m in mentions:
            d = m.to_dict()
            if args.json:
                sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
            else:
                print(_row(d))
    return 1 if failed else 0
