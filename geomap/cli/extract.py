"""``geomap extract`` (strike events to a GIS file or a store) and ``geomap map`` (the offline map)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from geomap.cli._output import EXIT_FATAL, EXIT_OK, EXIT_PARTIAL, err, progress_bar
from geomap.exc import GeomapError

__all__ = ["add_extract_commands", "cmd_extract", "cmd_map"]


def add_extract_commands(subparsers: argparse._SubParsersAction) -> None:
    """Register ``extract`` and ``map`` on the ``geomap`` sub-command parser."""
    e = subparsers.add_parser("extract", help="extract strike events to a GIS file")
    _add_extract_options(e)
    e.add_argument("-o", "--output", help="output file: .geojson .gpkg .csv .kml .fgb .parquet (optional with --store)")
    e.add_argument("--acled", action="store_true", help="ACLED column names")
    e.add_argument("--wkt", action="store_true", help="CSV: add a wkt column with each event's geometry")
    e.set_defaults(func=cmd_extract)

    mp = subparsers.add_parser("map", help="render the dated, layered offline map")
    _add_extract_options(mp)
    mp.add_argument("-o", "--output", required=True, help="output .html (GeoJSON written beside)")
    mp.add_argument("--title", help="map title")
    mp.set_defaults(func=cmd_map)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _add_extract_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", help="files, folders, .jsonl, or - for stdin")
    p.add_argument("--date", help="publication date YYYY-MM-DD for every input")
    p.add_argument("--since", help="keep events on or after YYYY-MM-DD (undated events are left out and counted)")
    p.add_argument("--until", help="keep events on or before YYYY-MM-DD (undated events are left out and counted)")
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


def _extract_kwargs(args: argparse.Namespace) -> dict[str, Any]:
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


def _check_options(args: argparse.Namespace, *outputs: Path | None) -> str | None:
    """A usage error about the dates, --store/--rebuild or outputs over inputs, or None."""
    from geomap import api

    try:
        for what in ("date", "since", "until"):
            api.check_date(getattr(args, what), f"--{what}")
        if args.rebuild and not args.store:
            return "--rebuild needs --store STORE.gpkg"
        if args.store:
            store = Path(args.store).resolve()
            if any(o is not None and o.resolve() == store for o in outputs):
                return f"{args.store}: the store and the output must be different files"
        api.check_outputs(args.inputs, [*outputs, Path(args.store) if args.store else None])
    except GeomapError as exc:
        return str(exc)
    return None


def _report_failure(exc: GeomapError) -> None:
    """Print one failed input or article as it happens."""
    err(str(exc))


def _report_dropped(args: argparse.Namespace, summary: Any) -> None:
    """One line: how many undated events --since/--until left out."""
    if summary.undated_dropped is not None:
        flags = "/".join(f for f, v in (("--since", args.since), ("--until", args.until)) if v)
        err(f"{flags} left out {summary.undated_dropped} undated event(s)")


def cmd_extract(args: argparse.Namespace) -> int:
    """``geomap extract INPUT... [-o OUT] [--store STORE.gpkg [--rebuild]]``: strike events to a GIS file."""
    from geomap import api
    from geomap import io as export

    if args.output is None and args.store is None:
        err("extract: give -o OUTPUT, --store STORE.gpkg, or both")
        return EXIT_FATAL
    out = export.check_output_path(args.output) if args.output else None  # fails before any work
    if problem := _check_options(args, out):
        err(problem)
        return EXIT_FATAL
    summary = api.Summary(on_error=_report_failure)
    tick, close = progress_bar(not args.quiet)
    try:
        events = api.extract_events(args.inputs, summary=summary, progress=tick, **_extract_kwargs(args))
    finally:
        close()
    wrote = []
    if args.store:
        wrote.append(f"updated {args.store}")
    if out is not None:
        export.write_events(events, out, acled=args.acled, wkt=args.wkt)
        wrote.append(f"wrote {out}")
    _report_dropped(args, summary)
    err(f"{summary.line()}; {' and '.join(wrote)}")
    return EXIT_PARTIAL if summary.failures else EXIT_OK


def cmd_map(args: argparse.Namespace) -> int:
    """``geomap map INPUT... -o maps/NAME.html``: the layered offline map."""
    from geomap import api
    from geomap import io as export

    out = Path(args.output)
    if out.suffix.lower() not in (".html", ".htm"):
        err(f"{out}: the map output must end in .html")
        return EXIT_FATAL
    export.check_output_path(out.with_suffix(".geojson"))
    if problem := _check_options(args, out, out.with_suffix(".geojson")):
        err(problem)
        return EXIT_FATAL
    summary = api.Summary(on_error=_report_failure)
    api.make_map(args.inputs, output=out, title=args.title, summary=summary, **_extract_kwargs(args))
    _report_dropped(args, summary)
    err(f"{summary.line()}; wrote {out} and {out.with_suffix('.geojson')}")
    return EXIT_PARTIAL if summary.failures else EXIT_OK
