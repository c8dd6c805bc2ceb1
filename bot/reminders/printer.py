"""The console's stand-in for Slack: scheduled posts are printed as the clock fires them.

The same clock, policy and due_posts as `serve`, but nothing is posted and nothing is written
to the ledger: what was printed is remembered for the session only (and what the local ledger
says was already sent, if there is one, is not printed again).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import jinja2

from bot.ask.digest import StateOf, next_tick
from bot.ask.milestones import Key, LedgerState, Post, candidates, due_posts, is_user
from bot.content.kb import KnowledgeBase
from bot.content.policy import Policy, policy_of
from bot.reminders.clock import Clock
from bot.reminders.sender import render_post
from bot.render.terminal import to_terminal


class PostPrinter:
    def __init__(self, kb: KnowledgeBase, echo: Callable[[str], None], *,
                 ledger: StateOf | None = None, color: bool = False,
                 env: jinja2.Environment | None = None):
        self.kb, self.echo, self.ledger, self.color = kb, echo, ledger, color
        self.env = env  # the console's, with the maintainers' TEMPLATES_DIR overrides
        self.policy: Policy = policy_of(kb)
        self.printed: set[Key] = set()
        self.clock = Clock(self.policy, self.tick)
        self._lock = threading.Lock()

    def tick(self, now: dt.datetime) -> list[Post]:
        """Print what a tick at `now` would post; return the posts."""
        with self._lock:
            cands = candidates(self.kb, self.policy, now)
            state = self.ledger([c.key for c in cands]) if self.ledger else LedgerState()
            seen = LedgerState(state.taken | self.printed, state.versions)
            posts = due_posts(self.kb, self.policy, seen, now, cands)
            for post in posts:
                rendered, _ = render_post(self.kb, post, self.env)
                where = ("@" if is_user(post.destination) else "#") + post.destination
                self.echo(f"── scheduled post → {where} · {now:%a %d %b %Y %H:%M} "
                          f"(shown here, not sent to Slack) ──\n"
                          f"{to_terminal(rendered, color=self.color)}\n")
                self.printed.update(post.keys)
            return posts

    def start(self, now: dt.datetime) -> str:
        """Run today's tick if it is already due, start the clock; return a line for the user."""
        if self.clock.should_tick(now, catch_up=True):
            self.tick(now)
        self.clock.start(catch_up=False)
        when = next_tick(self.policy, now + dt.timedelta(minutes=1))
        if when is None:
            return "Reminders: no working day in the coming year under content/policy.yaml."
        return (f"Reminders: the next digest is due {when:%A %d %B %Y at %H:%M} ({when.tzinfo}); "
                "scheduled posts print here as they fire. `digest` previews it.")

    def stop(self) -> None:
        self.clock.stop()
