"""Benchmark: `inspection-bot import` against pdfplumber's bare text extraction of the same file.

The machine may be shared: each time is the best of `--runs` runs (default 2), floor and
import alike. Prints, for a generated 150-page two-column PDF and for each seed text, the import time next to
the floor measured in the same run (pdfplumber's `extract_text` of the PDF; for a seed text, the
same text made into a PDF and extracted), their ratio (aim: at most 2x), and peak memory.

    .venv/bin/python bench/bench_import.py [--pages 150]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pdfplumber  # noqa: E402

from bot.importer.run import import_report  # noqa: E402
from tests.pdfmaker import make_pdf  # noqa: E402

SEEDS = Path(os.environ.get("SEEDS_DIR") or ROOT.parent / "shared" / "seeds")
FIXTURE = ROOT / "tests" / "fixtures" / "import" / "durham-peel.txt"


RUNS = 2


def best(measure, *args):
    """The fastest of RUNS runs (and the peak memory of that run, when there is one)."""
    results = [measure(*args) for _ in range(RUNS)]
    return min(results, key=lambda r: r[0] if isinstance(r, tuple) else r)


def bare(pdf: Path) -> float:
    t = time.perf_counter()
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            page.extract_text()
            page.flush_cache()
    return time.perf_counter() - t


def _import(source: Path, force: str, name: str, trace: bool) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        content.mkdir()
        shutil.copy(ROOT / "content" / "areas.yaml", content)
        if trace:
            tracemalloc.start()
        t = time.perf_counter()
        import_report(source, content, force, name=name)
        elapsed = time.perf_counter() - t
        peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else 0.0
        if trace:
            tracemalloc.stop()
    return elapsed, peak


def timed_import(source: Path, force: str, name: str) -> tuple[float, float]:
    """The best time of RUNS imports (untraced: tracemalloc slows Python code several times),
    and the peak of Python allocations in one more, traced, import."""
    took = min(_import(source, force, name, False)[0] for _ in range(RUNS))
    return took, _import(source, force, name, True)[1]


def row(what: str, floor: float, took: float, peak: float) -> None:
    print(f"{what:<34} floor {floor:7.2f} s   import {took:7.2f} s   ratio {took / floor:5.2f}x"
          f"   peak {peak:6.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=150)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    global RUNS
    RUNS = max(1, args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        text = FIXTURE.read_text(encoding="utf-8")
        # repeat the fixture report until the PDF has the pages asked for
        one = make_pdf(text, Path(tmp) / "one.pdf", header="Durham Constabulary – PEEL",
                       footer="© HMICFRS 2024", repeat=10)
        with pdfplumber.open(one) as doc:
            per_copy = len(doc.pages) / 10
        repeat = max(1, round(args.pages / per_copy))
        for _ in range(3):  # page breaks fall differently in a longer run: top it up
            pdf = make_pdf(text, Path(tmp) / "long-report.pdf", header="Durham Constabulary – PEEL",
                           footer="© HMICFRS 2024", repeat=repeat)
            with pdfplumber.open(pdf) as doc:
                pages = len(doc.pages)
            if pages >= args.pages:
                break
            repeat = round(repeat * args.pages / pages + 0.5)
        floor = best(bare, pdf)
        took, peak = timed_import(pdf, "durham", "Durham Constabulary")
        row(f"generated PDF, {pages} pages", floor, took, peak)
        if not SEEDS.is_dir():
            print(f"(seeds not found at {SEEDS}: seed rows skipped)")
            return
        for seed in sorted(SEEDS.glob("*.txt")):
            seed_pdf = make_pdf(seed.read_text(encoding="utf-8"), Path(tmp) / f"{seed.stem}.pdf",
                                header="Cleveland Police", footer="HMIC")
            floor = best(bare, seed_pdf)
            took, peak = timed_import(seed, "cleveland", "Cleveland Police")
            row(f"seed {seed.name} (text)", floor, took, peak)
            took, peak = timed_import(seed_pdf, "cleveland", "Cleveland Police")
            row(f"seed {seed.stem} as PDF", floor, took, peak)


if __name__ == "__main__":
    main()
