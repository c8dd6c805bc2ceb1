"""A draft figure's label that `validate` accepts: a short noun phrase (bot.content.checks
label rules), with the source's own words kept in `printed` when the label had to be cut.

The importer's label is often the sentence the number sits in; the maintainer rewrites it at
review, but the draft must validate (with draft warnings) so it can be previewed.
"""

from __future__ import annotations

from bot.content.checks import LABEL_MAX, label_problem


def draft_label(text: str) -> tuple[str, str | None]:
    """(label, printed): the text itself when it is already a good label, else a shortened
    label and the original words as `printed`."""
    text = " ".join(text.split())
    if not label_problem(text):
        return text, None
    words = text.rstrip(".:,;").split()
    while len(" ".join(words)) > LABEL_MAX:
        words.pop()
    while words and label_problem(" ".join(words)).startswith("a label does not end with"):
        words.pop()  # a sentence cut short: drop its trailing 'of', 'by', 'the'...
    label = " ".join(words).rstrip(".:,;")
    label = label[:1].upper() + label[1:] if label else "Figure"
    if label_problem(label):  # e.g. starts with a symbol: a neutral label, the words kept
        label = "Figure as printed"
    return label, text
