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


Phrase = tuple[str, ...]


def _tables(kb: KnowledgeBase) -> tuple[dict[str, list[tuple[Phrase, str]]],
                                        dict[str, list[Phrase]]]:
    """The force phrases and the areas' wordings of two or more words (those that may hold a
    force's name: "How much crime ... is there in Cleveland?"), by first word, longest first.
    Built once per knowledge base and kept in its index (a request only looks words up)."""
    found = kb.index.get("force_phrases")
    if found is None:
        starts: dict[str, list[tuple[Phrase, str]]] = {}
        pairs = [(p, ALL) for p in ALL_PHRASES] + [(p, f.id) for f in kb.forces
                                                    for p in phrases(f)]
        for phrase, force in pairs:
            words = tuple(phrase.split())
            starts.setdefault(words[0], []).append((words, force))
        areas: dict[str, list[Phrase]] = {}
        for a in kb.areas:
            for wording in (*a.aliases, *a.keywords):
                words = tuple(_fold(wording).split())
                if len(words) >= 2:  # a one-word keyword that is a force's name: the force wins
                    areas.setdefault(words[0], []).append(words)
        for pairs_from in starts.values():
            pairs_from.sort(key=lambda pair: len(pair[0]), reverse=True)
        found = kb.index["force_phrases"] = (starts, areas)
    return found


def take(kb: KnowledgeBase, text: str, *, keep_first: bool = True) -> Taken:
    """Find a force named in `text` and take its words out (never the first word, when that is
    the command: `keep_first`). The longest force phrase wins, then the earliest.
    A force's name inside an area's own wording typed in full picks the force but stays in the
    text. With fewer than two forces recorded the text is returned as it is."""
    if len(kb.forces) < 2:
        return Taken(text, None)
    starts, areas = _tables(kb)
    raw = text.split()
    # Each typed word folded into tokens ("Durham," -> "durham", "dur-2023-rec-01" -> four),
    # and which typed word each token came from, so a phrase found in tokens maps to words.
    tokens: list[str] = []
    owner: list[int] = []
    for n, word in enumerate(raw):
        for t in _fold(word).split():
            tokens.append(t.removesuffix("'s"))
            owner.append(n)
    best: tuple[int, int, str] | None = None  # (length, start, force)
    for i, token in enumerate(tokens):
        for words, force in starts.get(token, ()):
            n = len(words)
            if tuple(tokens[i:i + n]) != words:
                continue
            if (owner[i] == 0 and keep_first) or _partial(tokens, owner, i, i + n):
                continue  # the command word itself, or inside a longer typed word (an id)
            if best is None or n > best[0]:
                best = (n, i, force)
            break  # the longest phrase from here
    if best is None:
        return Taken(text, None)
    n, i, force = best
    if _in_area_wording(tokens, areas, i, i + n):
        return Taken(text, force)  # an area's wording: keep it whole
    rest = raw[:owner[i]] + raw[owner[i + n - 1] + 1:]
    return Taken(" ".join(rest), force)


def _in_area_wording(tokens: list[str], areas: dict[str, list[Phrase]], start: int,
                     end: int) -> bool:
    """Tokens start..end lie inside an area's wording typed in full."""
    for i, token in enumerate(tokens[:start + 1]):
        for words in areas.get(token, ()):
            if i + len(words) >= end and tuple(tokens[i:i + len(words)]) == words:
                return True
    return False


def _partial(tokens: list[str], owner: list[int], start: int, end: int) -> bool:
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
    # An inspection's id first: listings tag a line per inspection (ids are unique across
    # kinds, so this is the item `lookup` would find after four other kinds).
    insp = kb.index["inspection"].get(item_id)
    if insp is not None:
        return kb.index["force"].get(insp.force)
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
