"""``python -m geomap.cli``: the ``geomap`` command."""

from geomap.cli.main import main

raise SystemExit(main())
