"""The plain-English questions (tests/questions/): the share answered right per kind, for the
tuning questions and the held-out quarter, and the question reader's time per question at the
shipped size and on a synthetic 43-force knowledge base.

    .venv/bin/python bench/bench_questions.py [--misses] [--forces 43]

"needs 10" counts the questions whose right answer needs the reachability issue's commands
(`findings`, report passages, inspection facts); "now" counts the rest. Timing is printed as a
ratio to the floor measured in the same run: the same reader on the shipped knowledge base.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

import questionset  # noqa: E402
import synthetic  # noqa: E402

from bot.ask import reader  # noqa: E402
from bot.content.loader import load  # noqa: E402
from bot.render.answer import answer  # noqa: E402
from bot.render.templating import build_env  # noqa: E402
from bot.render.text import Renderer  # noqa: E402


def scores(kb, misses: bool) -> None:
    renderer = Renderer(build_env(), kb)
    kinds = ["grades", "findings", "deadlines", "figures", "responses", "people", "dates",
             "other", "now", "needs 10", "all"]
    table = {}
    for half in ("tuning", "heldout"):
        qs = questionset.load(half)
        table[half] = questionset.score(qs, lambda q: answer(kb, renderer, q.q, q.as_of).text)
    print(f"{'kind':10} {'tuning':>16} {'held-out':>16}")
    for kind in kinds:
        cells = []
        for half in ("tuning", "heldout"):
            s = table[half].get(kind)
            cells.append(f"{s.right:3}/{s.total:<3} {s.share:5.0%}" if s else f"{'-':>14}")
        print(f"{kind:10} {cells[0]:>16} {cells[1]:>16}")
    gap = table["tuning"]["now"].share - table["heldout"]["now"].share
    print(f"gap (now, tuning - held-out): {gap * 100:+.1f} points")
    if misses:
        for half in ("tuning", "heldout"):
            print(f"\nmissed ({half}):")
            for q in table[half]["all"].misses:
                print("  ", q)


def reader_times(kb, questions: list[questionset.Question], rounds: int = 3) -> list[float]:
    times = []
    for _ in range(rounds):
        for q in questions:
            start = time.perf_counter()
            reader.read(kb, q.q, q.as_of)
            times.append(time.perf_counter() - start)
    return times


def _p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.99) - 1)]


def timing(kb, forces: int) -> None:
    qs = questionset.load("tuning") + questionset.load("heldout")
    reader.read(kb, "warm up the vocabulary", qs[0].as_of)
    floor = reader_times(kb, qs)
    with tempfile.TemporaryDirectory() as tmp:
        synthetic.generate(Path(tmp) / "kb", forces=forces)
        big = load(Path(tmp) / "kb")
        reader.read(big, "warm up the vocabulary", qs[0].as_of)
        wide = reader_times(big, qs)
    med_f, med_w = statistics.median(floor), statistics.median(wide)
    p99_f, p99_w = _p99(floor), _p99(wide)
    print(f"\nreader per question, {len(qs)} questions x 3:")
    print(f"  shipped:    median {med_f * 1000:6.2f} ms  p99 {p99_f * 1000:6.2f} ms")
    print(f"  {forces} forces:  median {med_w * 1000:6.2f} ms  p99 {p99_w * 1000:6.2f} ms"
          f"  ({med_w / med_f:.1f}x / {p99_w / p99_f:.1f}x the shipped size)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", action="store_true", help="list the questions answered wrong")
    ap.add_argument("--forces", type=int, default=43)
    ap.add_argument("--no-timing", action="store_true")
    args = ap.parse_args()
    kb = load(ROOT / "content")
    scores(kb, args.misses)
    if not args.no_timing:
        timing(kb, args.forces)


if __name__ == "__main__":
    main()
