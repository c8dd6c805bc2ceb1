"""Latency of /inspection answers through the production HTTP server (not a test).

    python bench/bench_http.py [--requests 500] [--synthetic-requests 100] [--no-synthetic]
                               [--questions]

Each app runs in its own process behind the same server as `inspection-bot serve --http`
(waitress, 8 threads, bot.server.HttpServer): our app over the shipped content, the floor (a
minimal Bolt app that acks a static message, same Bolt settings, same server), and, when
bench/synthetic.py exists, our app over a synthetic 43-force knowledge base. Correctly signed
slash-command POSTs (judgments, overdue, figures, search) are sent sequentially and at
concurrency 8 over keep-alive connections; the table shows p50, p99 and max in milliseconds, the
ratio of p99 to the floor's, and each server process's resident memory (VmRSS, VmHWM).
Aims (issue 4): p99 within 1.5x of the floor at concurrency 8, no request over 100 ms, the
synthetic knowledge base within 1.2x of the shipped content.

`--questions` sends a mix of plain-English questions (QUESTIONS, from tests/questions/) instead
of commands: each is read, answered and recorded with its vote buttons (SQLite in a temporary
DATA_DIR), as in Slack (issue 14: p99 within 1.5x of the floor at concurrency 8).
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import itertools
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

SECRET = "bench-signing-secret"
COMMANDS = ["judgments", "overdue", "figures", "search safeguarding"]
QUESTIONS = [
    "What grade did Cleveland get for investigating offending in 2014?",
    "how good are we at protecting vulnerable people",
    "Which recommendations had a three-month deadline?",
    "what is due in the next 60 days?",
    "What was the anti-social behaviour rate in 2014?",
    "What did the PCC say about the 2016 report?",
    "When was the 2016 report published?",
    "which areas are inadequate",
    "what did they say about stop and search",
    "were there any causes of concern in 2016",
    "how many prolific offenders",
    "whats overdue",
]
CONCURRENCY = 8
WARMUP = 24


# --- the server process --------------------------------------------------------------------------

def child(kind: str, content: str, api_url: str) -> None:
    """Serve one app on 127.0.0.1:0, print the port, serve until SIGTERM."""
    import logging

    from slack_bolt import App

    from bot.server import HttpServer, make_wsgi_app
    from bot.settings import Settings
    from bot.slack import build_app, build_client

    logging.basicConfig(level=logging.ERROR)
    if os.environ.get("DATA_DIR"):  # bench_scale.py: kept across a restart (the KB cache)
        data_dir = Path(os.environ["DATA_DIR"])
    else:
        data_dir = Path(tempfile.mkdtemp(prefix="bench-data-"))  # questions are recorded here
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    settings = Settings(slack_bot_token="xoxb-bench", slack_signing_secret=SECRET,
                        slack_api_url=api_url, data_dir=data_dir)
    client = build_client(settings)
    if kind == "minimal":
        app = App(client=client, signing_secret=SECRET, token_verification_enabled=False,
                  process_before_response=True)

        @app.command("/inspection")
        def static(ack):  # noqa: ANN001 (Bolt injects by name)
            ack(text="OK")

        holder = None
    else:
        from bot.live import LiveKnowledgeBase
        from bot.server import prepare_process

        prepare_process()  # as `serve` does (bot.server.run_server)
        holder = LiveKnowledgeBase(content, cache_dir=settings.cache_dir)  # as `serve` does
        app = build_app(settings, holder, client=client,
                        cache_size=0 if kind == "ours-uncached" else 256)
        from bot.memory import settle_on_changes

        settle_on_changes(holder)  # as `serve` does
        holder.start()  # and it watches the content folder (a scan of it every second)
    server = HttpServer(make_wsgi_app(app, holder), "127.0.0.1", 0)
    signal.signal(signal.SIGTERM, lambda *_: server.stop(wait=False))
    print(f"PORT {server.port}", flush=True)
    server.serve_forever()


def start_child(kind: str, content: str, api_url: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, __file__, "--child", kind, content, api_url],
                            stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise SystemExit(f"{kind} server did not start")
    return proc, int(line.split()[1])


def memory(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


# --- the client ----------------------------------------------------------------------------------

class Client:
    def __init__(self, port: int, emulator) -> None:
        self.port, self.emulator = port, emulator
        self.local = threading.local()

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                                timeout=30)
        return conn

    def ask(self, text: str) -> tuple[float, int]:
        from slack_sdk.signature import SignatureVerifier

        body = urlencode({"team_id": "T000", "channel_id": "C0BENCH", "user_id": "U0BENCH",
                          "command": "/inspection", "text": text, "api_app_id": "A0BOT",
                          "response_url": self.emulator.new_response_url(),
                          "trigger_id": "1.2.3"}).encode()
        ts = str(int(time.time()))
        headers = {"Content-Type": "application/x-www-form-urlencoded",
                   "X-Slack-Request-Timestamp": ts,
                   "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
                       timestamp=ts, body=body)}
        conn = self._conn()
        started = time.perf_counter()
        try:
            conn.request("POST", "/slack/events", body, headers)
            resp = conn.getresponse()
            resp.read()
        except (http.client.HTTPException, OSError):
            self.local.conn = None
            raise
        return (time.perf_counter() - started) * 1000, resp.status


def run(client: Client, n: int, concurrency: int) -> dict[str, list[float]]:
    texts = list(itertools.islice(itertools.cycle(COMMANDS), n))
    by_command: dict[str, list[float]] = {c: [] for c in COMMANDS}
    statuses: list[int] = []

    def one(text: str) -> None:
        ms, status = client.ask(text)
        by_command[text].append(ms)
        statuses.append(status)

    if concurrency == 1:
        for text in texts:
            one(text)
    else:
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, texts))
    bad = [s for s in statuses if s != 200]
    if bad:
        print(f"  !! {len(bad)} non-200 answers: {sorted(set(bad))}")
    return by_command


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def summary(by_command: dict[str, list[float]]) -> tuple[float, float, float]:
    values = [v for vs in by_command.values() for v in vs]
    return statistics.median(values), pct(values, 99), max(values)


# --- main ----------------------------------------------------------------------------------------

def measure(label: str, kind: str, content: str, emulator, n: int) -> list[dict]:
    print(f"starting {label} …", file=sys.stderr, flush=True)
    started = time.monotonic()
    proc, port = start_child(kind, content, emulator.base_url)
    load_s = time.monotonic() - started
    rows = []
    try:
        client = Client(port, emulator)
        for text in itertools.islice(itertools.cycle(COMMANDS), WARMUP):
            client.ask(text)
        for mode, conc in (("sequential", 1), (f"concurrency {CONCURRENCY}", CONCURRENCY)):
            by_command = run(client, n, conc)
            p50, p99, worst = summary(by_command)
            rows.append({"label": label, "mode": mode, "n": n, "p50": p50, "p99": p99,
                         "max": worst, "by_command": {c: (statistics.median(v), pct(v, 99))
                                                      for c, v in by_command.items() if v}})
        rss, hwm = memory(proc.pid)
        for row in rows:
            row.update(rss=rss, hwm=hwm, start_s=load_s)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return rows


def print_table(rows: list[dict]) -> None:
    floor = {r["mode"]: r["p99"] for r in rows if r["label"] == "minimal Bolt app"}
    shipped = {(r["mode"], "no cache" in r["label"]): r["p99"] for r in rows
               if r["label"].startswith("ours, shipped")}
    print()
    print(f"{'app':28} {'mode':15} {'n':>5} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} "
          f"{'p99/floor':>9} {'p99/shipped':>11} {'RSS MiB':>8} {'peak MiB':>8} {'start s':>7}")
    for r in rows:
        ratio = r["p99"] / floor[r["mode"]] if floor.get(r["mode"]) else float("nan")
        base = shipped.get((r["mode"], "no cache" in r["label"]))
        vs_shipped = r["p99"] / base if base and r["label"].startswith("ours") else float("nan")
        print(f"{r['label']:28} {r['mode']:15} {r['n']:>5} {r['p50']:>8.2f} {r['p99']:>8.2f} "
              f"{r['max']:>8.2f} {ratio:>9.2f} {vs_shipped:>11.2f} {r['rss']:>8.1f} "
              f"{r['hwm']:>8.1f} {r['start_s']:>7.1f}")
    print("\np50 / p99 ms by command:")
    for r in rows:
        if r["label"] == "minimal Bolt app":
            continue
        cells = "  ".join(f"{c}: {a:.1f}/{b:.1f}" for c, (a, b) in r["by_command"].items())
        print(f"  {r['label']:28} {r['mode']:15} {cells}")
    over = [r for r in rows if r["label"] != "minimal Bolt app" and r["max"] > 100]
    print("\naims: p99 <= 1.5x floor at concurrency 8; max <= 100 ms; synthetic <= 1.2x shipped")
    for r in over:
        print(f"  over 100 ms: {r['label']}, {r['mode']} (max {r['max']:.0f} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", nargs=3, metavar=("KIND", "CONTENT", "API_URL"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--synthetic-requests", type=int, default=100,
                        help="requests per mode for the synthetic knowledge base (slow)")
    parser.add_argument("--no-synthetic", action="store_true")
    parser.add_argument("--questions", action="store_true",
                        help="a mix of plain-English questions instead of commands")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.questions:
        COMMANDS[:] = QUESTIONS

    from slack_emulator import SlackEmulator

    rows: list[dict] = []
    with SlackEmulator() as emulator:
        rows += measure("minimal Bolt app", "minimal", str(ROOT / "content"), emulator,
                        args.requests)
        rows += measure("ours, shipped content", "ours", str(ROOT / "content"), emulator,
                        args.requests)
        rows += measure("ours, shipped, no cache", "ours-uncached", str(ROOT / "content"),
                        emulator, args.requests)
        synthetic = ROOT / "bench" / "synthetic.py"
        if args.no_synthetic:
            print("synthetic knowledge base: skipped (--no-synthetic)", file=sys.stderr)
        elif not synthetic.exists():
            print("synthetic knowledge base: skipped (bench/synthetic.py does not exist)",
                  file=sys.stderr)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                out = os.path.join(tmp, "content")
                subprocess.run([sys.executable, str(synthetic), out], check=True,
                               stdout=subprocess.DEVNULL)
                rows += measure("ours, synthetic 43 forces", "ours", out, emulator,
                                args.synthetic_requests)
                rows += measure("ours, synthetic, no cache", "ours-uncached", out, emulator,
                                args.synthetic_requests)
        late = len(emulator.responses)
    print_table(rows)
    if late:
        print(f"\n{late} answer(s) were not ready within the ack budget and went to response_url.")
    print(json.dumps({"rows": [{k: v for k, v in r.items() if k != "by_command"}
                               for r in rows]}), file=sys.stderr)


if __name__ == "__main__":
    main()
