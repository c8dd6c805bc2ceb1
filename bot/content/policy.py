"""The reminders policy: when and where the bot posts, read from content/policy.yaml.

The loader reads it with the rest of the content: its fields are checked by the same
declarations (bot/schema.py POLICY), and `build` here checks what needs more (a time zone name,
the areas and owners a route names, quiet periods in order), so every mistake is reported as
`file:line:col: path: message` by `validate` and refused as a whole by live reload. The loaded
policy travels with the knowledge base (`kb.policy`; `policy_of(kb)`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content.fields import LDict, did_you_mean
from bot.content.schema import WEEKDAYS
from bot.content.yamlfile import clip
from bot.errors import Problem

POLICY_FILE = "policy.yaml"
DEFAULT_CHANNEL = "C0DIGEST"  # a placeholder: replace it with the real channel id
# The channel ids the shipped files use as examples: never a real channel, so `serve` and
# `remind` refuse to post to them and `validate` warns.
PLACEHOLDER_CHANNELS = frozenset({DEFAULT_CHANNEL, "C0PROTECT", "C0CRIME", "C0OPCC",
                                  "C0123ABCDE"})


@dataclass(frozen=True)
class Route:
    channel: str
    area: str | None = None
    owner: str | None = None
    kind: str | None = None
    force: str | None = None

    def matches(self, area: str | None, owner: str | None, kind: str,
                force: str | None = None) -> bool:
        return ((self.area is None or self.area == area)
                and (self.owner is None or self.owner == owner)
                and (self.kind is None or self.kind == kind)
                and (self.force is None or self.force == force))


@dataclass(frozen=True)
class Quiet:
    start: dt.date
    end: dt.date
    note: str | None = None


class FrozenMap(Mapping[str, str]):
    """A read-only mapping that hashes, so a Policy holding one can key a memo (the reminders'
    timeline is worked out once per knowledge base and policy)."""

    def __init__(self, items: Mapping[str, str]):
        self._items = dict(items)

    def __getitem__(self, key: str) -> str:
        return self._items[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._items.items())))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Mapping) and dict(self._items) == dict(other)

    def __repr__(self) -> str:
        return repr(self._items)


# year -> England and Wales's bank holidays: the same for every policy that keeps them.
_BANK_HOLIDAYS: dict[int, dict[dt.date, str]] = {}


def bank_holidays(year: int) -> dict[dt.date, str]:
    """England and Wales's bank holidays in the year, as plain dates and names. The `holidays`
    package is imported when a year is first needed and not known already: with every
    country's calendar it is 17 MiB of the serving process, which a base served from the cache
    does not need for the years the cache holds (`know_bank_holidays`)."""
    table = _BANK_HOLIDAYS.get(year)
    if table is None:
        import holidays

        table = {day: str(name) for day, name in holidays.UK(subdiv="ENG", years=year).items()}
        _BANK_HOLIDAYS[year] = table
    return table


def know_bank_holidays(tables: Mapping[int, dict[dt.date, str]]) -> None:
    """Take these years' bank holidays as known (worked out by `bank_holidays` elsewhere)."""
    for year, table in tables.items():
        _BANK_HOLIDAYS.setdefault(year, table)


@dataclass(frozen=True)
class Policy:
    default_channel: str = DEFAULT_CHANNEL
    timezone: str = "Europe/London"
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    time: str = "09:00"
    bank_holidays: str = "england-and-wales"
    lead_times: tuple[int, ...] = (30, 14, 7, 1)
    on_the_day: bool = True
    stale_after_days: int = 90  # RAG: no update for longer than this is amber
    overdue_every_days: int = 7
    overdue_nags: int = 4
    catch_up_days: int = 7
    pcc_response_days: int = 56
    direct_messages: bool = False
    routes: tuple[Route, ...] = ()
    # channel id -> the force it belongs to (several forces in one base): questions asked
    # there are about that force, and that force's reminders no route takes go there
    channel_forces: Mapping[str, str] = field(default_factory=lambda: FrozenMap({}))
    quiet_periods: tuple[Quiet, ...] = ()
    retries_until: str = "17:00"  # same-day retries of a failed digest stop at this local time
    # channel id -> "file:line:col" of where the policy names it, for messages about it
    where: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def hour_minute(self) -> tuple[int, int]:
        h, m = self.time.split(":")
        return int(h), int(m)

    @property
    def retries_end(self) -> dt.time:
        """The end of the working hours in which a failed digest is retried the same day."""
        h, m = self.retries_until.split(":")
        return dt.time(int(h), int(m))

    def is_bank_holiday(self, day: dt.date) -> bool:
        if self.bank_holidays == "none":
            return False
        return day in bank_holidays(day.year)

    def bank_holiday_name(self, day: dt.date) -> str | None:
        """The bank holiday's name (e.g. "Easter Monday"), or None on any other day."""
        if not self.is_bank_holiday(day):
            return None
        return bank_holidays(day.year)[day]

    def is_quiet(self, day: dt.date) -> bool:
        return any(q.start <= day <= q.end for q in self.quiet_periods)

    def is_working_day(self, day: dt.date) -> bool:
        """A day the digest may go out: a policy weekday, not a bank holiday, not quiet."""
        return (WEEKDAYS[day.weekday()] in self.days and not self.is_bank_holiday(day)
                and not self.is_quiet(day))

    @property
    def channels(self) -> list[str]:
        """Every channel the policy posts to: the default, then each route's."""
        return list(dict.fromkeys([self.default_channel, *(r.channel for r in self.routes),
                                   *self.channel_forces]))

    def placeholder_problems(self) -> list[str]:
        """One line for each channel that is still a shipped example, not a real channel."""
        return [f"{self.where.get(c, 'content/policy.yaml')}: channel {c} is a placeholder, "
                "not a real channel: set it to the id of the channel that should get the "
                "reminders (in Slack: the channel's details, bottom of the About tab)."
                for c in self.channels if c in PLACEHOLDER_CHANNELS]

    def catch_up_start(self, today: dt.date) -> dt.date:
        """The first day whose missed reminders a tick on `today` still sends: `catch_up_days`
        working days back, so a weekend, bank holiday or quiet period does not use it up."""
        day, left = today, self.catch_up_days
        for _ in range(400):  # a year of quiet periods at most: never loop for ever
            if left <= 0:
                break
            day -= dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    @property
    def routes_forces(self) -> bool:
        """Some channel or route is one force's (several forces in one base)."""
        return bool(self.channel_forces) or any(r.force for r in self.routes)

    def destinations(self, area: str | None, owner: str | None, kind: str,
                     force: str | None = None) -> list[str]:
        """Channels for an item: every matching route, else its force's channels, else the
        default channel."""
        out = [r.channel for r in self.routes if r.matches(area, owner, kind, force)]
        if not out and force is not None:
            out = [c for c, f in self.channel_forces.items() if f == force]
        return list(dict.fromkeys(out)) or [self.default_channel]


def _problem(d: LDict, key: str, path: str, message: str, hint: str = "") -> Problem:
    m = d.key_marks.get(key, d.mark)
    return Problem(m.file, m.line, m.column, path, message, hint)


def build(d: LDict, ids: Mapping[str, Collection[str]] | None,
          path: str = "policy") -> tuple[Policy, list[Problem]]:
    """The Policy in a checked `policy:` mapping, and its problems. `ids` are the area and owner
    ids in the content ({"area": ..., "owner": ...}) that routes may name; None skips that."""
    problems: list[Problem] = []
    kw: dict = {}
    for key in ("default_channel", "timezone", "time", "bank_holidays", "on_the_day",
                "overdue_every_days", "overdue_nags", "catch_up_days", "pcc_response_days",
                "direct_messages",
                "stale_after_days", "retries_until"):
        if key in d:
            kw[key] = d[key]
    where: dict[str, str] = {}
    if "default_channel" in d:
        m = d.key_marks.get("default_channel", d.mark)
        where[d["default_channel"]] = f"{m.file}:{m.line}:{m.column}"
    if "days" in d:
        kw["days"] = tuple(d["days"])
        if not kw["days"]:
            problems.append(_problem(d, "days", f"{path}.days", "no digest day is listed.",
                                     "List at least one day, e.g. [mon, tue, wed, thu, fri]."))
    if "lead_times" in d:
        kw["lead_times"] = tuple(sorted(set(d["lead_times"]), reverse=True))
    if "timezone" in d:
        try:
            ZoneInfo(d["timezone"])
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(_problem(d, "timezone", f"{path}.timezone",
                                     f"'{clip(d['timezone'])}' is not a time zone.",
                                     "Write an IANA name such as Europe/London."))
            kw.pop("timezone")
    routes = []
    for i, r in enumerate(d.get("routes") or []):
        if "channel" not in r:
            continue
        for key in ("area", "owner", "force"):
            problems.extend(_unknown(r, key, f"{path}.routes[{i}].{key}", ids))
        routes.append(Route(r["channel"], r.get("area"), r.get("owner"), r.get("kind"),
                            r.get("force")))
        m = r.key_marks.get("channel", r.mark)
        where.setdefault(r["channel"], f"{m.file}:{m.line}:{m.column}")
    kw["routes"] = tuple(routes)
    channel_forces: dict[str, str] = {}
    for i, c in enumerate(d.get("channels") or []):
        if "channel" not in c or "force" not in c:
            continue
        bad = _unknown(c, "force", f"{path}.channels[{i}].force", ids)
        problems.extend(bad)
        if c["channel"] in channel_forces:
            problems.append(_problem(c, "channel", f"{path}.channels[{i}].channel",
                                     f"channel {clip(c['channel'])} is given a force twice.",
                                     "A channel belongs to one force: keep one entry."))
        elif not bad:
            channel_forces[c["channel"]] = c["force"]
        m = c.key_marks.get("channel", c.mark)
        where.setdefault(c["channel"], f"{m.file}:{m.line}:{m.column}")
    kw["channel_forces"] = FrozenMap(channel_forces)
    quiet = []
    for i, q in enumerate(d.get("quiet_periods") or []):
        if "from" in q and "to" in q:
            if q["from"] > q["to"]:
                problems.append(_problem(q, "to", f"{path}.quiet_periods[{i}].to",
                                         "ends before it starts.",
                                         "Swap 'from' and 'to', or correct the year."))
            quiet.append(Quiet(q["from"], q["to"], q.get("note")))
    kw["quiet_periods"] = tuple(quiet)
    kw["where"] = where
    return Policy(**kw), problems


def _unknown(d: LDict, key: str, path: str,
             ids: Mapping[str, Collection[str]] | None) -> list[Problem]:
    """An area, owner or force id the content does not define, with a did-you-mean."""
    if ids is None or key not in d or key not in ids or d[key] in ids[key]:
        return []
    known = sorted(ids[key])
    file = "force.yaml in the force's folder" if key == "force" else f"content/{key}s.yaml"
    return [_problem(d, key, path, f"unknown {key} '{clip(d[key])}'.",
                     did_you_mean(d[key], known)
                     or (f"Known: {', '.join(known[:12])}." if known else
                         f"No {key} is defined yet: add one in {file}."))]


class _HasPolicy(Protocol):
    """What `policy_of` needs of a knowledge base (typed so, because the knowledge base holds
    the policy: this module must not import it back)."""

    @property
    def policy(self) -> Policy | None: ...


def policy_of(kb: _HasPolicy) -> Policy:
    """The knowledge base's policy, or the defaults when content/ has no policy.yaml."""
    return kb.policy if kb.policy is not None else Policy()
