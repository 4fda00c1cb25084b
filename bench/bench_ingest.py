"""Ingest throughput on pathological inputs beside ordinary text of the same size (issue 14).

Usage: ``.venv/bin/python -m bench.bench_ingest [--size-kb 1024] [--quick] [--repeat 5]``
(from the repository root)

Each input is written to a file and read with :func:`geomap.ingest.read_articles`, the
whole ingest stage: decoding, markup removal, furniture cleaning, date detection. The
pathological inputs are the audit's (repeated ``<script``, ``[``, ``<!--``, ``**a ``,
thousands of unclosed tags then stray end tags) and a few more of the same kind; each is
compared per byte with ordinary text of the same format and size (an article's sentences
in paragraphs, as plain text, Markdown with headings, links and emphasis, or HTML with
navigation, scripts and paragraphs). Ingest is linear when every pathological input costs
at most 3x the ordinary text per byte; the growth column (time at the full size over time
at a quarter of it) is about 4 for linear work and about 16 for quadratic work.

``max_article_chars`` is lifted for the run, so the 1 MB ordinary articles are read to the
end instead of being refused after cleaning. Exit status 1 when an input is over 3x.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from geomap import settings
from geomap.ingest import read_articles

LIMIT = 3.0  # linear: within 3x per byte of ordinary text

SENTENCES = (
    "Russian drones struck an energy facility in Shostka, Sumy Oblast, overnight, the regional governor said.",
    "Air defence shot down 23 of 35 Shahed drones over Kharkiv, Poltava and Dnipropetrovsk oblasts.",
    "Two people were killed and five injured when a missile hit a residential building in Odesa on Tuesday.",
    "Officials said the fire at the port warehouse was put out by the morning; no casualties were reported.",
)


def _fill(unit: Callable[[int], str], size: int) -> str:
    """Repeat ``unit(i)`` until the text is ``size`` characters long (then cut)."""
    parts, n, i = [], 0, 0
    while n < size:
        part = unit(i)
        parts.append(part)
        n += len(part)
        i += 1
    return "".join(parts)[:size]


def _paragraph(i: int) -> str:
    return " ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(3))


def ordinary_txt(size: int) -> str:
    return "Published 2 June 2024\n\n" + _fill(lambda i: _paragraph(i) + "\n\n", size - 23)


def ordinary_md(size: int) -> str:
    def unit(i: int) -> str:
        head = f"## Update {i}\n\n" if i % 5 == 0 else ""
        return f"{head}{_paragraph(i)} See [the report](https://example.org/r/{i}) and **photos** in *full*.\n\n"

    return "---\ntitle: Strikes\ndate: 2024-06-02\n---\n\n# Strikes overnight\n\n" + _fill(unit, size - 60)


def ordinary_html(size: int) -> str:
    head = (
        "<!doctype html><html><head><title>Strikes</title><meta property='article:published_time' "
        "content='2024-06-02'><script>var a = 1;</script><style>p{margin:0}</style></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article><h1>Strikes overnight</h1>"
    )

    def unit(i: int) -> str:
        return f"<p>{_paragraph(i)} <a href='https://example.org/r/{i}'>Read</a> <em>more</em>.</p>\n"

    return head + _fill(unit, size - len(head) - 18) + "</article></body></html>"


def ordinary_jsonl(size: int) -> str:
    def unit(i: int) -> str:
        text = "\n\n".join(_paragraph(i + k) for k in range(4))
        return json.dumps({"id": f"a{i}", "title": f"Report {i}", "date": "2024-06-02", "text": text}) + "\n"

    return _fill(unit, size)


#: (name, suffix, builder): ordinary text first, one per format.
ORDINARY: dict[str, Callable[[int], str]] = {
    ".txt": ordinary_txt,
    ".md": ordinary_md,
    ".html": ordinary_html,
    ".jsonl": ordinary_jsonl,
}


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda size: (unit * (size // len(unit) + 1))[:size]


def _unclosed_then_stray(size: int) -> str:
    half = size // 2
    return ("<div>" * (half // 5)) + ("</span>" * ((size - half) // 7))


#: (label, suffix, builder) of the pathological inputs.
PATHOLOGICAL: list[tuple[str, str, Callable[[int], str]]] = [
    ("repeated '<script'", ".md", _repeat("<script")),
    ("repeated '<script'", ".html", _repeat("<script")),
    ("repeated '['", ".md", _repeat("[")),
    ("repeated '<!--'", ".md", _repeat("<!--")),
    ("repeated '<!--'", ".html", _repeat("<!--")),
    ("repeated '**a '", ".md", _repeat("**a ")),
    ("unclosed tags, stray end tags", ".html", _unclosed_then_stray),
    ("repeated '![a]('", ".md", _repeat("![a](")),
    ("repeated '<a'", ".md", _repeat("<a")),
    ("repeated '<a x='", ".html", _repeat("<a x='")),
    ("heading, 1 MB of spaces", ".md", lambda size: "# a" + " " * (size - 4) + "x"),
    ("blank lines", ".md", lambda size: "\n" * (size - 60) + SENTENCES[0][:60]),
    ("repeated '['", ".txt", _repeat("[")),
    ("long JSONL line of '<!--'", ".jsonl", lambda size: json.dumps({"id": 1, "text": "<!--" * (size // 4 - 6)})),
]


def _time_read(text: str, suffix: str, folder: Path, repeat: int) -> float:
    """Best-of-``repeat`` seconds to read ``text`` as a ``suffix`` file (errors count as read)."""
    path = folder / f"input{suffix}"
    path.write_text(text, encoding="utf-8")
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _article in read_articles([path], on_error=lambda exc: None):
            pass
        best = min(best, time.perf_counter() - start)
    return best


def run(size: int, repeat: int) -> tuple[list[str], bool]:
    """The table lines and whether every input is within :data:`LIMIT` per byte.

    The ordinary texts are timed before and after the pathological inputs and the best
    time is kept, so a busy spell of a shared machine does not flatter the ratios.
    """
    settings.max_article_chars = 1 << 40  # measure the whole stage, not the refusal
    lines = [
        f"{'measure':34} {'format':6} {'size':>8} {'seconds':>8} {'us/KB':>8} {'x ordinary':>10} {'growth x4':>9}",
    ]
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        def timed(build: Callable[[int], str], suffix: str) -> tuple[float, float]:
            full = _time_read(build(size), suffix, folder, repeat)
            return full, full / max(_time_read(build(size // 4), suffix, folder, repeat), 1e-9)

        base = {suffix: timed(build, suffix) for suffix, build in ORDINARY.items()}
        rows = [(label, suffix, *timed(build, suffix)) for label, suffix, build in PATHOLOGICAL]
        for suffix, build in ORDINARY.items():  # again, the best of both
            again = timed(build, suffix)
            base[suffix] = min(base[suffix], again)
        for suffix, (seconds, growth) in base.items():
            lines.append(_row("ordinary text", suffix, size, seconds, 1.0, growth))
        for label, suffix, seconds, growth in rows:
            ratio = seconds / base[suffix][0]
            ok &= ratio <= LIMIT
            lines.append(_row(label, suffix, size, seconds, ratio, growth))
    verdict = "yes" if ok else "NO"
    lines.append(f"linear (every input within {LIMIT:.0f}x per byte of ordinary text of its format): {verdict}")
    return lines, ok


def _row(label: str, suffix: str, size: int, seconds: float, ratio: float, growth: float) -> str:
    us_per_kb = seconds * 1e6 / (size / 1024)
    return (
        f"{label:34} {suffix:6} {size / 1024:>6,.0f}KB {seconds:>8.3f} {us_per_kb:>8,.0f} "
        f"{ratio:>9.2f}x {growth:>8.1f}x"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-kb", type=int, default=1024, help="input size in KB (default 1024: 1 MB)")
    ap.add_argument("--quick", action="store_true", help="256 KB inputs, best of two timings")
    ap.add_argument("--repeat", type=int, default=5, help="timings per input, the best is kept (default 5)")
    args = ap.parse_args(argv)
    size_kb, repeat = (256, 2) if args.quick else (args.size_kb, args.repeat)
    print(
        f"ingest throughput, {size_kb:,} KB inputs, best of {repeat}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        flush=True,
    )
    lines, ok = run(size_kb * 1024, repeat)
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
