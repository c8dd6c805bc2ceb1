"""A report's text as numbered lines, read into units (paragraphs and list items).

Every item the importer drafts quotes a unit's text and cites the unit's first line, so this is
also where "nothing invented" is checked: `SourceText.holds(quote, line)` is true only when the
quote, joined the way a unit is joined, starts on that line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A list item: a bullet, a dash, "(a)", "a)", "1)" or "1." at the start of a line.
BULLET = re.compile(r"^\s*(?:[•·▪●◦‣]|[-–—](?=\s*[^\d\s.])|\(?[a-z]\)|\(?\d{1,2}\)|\d{1,2}\.(?=\s))\s*")
_TERMINAL = re.compile(r"[.:;?!][’”'\")]*\s*$")
_SPACES = re.compile(r"\s+")
_LABEL_LINE = re.compile(r"^(?:Causes? of concern|Recommendations?|Areas? for improvement|Main findings|"
                         r"Summary)$")
# An area for improvement printed as a headline (2021/22 on): an instruction with no full stop;
# a capitalised line after it starts the paragraph that explains it.
_HEADLINE = re.compile(r"^(?:The force|The constabulary|(?:[A-Z][\w’'&.-]*\s){1,4}(?:Police|Constabulary))\b"
                       r"[^.]*\b(?:should|needs? to|must)\b[^.]*$")
_OPENER = re.compile(r"^\s*(?:In|The|This|These|There|We|It|Its|Our|Forces|But|However|When|Although|"
                     r"Since|During|As|For|At|Most|Some|All|A|An|Of|Overall|Despite)\b")
_URL = re.compile(r"^(?:https?://|www\.)\S+$")
_BROKEN_WORD = re.compile(r"(?<=[^\W\d_])-$")


@dataclass(frozen=True)
class Unit:
    """A paragraph or a list item: its lines, its text joined, the list marker if any."""

    start: int  # 1-based line of the first character
    end: int
    text: str
    marker: str = ""
    indent: int = 0

    @property
    def is_bullet(self) -> bool:
        return bool(self.marker)


def join_lines(parts: list[str]) -> str:
    """Lines joined with single spaces; a word broken at its own hyphen ("anti-" / "social")
    is joined again without the space, keeping the hyphen (it was printed)."""
    out = ""
    for part in parts:
        part = _SPACES.sub(" ", part).strip()
        if not part:
            continue
        if out and _BROKEN_WORD.search(out) and part[:1].islower():
            out += part
        else:
            out = f"{out} {part}" if out else part
    return out


def squeeze(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


@dataclass
class SourceText:
    """The text of one document: lines (1-based as `cat -n` numbers them) and, for a PDF, the
    page each line was printed on."""

    name: str
    lines: list[str]
    pages: list[int] | None = None
    kind: str = "text"  # text, pdf or html
    _units: list[Unit] | None = field(default=None, repr=False)

    def line(self, number: int) -> str:
        return self.lines[number - 1] if 0 < number <= len(self.lines) else ""

    def page_of(self, number: int) -> int | None:
        if self.pages is None or not 0 < number <= len(self.pages):
            return None
        return self.pages[number - 1]

    @property
    def double_spaced(self) -> bool:
        """Some extractions put a blank line after every printed line (001 does): there a blank
        line is not a paragraph break unless the sentence ended."""
        nonblank = [i for i, t in enumerate(self.lines) if t.strip()]
        if len(nonblank) < 20:
            return False
        followed = sum(1 for i in nonblank if i + 1 < len(self.lines) and not self.lines[i + 1].strip())
        # lines wrapped at a page's width, not one paragraph a line (002 has those)
        lengths = sorted(len(self.lines[i]) for i in nonblank)
        return followed / len(nonblank) > 0.75 and lengths[int(len(lengths) * 0.95)] < 130

    @property
    def dense(self) -> bool:
        """No blank lines between paragraphs (a page pasted as text): a line that ends a sentence
        ends the paragraph."""
        blank = sum(1 for t in self.lines if not t.strip())
        return len(self.lines) > 0 and blank / len(self.lines) < 0.05

    def units(self) -> list[Unit]:
        if self._units is None:
            self._units = list(self._read_units())
        return self._units

    def _read_units(self):
        double, dense = self.double_spaced, self.dense
        widths = sorted(len(t.rstrip()) for t in self.lines if t.strip()) or [0]
        wrap = widths[int(len(widths) * 0.9)]  # the width the text was wrapped at
        current: list[tuple[int, str]] = []
        marker, indent = "", 0
        pending_blank = False

        def flush():
            nonlocal current, marker, indent
            if current:
                text = join_lines([t for _, t in current])
                if text:
                    yield Unit(current[0][0], current[-1][0], text, marker, indent)
            current, marker, indent = [], "", 0

        for number, raw in enumerate(self.lines, 1):
            if not raw.strip():
                pending_blank = True
                continue
            m = BULLET.match(raw)
            prev = current[-1][1] if current else ""
            new = m is not None or not current
            if not new and pending_blank:
                # double spacing: the paragraph goes on while the sentence does
                new = not (double and _runs_on(prev, raw, wrap, current))
            elif not new and dense:
                new = bool(_TERMINAL.search(prev)) and not _continues(raw)
            elif not new and raw[:1] == " " and _TERMINAL.search(prev) and not _continues(raw):
                new = True  # a page's first line (the extraction indents it) after a full stop
            if not new and _LABEL_LINE.match(raw.strip()):
                new = True  # "Area for improvement" heads what follows, even after a caption
            if not new and (_URL.match(raw.strip()) or _URL.match(prev.strip())):
                new = True  # a link printed on its own line
            if not new and (_is_grade_word_line(raw) != _is_grade_word_line(prev)
                            or "\t" in raw.strip() or "\t" in prev.strip()):
                new = True  # a grade printed alone, a table row: a unit of its own
            pending_blank = False
            if new:
                yield from flush()
                if m:
                    marker = m.group(0).strip()
                    indent = len(raw) - len(raw.lstrip())
                    raw = raw[m.end():]
            current.append((number, raw))
        yield from flush()

    def locate(self, unit: Unit, quote: str) -> int:
        """The line of `unit` where `quote` starts (its first line if it is not found)."""
        for n in range(unit.start, unit.end + 1):
            if self.holds(quote, n):
                return n
        return unit.start

    def holds(self, quote: str, line: int) -> bool:
        """True when `quote` (whitespace collapsed) starts on `line` and reads on from there."""
        quote = squeeze(quote)
        if not quote or not 0 < line <= len(self.lines):
            return False
        first = squeeze(self.lines[line - 1])
        parts, size, n = [], 0, line
        while n <= len(self.lines) and size < len(quote) + len(first) + 2:
            parts.append(self.lines[n - 1])
            size += len(self.lines[n - 1]) + 1
            n += 1
        text = join_lines(parts)
        at = text.find(quote)
        while at != -1:
            if at < len(first):
                return True
            at = text.find(quote, at + 1)
        return False


GRADE_WORDS = ("outstanding", "good", "adequate", "requires improvement", "inadequate", "ungraded",
               "not graded")


def _is_grade_word_line(text: str) -> bool:
    """A grade printed on its own ("Good", "Requires improvement"): capitalised, alone."""
    text = squeeze(text)
    return text[:1].isupper() and text.lower().rstrip(".") in GRADE_WORDS


def _runs_on(prev: str, raw: str, wrap: int, current: list[tuple[int, str]]) -> bool:
    """In double spacing, the paragraph goes on past a blank line: the sentence has not ended,
    and the next line carries it on or the previous line was wrapped at the page's width (but
    not a headline area for improvement followed by the paragraph that explains it)."""
    if _TERMINAL.search(prev) or _URL.match(prev.strip()):
        return False
    if _continues(raw):
        return True
    headline = _OPENER.match(raw) and _HEADLINE.match(join_lines([t for _, t in current]))
    return len(prev.rstrip()) >= wrap * 0.75 and not headline


def _continues(line: str) -> bool:
    """The line carries on a sentence: it starts in lower case, with a digit or a bracket."""
    s = line.lstrip()
    return bool(s) and (s[0].islower() or s[0].isdigit() or s[0] in "(,;")
