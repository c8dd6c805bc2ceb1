"""A response document (the chief constable's and the PCC's responses to a report): who said
what, verbatim, and how findings are governed; and which recorded findings it repeats."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.content.kb import KnowledgeBase
from bot.importer.document import SourceText, join_lines

_SAID = re.compile(r"(?P<who>(?:(?:Deputy |Temporary |Acting )?Chief Constable|Police and Crime Commissioner|"
                   r"PCC|Police, Fire and Crime Commissioner)\s+(?:[A-Z][\w’'-]+\s?){1,3}|[Hh]e|[Ss]he)\s+"
                   r"(?:said|commented|added):?\s*(?P<open>[“\"])")
_NAME = re.compile(r"(?:(?:Deputy |Temporary |Acting )?Chief Constable|Police and Crime Commissioner|"
                   r"Police, Fire and Crime Commissioner)\s+[A-Z][\w’'-]+(?:\s[A-Z][\w’'-]+){0,2}")
_CLOSE = re.compile(r"[”\"]\s*$")
_WORDS = re.compile(r"\w+")


@dataclass
class DraftResponse:
    by: str
    name: str
    said: str
    line: int
    governance: str | None = None
    governance_line: int | None = None


def _words(text: str) -> str:
    return " ".join(_WORDS.findall(text.replace("’", "'").lower()))


def find_responses(doc: SourceText) -> list[DraftResponse]:
    out: list[DraftResponse] = []
    lines = doc.lines
    for n, text in enumerate(lines, 1):
        m = _SAID.search(text)
        if not m:
            continue
        who = m.group("who").strip()
        if who.lower() in ("he", "she"):
            earlier = " ".join(lines[max(0, n - 4):n])
            names = _NAME.findall(earlier)
            if not names:
                continue
            who = names[-1]
        parts = [text[m.end():]]
        end = n
        while not _CLOSE.search(parts[-1]) and end < len(lines) and end - n < 60:
            parts.append(lines[end])
            end += 1
        said = re.sub(r"[”\"]\s*$", "", join_lines(parts)).strip()
        by = "chief_constable" if "Chief Constable" in who else "pcc" if (
            "Commissioner" in who or "PCC" in who) else "force"
        response = DraftResponse(by, who, said, n)
        gov: list[str] = []
        g = end
        while g < len(lines) and lines[g].strip() and not _SAID.search(lines[g]) and len(gov) < 12:
            gov.append(lines[g])
            g += 1
        if gov and re.search(r"improvement|recommendation|scrutiny|board|monitor|governance|owner",
                             " ".join(gov), re.I):
            response.governance, response.governance_line = join_lines(gov), end + 1
        out.append(response)
    return out


def repeats(doc: SourceText, kb: KnowledgeBase, force: str) -> list[str]:
    """Recorded findings of the force whose text the document prints again."""
    ours = {i.id for i in kb.inspections if i.force == force}
    found = []
    units = [(u, _words(u.text)) for u in doc.units()]
    for f in kb.findings:
        if f.inspection not in ours:
            continue
        key = _words(f.text)[:80]
        hit = next((u for u, w in units if key and w.startswith(key)), None)
        if hit:
            found.append(f"line {hit.start}: repeats {f.id} ({f.source}); add it to that finding's "
                         "`also_in`.")
    return found
