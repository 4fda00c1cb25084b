"""The ``geomap`` command line: one module per command, shared output helpers in ``_output``."""

from geomap.cli.main import main

__all__ = ["main"]
