"""``geomap geocode QUERY... [--file F] [--country CC] [--json] [--context]``: place names against the gazetteer."""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from geomap.cli._output import EXIT_FATAL, EXIT_OK, EXIT_PARTIAL, err, escape, stdout_json
from geomap.exc import GeomapError, InputError

__all__ = ["add_geocode_command", "cmd_geocode"]


def add_geocode_command(subparsers: argparse._SubParsersAction) -> None:
    """Register ``geocode`` on the ``geomap`` sub-command parser."""
    p = subparsers.add_parser("geocode", help="resolve place names against the bundled gazetteer")
    p.add_argument("query", nargs="*", help="place names, e.g. 'Stanislav, Kherson Oblast'")
    p.add_argument(
        "--file",
        help="read one query per line from a file ('-' for stdin); UTF-8, UTF-16 or a legacy encoding, "
        "at most max_article_bytes",
    )
    p.add_argument("--country", help="ISO 3166-1 alpha-2 restriction, e.g. UA")
    p.add_argument("--json", action="store_true", help="one JSON object per query")
    p.add_argument(
        "--context",
        action="store_true",
        help="resolve the queries together (one dataset's place column): of namesake villages, "
        "the one among the other queries' answers",
    )
    p.set_defaults(func=cmd_geocode)


def _read_query_file(name: str) -> bytes:
    """The bytes of ``--file`` (``-``: stdin), at most ``max_article_bytes``.

    Any readable file is taken (a pipe from ``<(...)`` too), never a folder; a file
    that does not end within the cap (``/dev/zero``) is refused.

    Raises
    ------
    InputError
        Missing, unreadable, a folder, or larger than the cap (one line).
    """
    from geomap import settings
    from geomap.ingest.readers import shown_path

    limit = settings.get_int("max_article_bytes")
    where = "-" if name == "-" else shown_path(name)
    try:
        if name == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            if stat.S_ISDIR(os.stat(name).st_mode):
                raise InputError(f"{where}: is a directory, expected a file of queries")
            with Path(name).open("rb") as fh:
                data = fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError(f"{where}: no such file or directory") from None
    except PermissionError:
        raise InputError(f"{where}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise InputError(f"{where}: larger than max_article_bytes ({limit:,} bytes), not read")
    return data


def _queries(args: argparse.Namespace) -> Iterable[tuple[str, str]]:
    """(label, query) pairs from the arguments, then from --file (one per line).

    The file is decoded as ingest decodes articles (BOM, UTF-8, else a detected legacy
    encoding such as CP1251), line by line when it mixes encodings; only ``\\n``,
    ``\\r\\n`` and ``\\r`` end a line (form feeds and Unicode separators stay inside it).
    """
    from geomap.ingest.clean import valid_text
    from geomap.ingest.readers import decode_lines, shown_path

    pairs = [("argument", valid_text(q)) for q in args.query]
    if args.file:
        label = "-" if args.file == "-" else shown_path(args.file)
        lines = decode_lines(_read_query_file(args.file))
        pairs += [(f"{label}:{n}", line) for n, line in enumerate(lines, start=1)]
    return pairs


def _format_row(query: str, res: dict) -> str:
    query = escape(query)
    m = res.get("match")
    if not m:
        return f"{query[:40]:40}  (no match)"
    admin = escape(m.get("admin1_name") or "")
    return (
        f"{query[:40]:40}  {escape(m['name'])[:28]:28} {m['kind']:8} {admin[:22]:22} "
        f"{m['country_code']:2} {m['lat']:9.4f} {m['lon']:9.4f}  {m['score']:.2f}"
    )


def cmd_geocode(args: argparse.Namespace) -> int:
    """Run ``geomap geocode``; returns the exit status."""
    from geomap.gazetteer import Gazetteer, Hints

    if not args.query and not args.file:
        err("geocode: give at least one QUERY or --file")
        return EXIT_FATAL
    try:
        queries = list(_queries(args))  # first: a bad --file fails before the gazetteer loads
        gaz = Gazetteer.default()
        if args.country is not None:
            gaz.resolve("", args.country, Hints())  # an unknown code is a usage error, not a failed query
    except (GeomapError, OSError) as exc:
        err(str(exc))
        return EXIT_FATAL
    status = EXIT_OK
    outs: list[dict] = []
    good: list[int] = []
    for label, query in queries:
        try:
            outs.append(gaz.resolve(query, args.country, Hints()).to_dict())
            good.append(len(outs) - 1)
        except GeomapError as exc:
            err(f"{label}: {exc}")
            outs.append({"query": query, "match": None, "alternatives": [], "error": str(exc)})
            status = EXIT_PARTIAL
    if args.context and good:
        together = gaz.resolve_many([queries[i][1] for i in good], args.country)
        for i, res in zip(good, together, strict=True):
            outs[i] = res.to_dict()
    if not args.json:
        print(f"{'query':40}  {'name':28} {'kind':8} {'admin1':22} cc {'lat':>9} {'lon':>9}  score")
    for (_, query), out in zip(queries, outs, strict=True):
        if args.json:
            stdout_json(out)
        else:
            print(_format_row(query, out))
    return status
