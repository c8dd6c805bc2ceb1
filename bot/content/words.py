"""Words: normalising what people type and what the content says, so both meet in the middle.

`asb`, `anti-social behaviour`, `antisocial` and `Anti Social Behavior` all become one token
stream; plurals fold to singular; common words are dropped from searches.
"""

from __future__ import annotations

import re

# Phrases people type, rewritten before tokenising. Keys are lower case, matched on word edges.
SYNONYMS: dict[str, str] = {
    "asb": "antisocial behaviour",
    "anti social": "antisocial",
    "behavior": "behaviour",
    "da": "domestic abuse",
    "dv": "domestic abuse",
    "domestic violence": "domestic abuse",
    "soc": "serious organised crime",
    "ocg": "organised crime group",
    "ocgs": "organised crime group",
    "cdi": "crime data integrity",
    "iom": "integrated offender management",
    "rso": "registered sex offender",
    "rsos": "registered sex offender",
    "marac": "marac",
    "mash": "multiagency safeguarding hub",
    "multi agency": "multiagency",
    "organized": "organised",
    "vulnerability": "vulnerable",
    "pcc": "police and crime commissioner",
}

STOPWORDS = frozenset([
    "a", "an", "and", "are", "as", "at", "be", "been", "by", "for", "from", "has", "have", "how",
    "in", "into", "is", "it", "its", "of", "on", "or", "that", "the", "their", "there", "this",
    "to", "was", "were", "what", "when", "which", "who", "will", "with", "should", "force",
    "forces", "police", "cleveland",
])

_SYN_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, SYNONYMS), key=len, reverse=True))
                     + r")\b")
_TOKEN_RE = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_JOINED_RE = re.compile(r"(?<=[a-z])[-‐–](?=[a-z])")
# Words already stemmed (building the search index stems two million words at 43 forces, of a
# few thousand distinct ones). Bounded: what people type must not grow it without end.
_STEMS: dict[str, str] = {}
_MAX_STEMS = 50_000


def fold(text: str) -> str:
    """Lower-case, plain quotes, hyphenated words joined ('re-offending' -> 'reoffending')."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = _JOINED_RE.sub("", text)
    return text


def expand(text: str) -> str:
    """Apply synonyms to folded text."""
    return _SYN_RE.sub(lambda m: SYNONYMS[m.group(1)], text)


def stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str, *, keep_stopwords: bool = False) -> list[str]:
    words = _TOKEN_RE.findall(expand(fold(text)))
    return [_stem(w) for w in words if keep_stopwords or w not in STOPWORDS]


def _stem(word: str) -> str:
    done = _STEMS.get(word)
    if done is None:
        done = stem(word)
        if len(_STEMS) < _MAX_STEMS:
            _STEMS[word] = done
    return done
