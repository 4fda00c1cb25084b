"""The ``geomap`` command: a thin layer over the Python API.

One module per command (:mod:`~geomap.cli.geocode`, :mod:`~geomap.cli.extract` for
``extract`` and ``map``, :mod:`~geomap.cli.places`); exit codes and printing are shared in
:mod:`~geomap.cli._output`. Every sub-command reports bad input as one line on stderr
(``geomap: <file>: <problem>``), keeps going with the rest of the batch, and exits 0 when
everything succeeded, 1 when some inputs failed, 2 on a usage, set-up or environment
error, 3 on an internal error (a bug: one line, the traceback with ``GEOMAP_DEBUG=1``).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from geomap.cli._output import EXIT_FATAL, EXIT_INTERNAL, EXIT_OK, err
from geomap.cli.extract import add_extract_commands
from geomap.cli.geocode import add_geocode_command
from geomap.cli.places import add_places_command
from geomap.exc import GeomapError

__all__ = ["build_parser", "main"]

EPILOG = (
    "exit status: 0 all inputs done; 1 some inputs failed (one line each on stderr); "
    "2 usage, set-up or environment error; 3 internal error (GEOMAP_DEBUG=1 prints the traceback)"
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(prog="geomap", description="Offline strike mapper.", epilog=EPILOG)
    sub = parser.add_subparsers(dest="command", required=True)
    add_geocode_command(sub)
    add_extract_commands(sub)
    add_places_command(sub)
    return parser


def _internal_error(exc: BaseException) -> int:
    """A bug: one line (and the traceback with ``GEOMAP_DEBUG=1``), exit 3."""
    if os.environ.get("GEOMAP_DEBUG"):
        traceback.print_exception(exc, file=sys.stderr)
    detail = str(exc).strip().splitlines()
    err(
        f"internal error: {type(exc).__name__}{': ' + detail[0] if detail else ''} "
        "(a bug in geomap; GEOMAP_DEBUG=1 shows the traceback)"
    )
    return EXIT_INTERNAL


class _StderrLines(logging.Handler):
    """The library's warnings (the ``geomap`` logger) as ``geomap: ...`` lines, escaped."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            err(record.getMessage())
        except Exception:  # noqa: BLE001 - logging must never break the run
            self.handleError(record)


@contextmanager
def _library_warnings() -> Iterator[None]:
    logger = logging.getLogger("geomap")
    handler = _StderrLines(logging.WARNING)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``geomap`` console script; returns the exit status (0, 1, 2, 3)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with _library_warnings():
            return int(args.func(args))
    except GeomapError as exc:
        err(str(exc))
        return EXIT_FATAL
    except KeyboardInterrupt:
        err("interrupted")
        return 130
    except BrokenPipeError:
        try:  # the reader went away (| head): nothing more to say, and nothing at exit either
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return EXIT_OK
    except MemoryError:
        err("out of memory (an input too large for this machine?)")
        return EXIT_FATAL
    except OSError as exc:
        name = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        err(f"{name}{exc.strerror or exc}")
        return EXIT_FATAL
    except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, its own code
        return _internal_error(exc)


if __name__ == "__main__":
    raise SystemExit(main())
