"""Benchmark search and passage search at the shipped size and at the 43-force size.

    python bench/bench_search.py [--forces 43] [--inspections 10] [--runs 25] [--keep DIR]

Prints, for the shipped content/ and for the synthetic knowledge base (bench/synthetic.py, with
synthetic source texts of realistic length in content/sources/):

1. the content load time (`bot.content.loader.load`, median of 3) and, next to it, the build
   time of the search index (BM25F) and of the passage index (SQLite FTS5), as a share of the
   load (aim: passage index under 20% of the load), and the time to get the passage index for a
   reloaded knowledge base with the same source text (found by the text's hash, not rebuilt);
2. the median time of `search` queries (`bot.ask.searching.search`, recorded items plus the
   passages under them) and of passage-only queries, and the ratio of the 43-force medians to
   the shipped ones (aim: search at 43 forces within 3x of the shipped size).

A benchmark, not a test: nothing is asserted; medians, so the machine's load shows less.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bot.ask.search import SearchIndex  # noqa: E402
from bot.ask.searching import search  # noqa: E402
from bot.content import loader  # noqa: E402
from bot.content.passages import passages_of  # noqa: E402

AS_OF = dt.date(2026, 11, 23)
QUERIES = ["domestic abuse", "safegaurding hub", "recommendations 2014", "cause of concern 2016",
           "anti-social behaviour rate", "registered sex offenders 2017", "pacesetter meeting"]
PASSAGE_QUERIES = ["pacesetter meeting", "serious crime prevention orders applied",
                   "THRIVE threat harm risk", "3S model", "monitoring regime engage"]


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(content: Path, runs: int) -> dict[str, float]:
    loads = []
    for _ in range(3):
        t = time.perf_counter()
        kb = loader.load(content)
        loads.append(time.perf_counter() - t)
    t = time.perf_counter()
    kb.index["search"] = SearchIndex.build(kb)
    search_build = time.perf_counter() - t
    t = time.perf_counter()
    passages = passages_of(kb)  # builds it (and hashes the text for the cache)
    passage_build = time.perf_counter() - t
    # A reload with the same source text (a YAML edit going live) finds the index by hash.
    again = loader.load(content)
    t = time.perf_counter()
    passages_of(again)
    passage_cached = time.perf_counter() - t
    per_query = [_median(lambda q=q: search(kb, q, AS_OF), runs) for q in QUERIES]
    per_items = [_median(lambda q=q: kb.index["search"].search(q), runs) for q in QUERIES]
    per_passage = [_median(lambda q=q: passages.search(q), runs) for q in PASSAGE_QUERIES]
    return {"load": statistics.median(loads), "search_build": search_build,
            "passage_build": passage_build, "passage_cached": passage_cached,
            "passages": len(passages.sentences),
            "text_mb": sum(len(t) for t in kb.texts.values()) / 1e6,
            "search": statistics.median(per_query), "items": statistics.median(per_items),
            "passage": statistics.median(per_passage)}


def report(name: str, m: dict[str, float]) -> None:
    print(f"{name}: load {m['load'] * 1000:.0f} ms; {m['text_mb']:.1f} MB of source text, "
          f"{m['passages']:,} sentences indexed")
    print(f"  search index build   {m['search_build'] * 1000:8.1f} ms  "
          f"({m['search_build'] / m['load']:.0%} of load)")
    print(f"  passage index build  {m['passage_build'] * 1000:8.1f} ms  "
          f"({m['passage_build'] / m['load']:.0%} of load; aim under 20%)")
    print(f"  passage index reused {m['passage_cached'] * 1000:8.1f} ms  "
          f"({m['passage_cached'] / m['load']:.0%} of load: a reload with the same text, by hash)")
    print(f"  search median        {m['search'] * 1000:8.2f} ms  (items + passages)")
    print(f"  item ranking median  {m['items'] * 1000:8.2f} ms  (the BM25F index alone)")
    print(f"  passage search median{m['passage'] * 1000:8.2f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forces", type=int, default=43)
    ap.add_argument("--inspections", type=int, default=10)
    ap.add_argument("--runs", type=int, default=25)
    ap.add_argument("--keep", type=Path, help="write the synthetic content here and keep it")
    args = ap.parse_args()
    shipped = measure(ROOT / "content", args.runs)
    report("shipped content", shipped)
    from synthetic import generate

    with tempfile.TemporaryDirectory() as tmp:
        out = args.keep or Path(tmp) / "content"
        counts = generate(out, forces=args.forces, inspections=args.inspections)
        big = measure(out, max(5, args.runs // 5))
    report(f"synthetic {args.forces} forces ({counts['findings']:,} findings, "
           f"{counts.get('sources', 0):,} source texts)", big)
    print(f"ratios 43 forces / shipped: search {big['search'] / shipped['search']:.1f}x "
          f"(aim at most 3x), item ranking {big['items'] / shipped['items']:.1f}x, "
          f"passage search {big['passage'] / shipped['passage']:.1f}x, "
          f"load {big['load'] / shipped['load']:.0f}x")


if __name__ == "__main__":
    main()
