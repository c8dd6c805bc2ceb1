"""Benchmark the knowledge base at the size of all 43 forces of England and Wales.

    python bench/bench_kb.py [--forces 43] [--inspections 10] [--findings 60] [--figures 80]
                             [--runs 3] [--keep DIR] [--no-tracemalloc]

Generates the synthetic knowledge base (bench/synthetic.py) in a temporary folder and prints:

1. cold load and validation time of `bot.content.loader.load`, each run in a fresh interpreter, next to
   a plain `yaml.load(text, Loader=CSafeLoader)` of the same files in the same process, as a
   ratio (aim: at most 2x); with where the loader's time goes, and the same load with the
   garbage collector paused (a proposed change, measured here without touching the loader);
2. peak memory: ru_maxrss of a fresh process loading the knowledge base (and, for comparison,
   holding the plain yaml.load result), and the tracemalloc peak;
3. the median time of each query kind, raw (`run_query`) and end to end (`answer` with a
   Renderer), on the shipped content and at the synthetic size, with the ratios: time, answer
   size (characters rendered) and time per answer character (aim: about 1, i.e. the cost grows
   with the size of the answer, not of the knowledge base).

A benchmark, not a test: nothing is asserted. Medians of several runs; the machine's load shows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import yaml  # noqa: E402

SHIPPED = ROOT / "content"
SHIPPED_AS_OF = dt.date(2026, 11, 23)
_CLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- measurements run in a fresh interpreter (`--child MODE DIR`) -----------------------------

def _files(content: Path) -> list[Path]:
    from bot.content.loader import content_files
    return content_files(content)


def _yaml_all(content: Path) -> list[Any]:
    return [yaml.load(p.read_text(encoding="utf-8"), Loader=_CLoader) for p in _files(content)]


def _maxrss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def _rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    except (OSError, ValueError):
        return float("nan")


def child_time(content: Path, loader_first: bool) -> dict[str, Any]:
    """One cold run: plain yaml.load of every file, then bot.content.loader.load (or the other way
    round), timing the loader's phases; then the loader again with the collector paused."""
    from bot.content import checks, loader

    phases: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                phases[name] = phases.get(name, 0.0) + time.perf_counter() - t
        return wrapper

    loader.read_all = timed("read+check", loader.read_all)  # type: ignore[assignment]
    loader.build = timed("build+index", loader.build)  # type: ignore[assignment]
    checks.cross_references = timed("cross-refs", checks.cross_references)  # type: ignore[assignment]
    out: dict[str, Any] = {}

    def run_yaml() -> None:
        t = time.perf_counter()
        held = _yaml_all(content)
        out["yaml"] = time.perf_counter() - t
        del held
        gc.collect()

    def run_loader() -> None:
        t = time.perf_counter()
        kb = loader.load(content)
        out["load"] = time.perf_counter() - t
        del kb
        gc.collect()

    for step in ((run_loader, run_yaml) if loader_first else (run_yaml, run_loader)):
        step()
    out["phases"] = dict(phases)
    gc.disable()
    t = time.perf_counter()
    kb = loader.load(content)
    out["load_gc_paused"] = time.perf_counter() - t
    gc.enable()
    del kb
    return out


def child_memory(content: Path, what: str, trace: bool) -> dict[str, Any]:
    """Peak memory of loading the knowledge base (what='kb') or holding plain yaml ('yaml')."""
    import tracemalloc

    from bot.content import loader

    base_peak, base_rss = _maxrss_mb(), _rss_mb()
    if trace:
        tracemalloc.start()
    held = loader.load(content) if what == "kb" else _yaml_all(content)
    out: dict[str, Any] = {"maxrss": _maxrss_mb(), "base_maxrss": base_peak,
                           "rss_after": _rss_mb(), "base_rss": base_rss}
    if trace:
        current, peak = tracemalloc.get_traced_memory()
        out.update(traced_current=current / 2**20, traced_peak=peak / 2**20)
    del held
    return out


def _child(*args: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the three sections --------------------------------------------------------------------------

def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def bench_load(kbs: dict[str, Path], runs: int) -> None:
    print(f"\n1. Cold load and validation (median of {runs} fresh processes; seconds)")
    head = (f"{'content':<10}{'yaml.load':>11}{'loader':>10}{'ratio':>8}   {'read+check':>10}"
            f"{'build+index':>12}{'cross-refs':>11}   {'gc paused':>9}{'ratio':>7}")
    print(head)
    print("-" * len(head))
    for name, path in kbs.items():
        results = [_child("time", str(path), str(i % 2)) for i in range(runs)]
        y, ld = _median([r["yaml"] for r in results]), _median([r["load"] for r in results])
        ph = {k: _median([r["phases"][k] for r in results]) for k in results[0]["phases"]}
        gp = _median([r["load_gc_paused"] for r in results])
        print(f"{name:<10}{y:>11.3f}{ld:>10.3f}{ld / y:>7.2f}x   {ph['read+check']:>10.3f}"
              f"{ph['build+index']:>12.3f}{ph['cross-refs']:>11.3f}   {gp:>9.3f}{gp / y:>6.2f}x")
    print("ratio = loader / yaml.load (aim <= 2x). 'gc paused': bot.content.loader.load inside "
          "gc.disable()/gc.enable() (the loader now does this itself, so both columns agree).")


def bench_memory(kbs: dict[str, Path], trace: bool) -> None:
    print("\n2. Memory (MB; fresh process each)")
    head = (f"{'content':<10}{'kb peak RSS':>12}{'kb held':>9}{'yaml peak RSS':>14}"
            f"{'yaml held':>10}" + (f"{'kb traced peak':>16}{'kb traced held':>16}" if trace else ""))
    print(head)
    print("-" * len(head))
    for name, path in kbs.items():
        kb = _child("memory", str(path), "kb", "0")
        ya = _child("memory", str(path), "yaml", "0")
        line = (f"{name:<10}{kb['maxrss'] - kb['base_maxrss']:>12.1f}"
                f"{kb['rss_after'] - kb['base_rss']:>9.1f}{ya['maxrss'] - ya['base_maxrss']:>14.1f}"
                f"{ya['rss_after'] - ya['base_rss']:>10.1f}")
        if trace:
            tr = _child("memory", str(path), "kb", "1")
            line += f"{tr['traced_peak']:>16.1f}{tr['traced_current']:>16.1f}"
        print(line)
    print("peak RSS: ru_maxrss growth over the process after imports; held: resident memory "
          "still in use after loading (the knowledge base, or the plain yaml.load result).")


def _time(fn: Any, budget: float = 1.5, least: int = 3, most: int = 100) -> tuple[float, Any]:
    times: list[float] = []
    result = None
    while len(times) < least or (sum(times) < budget and len(times) < most):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return _median(times), result


def queries_for(kb: Any, shipped: bool) -> list[tuple[str, str]]:
    """(kind, text) for every query kind. `show` picks a recommendation with parts and
    `judgments of one` an inspection with a carried-forward grade: their answers are the same
    size at any size of knowledge base."""
    if shipped:
        show, insp = "cle-2016-rec-01", "cle-2017-effectiveness"
    else:
        show = next((f.id for f in kb.findings if f.kind == "recommendation" and f.parts),
                    kb.findings[0].id)
        insp = next((j.inspection for j in kb.judgments if j.carried_from), kb.inspections[0].id)
    return [
        ("judgments year", "judgments 2016"),
        ("judgments of one", f"judgments {insp}"),
        ("judgments latest", "judgments latest"),
        ("judgments of area", "judgments investigation"),
        ("area history", "area investigation"),
        ("overdue", "overdue"),
        ("overdue in area", "overdue vulnerability"),
        ("due 30 days", "due 30"),
        ("figures topic", "figures asb"),
        ("show id", f"show {show}"),
        ("search words", "search safeguarding hub"),
        ("digest", "digest"),
    ]


def measure_queries(kb: Any, as_of: dt.date, shipped: bool) -> dict[str, tuple[float, float, int]]:
    from bot.ask.command import parse
    from bot.ask.dispatch import run_query
    from bot.render.answer import answer
    from bot.render.templating import build_env
    from bot.render.text import Renderer

    renderer = Renderer(build_env(), kb)
    out = {}
    for kind, text in queries_for(kb, shipped):
        q = parse(text)
        raw, _ = _time(lambda q=q: run_query(kb, q, as_of))
        e2e, rendered = _time(lambda text=text: answer(kb, renderer, text, as_of))
        out[kind] = (raw, e2e, len(rendered.text))
    return out


def bench_queries(shipped: Path, synthetic: Path, as_of: dt.date) -> None:
    from bot.content import loader

    kb_small = loader.load(shipped, strict=True)
    gc.disable()  # only to load faster here; queries run with the collector on
    kb_big = loader.load(synthetic, strict=True)
    gc.enable()
    gc.collect()
    small = measure_queries(kb_small, SHIPPED_AS_OF, True)
    big = measure_queries(kb_big, as_of, False)
    print(f"\n3. Queries: median ms, shipped (as of {SHIPPED_AS_OF}) and synthetic (as of {as_of})")
    head = (f"{'query':<18}{'shipped raw':>12}{'answer':>9}{'chars':>8}  "
            f"{'synth raw':>10}{'answer':>10}{'chars':>10}  {'time x':>8}{'size x':>8}"
            f"{'per char x':>11}")
    print(head)
    print("-" * len(head))
    for kind, (raw_s, e2e_s, chars_s) in small.items():
        raw_b, e2e_b, chars_b = big[kind]
        tx, sx = e2e_b / e2e_s, chars_b / chars_s
        print(f"{kind:<18}{raw_s * 1e3:>12.2f}{e2e_s * 1e3:>9.2f}{chars_s:>8}  "
              f"{raw_b * 1e3:>10.2f}{e2e_b * 1e3:>10.2f}{chars_b:>10}  {tx:>7.1f}x{sx:>7.1f}x"
              f"{tx / sx:>10.2f}x")
    print("raw: bot.ask.dispatch.run_query (the query functions); answer: bot.render.answer.answer with a "
          "Renderer (parse, query, render). time x / size x / per char x: synthetic over shipped, "
          "for the end-to-end answer; per char near 1 means the cost follows the answer's size.")


def main(argv: list[str] | None = None) -> int:
    from synthetic import add_size_arguments, generate

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_size_arguments(ap)
    ap.add_argument("--runs", type=int, default=3, help="cold load runs (fresh processes)")
    ap.add_argument("--keep", type=Path, help="write the synthetic content here and keep it")
    ap.add_argument("--no-tracemalloc", action="store_true", help="skip the (slow) traced run")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        mode, path, *rest = a.child
        result = (child_time(Path(path), rest[0] == "1") if mode == "time"
                  else child_memory(Path(path), rest[0], rest[1] == "1"))
        print(json.dumps(result))
        return 0


    tmp = None
    if a.keep:
        out = a.keep
    else:
        tmp = tempfile.mkdtemp(prefix="inspection-bench-")
        out = Path(tmp) / "content"
    try:
        t = time.perf_counter()
        counts = generate(out, forces=a.forces, inspections=a.inspections, findings=a.findings,
                          figures=a.figures, seed=a.seed, base_date=a.base_date)
        size = sum(p.stat().st_size for p in out.rglob("*.yaml")) / 2**20
        n_files = len(list(out.rglob("*.yaml")))
        print(f"Synthetic knowledge base: {', '.join(f'{v} {k}' for k, v in counts.items())}; "
              f"{n_files} files, {size:.1f} MB (generated in {time.perf_counter() - t:.1f} s).")
        shipped_size = sum(p.stat().st_size for p in SHIPPED.rglob("*.yaml")) / 2**20
        print(f"Shipped content: {len(list(SHIPPED.rglob('*.yaml')))} files, "
              f"{shipped_size:.2f} MB. Python {sys.version.split()[0]}, PyYAML {yaml.__version__}"
              f" ({'libyaml' if _CLoader is not yaml.SafeLoader else 'pure Python'}).")
        kbs = {"shipped": SHIPPED, "synthetic": out}
        bench_load(kbs, a.runs)
        bench_memory(kbs, not a.no_tracemalloc)
        bench_queries(SHIPPED, out, a.base_date)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
