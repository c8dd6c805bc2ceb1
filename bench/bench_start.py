"""Benchmark start and reload: the shipped content and the synthetic 43-force base, in one run.

    python bench/bench_start.py [--synthetic DIR] [--forces 43] [--skip-today]

For each knowledge base, every figure measured in a fresh interpreter:

1. bare parse: `yaml.load(text, Loader=CSafeLoader)` of every YAML file (the floor);
2. today's cold load: `bot.content.loader.load` and the search index, in the serving process
   (what a start cost before the cache), as a ratio to the floor;
3. cold start: `bot.kbcache.load` with an empty cache folder (validation in a child process,
   the cache file and passage database written, then read back), as a ratio to the floor;
4. warm start: `bot.kbcache.load` with the cache in place, and its ratio to the shipped
   content's warm start (aim: at most 5x);
5. serving RSS of that fresh process (the server's modules imported, the cached knowledge base
   loaded), then after answering a search and a plain-English question (aim: at most 150 MiB
   at 43 forces);
6. reload after a one-file edit: `LiveKnowledgeBase.reload()` on a copy of the folder with one
   figure's value changed.

A benchmark, not a test: nothing is asserted. The machine's load shows; compare ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SHIPPED = ROOT / "content"


def _rss_mib() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError):
        return float("nan")


# --- measurements run in a fresh interpreter (`--child MODE DIR CACHE`) -----------------------

def child(mode: str, content: Path, cache: Path) -> dict[str, Any]:
    if mode == "bare":
        import yaml

        from bot.content.loader import content_files
        loader_class = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        start = time.perf_counter()
        for path in content_files(content):
            yaml.load(path.read_text(encoding="utf-8"), Loader=loader_class)
        return {"seconds": time.perf_counter() - start}
    if mode == "today":
        from bot.ask.search import index_of
        from bot.content import loader
        start = time.perf_counter()
        index_of(loader.load(content))
        return {"seconds": time.perf_counter() - start, "rss": _rss_mib()}
    if mode in ("cold", "warm"):
        import bot.server  # noqa: F401  (the serving process's modules, as `serve` has them)
        from bot import kbcache
        from bot.render.answer import answer
        from bot.render.templating import build_env
        from bot.render.text import Renderer
        imported = _rss_mib()
        start = time.perf_counter()
        kb, problems = kbcache.load(content, cache)
        seconds = time.perf_counter() - start
        assert kb is not None, problems
        rss = _rss_mib()
        renderer = Renderer(build_env(), kb)
        for text in ("search domestic abuse", "what does the report say about stop and search?",
                     "overdue", "figures asb"):
            answer(kb, renderer, text, dt.date(2026, 11, 23))
        return {"seconds": seconds, "imports_rss": imported, "rss": rss,
                "answered_rss": _rss_mib()}
    if mode == "reload":
        from bot.live import LiveKnowledgeBase
        live = LiveKnowledgeBase(content, cache_dir=cache)
        path, old, new = _one_edit(content)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        start = time.perf_counter()
        result = live.reload()
        seconds = time.perf_counter() - start
        assert result.changed, result.problems[:3]
        return {"seconds": seconds}
    raise SystemExit(f"unknown mode {mode}")


def _one_edit(content: Path) -> tuple[Path, str, str]:
    """A figure value in the first inspection file that has one."""
    for path in sorted(content.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("value: ") and stripped[7:].replace(".", "", 1).isdigit():
                return path, line, line.replace(stripped[7:], stripped[7:] + "1", 1)
    raise SystemExit(f"no figure value to edit in {content}")


def _child(mode: str, content: Path, cache: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", mode, str(content), str(cache)],
                         check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"  {content.name} {mode}: {result}", file=sys.stderr, flush=True)
    return result


def measure(name: str, content: Path, work: Path, today: bool) -> dict[str, Any]:
    # A copy, so that the reload can edit it (and every figure is of the same folder).
    copy = work / f"content-{name}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(content, copy)
    cache = work / f"cache-{name}"
    shutil.rmtree(cache, ignore_errors=True)
    row: dict[str, Any] = {"bare": _child("bare", copy, cache)["seconds"]}
    if today:
        row["today"] = _child("today", copy, cache)
    row["cold"] = _child("cold", copy, cache)
    row["warm"] = _child("warm", copy, cache)
    row["reload"] = _child("reload", copy, cache)["seconds"]
    shutil.rmtree(copy, ignore_errors=True)
    return row


def report(rows: dict[str, dict[str, Any]]) -> None:
    shipped_warm = rows["shipped"]["warm"]["seconds"]
    print(f"{'':12} {'bare parse':>10} {'today':>14} {'cold start':>14} {'warm start':>16} "
          f"{'RSS warm':>9} {'answered':>9} {'reload 1 file':>13}")
    for name, r in rows.items():
        bare = r["bare"]
        today = (f"{r['today']['seconds']:6.2f}s {r['today']['seconds'] / bare:4.2f}x"
                 if "today" in r else "-")
        cold = f"{r['cold']['seconds']:6.2f}s {r['cold']['seconds'] / bare:4.2f}x"
        warm = f"{r['warm']['seconds']:6.2f}s {r['warm']['seconds'] / shipped_warm:5.1f}x"
        print(f"{name:12} {bare:9.2f}s {today:>14} {cold:>14} {warm:>16} "
              f"{r['warm']['rss']:6.0f}MiB {r['warm']['answered_rss']:6.0f}MiB "
              f"{r['reload']:12.2f}s")
    print("\ntoday and cold start: ratio to the bare parse of the same files; warm start: ratio "
          "to the shipped content's warm start (aim <= 5x); RSS: a fresh serving process "
          f"(modules alone: {rows['shipped']['warm']['imports_rss']:.0f} MiB), aim <= 150 MiB.")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "--child":
        print(json.dumps(child(args[1], Path(args[2]), Path(args[3]))))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--synthetic", type=Path, help="an existing synthetic base (else generated)")
    ap.add_argument("--forces", type=int, default=43)
    ap.add_argument("--skip-today", action="store_true",
                    help="skip the in-process load (the slowest figure)")
    opts = ap.parse_args(args)
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        work = Path(tmp)
        synthetic = opts.synthetic
        if synthetic is None:
            import synthetic as generator
            synthetic = work / "synthetic"
            generator.generate(synthetic, forces=opts.forces)
        rows = {"shipped": measure("shipped", SHIPPED, work, not opts.skip_today)}
        rows[f"{opts.forces} forces"] = measure("synthetic", synthetic, work, not opts.skip_today)
        report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
