"""Make a report-like PDF from plain text (tests and bench): two columns, a running header and
footer, page numbers, tab-separated lines drawn as a full-width table, and long words broken at
a line end with a hyphen, as a typeset report would."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

FONT, SIZE, LEAD = "Helvetica", 9.5, 12.5
MARGIN, GUTTER = 50.0, 24.0


def _wrap(text: str, width: float) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if stringWidth(trial, FONT, SIZE) <= width:
            line = trial
            continue
        # break a long word with a hyphen (at its own hyphen when it has one)
        if len(word) >= 9 and word.isalpha() or "-" in word.strip("-"):
            cut = word.index("-") + 1 if "-" in word.strip("-") else len(word) // 2
            head = word[:cut] if word[cut - 1] == "-" else word[:cut] + "-"
            if stringWidth(f"{line} {head}".strip(), FONT, SIZE) <= width:
                lines.append(f"{line} {head}".strip())
                line = word[cut:]
                continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


def make_pdf(text: str, path: Path, *, header: str, footer: str, repeat: int = 1) -> Path:
    width, height = A4
    col = (width - 2 * MARGIN - GUTTER) / 2
    top, bottom = height - MARGIN - 20, MARGIN + 20
    canvas = Canvas(str(path), pagesize=A4)
    state = {"page": 1, "x": MARGIN, "y": top, "column": 0, "region_top": top}

    def decorate() -> None:
        canvas.setFont(FONT, 8)
        canvas.drawString(MARGIN, height - MARGIN, header)
        canvas.drawString(MARGIN, MARGIN - 10, footer)
        canvas.drawRightString(width - MARGIN, MARGIN - 10, str(state["page"]))
        canvas.setFont(FONT, SIZE)

    def new_page() -> None:
        canvas.showPage()
        state.update(page=state["page"] + 1, x=MARGIN, y=top, column=0, region_top=top)
        decorate()

    def next_line() -> None:
        state["y"] -= LEAD
        if state["y"] < bottom:
            if state["column"] == 0:
                state.update(column=1, x=MARGIN + col + GUTTER, y=state["region_top"])
            else:
                new_page()

    decorate()
    blocks = [b for b in text.split("\n\n") if b.strip()] * repeat
    for block in blocks:
        rows = block.split("\n")
        if any("\t" in r for r in rows):  # a table: full width, under what is printed so far
            if state["column"] == 1 or state["y"] < bottom + LEAD * (len(rows) + 2):
                new_page()
            for row in rows:
                for i, cell in enumerate(row.split("\t")):
                    canvas.drawString(MARGIN + (0 if i == 0 else 220 + (i - 1) * 130), state["y"], cell)
                state["y"] -= LEAD
            state["y"] -= LEAD
            state["region_top"] = state["y"]
            continue
        for line in _wrap(" ".join(rows), col):
            canvas.drawString(state["x"], state["y"], line)
            next_line()
        next_line()  # the paragraph gap
    canvas.showPage()
    canvas.save()
    return path
