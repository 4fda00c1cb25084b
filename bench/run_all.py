"""Every geomap benchmark in one command (``make bench``); each figure beside its same-run baseline.

Usage: ``.venv/bin/python -m bench.run_all [--quick]`` (from the repository root)

1. pipeline throughput (bench_pipeline.py): words/s in one process and with 2 Dask
   workers, the scaling ratio, peak memory per worker, pipeline load times, spaCy's
   NER-only pipeline and ``nlp.pipe(n_process=2)`` as baselines, and whether the Dask
   output equals the one-process output (full model on 600 synthetic articles, fast
   pipeline on 2,000; ``make bench-10k`` checks the 10k-article corpus);
2. geocoder queries/s and memory against naive lookups (bench_geocode.py);
3. map write and render times against a naive folium-Marker map (bench_map.py; the
   render times need /usr/bin/chromium);
4. place finding words/s against spaCy's NER-only pipeline, cold and steady, with
   start-up times (bench_nlp.py);
5. accuracy: CIR event geocoding against a naive cities500 look-up (bench_cir.py) and
   LGL/GeoWebNews geoparsing beside Mordecai 3's published figures (eval_geoparse.py);
   both need ../shared/devdata and say so when it is absent;
6. strike events on the 35 real dev-set reports (bench_events.py): place and place+date
   recall, precision, exact casualties, phantom casualties, beside the figures before this
   round, with every miss and false event;
7. ingest throughput on 1 MB pathological inputs beside ordinary text (bench_ingest.py).

Each part runs in its own subprocess, so one failing part is reported and the others
still run; its output is shown as it comes and the tables are repeated in a summary at
the end, with the machine load before and after each part (scaling figures taken on a
busy machine say little). The default takes about 30 minutes on 2 idle cores,
``--quick`` about 5.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

#: (script, default arguments, --quick arguments, timeout in seconds)
PARTS = (
    ("bench_pipeline.py", [], ["--quick"], 1800),
    ("bench_geocode.py", ["--names", "5000", "--repeats", "20"], ["--names", "1000", "--repeats", "5"], 600),
    (
        "bench_map.py",
        ["--sizes", "1000,10000,100000", "--naive-max", "10000"],
        ["--sizes", "1000,10000", "--naive-max", "1000"],
        900,
    ),
    ("bench_nlp.py", [], ["--docs", "100", "--rounds", "1", "--warm", "50"], 1800),
    ("bench_cir.py", [], [], 300),
    ("eval_geoparse.py", [], ["--limit", "100"], 600),
    ("bench_events.py", [], [], 600),
    ("bench_ingest.py", [], ["--quick"], 600),
)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _run(script: str, args: list[str], timeout: float) -> tuple[int | str, float, list[str]]:
    """Run one part, echo its stdout line by line; (status, seconds, stdout lines)."""
    path = HERE / script
    if not path.exists():
        return "missing", 0.0, []
    print(f"\n=== {script} {' '.join(args)}   (load average {_load()})", flush=True)
    t0 = time.perf_counter()
    lines: list[str] = []
    module = f"bench.{path.stem}"  # run as a module from the repository root: `tools` and `geomap` import as packages
    with subprocess.Popen(
        [sys.executable, "-m", module, *args], cwd=HERE.parent, stdout=subprocess.PIPE, text=True, bufsize=1
    ) as proc:
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                print(line, end="", flush=True)
                lines.append(line.rstrip("\n"))
                if time.perf_counter() - t0 > timeout:
                    raise subprocess.TimeoutExpired(script, timeout)
            rc: int | str = proc.wait(timeout=max(timeout - (time.perf_counter() - t0), 1))
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = f"timed out after {timeout:.0f} s"
    return rc, time.perf_counter() - t0, lines


def _pipeline_table(path: Path) -> list[str]:
    """The pipeline figures, one row per pipeline, every figure beside its baseline."""
    try:
        figures = json.loads(path.read_text())
    except (OSError, ValueError):
        return ["  (no figures: the part did not finish)"]
    out = []
    for f in figures:
        ner = f"{f['ner_only_wps']:,.0f}" if f.get("ner_only_wps") else "-"
        mp = f"{f['spacy_mp_wps']:,.0f}" if f.get("spacy_mp_wps") else "-"
        out += [
            f"  [{f['mode']}] {f['articles']:,} articles, {f['words']:,} words, batch {f['batch_size']}, "
            f"load average {f['load_before']} -> {f['load_after']}",
            f"    words/s one process {f['single_wps']:>9,.0f}   baseline spaCy NER-only {ner}",
            f"    words/s 2 Dask      {f['dask_wps']:>9,.0f}   baseline one process {f['single_wps']:,.0f}; "
            f"spaCy n_process=2 {mp}",
            f"    scaling ratio       {f['ratio']:>9.2f}x  (target >= 1.7x on 2 idle cores); CPU-time ratio "
            f"{f['cpu_ratio']:.2f}x",
            f"    peak RSS per worker {', '.join(f'{p:,.0f}' for p in f['worker_peak_mb'])} MB   baseline one process "
            f"{f['single_peak_mb']:,.0f} MB; pipeline load per worker "
            f"{', '.join(f'{s:.1f}' for s in f['worker_load_s'])} s (one process {f['single_load_s']:.1f} s)",
            f"    Dask output == one process: {'yes' if f['identical'] else 'NO'} "
            f"({f['article_events']:,} events of {f['articles']:,} articles); merge on the driver "
            f"{f['merge_s']:.1f} s -> {f['merged_events']:,} events",
        ]
    return out


def _table_lines(lines: list[str]) -> list[str]:
    """A part's printed table: its output from the last header row on (whole output if none)."""
    starts = [i for i, line in enumerate(lines) if line.lstrip().startswith(("measure", "events"))]
    return lines[starts[0] :] if starts else lines


def main(argv: list[str] | None = None) -> int:
    """Run the parts; exit status 1 when any present part failed."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (about 5 minutes)")
    ap.add_argument("--timeout", type=float, help="seconds allowed per part (default: per part)")
    args = ap.parse_args(argv)
    print(f"geomap benchmarks{' (quick)' if args.quick else ''}; {os.cpu_count()} CPUs, load average {_load()}")
    summary = []
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "pipeline.json"
        for script, full, quick, timeout in PARTS:
            part_args = (quick if args.quick else full) + (
                ["--json", str(figures)] if script == "bench_pipeline.py" else []
            )
            load = _load()
            rc, took, lines = _run(script, part_args, args.timeout or timeout)
            summary.append((script, rc, took, load, _load(), lines))
        print("\n=== summary: every figure beside its baseline, measured in the same run")
        for script, rc, took, before, after, lines in summary:
            status = "ok" if rc == 0 else ("skipped (not present)" if rc == "missing" else f"FAILED ({rc})")
            print(f"\n{script}: {status}, {took:.0f} s, load average {before} -> {after}")
            if rc == "missing":
                continue
            table = _pipeline_table(figures) if script == "bench_pipeline.py" else _table_lines(lines)
            print("\n".join(table))
    print(f"\nload average at the end: {_load()}")
    return int(any(rc not in (0, "missing") for _, rc, *_ in summary))


if __name__ == "__main__":
    raise SystemExit(main())
