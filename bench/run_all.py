"""Every geomap benchmark in one command (``make bench``); each figure beside its same-run baseline.

Usage: ``.venv/bin/python bench/run_all.py [--quick]``

1. pipeline throughput, one process against 2 Dask workers (bench_pipeline.py);
2. geocoder queries/s and memory against naive lookups (bench_geocode.py, when present);
3. map write and render times against a folium-Marker map (bench_map.py, when present;
   needs /usr/bin/chromium for the render times).

Each part runs in its own subprocess, so one failing part is reported and the others
still run. The default takes about 10 minutes on 2 cores; ``--quick`` about 3.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: (script, default arguments, --quick arguments)
PARTS = (
    ("bench_pipeline.py", [], ["--quick"]),
    ("bench_geocode.py", ["--names", "5000", "--repeats", "20"], ["--names", "1000", "--repeats", "5"]),
    ("bench_map.py", ["--sizes", "1000,10000,100000", "--naive-max", "10000"],
     ["--sizes", "1000,10000", "--naive-max", "1000"]),
)


def _run(script: str, args: list[str], timeout: float) -> tuple[int | str, float]:
    path = HERE / script
    if not path.exists():
        return "missing", 0.0
    print(f"\n=== {script} {' '.join(args)}", flush=True)
    t0 = time.perf_counter()
    try:
        rc: int | str = subprocess.run([sys.executable, str(path), *args], timeout=timeout, check=False).returncode
    except subprocess.TimeoutExpired:
        rc = f"timed out after {timeout:.0f} s"
    return rc, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    """Run the parts; exit status 1 when any present part failed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (about 3 minutes)")
    ap.add_argument("--timeout", type=float, default=600, help="seconds allowed per part")
    args = ap.parse_args(argv)
    summary = []
    for script, full, quick in PARTS:
        rc, took = _run(script, quick if args.quick else full, args.timeout)
        summary.append((script, rc, took))
    print("\n=== summary")
    for script, rc, took in summary:
        status = "ok" if rc == 0 else ("skipped (not present)" if rc == "missing" else f"FAILED ({rc})")
        print(f"  {script:20s} {status:28s} {took:6.1f} s")
    return int(any(rc not in (0, "missing") for _, rc, _ in summary))


if __name__ == "__main__":
    raise SystemExit(main())
