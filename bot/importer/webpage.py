"""An HTML report page (as the inspectorate publishes them) to numbered lines, with the
standard library's parser: headings, paragraphs and list items each start a line of their own
(list items with a bullet), table rows become tab-separated lines, and navigation, scripts and
styles are left out."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from bot.importer.document import SourceText

_BLOCKS = {"p", "div", "section", "article", "header", "h1", "h2", "h3", "h4", "h5",
           "h6", "li", "tr", "table", "ul", "ol", "blockquote", "dt", "dd", "figcaption", "caption",
           "br", "main", "aside"}  # footer: site chrome, skipped
_SKIP = {"script", "style", "nav", "noscript", "template", "svg", "head", "button", "form", "footer"}
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.cells: list[str] | None = None
        self.skip = 0
        self.in_list_item = False

    def _flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self.current)).strip()
        self.current = []
        if text:
            self.blocks.append(("• " if self.in_list_item else "") + text)

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "tr":
            self._flush()
            self.cells = []
        elif tag in ("td", "th") and self.cells is not None:
            self.current = []
        elif tag in _BLOCKS:
            self._flush()
            if tag == "li":
                self.in_list_item = True

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in ("td", "th") and self.cells is not None:
            self.cells.append(_SPACES.sub(" ", "".join(self.current)).strip())
            self.current = []
        elif tag == "tr" and self.cells is not None:
            if any(self.cells):
                self.blocks.append("\t".join(self.cells))
            self.cells = None
        elif tag in _BLOCKS:
            self._flush()
            if tag == "li":
                self.in_list_item = False

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)


def html_lines(markup: str) -> list[str]:
    reader = _Reader()
    reader.feed(markup)
    reader.close()
    reader._flush()
    lines: list[str] = []
    for block in reader.blocks:
        is_row = "\t" in block
        if lines and not (is_row and "\t" in lines[-1]):
            lines.append("")  # a blank line between blocks: they are separate paragraphs
        lines.append(block)
    return lines


def read_html(path: Path) -> SourceText:
    return SourceText(path.name, html_lines(path.read_text(encoding="utf-8", errors="replace")),
                      kind="html")
