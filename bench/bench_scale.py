"""National scale (issue 17), end to end through `serve --http` (not a test).

    python bench/bench_scale.py [--requests 240] [--rounds 3] [--forces 43] [--keep DIR]

One run, three servers behind the production HTTP server (bench/bench_http.py's child: waitress,
8 threads, signed slash-command POSTs over keep-alive connections, the Slack emulator for
`response_url`):

- the floor: a minimal Bolt app that acks a static message;
- our app over the shipped content (content/);
- our app over the synthetic 43-force knowledge base (bench/synthetic.py).

Our app runs with the answer cache off, so every answer is computed. Each base gets the same mix
of distinct commands and questions (MIX below: `due 37 days`, `overdue vulnerability`, `area
investigation`, searches, `figures <topic> <year>`, `show <id>`, plain-English questions ...),
sent once each at concurrency 8 after a warm-up (WARMUP below), in rounds (three by default): the three
servers take turns, a round each, so that a burst of load on the machine falls on all of them
alike, and p99 is over every round's answers (720, not 240: one slow moment moves it less).
Each round asks the same kinds in the same proportions with other days, years, topics and items;
the combinations run out, so about half of a later round's texts were asked in an earlier one
(the answer cache is off: each is worked out again). Each round's own p99 is printed too. Each
server is started twice: the first start on an empty cache folder (cold: parse and validate),
then a restart on the same folder (warm: whatever the bot caches by content hash); the requests
go to the restarted server.

Printed per base: cold start and warm start (seconds until the port answers), serving RSS after
the run and its peak (VmRSS, VmHWM), p50/p99/max in ms, the ratios p99/floor and p99 (43
forces)/p99 (shipped), and how many answers missed the ack budget (sent to `response_url`).
Aims (issue 17): at 43 forces p99 within 1.5x of the shipped content's, serving RSS at most
150 MiB, warm start within 5x of the shipped content's.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import bench_http  # noqa: E402  (the server child, the signed client, memory())

CONCURRENCY = 8
# Sent at concurrency 8 before the rounds, twice over, so that each of the server's threads has
# opened its SQLite connections (a thread's first search opens them: 10 ms more) and the start's
# one-off costs are not in the rounds; none of these texts is in the mix.
WARMUP = ["judgments", "overdue", "help", "due 5 days", "search leadership",
          "what did they say about leadership", "figures officers latest", "judgments leadership"]
AREA_WORDS = ["investigation", "vulnerability", "crime prevention", "anti-social behaviour",
              "offender management", "serious organised crime", "crime recording", "leadership",
              "legitimacy", "efficiency", "missing children", "domestic abuse"]
TOPICS = ["asb", "crime", "victims", "calls", "arrests", "outcomes", "domestic abuse",
          "recorded crime", "officers", "stop and search"]
YEARS = ["2014", "2016", "2017", "2021/22", "latest"]
SEARCH = ["safeguarding", "domestic abuse risk", "missing children", "crime data integrity",
          "stop and search", "supervision of investigations", "mental health", "vetting",
          "county lines", "repeat victims", "call handling", "digital forensics backlog"]
QUESTIONS = [
    "what grade did we get for investigating offending in {year}",
    "how good are we at protecting vulnerable people",
    "which recommendations had a three-month deadline",
    "what is due in the next {n} days",
    "were there any causes of concern in {year}",
    "what did they say about {topic}",
    "whats overdue for {area}",
    "how many {topic}",
]


def mix(ids: list[str], n: int, r: int = 0) -> list[str]:
    """`n` distinct texts, the same for every base but the `show` ids (each base's own). Round
    `r` asks the same kinds in the same proportions with other days, years, topics and items
    (round 0 is the mix as it always was); `overdue` and `area` have 12 areas to name, so theirs
    come round again."""
    texts: list[str] = []
    for i in range(200):
        texts += [f"due {7 + i + 200 * r} days", f"overdue {AREA_WORDS[i % len(AREA_WORDS)]}",
                  f"area {AREA_WORDS[(i * 5) % len(AREA_WORDS)]}",
                  f"search {SEARCH[i % len(SEARCH)]} {YEARS[(i + r) % 4]}",
                  f"figures {TOPICS[i % len(TOPICS)]} {YEARS[(i // 3 + r) % 4]}",
                  f"judgments {YEARS[(i + r) % len(YEARS)]} "
                  f"{AREA_WORDS[(i * 7) % len(AREA_WORDS)]}",
                  f"findings {['recommendations', 'causes of concern', 'areas for improvement'][i % 3]}"
                  f" {YEARS[(i // 2 + r) % 4]}",
                  QUESTIONS[i % len(QUESTIONS)].format(
                      year=YEARS[(i + r) % 4], n=10 + i + 200 * r,
                      topic=TOPICS[(i * 3 + r) % len(TOPICS)],
                      area=AREA_WORDS[(i * 11 + r) % len(AREA_WORDS)])]
        if ids:
            texts.append(f"show {ids[(i * 37 + r * 7919) % len(ids)]}")
    out = list(dict.fromkeys(texts))  # distinct, in order
    return out[:n]


def item_ids(content: Path, limit: int = 5000) -> list[str]:
    """Finding ids, read off the YAML lines (cheap: no load in this process)."""
    ids: list[str] = []
    pattern = re.compile(r"^\s*- id: ([a-z0-9-]+-(?:rec|coc|afi)-[0-9a-z-]+)\s*$")
    for path in sorted(content.rglob("*.yaml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            m = pattern.match(line)
            if m:
                ids.append(m.group(1))
                if len(ids) >= limit:
                    return ids
    return ids


def start(kind: str, content: Path, api_url: str, data_dir: Path) -> tuple[subprocess.Popen,
                                                                            int, float]:
    env = dict(os.environ, DATA_DIR=str(data_dir))
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, bench_http.__file__, "--child", kind, str(content),
                             api_url], stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise SystemExit(f"{kind} server over {content} did not start")
    return proc, int(line.split()[1]), time.monotonic() - started


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


class Server:
    """One of the three servers, started cold then restarted warm, and what it was sent."""

    def __init__(self, label: str, kind: str, content: Path, emulator,
                 texts: list[list[str]]):
        print(f"starting {label} …", file=sys.stderr, flush=True)
        self.label, self.texts = label, texts
        self.data_dir = Path(tempfile.mkdtemp(prefix="bench-scale-"))
        proc, _port, self.cold = start(kind, content, emulator.base_url, self.data_dir)
        stop(proc)
        self.proc, port, self.warm = start(kind, content, emulator.base_url, self.data_dir)
        self.emulator = emulator
        self.client = bench_http.Client(port, emulator)
        with ThreadPoolExecutor(CONCURRENCY) as pool:
            list(pool.map(self.client.ask, WARMUP * 2))
        self.times: list[float] = []
        self.rounds: list[float] = []  # each round's p99
        self.by_text: dict[str, float] = {}
        self.statuses: list[int] = []
        self.late = 0

    def round(self, texts: list[str]) -> None:
        """The texts once each at concurrency 8."""
        late_before = len(self.emulator.responses)
        times: list[float] = []

        def one(text: str) -> None:
            ms, status = self.client.ask(text)
            times.append(ms)
            self.statuses.append(status)
            self.by_text[text] = ms

        with ThreadPoolExecutor(CONCURRENCY) as pool:
            list(pool.map(one, texts))
        self.late += len(self.emulator.responses) - late_before
        self.times += times
        self.rounds.append(bench_http.pct(times, 99))

    def finish(self) -> dict:
        try:
            rss, hwm = bench_http.memory(self.proc.pid)
        finally:
            stop(self.proc)
            shutil.rmtree(self.data_dir, ignore_errors=True)
        times = self.times
        return {"label": self.label, "cold": self.cold, "warm": self.warm, "rss": rss,
                "hwm": hwm, "p50": statistics.median(times), "p99": bench_http.pct(times, 99),
                "max": max(times), "n": len(times), "late": self.late,
                "bad": sum(1 for s in self.statuses if s != 200), "rounds": self.rounds,
                "slowest": sorted(self.by_text.items(), key=lambda kv: -kv[1])[:5]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=240,
                        help="distinct texts per base and round")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds, the servers in turn (p99 over every round's answers)")
    parser.add_argument("--forces", type=int, default=43)
    parser.add_argument("--keep", type=Path, help="generate (or reuse) the synthetic base here")
    args = parser.parse_args()

    from slack_emulator import SlackEmulator

    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-kb-"))
    synthetic = args.keep or tmp / "content"
    if not (synthetic / "areas.yaml").exists():
        print(f"generating the synthetic {args.forces}-force knowledge base …", file=sys.stderr)
        subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic.py"), str(synthetic),
                        "--forces", str(args.forces)], check=True, stdout=subprocess.DEVNULL)
    shipped = ROOT / "content"
    servers: list[Server] = []
    try:
        with SlackEmulator() as emulator:
            # Each round's texts: the same kinds in the same proportions, other days, years,
            # topics and items each round (`mix`); the answer cache is off.
            def rounds(content: Path) -> list[list[str]]:
                ids = item_ids(content)
                return [mix(ids, args.requests, r) for r in range(args.rounds)]

            servers.append(Server("minimal Bolt app", "minimal", shipped, emulator,
                                  rounds(shipped)))
            servers.append(Server("ours, shipped content", "ours-uncached", shipped, emulator,
                                  rounds(shipped)))
            servers.append(Server(f"ours, synthetic {args.forces} forces", "ours-uncached",
                                  synthetic, emulator, rounds(synthetic)))
            # Round by round, the three in turn: a burst of load on the machine falls on all
            # three alike rather than on whichever ran then.
            for r in range(args.rounds):
                for server in servers:
                    server.round(server.texts[r])
            rows = [server.finish() for server in servers]
            servers = []
    finally:
        for server in servers:
            stop(server.proc)
        shutil.rmtree(tmp, ignore_errors=True)
    floor, ours, big = rows
    print(f"\n{big['n']} distinct texts a base ({args.rounds} rounds of {args.requests}, the "
          f"servers in turn), concurrency {CONCURRENCY}, answer cache off\n")
    print(f"{'server':28} {'cold s':>7} {'warm s':>7} {'RSS MiB':>8} {'peak MiB':>8} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'p99/floor':>9} {'late':>5}")
    for r in rows:
        print(f"{r['label']:28} {r['cold']:>7.2f} {r['warm']:>7.2f} {r['rss']:>8.1f} "
              f"{r['hwm']:>8.1f} {r['p50']:>7.1f} {r['p99']:>7.1f} {r['max']:>7.1f} "
              f"{r['p99'] / floor['p99']:>9.2f} {r['late']:>5}")
        if r["bad"]:
            print(f"  !! {r['bad']} answers were not HTTP 200")
    print("\np99 of each round: " + "; ".join(
        f"{r['label']} " + " / ".join(f"{v:.1f}" for v in r["rounds"]) for r in rows))
    print("\nslowest answers:")
    for r in rows[1:]:
        print(f"  {r['label']}: " + "; ".join(f"{t} {ms:.0f} ms" for t, ms in r["slowest"]))
    print(f"\n{args.forces} forces against the shipped content (aims in brackets):")
    print(f"  p99          {big['p99'] / ours['p99']:6.2f}x   (<= 1.5x)")
    print(f"  serving RSS  {big['rss']:6.1f} MiB (<= 150 MiB)")
    print(f"  warm start   {big['warm'] / ours['warm']:6.2f}x   (<= 5x)")
    print(f"  cold start   {big['cold'] / ours['cold']:6.2f}x")


if __name__ == "__main__":
    main()
