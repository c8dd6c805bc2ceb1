"""The words that tell the question reader what a question asks for. Plain tables, so a
maintainer who sees a question misread (`inspection-bot questions`) can add the phrase here.

Every pattern runs on folded text (lower case, plain quotes, hyphens between letters joined:
"anti-social" reads "antisocial", "three-month" reads "threemonth")."""

from __future__ import annotations

import re


def word_set(text: str) -> frozenset[str]:
    """A set of words written as text (a word list reads best as words)."""
    return frozenset(text.split())


def _re(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b")


# Asking about one's own findings: answered for the asker's mapped owner role.
OWN = _re(r"what do i own", r"(?:do|have) i (?:got )?(?:to do|own)", r"i own", r"my (?:actions?|"
          r"findings?|deadlines?|recommendations?|items?|tasks?|work)", r"am i (?:responsible|"
          r"the owner|accountable)", r"assigned to me", r"(?:for|owned by) me\b")
OVERDUE = _re(r"overdue", r"late", r"missed", r"behind", r"past (?:its|their|the) deadlines?",
              r"passed (?:its|their|the) deadlines?", r"out of time")
DUE = _re(r"due", r"coming up", r"upcoming", r"deadlines?", r"next (?:week|month|fortnight)",
          r"this (?:week|month)")
PUBLISHED = _re(r"publish(?:ed|ing)?", r"publication", r"come out", r"came out", r"released?")
RESPONSE = _re(r"say", r"said", r"says", r"respon(?:se|ses|d|ded|ding)", r"comments?", r"commented",
               r"reaction", r"react(?:ed)?", r"views?", r"welcomed?", r"quote")
RESPONDERS = _re(r"pcc", r"commissioner", r"chief constable", r"coppinger", r"spittal",
                 r"the force", r"cleveland police", r"force response", r"responses", r"response to")
GOVERNANCE = _re(r"govern(?:ed|ance)?", r"monitor(?:s|ed|ing)?", r"oversee[sn]?", r"oversight",
                 r"scrutiny", r"management board", r"strategic owners?")
PEOPLE = _re(r"who (?:is|was|were|are) (?:the )?(?:chief constable|pcc|police and crime "
             r"commissioner|commissioner)", r"who led", r"who signed", r"who wrote",
             r"who (?:was|were|is) the (?:hm )?(?:chief )?inspectors?", r"inspectors?")
LEADERS = _re(r"who led", r"who signed", r"who wrote", r"inspectors?", r"hm chief inspector")
GRADE = _re(r"grades?", r"graded", r"grading", r"rated", r"ratings?", r"rate us", r"judged",
            r"judge?ments?", r"score[ds]?", r"how good", r"how well", r"how effective",
            r"how (?:did|do|does|are|is|were|was) (?:we|us|cleveland|the force|they|it) (?:do|doing|"
            r"get on|perform|fare)", r"how (?:did|do) (?:we|cleveland|the force) (?:do|get on)",
            r"how are we doing", r"how good r we", r"assessed as", r"verdict", r"how efficient")
HISTORY = _re(r"since", r"improved", r"improving", r"got (?:better|worse)",
              r"(?:did|has|have) (?:we|the force|they|it|cleveland) improve",
              r"improve(?:d)? (?:between|from)",
              r"getting (?:better|worse)", r"changed?", r"over (?:time|the "
              r"years)", r"across (?:inspections|the years|years)", r"history", r"trend",
              r"progress(?:ed)?", r"compared? (?:to|with) (?:before|previous|earlier)")
GRADE_WORDS = {"outstanding": "outstanding", "adequate": "adequate", "inadequate": "inadequate",
               "requires improvement": "requires improvement", "require improvement":
               "requires improvement", "requiring improvement": "requires improvement",
               "need improvement": "requires improvement", "good": "good"}
GRADE_FILTER = re.compile(r"\b(?:which|what|where|list|any)\b.*\b(?:outstanding|adequate|"
                          r"inadequate|requires? improvement|requiring improvement|good)\b|"
                          r"\bwhere (?:are|were|do|did) we\b.*\b(?:inadequate|outstanding|adequate|"
                          r"requires? improvement|good)\b")
FIGURE = _re(r"rates?", r"how many", r"how much", r"number of", r"numbers?", r"percent(?:age)?",
             r"proportion", r"share of", r"per (?:1,?000|thousand|million|100)", r"compared?",
             r"comparison", r"average", r"england and wales", r"satisf(?:ied|action)", r"figures?",
             r"stat(?:istic)?s", r"count", r"total", r"level", r"high risk", r"members(?:hip)?",
             r"signed up", r"applications?", r"applied for", r"caseload", r"vacanc(?:y|ies)",
             r"sickness", r"posts")
COUNT = _re(r"how many", r"number of", r"count")
# Finding kinds, with abbreviations and singulars, to the word the `findings` command takes.
KINDS: list[tuple[re.Pattern[str], str]] = [
    (_re(r"causes? of con[cs]?er?n", r"cocs?", r"concerns?"), "causes of concern"),
    (_re(r"areas? (?:for|of) improvements?", r"afis?", r"improvement areas?"),
     "areas for improvement"),
    (_re(r"recommendations?", r"recomm?endations?", r"recs?", r"recommend(?:ed|s)?"),
     "recommendations"),
]
FINDING_WORDS = _re(r"findings?", r"actions?", r"what (?:should|must|do|does) (?:we|the force) "
                    r"(?:need to )?(?:improve|do)", r"what needs? (?:doing|to be done|improving)",
                    r"what (?:had|has|have) to be done", r"need(?:s|ed)? to improve",
                    r"should (?:we|the force) improve", r"improve on", r"told to")
# Deadline phrases the reports use, to the words that find them.
DEADLINE_PHRASES: list[tuple[re.Pattern[str], str]] = [
    # "in the next six months" is a window from today (`due`), not the deadline wording
    (_re(r"(?<!next )(?<!coming )(?:within )?(?:three|3) ?months?", r"threemonths?", r"3months?"),
     "within three months"),
    (_re(r"(?<!next )(?<!coming )(?:within )?(?:six|6) ?months?", r"sixmonths?", r"6months?"),
     "within six months"),
    (_re(r"immediate(?:ly)?", r"at once", r"straight away"), "immediately"),
    (_re(r"by march 2015"), "by march 2015"),
]
WHEN = _re(r"when")
# "what does PEEL stand for", "what does THRIVE mean", "meaning of MASH": the term, searched
# for (the reports' passages rank its expansion in brackets first).
DEFINE = re.compile(r"\bwhat (?:does|do|did|is|are) (?:the )?(?:term |word |acronym |abbreviation )?"
                    r"(?P<term>[a-z0-9&'-]+(?: [a-z0-9&'-]+){0,3}) (?:stand for|stands for|mean|means)\b"
                    r"|\b(?:meaning of|define|definition of|what is meant by) (?:the )?"
                    r"(?P<term2>[a-z0-9&'-]+(?: [a-z0-9&'-]+){0,3})$")
# "when is the next digest", "what will the reminders say": the digest preview.
DIGEST = _re(r"digest", r"next reminders?", r"reminders? (?:go|goes|going) out",
             r"what will (?:the )?reminders?")
# Asking where one finding stands: answered with that finding in full (its status and history).
STATUS = _re(r"addressed", r"closed", r"status", r"still open", r"completed?", r"resolved",
             r"been (?:done|met|dealt with)", r"signed off", r"progress on")
ITEM_ID = re.compile(r"\b[a-z]{2,5}-\d{4}-[a-z0-9]+(?:-[a-z0-9]+)*\b")
# Windows for `due`: words to days.
WINDOWS: list[tuple[re.Pattern[str], int | None]] = [
    (re.compile(r"\b(?:in|within|next|coming)?\s*(\d{1,4})\s*days?\b"), None),
    (re.compile(r"\b(?:in|within|next|coming)?\s*(\d{1,3})\s*weeks?\b"), -7),
    (re.compile(r"\b(?:in|within|next|coming)?\s*(\d{1,2})\s*months?\b"), -30),
    (_re(r"this week", r"next week", r"a week", r"seven days"), 7),
    (_re(r"fortnight", r"two weeks"), 14),
    (_re(r"next month", r"this month", r"a month", r"30 days"), 30),
    (_re(r"two months", r"couple of months"), 60),
    (_re(r"three months", r"quarter"), 90),
    (_re(r"six months", r"half a year"), 183),
    (_re(r"next year", r"a year", r"twelve months"), 365),
]
# Words that carry no topic: question words, the force, filler. What is left is the topic.
FILLER = word_set("""
a about according actually all also am an and any anything are as asked at be been being best
both but by can cleveland could did do does doing done during each ever for force forces from
get got had has have how i if in inspection inspections inspected into is it its just know let
like list many me mean means more most much my need needs new next no not now of on or our ours out
over please police give given report reports said say see should show so some still tell than
that the their them then there these they thing things this those to told us want was we were
what whats when where which while who whom why will with within would you your yours s
peel hmic hmicfrs inspectorate
""")
GRADE_STRONG = _re(r"grades?", r"graded", r"rated", r"ratings?", r"judged", r"judge?ments?")
# Words that name a kind of finding or a deadline, not its topic.
KIND_WORDS = word_set("""recommendation recommendations recommend recommended recs rec area areas
improvement improvements afi afis cause causes concern concerns coc cocs finding findings action
actions raise raised make made did report""")
# What "which recommendations are still open" asks besides the kind: the open ones, which
# `findings KIND` lists with each one's status.
OPEN_WORDS = word_set("open still outstanding live current unresolved remain remains remaining left")
STATUS_WORDS = word_set("addressed closed status still open complete completed resolved done met "
                        "dealt signed off progress has been")
DUE_WORDS = word_set("due deadline deadlines submit submitted by date when upcoming coming up "
                     "next days day weeks week month months this")
# Cue words, so that the typo corrector knows them and does not "correct" them away.
VOCABULARY = word_set("""reminder reminders digest overdue upcoming deadline deadlines published
publication respond
response responses commissioner constable governed governance monitor scrutiny grade graded
grades rated rating judged judgment judgement judgments judgements effective improved changed
history inadequate adequate outstanding requires improvement recommendation recommendations
causes concern improvement areas percentage proportion satisfaction satisfied figures statistics
average compare compared england wales fortnight immediately immediate within months weeks
signed inspector inspectors wrote efficient better worse since latest recent current""")
