"""What the report says about itself: title, inspectorate, programme, year, publication date,
and whether it is a response document rather than an inspection. Only what the text states:
a publication date is recorded only when the text says the report was published on a date."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from bot.importer.deadlines import MONTHS
from bot.importer.document import SourceText, squeeze

_PUBLISHED = re.compile(r"\b(?:published|publication date:?|date of publication:?)\s+(?:on\s+)?"
                        r"(?P<d>\d{1,2}) (?P<m>[A-Z][a-z]+) (?P<y>\d{4})"
                        r"|\bOn (?P<d2>\d{1,2}) (?P<m2>[A-Z][a-z]+) (?P<y2>\d{4}),[^.]{0,120}\bpublished\b")
_YEAR_RANGE = re.compile(r"\b(20\d\d)[/–-](\d\d)\b")
_TITLED_YEAR = re.compile(r"(?:PEEL|inspection|effectiveness|efficiency|legitimacy|assessment)"
                          r"\D{0,25}(20\d\d)\b",
                          re.I)
_YEAR = re.compile(r"\b(20\d\d)\b")
_RESPONSE = re.compile(r"^\s*(?:(?:FORCE|PCC|CHIEF CONSTABLE[’']?S?|POLICE AND CRIME COMMISSIONER[’']?S?) "
                       r"RESPONSE|Comment by the PCC|Response (?:from|by) the (?:PCC|Police and Crime "
                       r"Commissioner|Chief Constable))", re.M)


@dataclass(frozen=True)
class Metadata:
    title: str
    inspectorate: str
    programme: str
    slug: str
    year: str
    published: dt.date | None
    published_line: int | None
    response: bool


def _first_lines(doc: SourceText, n: int = 60) -> list[tuple[int, str]]:
    out = []
    for number, text in enumerate(doc.lines, 1):
        if text.strip():
            out.append((number, squeeze(text)))
        if len(out) >= n:
            break
    return out


def read_metadata(doc: SourceText) -> Metadata:
    head = _first_lines(doc)
    head_text = "\n".join(t for _, t in head)
    whole = "\n".join(doc.lines)
    # (HMICFRS from July 2017; its web addresses say so too)
    inspectorate = "HMICFRS" if re.search(r"HMICFRS|Fire (?:&|and) Rescue Services", whole, re.I) else "HMIC"

    title = head[0][1] if head else doc.name
    for i, (_, text) in enumerate(head):
        if re.match(r"^An inspection of\b", text) and i:
            title = f"{head[i - 1][1]} – {text}"
            break
        if re.search(r"\bPEEL\b.*\b20\d\d", text) and len(text) < 120:
            title = text
            break

    if m := _YEAR_RANGE.search(head_text):
        year = f"{m.group(1)}/{m.group(2)}"
    elif m := _TITLED_YEAR.search(head_text):
        year = m.group(1)
    else:
        years = Counter(_YEAR.findall(whole))
        year = years.most_common(1)[0][0] if years else str(dt.date.today().year)

    low = head_text.lower()
    if m := re.search(r"peel:? police (effectiveness|efficiency|legitimacy) \d{4}", low):
        programme, slug = f"PEEL {m.group(1)}", m.group(1)
    elif "effectiveness, efficiency and legitimacy" in low:
        programme, slug = "PEEL", "peel"
    elif "peel" in low and re.search(r"effectiveness", head_text[:200].lower()):
        programme, slug = "PEEL effectiveness", "effectiveness"
    elif "peel" in low or "peel" in whole[:20000].lower():
        programme, slug = "PEEL", "peel"
    elif "crime inspection" in whole.lower():
        programme, slug = "Crime inspection", "crime"
    elif re.search(r"\bthematic\b|all (?:43 )?(?:police )?forces in England and Wales", whole[:20000], re.I):
        programme, slug = "Thematic inspection", "thematic"
    else:
        programme, slug = "Inspection", "inspection"

    published = published_line = None
    for number, text in enumerate(doc.lines[:400], 1):
        m = _PUBLISHED.search(text)
        if m:
            d, mon, y = (m.group("d"), m.group("m"), m.group("y")) if m.group("d") else (
                m.group("d2"), m.group("m2"), m.group("y2"))
            if mon.lower() in MONTHS:
                published, published_line = dt.date(int(y), MONTHS[mon.lower()], int(d)), number
                break
    response = bool(_RESPONSE.search(whole)) and len(doc.lines) < 600
    return Metadata(title, inspectorate, programme, slug, year, published, published_line, response)
