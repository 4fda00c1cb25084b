"""The ``geomap`` command: a thin layer over the Python API.

Every sub-command reports bad input as one line on stderr (``geomap: <file>: <problem>``),
keeps going with the rest of the batch, and exits 0 when everything succeeded,
1 when some inputs failed, 2 on a usage or set-up error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from geomap.exc import GeomapError

__all__ = ["main"]

EXIT_OK, EXIT_PARTIAL, EXIT_FATAL = 0, 1, 2


def _err(message: str) -> None:
    print(f"geomap: {message}", file=sys.stderr)


_LINE_BREAKERS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def _stdout_json(obj: object) -> None:
    """One JSON object per line; Unicode line separators escaped so line readers agree."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False).translate(_LINE_BREAKERS) + "\n")


# ---------------------------------------------------------------------- geocode
def _geocode_queries(args: argparse.Namespace) -> Iterable[tuple[str, str]]:
    """(label, query) pairs from the arguments, then from --file (one per line)."""
    for q in args.query:
        yield "argument", q
    if args.file:
        path = Path(args.file)
        data = sys.stdin.buffer.read() if args.file == "-" else path.read_bytes()
        # split the bytes: only \n, \r\n and \r end a line (str.splitlines would also
        # split on form feeds and Unicode separators inside a line)
        for n, raw in enumerate(data.splitlines(), start=1):
            yield f"{args.file}:{n}", raw.decode("utf-8", errors="replace")


def _format_row(query: str, res: dict) -> str:
    m = res.get("match")
    if not m:
        return f"{query[:40]:40}  (no match)"
    admin = m.get("admin1_name") or ""
    return (
        f"{query[:40]:40}  {m['name'][:28]:28} {m['kind']:8} {admin[:22]:22} "
        f"{m['country_code']:2} {m['lat']:9.4f} {m['lon']:9.4f}  {m['score']:.2f}"
    )


def cmd_geocode(args: argparse.Namespace) -> int:
    """``geomap geocode QUERY... [--file F] [--country CC] [--json]``."""
    from geomap.gazetteer import Gazetteer, Hints

    if not args.query and not args.file:
        _err("geocode: give at least one QUERY or --file")
        return EXIT_FATAL
    try:
        gaz = Gazetteer.default()
        queries = list(_geocode_queries(args))
    except (GeomapError, OSError) as exc:
        _err(str(exc))
        return EXIT_FATAL
    status = EXIT_OK
    if not args.json:
        print(f"{'query':40}  {'name':28} {'kind':8} {'admin1':22} cc {'lat':>9} {'lon':>9}  score")
    for label, query in queries:
        try:
            out = gaz.resolve(query, args.country, Hints()).to_dict()
        except GeomapError as exc:
            _err(f"{label}: {exc}")
            out = {"query": query, "match": None, "alternatives": [], "error": str(exc)}
            status = EXIT_PARTIAL
        if args.json:
            _stdout_json(out)
        else:
            print(_format_row(query, out))
    return status


# ---------------------------------------------------------------------- extract / map
def _progress_bar(enabled: bool):
    """A tqdm progress callback on stderr for long interactive runs, else None."""
    if not enabled or not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(unit=" articles", file=sys.stderr, leave=False)

    def tick(n: int) -> None:
        bar.n = n
        bar.refresh()

    return tick, bar.close


def _extract_kwargs(args: argparse.Namespace) -> dict:
    return {
        "date": args.date,
        "since": args.since,
        "until": args.until,
        "fast": args.fast,
        "engine": args.engine,
        "scheduler": args.scheduler,
        "store": args.store,
        "rebuild": args.rebuild,
        "batch_size": args.batch_size,
    }


def _check_store_options(args: argparse.Namespace, *outputs: Path | None) -> str | None:
    """A usage error about --store/--rebuild, or None."""
    if args.rebuild and not args.store:
        return "--rebuild needs --store STORE.gpkg"
    if args.store:
        store = Path(args.store).resolve()
        if any(o is not None and o.resolve() == store for o in outputs):
            return f"{args.store}: the store and the output must be different files"
    return None


def _report_failure(exc: GeomapError) -> None:
    """Print one failed input or article as it happens."""
    _err(str(exc))


def cmd_extract(args: argparse.Namespace) -> int:
    """``geomap extract INPUT... [-o OUT] [--store STORE.gpkg [--rebuild]]``: strike events to a GIS file."""
    from geomap import api
    from geomap.io import export

    if args.output is None and args.store is None:
        _err("extract: give -o OUTPUT, --store STORE.gpkg, or both")
        return EXIT_FATAL
    out = export.check_output_path(args.output) if args.output else None  # fails before any work
    if problem := _check_store_options(args, out):
        _err(problem)
        return EXIT_FATAL
    summary = api.Summary(on_error=_report_failure)
    tick, close = _progress_bar(not args.quiet)
    try:
        events = api.extract_events(args.inputs, summary=summary, progress=tick, **_extract_kwargs(args))
    finally:
        close()
    wrote = []
    if args.store:
        wrote.append(f"updated {args.store}")
    if out is not None:
        export.write_events(events, out, acled=args.acled)
        wrote.append(f"wrote {out}")
    print(f"geomap: {summary.line()}; {' and '.join(wrote)}", file=sys.stderr)
    return EXIT_PARTIAL if summary.failures else EXIT_OK


def cmd_map(args: argparse.Namespace) -> int:
    """``geomap map INPUT... -o maps/NAME.html``: the layered offline map."""
    from geomap import api
    from geomap.io import export

    out = Path(args.output)
    if out.suffix.lower() not in (".html", ".htm"):
        _err(f"{out}: the map output must end in .html")
        return EXIT_FATAL
    export.check_output_path(out.with_suffix(".geojson"))
    if problem := _check_store_options(args, out.with_suffix(".geojson")):
        _err(problem)
        return EXIT_FATAL
    summary = api.Summary(on_error=_report_failure)
    api.make_map(args.inputs, output=out, title=args.title, summary=summary, **_extract_kwargs(args))
    print(f"geomap: {summary.line()}; wrote {out} and {out.with_suffix('.geojson')}", file=sys.stderr)
    return EXIT_PARTIAL if summary.failures else EXIT_OK


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _add_extract_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", help="files, folders, .jsonl, or - for stdin")
    p.add_argument("--date", help="publication date YYYY-MM-DD for every input")
    p.add_argument("--since", help="keep events on or after YYYY-MM-DD")
    p.add_argument("--until", help="keep events on or before YYYY-MM-DD")
    p.add_argument("--fast", action="store_true", help="gazetteer-only place matching (no statistical model)")
    p.add_argument("--engine", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786")
    p.add_argument(
        "--store",
        metavar="STORE.gpkg",
        help="incremental event store: process only new or changed articles, keep the events of earlier runs",
    )
    p.add_argument("--rebuild", action="store_true", help="with --store: empty the store first and process everything")
    p.add_argument(
        "--batch-size",
        type=_positive_int,
        metavar="N",
        help="articles per nlp.pipe call, Dask task and store commit (default 64)",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


# ---------------------------------------------------------------------- parser
def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(prog="geomap", description="Offline strike mapper.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("geocode", help="resolve place names against the bundled gazetteer")
    p.add_argument("query", nargs="*", help="place names, e.g. 'Stanislav, Kherson Oblast'")
    p.add_argument("--file", help="read one query per line from a file ('-' for stdin)")
    p.add_argument("--country", help="ISO 3166-1 alpha-2 restriction, e.g. UA")
    p.add_argument("--json", action="store_true", help="one JSON object per query")
    p.set_defaults(func=cmd_geocode)

    e = sub.add_parser("extract", help="extract strike events to a GIS file")
    _add_extract_options(e)
    e.add_argument("-o", "--output", help="output file: .geojson .gpkg .csv .kml .fgb .parquet (optional with --store)")
    e.add_argument("--acled", action="store_true", help="ACLED column names")
    e.set_defaults(func=cmd_extract)

    mp = sub.add_parser("map", help="render the dated, layered offline map")
    _add_extract_options(mp)
    mp.add_argument("-o", "--output", required=True, help="output .html (GeoJSON written beside)")
    mp.add_argument("--title", help="map title")
    mp.set_defaults(func=cmd_map)

    for extra in _EXTRA_COMMANDS:
        extra(sub)
    return parser


#: Sub-command registrars added by later stages (places, extract, map).
_EXTRA_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    __import__("geomap.cli.places", fromlist=["x"]).add_places_command
]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``geomap`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except GeomapError as exc:
        _err(str(exc))
        return EXIT_FATAL
    except KeyboardInterrupt:
        _err("interrupted")
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
