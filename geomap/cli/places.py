"""``geomap places INPUT... [--json] [--fast] [--model NAME] [--date D]``.

Prints the place mentions of each article: one JSON object per mention with ``--json``,
else a readable table. Bad inputs and articles the NLP cannot take are reported as one
line each on stderr; the others are processed; the exit status is 1 when any failed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from geomap.cli._output import EXIT_FATAL, EXIT_OK, EXIT_PARTIAL, err, escape, stdout_json
from geomap.exc import GeomapError

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
        f"{escape(match['name'])[:26]:26} {match['kind']:8} {escape(match['admin1_name'] or '')[:20]:20} "
        f"{match['country_code']:2} {match['lat']:9.4f} {match['lon']:9.4f}"
        if match
        else "(no match)"
    )
    return f"{escape(m['doc'])[:24]:24} {m['start']:>6}  {escape(m['text'])[:28]:28} {where}"


def _is_repo_furniture(path: str | None, explicit: set[str]) -> bool:
    """README*/LICENSE* files met inside a directory are not articles."""
    if not path or path in explicit:
        return False
    name = Path(path).name.upper()
    return name.startswith(("README", "LICENSE", "LICENCE"))


def cmd_places(args: argparse.Namespace) -> int:
    """Run ``geomap places``; returns the exit status."""
    from geomap import api

    summary = api.Summary(on_error=lambda exc: err(str(exc)))
    try:
        api.check_date(args.date, "--date")
        found = api.iter_places(args.inputs, date=args.date, fast=args.fast, model=args.model, summary=summary)
        if not args.json:
            print(f"{'doc':24} {'start':>6}  {'text':28} {'name':26} {'kind':8} {'admin1':20} cc {'lat':>9} {'lon':>9}")
        explicit = {str(i) for i in args.inputs}
        for article, mentions in found:
            if _is_repo_furniture(article.path, explicit):
                continue
            for m in mentions:
                if args.json:
                    stdout_json(m.to_dict())
                else:
                    print(_row(m.to_dict()))
    except (GeomapError, OSError) as exc:
        err(str(exc))
        return EXIT_FATAL
    return EXIT_PARTIAL if summary.failures else EXIT_OK
