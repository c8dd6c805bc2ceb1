"""Parse the text after `/inspection` into a Query. Forgiving of case, plurals and year forms;
unknown words get a "did you mean" and the help, never an exception."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.errors import CommandError

COMMANDS: dict[str, str] = {
    "help": "help",
    "judgments": "judgments", "judgment": "judgments", "judgements": "judgments",
    "judgement": "judgments", "grades": "judgments", "grade": "judgments",
    "area": "area", "areas": "area",
    "overdue": "overdue", "late": "overdue",
    "due": "due", "upcoming": "due", "deadlines": "due", "deadline": "due",
    "figures": "figures", "figure": "figures", "stats": "figures", "numbers": "figures",
    "show": "show", "id": "show",
    "search": "search", "find": "search",
    "findings": "findings", "finding": "findings",
    # A kind typed first lists that kind: `recommendations 2014` is `findings recommendations 2014`.
    "recommendations": "findings", "recommendation": "findings", "recs": "findings",
    "afis": "findings", "afi": "findings", "causes": "findings", "concerns": "findings",
    "inspection": "inspection", "inspections": "inspection", "report": "inspection",
    "reports": "inspection", "about": "inspection",
    "digest": "digest",
    "responses": "responses", "response": "responses",
    "calendar": "calendar", "ics": "calendar", "outlook": "calendar",
}
CANONICAL = sorted(set(COMMANDS.values()))

# 2016 | 2021/22 | 2021-22 | 2021–22 | 21/22
YEAR_RE = re.compile(r"^(?:(\d{4})(?:\s*[/\-–]\s*(\d{2}|\d{4}))?|(\d{2})/(\d{2}))$")
ID_RE = re.compile(r"^[a-z]{2,5}-\d{4}-[a-z0-9-]+$")
DAYS_RE = re.compile(r"^(\d+)$")
# A channel or user: <#C0123|name> or <@U0123|name> (escaped mentions), or a bare id
DESTINATION_RE = re.compile(r"^(?:<[#@](?P<ref>[CGDUW][A-Z0-9]{2,30})(?:\|[^>]*)?>"
                            r"|(?P<id>[CGDUW][A-Z0-9]{2,30}))$")
MAX_DAYS = 3660


@dataclass(frozen=True)
class Query:
    command: str
    year: str = ""  # normalised: '2016' or '2021/22'
    latest: bool = False
    words: str = ""  # area/topic/owner/search words, or the id for `show`
    days: int = 30


def normalise_year(word: str) -> str | None:
    m = YEAR_RE.match(word.strip())
    if not m:
        return None
    if m.group(3):  # 21/22
        return f"20{m.group(3)}/{m.group(4)}"
    start, end = m.group(1), m.group(2)
    if not 1990 <= int(start) <= 2100:
        return None
    if end:
        return f"{start}/{end[-2:]}"
    return start


def _take_year(words: list[str]) -> tuple[str, list[str]]:
    for i, w in enumerate(words):
        year = normalise_year(w)
        if year:
            return year, words[:i] + words[i + 1:]
    return "", words


def _destination(rest: list[str]) -> str:
    """`digest` alone (this channel) or `digest <#C0123>` / `digest C0123ABCDE`."""
    if not rest:
        return ""
    match = DESTINATION_RE.match(rest[0]) if len(rest) == 1 else None
    if not match:
        raise CommandError(f"`digest` previews one channel's next digest: use it alone in that "
                           f"channel, or give the channel's id (e.g. `digest C0123ABCDE`), "
                           f"not '{' '.join(rest)}'.")
    return match.group("ref") or match.group("id")


def parse(text: str) -> Query:
    """Parse slash-command text. Raise CommandError (with a suggestion) for what is not a command."""
    text = " ".join(text.replace("\u00a0", " ").split())
    if not text:
        return Query("help")
    first, *rest = text.split(" ")
    command = COMMANDS.get(first.lower())
    if command is None:
        if ID_RE.match(first.lower()) and not rest:
            return Query("show", words=first.lower())
        close = difflib.get_close_matches(first.lower(), list(COMMANDS), n=1, cutoff=0.6)
        suggestion = COMMANDS[close[0]] if close else None
        raise CommandError(f"I don't know the command '{first}'.", suggestion)
    if command == "judgments":
        year, words = _take_year(rest)
        latest = bool(words) and words[0].lower() == "latest"
        if latest:
            words = words[1:]
        return Query("judgments", year=year, latest=latest, words=" ".join(words))
    if command == "figures":
        year, words = _take_year(rest)
        return Query("figures", year=year, words=" ".join(words))
    if command == "responses":
        year, words = _take_year(rest)
        return Query("responses", year=year, words=" ".join(words))
    if command == "due":
        days, words = 30, list(rest)
        if words and DAYS_RE.match(words[0]):
            days = int(words[0])
            words = words[1:]
            if words and words[0].lower() in ("day", "days"):
                words = words[1:]
            elif words and words[0].lower() in ("week", "weeks"):
                days, words = days * 7, words[1:]
        if not 0 <= days <= MAX_DAYS:
            raise CommandError(f"{days} days is too far ahead: ask for up to {MAX_DAYS} days.")
        return Query("due", days=days, words=" ".join(words))
    if command == "digest":
        return Query("digest", words=_destination(rest))
    if command == "findings":
        kind_first = [first] if first.lower() != command and first.lower() != "finding" else []
        return Query("findings", words=" ".join(kind_first + rest))
    if command == "inspection":
        year, words = _take_year(rest)
        return Query("inspection", year=year, words=" ".join(words))
    if command in ("area", "show", "search") and not rest:
        what = {"area": "an area, e.g. `area investigation`",
                "show": "an id, e.g. `show cle-2016-rec-01`",
                "search": "some words, e.g. `search safeguarding hub`"}[command]
        raise CommandError(f"`{command}` needs {what}.")
    return Query(command, words=" ".join(rest))
