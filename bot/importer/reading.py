"""Read a source document, whatever it is: a PDF, an HTML page or plain text."""

from __future__ import annotations

from pathlib import Path

from bot.errors import BotError
from bot.importer.document import SourceText


def read_source(path: Path) -> SourceText:
    if not path.is_file():
        raise BotError(f"{path}: no such file.")
    head = path.read_bytes()[:1024]
    if head.lstrip().startswith(b"%PDF"):
        from bot.importer.pdf import read_pdf

        try:
            return read_pdf(path)
        except Exception as exc:  # pdfplumber raises many kinds: a clean message for all
            raise BotError(f"{path}: could not read the PDF ({exc.__class__.__name__}: {exc}).") from None
    sniff = head.lstrip().lower()
    if path.suffix.lower() in (".html", ".htm") or sniff.startswith((b"<!doctype html", b"<html")):
        from bot.importer.webpage import read_html

        return read_html(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise BotError(f"{path}: not a PDF, not HTML and not UTF-8 text; save it as one of "
                       "those and import again.") from None
    # split on "\n" only, so line numbers are the ones `cat -n` prints
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return SourceText(path.name, lines, kind="text")
