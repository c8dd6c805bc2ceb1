"""The question reader: plain English in, ranked readings out. Each reading is command text in
the documented grammar ("judgments 2014 investigation", "due 60 days", "figures asb 2014"), so
the answer is exactly what that command says and people learn the commands from it.

Pure: the caller passes the knowledge base, the as-of date and who asked. No model, no service:
tables of cue words (bot/ask/cues.py), the area taxonomy, years in every form (years.py), and
rapidfuzz for typos against the words the knowledge base and the cues use."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
import re
import threading
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.ask import cues
from bot.ask.areafind import area_words as words_of_area
from bot.ask.areafind import find_area, find_force
from bot.ask.cues import word_set
from bot.ask.postings import entries
from bot.ask.queries import inspections_for_year, latest_inspections
from bot.ask.search import index_of
from bot.ask.years import YearRef, take_year
from bot.content.kb import KnowledgeBase
from bot.content.model import Inspection, Owner
from bot.content.passages import passages_of
from bot.content.words import fold, stem, tokens

MENTION_RE = re.compile(r"<[@#!][^>]*>")
WORD_RE = re.compile(r"[a-z0-9][a-z0-9'.,/]*[a-z0-9]|[a-z0-9]")
UNSURE_BELOW = 0.75  # a best reading under this, or one within MARGIN of the next, is "unsure"
MARGIN = 0.15
CATCH_ALL = 0.3  # the last resort: a search for the question's words (answered as "unplaced")
# Items the reader weighs to see what a topic is about (not the search): the rarest word's
# heaviest.
MAX_CANDIDATES = 300
_vocab_lock = threading.Lock()
# Topic words people use for a figure, to the words the figures are labelled with.
FIGURE_WORDS = {"satisfied": "satisfaction", "sick": "sickness", "detectives": "pip2",
                "detective": "pip2", "accredited": "pip2", "calls": "calls", "dvpo": "dvpo",
                "dvpos": "dvpo", "orders": "dvpo", "clare's": "right to know", "clares": "right to know"}
FIGURE_DROP = word_set("""rate rates how many much number numbers percentage percent proportion share
per 1,000 1000 thousand million population compare compared comparison average england wales
figure figures stat stats statistics count total level there were recorded people apply applied
signed up
""")


@dataclass(frozen=True)
class Reading:
    """One way to read a question: command text and how sure the reader is (0-1). `message` is
    set when the answer is a sentence rather than a command (e.g. "what do I own" from someone
    no owner role is mapped to)."""

    command: str
    confidence: float
    message: str = ""


def unsure(readings: list[Reading]) -> bool:
    if not readings:
        return True
    best = readings[0].confidence
    return best < UNSURE_BELOW or (len(readings) > 1 and best - readings[1].confidence < MARGIN)


def _vocabulary(kb: KnowledgeBase) -> tuple[list[str], frozenset[str]]:
    """Words the knowledge base, its reports and the cues use, for correcting typos (built
    once per kb), sorted and as a set. The reports' own words are in it so that plain
    English is left alone: with only the items' words, "are we getting better" was read as
    "vetting"."""
    vocab = kb.index.get("reader_vocab")
    if vocab is None:
        with _vocab_lock:
            vocab = kb.index.get("reader_vocab")
            if vocab is None:
                words: set[str] = set(cues.FILLER) | set(cues.VOCABULARY)
                for a in kb.areas:
                    for t in (a.id.replace("-", " "), a.name, *a.aliases, *a.keywords):
                        words.update(WORD_RE.findall(fold(t)))
                for indexed in index_of(kb).by_initial.values():  # the items' words
                    words.update(w for w in indexed if w.isalpha())
                if kb.texts:  # the reports' words
                    words.update(w for w in passages_of(kb).vocabulary() if w.isalpha())
                kept = sorted(w for w in words if len(w) >= 3)
                vocab = kb.index["reader_vocab"] = (kept, frozenset(kept))
    return vocab


def _correct(kb: KnowledgeBase, text: str) -> str:
    vocab, known = _vocabulary(kb)
    out = []
    for word in text.split():
        bare = word.strip(".,;:!?\"'()")
        if len(bare) >= 5 and bare.isalpha() and bare not in known and stem(bare) not in known:
            best = process.extractOne(bare, vocab, scorer=fuzz.ratio, score_cutoff=85)
            if best:
                word = word.replace(bare, best[0])
        out.append(word)
    return " ".join(out)


def _clean(text: str) -> str:
    text = MENTION_RE.sub(" ", text)
    text = fold(text).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    text = re.sub(r"'s\b", "", text)  # "what's", "force's": the word itself
    text = re.sub(r"[?!;:()\"“”]+", " ", text)
    text = re.sub(r"(?<!\d)[.,](?!\d)", " ", text)  # keep 1,000 and 2.5, drop sentence commas
    return " ".join(text.split())


def _year_words(kb: KnowledgeBase, ref: YearRef) -> str:
    """How the command names the year: '2016', 'latest', or '' (none named)."""
    return ref.year if ref.year else ("latest" if ref.latest else "")


def _inspection(kb: KnowledgeBase, ref: YearRef, force: str | None) -> Inspection | None:
    insps = inspections_for_year(kb, ref.year) if ref.year else latest_inspections(kb)
    insps = [i for i in insps if force is None or i.force == force]
    return insps[-1] if insps else None


def _topic(words: list[str], drop: frozenset[str] = frozenset()) -> str:
    kept = [w for w in words if w not in cues.FILLER and w not in drop]
    return " ".join(kept)


def owner_of(kb: KnowledgeBase, asker: str | None) -> Owner | None:
    if not asker:
        return None
    return next((o for o in kb.owners if o.slack_user == asker), None)


def read(kb: KnowledgeBase, question: str, as_of: dt.date, *, asker: str | None = None
         ) -> list[Reading]:
    """The readings of a question, most likely first (at least one)."""
    text = _correct(kb, _clean(question))
    ref, rest = take_year(text, as_of)
    force, rest = find_force(kb, rest)
    words = WORD_RE.findall(rest)
    out: list[Reading] = []

    def add(command: str, confidence: float, message: str = "") -> None:
        command = " ".join(command.split())
        if command and any(r.command == command for r in out):
            return
        out.append(Reading(command, round(confidence, 2), message))

    year = _year_words(kb, ref)
    area, named = find_area(kb, rest)
    area_words = area.id.replace("-", " ") if area else ""
    # The words that are neither filler, a kind of finding, nor the area's own: the topic.
    specific = _topic(words, cues.KIND_WORDS | (words_of_area(area) if area else frozenset()))
    # Only a year that is an inspection narrows figures; "ASB in 2015" is a period, not a report.
    fig_year = ref.year if ref.year and inspections_for_year(kb, ref.year) else ""
    topic = _topic(words)
    kind = next((name for pattern, name in cues.KINDS if pattern.search(rest)), "")
    phrase = next((name for pattern, name in cues.DEADLINE_PHRASES if pattern.search(text)), "")

    item = cues.ITEM_ID.search(text)
    if item:
        add(f"show {item.group(0)}", 0.97)
    # (`digest` followed by words that are not a channel is the command's: it says how to
    # name one)
    if cues.DIGEST.search(text) and not text.startswith("digest"):
        add("digest", 0.9)
    defined = cues.DEFINE.search(text)
    if defined:
        add(f"search {defined.group('term') or defined.group('term2')}", 0.9)
    if cues.OWN.search(text):
        owner = owner_of(kb, asker)
        if owner:
            add(f"overdue {owner.id}", 0.9)
            add(f"due 365 {owner.id}", 0.6)
        else:
            add("", 0.9, "no-owner")
    if cues.GOVERNANCE.search(text) and (kind or "area" in text):
        add(f"responses {ref.year}", 0.88)
    if cues.PEOPLE.search(text) or cues.LEADERS.search(text):
        if cues.LEADERS.search(text):
            insp = _inspection(kb, ref, force)
            if insp:
                add(f"show {insp.id}", 0.7)
        else:
            add(f"responses {ref.year}", 0.88)
    if cues.RESPONSE.search(text) and cues.RESPONDERS.search(text):
        add(f"responses {ref.year}", 0.88)
    if cues.PUBLISHED.search(text):
        insp = _inspection(kb, ref, force)
        if insp:
            add(f"show {insp.id}", 0.88)
    if cues.OVERDUE.search(text):
        # "which recommendations from 2014 are overdue": a year that is an inspection's narrows
        add(f"overdue {kind} {fig_year} {area_words}", 0.9)
    due_topic = _topic(words, cues.DUE_WORDS | cues.KIND_WORDS)
    when_due = bool((cues.WHEN.search(text) and (cues.DUE.search(text) or "submit" in text))
                    or (cues.DUE.search(text) and _window(text) is None and due_topic
                        and not area))
    if when_due:
        hit = _best_finding(kb, due_topic)
        if hit:
            add(f"show {hit}", 0.8)
    if cues.STATUS.search(text) and specific:
        hit = _best_item(kb, _topic(words, cues.KIND_WORDS | cues.STATUS_WORDS))
        if hit:
            add(f"show {hit}", 0.84)
    days = _window(text)
    if (days is not None or cues.DUE.search(text)) and not when_due and not phrase:
        # the kind is a filter of `due`; without a window of days, other readings may fit better
        add(f"due {days or 30} {kind} {area_words}", 0.86 if not kind or days else 0.6)
    if phrase:
        add(f"search {phrase}", 0.86)
    if kind and specific and set(specific.split()) <= cues.OPEN_WORDS:
        add(f"findings {kind} {year} {area_words}", 0.88)  # "which recommendations are open"
    if kind:
        base = f"findings {kind} {year} {area_words}"
        # The year rides along in the search: the answer keeps only that year's items.
        if specific:
            add(f"search {topic} {ref.year}", 0.8)
            add(base, 0.55)
        else:
            add(base, 0.87)
            # Until `findings` answers: the topic's items, with the kind's words (a cause of
            # concern says "cause of concern"), then without them (most findings do not).
            rest_words = _topic(words, cues.KIND_WORDS)
            add(f"search {kind} {rest_words} {ref.year}", 0.45)
            if rest_words:
                add(f"search {rest_words} {ref.year}", 0.44)
    grade_cue = cues.GRADE.search(text)
    figure_cue = cues.FIGURE.search(text)
    grade = _grade_filter(text)
    if grade and not figure_cue:
        add(f"judgments {year or 'latest'} {grade}", 0.88)
    if area and (cues.HISTORY.search(text)) and not figure_cue:
        add(f"area {area_words}", 0.87)
    if grade_cue and not (figure_cue and not cues.GRADE_STRONG.search(text)):
        add(f"judgments {year or 'latest'} {area_words}", 0.86 if area or year else 0.7)
        if area:
            add(f"area {area_words}", 0.5)
    if figure_cue and not kind:
        add(f"figures {_figure_topic(words)} {fig_year}", 0.82)
    if cues.FINDING_WORDS.search(text) and topic:
        add(f"search {topic}", 0.75)
    if area and not named and not specific and year and not out:
        add(f"judgments {year} {area_words}", 0.66)  # "prevention 2022": a grade, most likely
    if not out and (specific or (area and not named)):
        # No cue: a topic. Answer with what the knowledge base holds about it: figures when
        # the best match is a figure (they print values), else the search.
        first = _top_kind(kb, topic)
        if first == "figure" and " about " not in f" {text} ":
            add(f"figures {_figure_topic(words)} {fig_year}", 0.66)
        add(f"search {topic}", 0.64)
    if area and not kind and (not out or (named and not specific)):
        add(f"judgments {year or 'latest'} {area_words}", 0.62 if named else 0.5)
        add(f"figures {area_words} {fig_year}", 0.4)
        add(f"area {area_words}", 0.35)
    if year and not out:
        add(f"judgments {year}", 0.6)
    if topic:
        add(f"search {topic} {ref.year}", CATCH_ALL)
    if not out:
        add("", 0.0, "unplaced")
    return sorted(out, key=lambda r: -r.confidence)


def _best_keys(kb: KnowledgeBase, words: str, limit: int = 10) -> list[tuple[str, str]]:
    """The items (kind, id) holding most of the words, rarer words counting for more. A cheap
    cousin of the search: candidates are the rarest word's heaviest items only, so a common
    word ("crime") never makes the reader scan the whole knowledge base."""
    index = index_of(kb)
    read = entries(index.words, list(dict.fromkeys(tokens(words))))
    # each word's entry: its items' numbers, ascending (numbers are in (kind, id) order), and
    # the positions of its heaviest items, heaviest first
    found = sorted(read.values(), key=lambda entry: len(entry[0]))
    if not found:
        return []
    rarest_items, _, heaviest = found[0]
    candidates = [rarest_items[i] for i in itertools.islice(heaviest, MAX_CANDIDATES)]
    n = index.n_docs or 1
    postings = [entry[0] for entry in found]
    weights = [math.log(1 + n / len(p)) for p in postings]

    def holds(items: Sequence[int], k: int) -> bool:
        at = bisect_left(items, k)
        return at < len(items) and items[at] == k

    def score(k: int) -> tuple[float, int]:
        return -sum(w for p, w in zip(postings, weights, strict=True) if holds(p, k)), k

    return [index.keys[k] for k in heapq.nsmallest(limit, candidates, key=score)]


def _top_kind(kb: KnowledgeBase, words: str) -> str:
    best = _best_keys(kb, words, 1)
    return best[0][0] if best else ""


def _figure_topic(words: list[str]) -> str:
    kept = [FIGURE_WORDS.get(w, w) for w in words if w not in cues.FILLER and w not in FIGURE_DROP]
    return " ".join(kept)


def _grade_filter(text: str) -> str:
    if not cues.GRADE_FILTER.search(text):
        return ""
    for phrase, grade in cues.GRADE_WORDS.items():
        if re.search(rf"\b{phrase}\b", text) and not (grade == "good" and "how good" in text):
            return grade
    return ""


def _window(text: str) -> int | None:
    for pattern, days in cues.WINDOWS:
        m = pattern.search(text)
        if m:
            if days is None or days < 0:
                n = int(m.group(1))
                return n * (-days if days else 1)
            return days
    return None


def _best_item(kb: KnowledgeBase, words: str) -> str | None:
    """The finding the words name best (for "has X been addressed?")."""
    return next((item_id for kind, item_id in _best_keys(kb, words, 5) if kind == "finding"),
                None)


def _best_finding(kb: KnowledgeBase, words: str) -> str | None:
    """The finding (or part) with a deadline that the words name best."""
    query = set(tokens(words))
    if not query:
        return None
    order = {i.id: n for n, i in enumerate(kb.inspections)}
    best: tuple[int, int, str] | None = None
    for kind, item_id in _best_keys(kb, words, 10):
        if kind != "finding":
            continue
        f = kb.index["finding"][item_id]
        for part_id, _ in f.deadlines:
            # The item whose own words cover most of the question; then the newest report.
            key = (len(query & set(tokens(_text_of(f, part_id)))), order.get(f.inspection, 0),
                   part_id)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


def _text_of(f, item_id: str) -> str:
    if item_id == f.id:
        return f.text
    return next((p.text for p in f.parts if p.id == item_id), "")
