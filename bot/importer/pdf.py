"""A PDF report to clean numbered lines, with pdfplumber (MIT licensed).

pdfplumber's own `extract_text` reads a two-column page across both columns and keeps running
headers, footers and page numbers. Here each page's words are grouped into printed lines, a
page with a gutter is read column by column, lines repeated at the top or bottom of most pages
are dropped, a paragraph gap becomes a blank line, and a word broken at a line-end hyphen is
joined on the line where it starts, so the line count (the citations) stays stable.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bot.importer.document import SourceText

_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+of\s+\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$", re.I)
_TERMINAL = re.compile(r"[.:;?!][’”'\")]*$")
_EDGE = 0.09  # the top and bottom 9% of a page is where running headers and footers sit
# Compound prefixes whose hyphen is part of the word ("anti-social"), when the document does
# not show the word unbroken elsewhere.
_KEEP_HYPHEN = ("anti", "non", "co", "cross", "multi", "self", "well", "long", "short", "pre",
                "post", "re", "sub", "inter", "over", "under", "high", "low", "mid", "full")


@dataclass
class _Line:
    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    words: list[dict]


def _lines_of(words: list[dict]) -> list[_Line]:
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1].top - w["top"]) < 2.5 and w["x0"] >= lines[-1].x1 - 1:
            line = lines[-1]
            line.words.append(w)
            line.x1, line.bottom = w["x1"], max(line.bottom, w["bottom"])
        else:
            lines.append(_Line(w["top"], w["bottom"], w["x0"], w["x1"], "", [w]))
    for line in lines:
        line.text = _spaced(line.words)
    return lines


# A glyph the font does not map to text comes out as "(cid:N)"; the standard fonts' bullet is 127.
_CID_BULLET = re.compile(r"^\(cid:(?:127|149|183)\)\s*")


def _spaced(words: list[dict]) -> str:
    """Words joined by a space, or a tab where the gap is a table's column gap."""
    out = ""
    for prev, w in zip([None, *words], words, strict=False):
        if prev is not None:
            out += "\t" if w["x0"] - prev["x1"] > 12 else " "
        out += w["text"]
    return out


def _gutter(lines: list[_Line], width: float) -> float | None:
    """The x of a gap between two columns that most lines of the page share, if there is one."""
    body = [ln for ln in lines if len(ln.words) > 1]
    if len(body) < 6:
        return None
    best, best_cross, best_both = None, len(body) + 1, 0
    for x in range(int(width * 0.35), int(width * 0.65), 2):
        cross = both = 0
        for ln in body:
            if any(w["x0"] < x < w["x1"] for w in ln.words):
                cross += 1
                continue
            left = [w["x1"] for w in ln.words if w["x1"] <= x]
            right = [w["x0"] for w in ln.words if w["x0"] >= x]
            if left and right and min(right) - max(left) >= 8:
                both += 1
        if cross < best_cross or (cross == best_cross and both > best_both):
            best, best_cross, best_both = x, cross, both
    # a gutter: (almost) no line crosses it, and lines on both sides of it are many
    return best if best_cross <= 0.1 * len(body) and best_both >= 5 else None


def _page_lines(page) -> list[_Line]:
    """A page's printed lines in reading order: full-width lines as they come, a two-column run
    left column first."""
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
    lines = _lines_of(words)
    gutter = _gutter(lines, float(page.width))
    if gutter is None:
        return lines
    out: list[_Line] = []
    run_left: list[_Line] = []
    run_right: list[_Line] = []

    def flush():
        out.extend(run_left + run_right)
        run_left.clear()
        run_right.clear()

    for ln in lines:
        crossing = any(w["x0"] < gutter < w["x1"] for w in ln.words)
        if crossing or ln.text.count("\t") >= 2:  # a full-width line (a heading, a table row)
            flush()
            out.append(ln)
            continue
        left = [w for w in ln.words if w["x1"] <= gutter]
        right = [w for w in ln.words if w["x0"] >= gutter]
        if left:
            run_left.append(_Line(ln.top, ln.bottom, left[0]["x0"], left[-1]["x1"], _spaced(left), left))
        if right:
            run_right.append(_Line(ln.top, ln.bottom, right[0]["x0"], right[-1]["x1"], _spaced(right),
                                   right))
    flush()
    return out


def _edge_lines(lines: list[_Line], height: float) -> list[_Line]:
    """Lines in the top or bottom band of a page set apart from the body by a gap: where running
    headers, footers and page numbers print (a body line that happens to sit low is not one)."""
    tops = sorted({round(ln.top, 1) for ln in lines})
    pitches = sorted(b - a for a, b in zip(tops, tops[1:], strict=False) if b - a > 1)
    pitch = pitches[len(pitches) // 4] if pitches else 12.0
    band = [ln for ln in lines if ln.top < height * _EDGE or ln.bottom > height * (1 - _EDGE)]
    body = [ln for ln in lines if not any(ln is b for b in band)]
    return [ln for ln in band if all(abs(ln.top - b.top) > pitch * 1.4 for b in body)]


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def read_pdf(path: Path) -> SourceText:
    import pdfplumber  # a heavy import, only needed for PDFs

    pages: list[tuple[list[_Line], float]] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            pages.append((_page_lines(page), float(page.height)))
            page.flush_cache()  # keeps memory flat on long reports

    # Running headers and footers: the same text (digits aside) near the top or bottom edge of
    # at least a third of the pages; page numbers: a bare number there.
    edge_shapes: Counter[str] = Counter()
    edges = [_edge_lines(lines, height) for lines, height in pages]
    for found in edges:
        edge_shapes.update({_shape(ln.text) for ln in found})
    # (a table row, tabs between its cells, is content even when a table opens each page)
    running = {s for s, n in edge_shapes.items() if n >= max(2, len(pages) / 3) and s.count("\t") < 2}

    out: list[str] = []
    page_of: list[int] = []
    for number, ((lines, _), edge) in enumerate(zip(pages, edges, strict=True), 1):
        kept = []
        for ln in lines:
            at_edge = any(ln is e for e in edge)
            if at_edge and (_shape(ln.text) in running or _PAGE_NUMBER.match(ln.text.strip())):
                continue
            kept.append(ln)
        gaps = [b.top - a.top for a, b in zip(kept, kept[1:], strict=False) if 0 < b.top - a.top < 40]
        # the line pitch: a low quantile, as short paragraphs make paragraph gaps common
        step = sorted(gaps)[len(gaps) // 4] if gaps else 12.0
        for i, ln in enumerate(kept):
            prev = kept[i - 1] if i else None
            if prev is None or ln.top < prev.top - 1:
                # a new page or column: a paragraph break unless the sentence runs on
                if out and out[-1] and (_TERMINAL.search(out[-1]) or not ln.text[:1].islower()):
                    out.append("")
                    page_of.append(number)
            elif ln.top - prev.top > step * 1.45:
                out.append("")
                page_of.append(number)
            out.append(_CID_BULLET.sub("• ", ln.text))
            page_of.append(number)
    _join_hyphenation(out)
    return SourceText(path.name, out, page_of, kind="pdf")


def _join_hyphenation(lines: list[str]) -> None:
    """A word broken at a line end ("imple-" / "mentation") is joined on the first line; the
    hyphen stays when the word is printed hyphenated elsewhere or is a compound ("anti-social")."""
    whole = "\n".join(lines)
    for i, text in enumerate(lines[:-1]):
        m = re.search(r"([^\W\d_]+)-$", text)
        if not m:
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if j >= len(lines) or j - i > 2:
            continue
        nxt = lines[j].lstrip()
        n = re.match(r"([^\W\d_]+)([^\s]*)\s*", nxt)
        if not n or not nxt[:1].islower():
            continue
        head, tail = m.group(1), n.group(1)
        hyphenated = f"{head}-{tail}" in whole
        unbroken = re.search(rf"\b{re.escape(head + tail)}\b", whole) is not None
        keep = hyphenated or (not unbroken and head.lower() in _KEEP_HYPHEN)
        lines[i] = text[:-1] + ("-" if keep else "") + tail + n.group(2)
        lines[j] = nxt[n.end():]
