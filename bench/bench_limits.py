"""What the content loader's limits cost, and what a hostile file costs now.

    python bench/bench_limits.py [--repeat 10]

Prints (1) the limits pass (bot.content.yamllimits, on the parser's events) against composing
the same shipped files (the floor: what the loader did anyway), as a ratio; (2) the time and
peak memory of refusing each hostile file in a fresh process, against loading the shipped
content in a fresh process (the floor), as ratios. A benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.content.yamllimits import Limits, check_limits  # noqa: E402

CHILD = """
import json, resource, sys, time
from bot.content import loader
t = time.monotonic(); kb, problems = loader.check(sys.argv[1]); t = time.monotonic() - t
print(json.dumps({"secs": t, "mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "first": str(problems[0]) if problems else ""}))
"""


def laughs(levels: int, fan: int) -> str:
    lines = ["a0: &a0 [lol]"]
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * fan)}]")
    return "\n".join(lines) + "\n"


HOSTILE = {
    "alias bomb as a key (0.5 KB)": laughs(9, 9) + "owners:\n  - id: b\n    role: r\n    ? *a8\n    : x\n",
    "1,000 x 1,000 fan-out (8 KB)": "big: &big [" + ", ".join(["x"] * 1000) + "]\nuse:\n"
    + "  - *big\n" * 1000,
    "nesting 900 deep": "k: " + "[" * 900 + "]" * 900 + "\n",
    "2.5 MB of comments": ("# " + "x" * 98 + "\n") * 25_000,
}


def child(folder: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(folder)], capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    return json.loads(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=10, help="copies of the shipped files timed")
    args = ap.parse_args()
    loader_cls = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    texts = [p.read_text() for p in (ROOT / "content").rglob("*.yaml")] * args.repeat
    compose, limits = [], []
    for _ in range(5):
        t = time.perf_counter()
        for text in texts:
            yaml.compose(text, Loader=loader_cls)
        compose.append(time.perf_counter() - t)
        t = time.perf_counter()
        for text in texts:
            check_limits(text, "f", Limits())
        limits.append(time.perf_counter() - t)
    c, lim = statistics.median(compose), statistics.median(limits)
    print(f"1. limits pass {lim:.3f} s vs compose {c:.3f} s on {len(texts)} shipped files: "
          f"{lim / c:.2f}x of the floor")
    floor = child(ROOT / "content")
    print(f"2. floor: loading the shipped content, {floor['secs']:.3f} s, peak {floor['mb']:.0f} MB")
    print(f"   {'hostile file':34} {'secs':>7} {'x floor':>8} {'MB':>6} {'x floor':>8}  first message")
    for name, text in HOSTILE.items():
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "content"
            folder.mkdir()
            (folder / "hostile.yaml").write_text(text)
            got = child(folder)
        print(f"   {name:34} {got['secs']:7.3f} {got['secs'] / floor['secs']:8.2f} "
              f"{got['mb']:6.0f} {got['mb'] / floor['mb']:8.2f}  {got['first'].split(': ', 1)[-1][:60]}")


if __name__ == "__main__":
    main()
