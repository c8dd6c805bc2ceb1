"""Which force a request is about, when one knowledge base holds several.

The force words ("durham", "Durham Constabulary", "cleveland police", "all forces") are found
in the text and taken out before the rest is parsed, so every command and question reads as it
always has. The force then picked is: the one named in the text, else the channel's (content/
policy.yaml `channels:`), else the deployment's (DEFAULT_FORCE), else none (the whole base).
With one force recorded none of this happens: the text is parsed exactly as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.kb import KnowledgeBase
from bot.content.model import Force
from bot.content.policy import policy_of

ALL = "all"  # "all forces": the whole base, whatever the channel's or deployment's default
ALL_PHRASES = ("all forces", "every force", "all the forces", "each force")
# Endings a force's name is typed with or without: "Durham Constabulary", "Durham", "Durham Police"
_SUFFIXES = ("police service", "constabulary", "police", "police force", "force")
_WORD = re.compile(r"[a-z0-9]+(?:'s)?")


@dataclass(frozen=True)
class Taken:
    """The text with the force words taken out, and the force they named (an id, ALL, or None
    when no force is named)."""

    text: str
    force: str | None


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.lower().replace("’", "'").replace("-", " ")))


def phrases(force: Force) -> list[str]:
    """What people type for a force, folded: its id, its name, and its name without (or with
    another of) the usual endings."""
    name = _fold(force.name)
    bare = name
    for suffix in _SUFFIXES:
        if bare.endswith(" " + suffix):
            bare = bare[: -len(suffix) - 1]
            break
    out = {_fold(force.id), name, bare}
    out.update(f"{bare} {suffix}" for suffix in _SUFFIXES)
    return sorted((p for p in out if p), key=len, reverse=True)


def _area_phrases(kb: KnowledgeBase) -> list[str]:
    """Area wordings that themselves hold a force's name ("How much crime ... is there in
    Cleveland?"): typed, they stay in the text, so the area is still found."""
    return [p for a in kb.areas for p in map(_fold, (*a.aliases, *a.keywords)) if p]


def _spans(words: list[str], phrase: list[str]) -> list[int]:
    n = len(phrase)
    return [i for i in range(len(words) - n + 1)
            if [w.removesuffix("'s") for w in words[i:i + n]] == phrase]


def take(kb: KnowledgeBase, text: str, *, keep_first: bool = True) -> Taken:
    """Find a force named in `text` and take its words out (never the first word, when that is
    the command: `keep_first`).
    A force's name inside an area's own wording typed in full picks the force but stays in the
    text. With fewer than two forces recorded the text is returned as it is."""
    if len(kb.forces) < 2:
        return Taken(text, None)
    raw = text.split()
    folded = [_fold(w) for w in raw]  # one entry per typed word ("Durham," -> "durham")
    # Where each typed word's folded tokens start, so a phrase found in tokens maps to words.
    tokens: list[str] = []
    owner: list[int] = []
    for n, f in enumerate(folded):
        for t in f.split():
            tokens.append(t)
            owner.append(n)
    candidates: list[tuple[str, str]] = [(p, ALL) for p in ALL_PHRASES]
    candidates += [(p, f.id) for f in kb.forces for p in phrases(f)]
    candidates.sort(key=lambda c: len(c[0]), reverse=True)
    protected = _protected(tokens, _area_phrases(kb))
    for phrase, force in candidates:
        for start in _spans(tokens, phrase.split()):
            end = start + len(phrase.split())
            first, last = owner[start], owner[end - 1]
            if first == 0 and keep_first:
                continue  # the command word itself
            if any(protected[start:end]):
                return Taken(text, force)  # an area's wording: keep it whole
            if _partial(folded, tokens, owner, start, end):
                continue  # inside a longer typed word, e.g. an id
            rest = raw[:first] + raw[last + 1:]
            return Taken(" ".join(rest), force)
    return Taken(text, None)


def _protected(tokens: list[str], area_phrases: list[str]) -> list[bool]:
    marks = [False] * len(tokens)
    for phrase in area_phrases:
        words = phrase.split()
        if len(words) < 2:
            continue  # a one-word keyword that is also a force's name: the force wins
        for start in _spans(tokens, words):
            for i in range(start, start + len(words)):
                marks[i] = True
    return marks


def _partial(folded: list[str], tokens: list[str], owner: list[int], start: int,
             end: int) -> bool:
    """The phrase covers only part of a typed word ("dur-2023-rec-01", "durham-x")."""
    first, last = owner[start], owner[end - 1]
    return (start > 0 and owner[start - 1] == first) or (end < len(tokens) and owner[end] == last)


def unknown_default(kb: KnowledgeBase, force: str | None) -> str | None:
    """What is wrong with a DEFAULT_FORCE that names no recorded force (a typo would quietly
    answer for every force), or None."""
    if force is None or force in kb.index["force"]:
        return None
    return (f"DEFAULT_FORCE={force}: no force has that id. Known: "
            f"{', '.join(f.id for f in kb.forces)}.")


def channel_force(kb: KnowledgeBase, destination: str | None) -> str | None:
    """The force content/policy.yaml gives the channel, or None."""
    if not destination:
        return None
    return policy_of(kb).channel_forces.get(destination)


def pick(kb: KnowledgeBase, named: str | None, destination: str | None,
         default: str | None) -> str | None:
    """The force to answer for: named in the text > the channel's > the deployment's > None
    (the whole base). ALL, or a force not recorded, is None."""
    if len(kb.forces) < 2:
        return None
    known = {f.id for f in kb.forces}
    for force in (named, channel_force(kb, destination), default):
        if force == ALL:
            return None
        if force in known:
            return force
    return None


def scope_line(kb: KnowledgeBase, force: str | None) -> str:
    """The line that names what an answer covers when several forces are recorded: the force's
    name, or "All N forces"; empty with one force."""
    if len(kb.forces) < 2:
        return ""
    if force is None:
        return f"All {len(kb.forces)} forces"
    found = kb.index["force"].get(force)
    return found.name if found else force


def force_of(kb: KnowledgeBase, item_id: str | None) -> Force | None:
    """The force an item belongs to: a finding, part, judgment, figure, response, inspection,
    or a PCC response deadline ("<inspection>-pcc-response")."""
    if not item_id:
        return None
    found = kb.lookup(item_id.removesuffix("-pcc-response"))
    if found is None:
        return None
    kind, item = found
    if kind == "part":
        item = item[0]
    if kind == "force":
        return item
    inspection_id = item.id if kind == "inspection" else getattr(item, "inspection", None)
    insp = kb.index["inspection"].get(inspection_id) if inspection_id else None
    return kb.index["force"].get(insp.force) if insp else None


def force_tag(kb: KnowledgeBase, item_id: str | None) -> str:
    """"Durham Constabulary · " before a line about an item, when several forces are recorded
    (a digest or listing that mixes forces says which each line is for); else empty."""
    if len(kb.forces) < 2:
        return ""
    force = force_of(kb, item_id)
    return f"{force.name} · " if force else ""
