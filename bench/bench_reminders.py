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
- the same-day retries: on every `--fault-every`-th working day one destination's post
  misbehaves (in turn: a 429 storm outlasting the client's own retries, stored then answered
  500, dropped before Slack stored it, stored then dropped); the day is then retried as `serve`
  retries it (09:05, 09:20, 10:20), and the figures say how many retries ran, what they
  delivered, how many unknown outcomes were found already posted or posted again, and what was
  left undelivered at the end of the day (none, or it is a bug);
- the year's wall time against a floor measured in the same run: the same number of bare
  chat.postMessage calls through the same WebClient and emulator, plus inserting the same
  ledger rows in one transaction. Every tick takes the reminders lock, as `serve`'s do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
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

from bot.ask import dashboard, digest, queries  # noqa: E402
from bot.ask.milestones import (  # noqa: E402
    Timeline,  # noqa: E402
    candidates,
    due_posts,
)
from bot.content import loader  # noqa: E402
from bot.content.policy import Policy, Route  # noqa: E402
from bot.database import engine_url  # noqa: E402
from bot.reminders.leader import TickLock  # noqa: E402
from bot.reminders.ledger import Ledger, reminders  # noqa: E402
from bot.reminders.migrate import drop  # noqa: E402
from bot.reminders.sender import Sender, make_client  # noqa: E402
from bot.reminders.tick import TickResult, due_of, run_tick  # noqa: E402
from bot.settings import ReminderTiming  # noqa: E402
from tests import plain_dashboard  # noqa: E402
from tests import plain_reference as plain  # noqa: E402
from tests.slack_emulator import SlackEmulator  # noqa: E402

POLICY = Policy(default_channel="C0DIGEST", direct_messages=True, routes=(
    Route("C0PROTECT", area="vulnerability"), Route("C0OPCC", kind="pcc_response")))
# settle 0: simulated minutes pass between a tick and its retries, not real ones
TIMING = ReminderTiming(settle_seconds=0, lock_wait_seconds=5)
RETRIES = (dt.timedelta(minutes=5), dt.timedelta(minutes=20), dt.timedelta(minutes=80))
FAULTS = {  # kind -> SlackEmulator.inject arguments, for one destination's posts that day
    "429 storm": dict(status=429, retry_after=0, times=8),  # 2 ticks of 4 tries each
    "stored then 500": dict(store=True, status=500),
    "dropped before storing": dict(drop=True),
    "stored then dropped": dict(store=True, drop=True),
}


def tick_compute(kb, policy: Policy, ledger: Ledger, now: dt.datetime, repeat: int = 5) -> float:
    """Median seconds to work out one tick's digests (no posting)."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        cands = candidates(kb, policy, now)
        due_posts(kb, policy, ledger.state(c.key for c in cands), now, cands)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def plain_compute(kb, policy: Policy, ledger: Ledger, now: dt.datetime, repeat: int = 3) -> float:
    """The same, as the code did before the timeline (every deadline recomputed): the before."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        cands = plain.candidates(kb, policy, now)
        plain.due_posts(kb, policy, ledger.state(c.key for c in cands), now, cands)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def running_compute(kb, policy: Policy, ledger: Ledger, now: dt.datetime) -> float:
    """Seconds a running bot's tick takes to work out its digests, exactly as run_tick does
    (with the ledger's Due, so what earlier ticks found sent is not looked at again). The tick
    itself, run next on the same day, then has nothing new to look at."""
    t0 = time.perf_counter()
    due = due_of(ledger)
    cands = due.candidates(kb, policy, now)
    state = ledger.state(c.key for c in cands)
    due.settled(ledger.seen_sent)
    due_posts(kb, policy, state, now, cands)
    return time.perf_counter() - t0


def median_ms(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def previews(kb, policy: Policy, now: dt.datetime) -> list[tuple[str, str]]:
    """`digest` (the default channel's next digest, no ledger), `calendar` and the App Home
    dashboard, uncached: before (the code before the indexes) and after, in ms. The dashboard
    keeps its RAG totals for the day: after, it is timed on the first opening of five days
    and again on the same day."""
    rows = []
    for name, before, after in (
            ("digest preview", lambda: plain.preview(kb, policy, None, now),
             lambda: digest.preview(kb, policy, None, now)),
            ("calendar", lambda: plain.calendar(kb, now.date()),
             lambda: queries.calendar(kb, now.date()))):
        b, a = median_ms(before), median_ms(after)
        rows.append((f"{name}: before / after", f"{b:.1f} / {a:.1f} ms ({b / a:.0f}x)"))
    days = iter(range(1, 100))
    b = median_ms(lambda: plain_dashboard.build(kb, now.date()), repeat=3)
    first = median_ms(lambda: dashboard.build(kb, now.date() + dt.timedelta(days=next(days))))
    again = median_ms(lambda: dashboard.build(kb, now.date()))
    rows.append(("App Home dashboard: before / after (first of the day, again)",
                 f"{b:.1f} / {first:.1f}, {again:.1f} ms"))
    return rows


def shipped_year(policy: Policy, tmp: Path) -> dict[str, float]:
    """The shipped content's ticks over its busiest year (2016-17), delivered straight into a
    ledger (no Slack): a running bot's tick compute, median and max, and the plain one."""
    kb = loader.load(ROOT / "content")
    ledger = Ledger(f"sqlite:///{tmp / 'shipped.sqlite3'}").create()
    times, before = [], []
    for n in range(365):
        day = dt.date(2016, 9, 1) + dt.timedelta(days=n)
        if not policy.is_working_day(day):
            continue
        now = dt.datetime.combine(day, dt.time(9), tzinfo=policy.tz)
        if n % 30 == 0:
            before.append(plain_compute(kb, policy, Ledger(ledger.engine), now, repeat=1))
        times.append(running_compute(kb, policy, ledger, now))
        for post in due_posts(kb, policy, ledger.state(), now):
            claim = ledger.claim(post.keys, post.destination)
            ledger.confirm(claim.digest, post.destination, "1.0")
    t0 = time.perf_counter()
    Timeline(kb, policy)
    return dict(median=statistics.median(times), max=max(times), plain=statistics.median(before),
                built=time.perf_counter() - t0, kb=kb)


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
    ap.add_argument("--content", type=Path, help="a synthetic content folder to use (e.g. one "
                    "bench/synthetic.py wrote) instead of generating one")
    ap.add_argument("--fault-every", type=int, default=9,
                    help="inject a fault on every Nth working day (0: none)")
    a = ap.parse_args(argv)
    logging.getLogger("bot").setLevel(logging.CRITICAL)  # the faults are on purpose: no noise
    with tempfile.TemporaryDirectory(prefix="bench-reminders-") as tmp:
        return run(a, Path(tmp))


def run(a: argparse.Namespace, tmp: Path) -> int:
    from synthetic import generate

    if a.content is None:
        a.content = tmp / "content"
        generate(a.content, forces=a.forces, base_date=dt.date(a.year, 7, 1))
    kb = loader.load(a.content)
    from bot.memory import settle

    settle()  # as `serve` does once the content is loaded: the collector leaves it be
    policy = POLICY
    t0 = time.perf_counter()
    Timeline(kb, policy)
    built = time.perf_counter() - t0
    shipped = shipped_year(policy, tmp)
    if a.database_url:
        engine = create_engine(engine_url(a.database_url))
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
    computed: list[float] = []  # a running bot's tick compute, each working day
    before: list[float] = []  # the plain recomputation's, on every 30th day
    ticks = 0
    retry = Counter()  # figures of the same-day retries
    kinds = list(FAULTS)
    with SlackEmulator() as slack:
        for channel in ("C0DIGEST", "C0PROTECT", "C0OPCC"):
            slack.set_channel(channel)
        sender = Sender(make_client("xoxb-bench", slack.base_url), ledger, kb)
        lock = TickLock(ledger.engine)
        t_year = time.perf_counter()
        for n in range(a.days):
            day = start + dt.timedelta(days=n)
            fault = None
            if a.fault_every and policy.is_working_day(day) and ticks % a.fault_every == 0:
                fault = kinds[(ticks // a.fault_every) % len(kinds)]
                slack.inject("chat.postMessage", channel="C0DIGEST", **FAULTS[fault])
            t0 = time.perf_counter()
            if n % 30 == 0:
                before.append(plain_compute(kb, policy, ledger, at(day), repeat=1))
            if policy.is_working_day(day):
                computed.append(running_compute(kb, policy, ledger, at(day)))
            t_year += time.perf_counter() - t0  # not part of the year's wall time
            calls = len(slack.calls)
            t0 = time.perf_counter()
            r = run_tick(kb, policy, ledger, sender, at(day), lock=lock, timing=TIMING)
            tick_times.append(time.perf_counter() - t0)
            ticks += r.status == "ran"
            counts = Counter(filter(None, map(destination_of, slack.calls[calls:])))
            # a DM's calls are counted under the user: conversations.open names the user,
            # chat.postMessage the DM channel it returned
            per_dest.extend(counts.values())
            if fault is not None:
                retry_day(kb, policy, ledger, sender, lock, at(day), r, fault, retry)
                retry["seconds"] += time.perf_counter() - t0  # the 09:00 tick and its retries
                slack.reset_faults()
        year = time.perf_counter() - t_year
        last_day = at(start + dt.timedelta(days=a.days - 1))
        last_tick = tick_compute(kb, policy, ledger, last_day)  # warm: as the running bot
        # a new process: nothing known sent yet
        last_tick_cold = tick_compute(kb, policy, Ledger(ledger.engine), last_day, repeat=1)
        last_plain = plain_compute(kb, policy, ledger, last_day)
        timed = previews(kb, policy, last_day)
        timed_shipped = previews(shipped["kb"], policy, at(dt.date(2017, 4, 24)))
        empty = Ledger(f"sqlite:///{tmp / 'empty.sqlite3'}").create()
        last_tick_empty = tick_compute(kb, policy, empty, last_day)

        sent_rows = ledger.rows("sent")
        # what Slack stored (a post answered 500 or dropped may be there too)
        messages = {(channel, m["ts"]): m for channel, stored in slack.all_messages().items()
                    for m in stored if m.get("metadata")}
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
        ("timeline built (once per content version and policy)",
         f"{built * 1000:.0f} ms (shipped content: {shipped['built'] * 1000:.1f} ms)"),
        ("a running bot's tick computed: median / max over the year",
         f"{statistics.median(computed) * 1000:.1f} / {max(computed) * 1000:.1f} ms"),
        ("  the same for the shipped content (a year from Sep 2016)",
         f"{shipped['median'] * 1000:.2f} / {shipped['max'] * 1000:.2f} ms"),
        ("  before (plain recomputation): median of every 30th day",
         f"{statistics.median(before) * 1000:.0f} ms (shipped content: "
         f"{shipped['plain'] * 1000:.2f} ms)"),
        (f"  before, day {a.days} with the ledger full", f"{last_plain * 1000:.0f} ms"),
        *timed,
        *((f"{k} (shipped content)", v) for k, v in timed_shipped),
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
        ("faults injected (one destination's posts on a day)",
         ", ".join(f"{retry['fault ' + k]} {k}" for k in kinds)),
        ("  ...that hit a post", f"{retry['hit']}"),
        ("same-day retry ticks run", f"{retry['retries']}"),
        ("  reminders delivered by a retry", f"{retry['delivered']}"),
        ("  unknown outcomes found already posted", f"{retry['confirmed']}"),
        ("  unknown outcomes not in the channel, posted again", f"{retry['released']}"),
        ("  reminders undelivered at the end of the day", f"{retry['undelivered']}"),
        ("  wall time of fault days' ticks and retries (with 429 waits)",
         f"{retry['seconds']:.1f} s"),
        ("reminders doubled (digests or keys in two messages)", f"{doubled}"),
        ("ledger rows whose message is missing", f"{missing}"),
        ("slowest tick (compute + post)", f"{max(tick_times) * 1000:.0f} ms"),
        (f"{a.days} days of daily ticks: wall time", f"{year:.1f} s"),
        ("floor: per digest, commit rows + bare post + commit", f"{floor:.1f} s"),
        ("year / floor", f"{year / floor:.2f}x"),
        ("  the same without the fault days' ticks and retries",
         f"{(year - retry['seconds']) / floor:.2f}x"),
    ]
    width = max(len(k) for k, _ in table)
    for k, v in table:
        print(f"{k:<{width}}  {v}")
    return 1 if doubled or missing or retry["undelivered"] else 0


def retry_day(kb, policy: Policy, ledger: Ledger, sender: Sender, lock: TickLock,
              nine: dt.datetime, first: TickResult, fault: str, retry: Counter) -> None:
    """Retry the day as `serve` does, until nothing is left undelivered or the retries run out."""
    retry["fault " + fault] += 1
    hit = any(o.destination == "C0DIGEST" and not o.ok for o in first.outcomes)
    retry["hit"] += hit
    retry["confirmed"] += len(first.after.confirmed)
    retry["released"] += len(first.after.released)
    result = first
    for delay in RETRIES:
        if not result.unsettled:
            break
        result = run_tick(kb, policy, ledger, sender, nine + delay, lock=lock, timing=TIMING)
        retry["retries"] += 1
        retry["delivered"] += result.sent
        retry["confirmed"] += len(result.settled.confirmed) + len(result.after.confirmed)
        retry["released"] += len(result.settled.released) + len(result.after.released)
    retry["undelivered"] += len(result.unsettled)


if __name__ == "__main__":
    sys.exit(main())
