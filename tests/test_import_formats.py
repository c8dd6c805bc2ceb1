"""A report as PDF (two columns, running header and footer, page numbers, a table, words broken
at line ends) imports to the same items as its text; an HTML report page imports correctly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bot.content import loader
from bot.importer.run import import_report

pytest.importorskip("reportlab", reason="reportlab (a test dependency) makes the PDFs")
from tests.pdfmaker import make_pdf  # noqa: E402  (after the skip: it imports reportlab)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
TEXT = FIXTURES / "durham-peel.txt"
HEADER, FOOTER = "Durham Constabulary – PEEL 2023–25", "© HMICFRS 2024"


def _content(tmp_path: Path, name: str) -> Path:
    content = tmp_path / name
    content.mkdir()
    shutil.copy(ROOT / "content" / "areas.yaml", content)
    return content


def _items(draft: Path) -> dict[str, list[dict]]:
    """The items without where they are (line numbers differ between a PDF and its text)."""
    data = yaml.safe_load(draft.read_text(encoding="utf-8"))

    def strip(item):
        if isinstance(item, dict):
            return {k: strip(v) for k, v in item.items() if k not in ("source", "also_in", "note")}
        if isinstance(item, list):
            return [strip(v) for v in item]
        return item
    return {k: strip(data.get(k) or []) for k in ("judgments", "findings", "figures")}


@pytest.mark.parametrize("repeat", [1, 4])
def test_pdf_imports_to_the_same_items_as_its_text(tmp_path, repeat):
    text = TEXT.read_text(encoding="utf-8")
    source = tmp_path / "durham-peel.txt"
    source.write_text(text * 1 if repeat == 1 else "\n\n".join([text] * repeat), encoding="utf-8")
    pdf = make_pdf(text, tmp_path / "durham-peel-print.pdf", header=HEADER, footer=FOOTER, repeat=repeat)
    from_text = import_report(source, _content(tmp_path, "a"), "durham", name="Durham Constabulary")
    from_pdf = import_report(pdf, _content(tmp_path, "b"), "durham", name="Durham Constabulary")
    pdf_items, text_items = _items(from_pdf.draft), _items(from_text.draft)
    assert pdf_items["judgments"] == text_items["judgments"]
    assert pdf_items["findings"] == text_items["findings"]

    def figures(items):  # numbered in the order they were found, which the layout may change
        return sorted(str({k: v for k, v in g.items() if k != "id"}) for g in items["figures"])
    assert figures(pdf_items) == figures(text_items)
    assert from_text.counts["judgments"] == 5 and from_text.counts["area_for_improvement"] == 3

    lines = from_pdf.text.lines
    # the running header and footer are dropped; the body's own "© HMICFRS 2024" line stays
    assert HEADER not in lines and lines.count(FOOTER) == repeat
    assert not any(ln.startswith(FOOTER + "\t") for ln in lines)
    assert not any(ln.strip().isdigit() for ln in lines)  # page numbers dropped
    assert "Domestic abuse-related crimes\t31.4\t27.2" in lines  # the table, one row a line
    draft = yaml.safe_load(from_pdf.draft.read_text(encoding="utf-8"))
    pages = {j["area"]: j["source"]["page"] for j in draft["judgments"]}
    if repeat == 1:  # the second page opens with the table; the last sections follow it
        assert pages["responding-to-public"] == 1 and pages["serious-organised-crime"] == 2
    if repeat > 1:
        import pdfplumber

        with pdfplumber.open(pdf) as doc:
            bare = "\n".join(p.extract_text() or "" for p in doc.pages)
        broken = [ln for ln in bare.splitlines() if ln.rstrip()[-1:] == "-" and ln.rstrip()[-2:-1].isalpha()]
        assert broken, "the generated PDF should break a word at a line end"
        assert not any(ln.rstrip().endswith(("imple-", "investi-")) for ln in lines)
        assert from_pdf.text.pages[-1] > 1  # page numbers are kept beside the lines
        assert max(pages.values()) > 1


def test_html_report_page_imports(tmp_path):
    content = _content(tmp_path, "c")
    result = import_report(FIXTURES / "durham-report.html", content, "durham", name="Durham Constabulary")
    items = _items(result.draft)
    assert [(j["area"], j["grade"]) for j in items["judgments"]] == [
        ("responding-to-public", "good"), ("investigation", "adequate"),
        ("vulnerability", "requires improvement")]
    kinds = [f["kind"] for f in items["findings"]]
    assert kinds == ["area_for_improvement", "cause_of_concern", "recommendation",
                     "area_for_improvement", "area_for_improvement"]
    rec = items["findings"][2]
    assert rec["cause"] == "dur-2023-coc-01" and len(rec["parts"]) == 2
    assert rec["deadline"] == {"phrase": "Within six months", "after_publication": "6 months"}
    assert "The force isn't making sure" in items["findings"][1]["text"]  # entity decoded
    table = [(g["value"], g["comparators"]["england_and_wales"]) for g in items["figures"]
             if g["unit"] == "per_1000_population"]
    assert table == [(31.4, 27.2), (11.9, 13.6)]
    text = "\n".join(result.text.lines)
    assert "inadequate at everything" not in text and "Cookies" not in text and "Home" not in text
    assert loader.check(content)[0] is not None
