"""Reminders benchmark (not a test): a year of daily ticks over the synthetic 43-force knowledge
base, through the real ledger (SQLite file) and a real WebClient against the Slack emulator.

    .venv/bin/python bench/bench_reminders.py [--forces 43] [--year 2026] [--days 365]
                                              [--database-url postgresql://...]

The synthetic deadlines are spread over the simulated year (base date 1 July). The policy is
the shipped defaults (30/14/7/1 days, the day itself, a weekly overdue nag, working days with
England and Wales bank holidays) with a route by area, a route for the PCC's responses and
direct messages to owners, so channels and DMs are both exercised.

It prints:
- one tick's compute time (candidates, the ledger lookup, the digests), on day one and at the
  end of the year with the ledger full, to show a tick does not slow as the ledger grows;
- Slack API calls per destination per tick (max and mean);
- the year's totals: ticks, digests, reminders delivered, and how many were doubled, checked
  from what the emulator received (each claim's token in exactly one message, no key shown
  twice, every ledger row's message present);
- the year's wall time against a floor measured in the same run: the same number of bare
  chat.postMessage calls through the same WebClient and emulator, plus inserting the same
  ledger rows in one transaction.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import create_engine, insert, update  # noqa: E402

from bot.ask.milestones import candidates, due_posts  # noqa: E402
from bot.content import loader  # noqa: E402
from bot.content.policy import Policy, Route  # noqa: E402
from bot.reminders.ledger import Ledger, reminders, sqlalchemy_url  # noqa: E402
from bot.reminders.migrate import drop  # noqa: E402
from bot.reminders.sender import Sender, make_client  # noqa: E402
from bot.reminders.tick import run_tick  # noqa: E402
from tests.slack_emulator import SlackEmulator  # noqa: E402

POLICY = Policy(default_channel="C0DIGEST", direct_messages=True, routes=(
    Route("C0PROTECT", area="vulnerability"), Route("C0OPCC", kind="pcc_response")))


def tick_compute(kb, policy: Policy, ledger: Ledger, now: dt.datetime, repeat: int = 5) -> float:
    """Median seconds to work out one tick's digests (no posting)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        cands = candidates(kb, policy, now)
        due_posts(kb, policy, ledger.state(c.key for c in cands), now, cands)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def destination_of(call) -> str | None:
    """Whom a call serves: a channel, or the user behind a DM (the emulator's D... for U...)."""
    if call.method in ("chat.postMessage", "conversations.history"):
        channel = str(call.params.get("channel"))
        return "U" + channel[1:] if channel.startswith("D") else channel
    if call.method == "conversations.open":
        return str(call.params.get("users"))
    return None


def floor_seconds(slack: SlackEmulator, digests: list[list[dict]], path: Path) -> float:
    """The least any exactly-once sender does for the same digests: per digest, commit its
    rows, post one bare message through the same WebClient and emulator, commit its ts."""
    client = make_client("xoxb-floor", slack.base_url)
    slack.set_channel("C0FLOOR")
    floor = Ledger(f"sqlite:///{path}").create()
    t0 = time.perf_counter()
    for n, rows in enumerate(digests):
        with floor.engine.begin() as c:
            c.execute(insert(reminders), rows)
        resp = client.chat_postMessage(channel="C0FLOOR", text=f"floor {n}")
        with floor.engine.begin() as c:
            c.execute(update(reminders).where(reminders.c.digest == rows[0]["digest"])
                      .values(state="sent", ts=resp["ts"]))
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--forces", type=int, default=43)
    ap.add_argument("--year", type=int, default=2026)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--database-url", help="the ledger's database (default: a SQLite file); "
                    "its reminder tables are dropped first")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as tmp:
        return run(a, Path(tmp))


def run(a: argparse.Namespace, tmp: Path) -> int:
    from synthetic import generate

    generate(tmp / "content", forces=a.forces, base_date=dt.date(a.year, 7, 1))
    kb = loader.load(tmp / "content")
    policy = POLICY
    if a.database_url:
        engine = create_engine(sqlalchemy_url(a.database_url))
        drop(engine)
        ledger = Ledger(engine).create()
    else:
        ledger = Ledger(f"sqlite:///{tmp / 'ledger.sqlite3'}").create()
    start = dt.date(a.year, 1, 1)

    def at(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(9), tzinfo=policy.tz)

    live = sum(1 for f in kb.findings if f.is_live for _, d in f.deadlines if d.date)
    first_tick = tick_compute(kb, policy, ledger, at(start))
    per_dest: list[int] = []
    tick_times: list[float] = []
    ticks = 0
    with SlackEmulator() as slack:
        for channel in ("C0DIGEST", "C0PROTECT", "C0OPCC"):
            slack.set_channel(channel)
        sender = Sender(make_client("xoxb-bench", slack.base_url), ledger, kb)
        t_year = time.perf_counter()
        for n in range(a.days):
            before = len(slack.calls)
            t0 = time.perf_counter()
            r = run_tick(kb, policy, ledger, sender, at(start + dt.timedelta(days=n)))
            tick_times.append(time.perf_counter() - t0)
            ticks += r.status == "ran"
            counts = Counter(filter(None, map(destination_of, slack.calls[before:])))
            # a DM's calls are counted under the user: conversations.open names the user,
            # chat.postMessage the DM channel it returned
            per_dest.extend(counts.values())
        year = time.perf_counter() - t_year
        last_day = at(start + dt.timedelta(days=a.days - 1))
        last_tick = tick_compute(kb, policy, ledger, last_day)  # warm: as the running bot
        # a new process: nothing known sent yet
        last_tick_cold = tick_compute(kb, policy, Ledger(ledger.engine), last_day, repeat=1)
        empty = Ledger(f"sqlite:///{tmp / 'empty.sqlite3'}").create()
        last_tick_empty = tick_compute(kb, policy, empty, last_day)

        posted = [c for c in slack.calls_to("chat.postMessage") if c.status == 200]
        sent_rows = ledger.rows("sent")
        messages = {(c.response["channel"], c.response["ts"]): c.response["message"]
                    for c in posted if c.response.get("ok")}
        digests = Counter(m["metadata"]["event_payload"]["digest"] for m in messages.values())
        shown = Counter(k for m in messages.values()
                        for k in m["metadata"]["event_payload"]["keys"])
        missing = sum(1 for r in sent_rows if (r.channel, r.ts) not in messages)
        per_message = defaultdict(int)
        for r in sent_rows:
            per_message[r.digest] += 1
        doubled = (sum(n - 1 for n in digests.values() if n > 1)
                   + sum(n - 1 for n in shown.values() if n > 1))
        destinations = {r.key.destination for r in sent_rows}

        now = dt.datetime.now(dt.UTC)
        by_digest: dict[str, list[dict]] = defaultdict(list)
        for r in sent_rows:
            by_digest[str(r.digest)].append(dict(
                item=r.key.item, milestone=r.key.milestone, version=r.key.version,
                destination=r.key.destination, state="pending", channel=r.channel,
                digest=r.digest, attempts=1, created_at=now, updated_at=now))
        floor = floor_seconds(slack, list(by_digest.values()), tmp / "floor.sqlite3")

    table = [
        ("ledger database", ledger.engine.dialect.name),
        ("forces / findings / live dated deadlines",
         f"{a.forces} / {len(kb.findings):,} / {live:,}"),
        ("one tick computed: first day, empty ledger", f"{first_tick * 1000:.0f} ms"),
        (f"one tick computed: day {a.days}, empty ledger", f"{last_tick_empty * 1000:.0f} ms"),
        (f"one tick computed: day {a.days}, {len(sent_rows):,} ledger rows",
         f"{last_tick * 1000:.0f} ms"),
        ("  the same, first tick after a restart", f"{last_tick_cold * 1000:.0f} ms"),
        ("working-day ticks", f"{ticks} of {a.days} days"),
        ("destinations reached (channels and DMs)", f"{len(destinations)}"),
        ("digests posted", f"{len(messages):,}"),
        ("reminders delivered (ledger rows sent)", f"{len(sent_rows):,}"),
        ("largest digest (reminders in one message)", f"{max(per_message.values(), default=0):,}"),
        ("API calls per destination per tick: max / mean",
         f"{max(per_dest, default=0)} / {statistics.fmean(per_dest) if per_dest else 0:.2f}"),
        ("reminders doubled (digests or keys in two messages)", f"{doubled}"),
        ("ledger rows whose message is missing", f"{missing}"),
        ("slowest tick (compute + post)", f"{max(tick_times) * 1000:.0f} ms"),
        (f"{a.days} days of daily ticks: wall time", f"{year:.1f} s"),
        ("floor: per digest, commit rows + bare post + commit", f"{floor:.1f} s"),
        ("year / floor", f"{year / floor:.2f}x"),
    ]
    width = max(len(k) for k, _ in table)
    for k, v in table:
        print(f"{k:<{width}}  {v}")
    return 1 if doubled or missing else 0


if __name__ == "__main__":
    sys.exit(main())
