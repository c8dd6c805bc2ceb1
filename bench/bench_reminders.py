"""Reminders benchmark (not a test): one tick's computation, API calls per destination, and a
year of daily ticks over the synthetic 43-force knowledge base.

    .venv/bin/python bench/bench_reminders.py
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bot import loader  # noqa: E402
from bot.reminders.due import due_posts  # noqa: E402
from bot.reminders.ledger import Ledger  # noqa: E402
from bot.reminders.policy import Policy  # noqa: E402
from bot.reminders.sender import Sender, make_client  # noqa: E402
from bot.reminders.tick import run_tick  # noqa: E402
from tests.slack_emulator import SlackEmulator  # noqa: E402


def main() -> None:
    from synthetic import generate

    tmp = Path(tempfile.mkdtemp())
    generate(tmp / "content")
    kb = loader.load(tmp / "content")
    policy = Policy()
    start = dt.date(2026, 1, 1)
    now = dt.datetime(2026, 6, 1, 9, tzinfo=policy.tz)
    ledger = Ledger(f"sqlite:///{tmp / 'ledger.sqlite3'}").create()
    t0 = time.perf_counter()
    posts = due_posts(kb, policy, ledger.state(), now)
    compute = time.perf_counter() - t0
    rows = [("findings in the knowledge base", f"{len(kb.findings):,}"),
            ("one tick's posts computed (empty ledger)", f"{compute * 1000:.1f} ms"),
            ("items due in that tick", f"{sum(len(p.items) for p in posts):,}")]
    with SlackEmulator() as slack:
        sender = Sender(make_client("xoxb-bench", slack.base_url), ledger, kb)
        ticks = 0
        t0 = time.perf_counter()
        for n in range(365):
            day = start + dt.timedelta(days=n)
            r = run_tick(kb, policy, ledger, sender, dt.datetime.combine(
                day, dt.time(9), tzinfo=policy.tz))
            ticks += r.status == "ran"
        year = time.perf_counter() - t0
        posts_calls = len(slack.calls_to("chat.postMessage"))
        history_calls = len(slack.calls_to("conversations.history"))
        keys = [k for m in slack.messages(policy.default_channel) if m.get("metadata")
                for k in m["metadata"]["event_payload"]["keys"]]
    rows += [("working-day ticks in 2026", f"{ticks}"),
             ("a year of daily ticks (wall time)", f"{year:.1f} s"),
             ("digests posted (chat.postMessage)", f"{posts_calls}"),
             ("API calls per destination per tick (max)", "1 post (+1 history only after a crash)"),
             ("conversations.history calls (no crash)", f"{history_calls}"),
             ("reminders delivered", f"{len(keys):,}"),
             ("reminders doubled", f"{len(keys) - len(set(keys))}")]
    width = max(len(a) for a, _ in rows)
    for a, b in rows:
        print(f"{a:<{width}}  {b}")


if __name__ == "__main__":
    main()
