"""The content schema: every key a maintainer may write, with the words that document it.

The loader checks files against these declarations, `inspection-bot schema` turns them into the
JSON Schema editors use, and a test fails when content/README.md does not mention a field.
"""

from __future__ import annotations

import json
import re
from typing import Any

from bot.content.fields import Bool, Choice, Date, Field, Id, ListOf, Number, Record, Text

GRADE_SCALES: dict[str, tuple[str, ...]] = {
    "four-tier": ("outstanding", "good", "requires improvement", "inadequate"),
    "five-tier": ("outstanding", "good", "adequate", "requires improvement", "inadequate"),
}
FINDING_KINDS = ("cause_of_concern", "recommendation", "area_for_improvement")
STATUSES = ("open", "in_progress", "pending_sign_off", "closed", "superseded")
UNITS = ("percent", "percentage_points", "per_1000_population", "count", "pounds", "ratio",
         "days", "hours", "minutes", "other")

SOURCE = Record("source", [
    Field("document", Text(), "source document id (its file name)", required=True),
    Field("line", Number(integer=True, minimum=1), "1-based line where the text starts", required=True),
    Field("page", Number(integer=True, minimum=1), "page of the printed report (imported PDFs)"),
], doc="where in a source document an item is stated")

# `inspection-bot import` marks every item it drafts; a maintainer deletes the marker after
# checking the item against its cited line. `validate` warns, `validate --strict` refuses.
REVIEW = Field("review", Choice(("draft",)), "'draft' until a maintainer has checked the item "
               "against its source line (set by inspection-bot import)")

EVIDENCE = Record("evidence", [
    Field("document", Text(), "source document id"),
    Field("line", Number(integer=True, minimum=1), "1-based line of the evidence"),
    Field("quote", Text(), "the evidence, verbatim"),
    Field("url", Text(), "a link to evidence outside the source documents"),
    Field("note", Text(), "what the evidence is"),
])

DEADLINE = Record("deadline", [
    Field("phrase", Text(), "the deadline exactly as the source phrases it", required=True),
    Field("date", Date(nullable=True), "the date the phrase names, quoted ISO"),
    Field("precision", Choice(("day", "month")), "day (default) or month when only a month is named"),
    Field("after_publication", Text(), "a period after publication: '3 months', '0 days'"),
    Field("set_by", Choice(("inspectorate", "internal")), "who set the deadline"),
])

PART = Record("part", [
    Field("id", Id(), "the sub-point's id, e.g. cle-2016-rec-01a", required=True),
    Field("text", Text(), "official wording, verbatim", required=True),
    Field("deadline", DEADLINE, "the sub-point's own deadline, if it has one"),
    Field("source", SOURCE, "where the sub-point starts, when not right after the lead-in"),
])

HISTORY = Record("history entry", [
    Field("date", Date(nullable=True), "when the status changed; null when the evidence is undated",
          required=True),
    Field("status", Choice(STATUSES), "the status from then on", required=True),
    Field("note", Text(), "what happened"),
    Field("evidence", EVIDENCE, "what shows it"),
])

LINKS = Record("links", [
    Field("follows_up", ListOf(Id()), "earlier findings this one follows up"),
    Field("repeats", ListOf(Id()), "earlier findings this one repeats"),
    Field("supersedes", ListOf(Id()), "earlier findings this one replaces"),
])

FINDING = Record("finding", [
    Field("id", Id(), "stable id people type", required=True),
    Field("kind", Choice(FINDING_KINDS), "cause of concern, recommendation or area for improvement",
          required=True),
    Field("area", Id(), "canonical area id", required=True),
    Field("text", Text(), "official wording, verbatim", required=True),
    Field("parts", ListOf(PART), "sub-points of a recommendation"),
    Field("cause", Id(), "for a recommendation: the cause of concern it answers"),
    Field("source", SOURCE, "where the text starts", required=True),
    Field("also_in", ListOf(SOURCE), "other places the same text appears"),
    Field("deadline", DEADLINE, "the deadline the finding sets"),
    Field("target", Record("target", [
        Field("date", Date(), "the internal target date", required=True),
        Field("note", Text(), "who set it and why"),
    ]), "an internal target date"),
    Field("owner", Id(), "owner role id from owners.yaml"),
    Field("status", Choice(STATUSES), "current status (default open)"),
    Field("history", ListOf(HISTORY), "dated status updates with evidence, oldest first"),
    Field("links", LINKS, "links to earlier findings"),
    Field("note", Text(), "maintainers' note, not official wording"),
    REVIEW,
])

EARLIER = Record("earlier grade", [
    Field("year", Text(), "the earlier inspection's year label, e.g. 2015", required=True),
    Field("grade", Text(), "the grade as the report states it, in the scale's words", required=True),
    Field("quote", Text(), "the sentence that states it, verbatim"),
    Field("source", SOURCE, "where it is stated", required=True),
], doc="a grade from an earlier inspection the knowledge base does not record")

JUDGMENT = Record("judgment", [
    Field("id", Id(), "optional id; defaults to <inspection>-<area>"),
    Field("area", Id(), "canonical area id", required=True),
    Field("question", Text(), "the question or area as worded in the report", required=True),
    Field("grade", Text(nullable=True), "grade word from the inspection's scale; null if ungraded"),
    Field("carried_from", Id(), "inspection whose grade is carried forward"),
    Field("quote", Text(), "the sentence stating the grade, verbatim"),
    Field("source", SOURCE, "where the grade is stated", required=True),
    Field("earlier", EARLIER, "the grade of an earlier inspection not recorded here, as stated"),
    Field("note", Text(), "maintainers' note"),
    REVIEW,
])

QUALIFIERS = ("more_than", "at_least", "about", "fewer_than", "up_to", "range")
DIRECTIONS = ("rise", "fall", "no_change")

FIGURE = Record("figure", [
    Field("id", Id(), "stable id", required=True),
    Field("label", Text(), "a short noun phrase a person would write: 'Unrecorded crimes', "
          "'Anti-social behaviour incidents'; capital first, no full stop", required=True),
    Field("printed", Text(), "the source's own words around the value, verbatim (the old "
          "sentence-fragment label); checked against the source line"),
    Field("value", Number(nullable=True), "the value as printed (a fall as a negative "
          "number); null when not legible or when the source gives a range", required=True),
    Field("qualifier", Choice(QUALIFIERS), "what the source says about the value: more_than, "
          "at_least, about, fewer_than, up_to, or range (with 'range'); omit when exact"),
    Field("range", Record("range", [
        Field("low", Number(), "lower end as printed", required=True),
        Field("high", Number(), "upper end as printed", required=True),
    ]), "a range the source prints ('60 to 80'), with 'qualifier: range' and 'value: null'"),
    Field("direction", Choice(DIRECTIONS), "for a change: rise (value above 0), fall (value "
          "below 0) or no_change; the answer says 'fell by 3%'"),
    Field("better", Choice(("higher", "lower")), "which way is better, where the source or the "
          "measure makes it clear; omit otherwise"),
    Field("superseded_by", Id(), "id of a figure for a later period of the same measure"),
    Field("legible", Bool(), "false when the source does not show the value legibly"),
    Field("unit", Choice(UNITS), "unit of the value", required=True),
    Field("unit_label", Text(), "how to print an 'other' unit"),
    Field("period", Text(nullable=True), "the period as stated; null when not stated"),
    Field("area", Id(), "canonical area id", required=True),
    Field("topics", ListOf(Text()), "extra search words"),
    Field("comparators", Record("comparators", [
        Field("england_and_wales", Number(nullable=True), "the England and Wales figure"),
    ]), "comparators given by the source"),
    Field("confidence_interval", Record("confidence interval", [
        Field("low", Number(), "lower bound", required=True),
        Field("high", Number(), "upper bound", required=True),
    ]), "confidence interval given by the source"),
    Field("source", SOURCE, "where the value is printed", required=True),
    Field("note", Text(), "maintainers' note"),
    REVIEW,
])

OVERALL = Record("overall grade", [
    Field("stated", Bool(), "true when the report states one overall grade", required=True),
    Field("quote", Text(), "the sentence that shows it, verbatim"),
    Field("source", SOURCE, "where the report states it (or asks the overall question ungraded)",
          required=True),
], doc="whether the report gives an overall grade")

NOT_RAISED = Record("not raised", [
    Field("kind", Choice(FINDING_KINDS), "the kind of finding the report did not raise",
          required=True),
    Field("basis", Choice(("stated", "structure")),
          "stated: the source says so; structure: the report's headings show it", required=True),
    Field("quote", Text(), "the words that say or show it, verbatim"),
    Field("source", SOURCE, "the line that says or shows it", required=True),
], doc="a kind of finding the report did not raise")

FIELDWORK = Record("fieldwork", [
    Field("phrase", Text(), "when the inspection's fieldwork took place, as the source says it",
          required=True),
    Field("quote", Text(), "the sentence, verbatim"),
    Field("source", SOURCE, "where it is stated", required=True),
])

INSPECTOR = Record("inspector", [
    Field("name", Text(), "the inspector's name as printed", required=True),
    Field("role", Text(), "the title as printed, e.g. HM Chief Inspector of Constabulary"),
    Field("source", SOURCE, "where the name is printed", required=True),
])

MONITORING = Record("monitoring", [
    Field("status", Text(), "the monitoring status word as printed, e.g. engage", required=True),
    Field("quote", Text(), "the sentence that states it, verbatim"),
    Field("source", SOURCE, "where it is stated", required=True),
])

PRACTICE = Record("notable practice", [
    Field("title", Text(), "the practice's heading or first words, verbatim", required=True),
    Field("text", Text(), "what the report says about it, verbatim"),
    Field("source", SOURCE, "where the box or paragraph starts", required=True),
])

INSPECTION = Record("inspection", [
    Field("id", Id(), "stable id", required=True),
    Field("force", Id(), "force id", required=True),
    Field("title", Text(), "title as printed", required=True),
    Field("inspectorate", Choice(("HMIC", "HMICFRS")), "who inspected", required=True),
    Field("programme", Text(), "inspection programme", required=True),
    Field("year", Text(), "the year label people use: 2014, 2016, 2021/22", required=True),
    Field("published", Date(nullable=True), "publication date, or null when not stated",
          required=True),
    Field("published_source", SOURCE, "where the publication date is stated"),
    Field("scale", Choice(tuple(GRADE_SCALES)), "grading scale", required=True),
    Field("sources", ListOf(Text()), "source document ids", required=True),
    Field("overall_grade", OVERALL, "whether the report gives an overall grade, and where"),
    Field("not_raised", ListOf(NOT_RAISED),
          "kinds of finding the report did not raise, with the line that says or shows it"),
    Field("fieldwork", FIELDWORK, "when the fieldwork took place, where the source states it"),
    Field("inspectors", ListOf(INSPECTOR), "the inspectors who signed the report"),
    Field("monitoring", MONITORING, "the force's monitoring status, where the source states it"),
    Field("notable_practice", ListOf(PRACTICE), "innovative or notable practice the report names"),
    Field("note", Text(), "maintainers' note"),
])

RESPONSE = Record("response", [
    Field("id", Id(), "stable id", required=True),
    Field("inspection", Id(), "the inspection responded to", required=True),
    Field("by", Choice(("chief_constable", "pcc", "force")), "who responded", required=True),
    Field("name", Text(), "who, as printed", required=True),
    Field("said", Text(), "what they said, verbatim", required=True),
    Field("governance", Text(), "how findings are governed, verbatim"),
    Field("source", SOURCE, "where 'said' starts", required=True),
    Field("governance_source", SOURCE, "where 'governance' starts"),
    REVIEW,
])

FORCE = Record("force", [
    Field("id", Id(), "force id", required=True),
    Field("name", Text(), "force name", required=True),
    Field("prefix", Id(), "id prefix of the force's items", required=True),
])

DOCUMENT = Record("document", [
    Field("id", Text(), "the file name", required=True),
    Field("title", Text(), "title as printed", required=True),
    Field("kind", Choice(("report", "summary", "response")), "what the document is", required=True),
    Field("published", Date(nullable=True), "publication date or null"),
    Field("published_source", SOURCE, "where the date is stated"),
])

AREA = Record("area", [
    Field("id", Id(), "area id", required=True),
    Field("name", Text(), "plain name", required=True),
    Field("aliases", ListOf(Text()), "each year's wording of the area"),
    Field("keywords", ListOf(Text()), "extra words people type"),
    Field("see_also", ListOf(Id()), "related area ids"),
])

OWNER = Record("owner", [
    Field("id", Id(), "role id", required=True),
    Field("role", Text(), "role title", required=True),
    Field("slack_user", Text(nullable=True), "Slack user id (U...)"),
    Field("slack_usergroup", Text(nullable=True), "Slack user group id (S...)"),
    Field("force", Id(), "the force whose role this is, when the base holds several forces "
          "(default: every force's)"),
])

# --- reminders policy (content/policy.yaml; see bot/reminders/policy.py) -----------------------
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ROUTE = Record("route", [
    Field("channel", Text(), "Slack channel id (C...) that gets the matching reminders",
          required=True),
    Field("area", Id(), "match findings in this area id"),
    Field("owner", Id(), "match findings owned by this owner role id"),
    Field("kind", Choice(FINDING_KINDS + ("pcc_response",)), "match this kind of finding"),
    Field("force", Id(), "match this force's findings (a force id)"),
], doc="send reminders that match every given key to a channel")

CHANNEL = Record("channel", [
    Field("channel", Text(), "Slack channel id (C...)", required=True),
    Field("force", Id(), "the force id questions asked in this channel are about; its "
          "reminders no route takes go here", required=True),
], doc="a channel that belongs to one force")

QUIET = Record("quiet period", [
    Field("from", Date(), "first day with no reminders, quoted ISO", required=True),
    Field("to", Date(), "last day with no reminders, quoted ISO", required=True),
    Field("note", Text(), "why (e.g. Christmas)"),
], doc="dates on which no reminder is posted; what falls due goes out on the next working day")

POLICY = Record("policy", [
    Field("timezone", Text(), "IANA time zone of the digest time (default Europe/London)"),
    Field("days", ListOf(Choice(WEEKDAYS)), "weekdays the digest may go out (default mon-fri)"),
    Field("time", Text(pattern=TIME_RE, pattern_doc="write a quoted 24-hour time such as \"09:00\""),
          "digest time, quoted \"HH:MM\" (default \"09:00\")"),
    Field("bank_holidays", Choice(("england-and-wales", "none")),
          "skip England and Wales bank holidays (default) or none"),
    Field("lead_times", ListOf(Number(integer=True, minimum=1)),
          "days before a deadline to remind (default 30, 14, 7, 1)"),
    Field("on_the_day", Bool(), "remind on the deadline day itself (default true)"),
    Field("stale_after_days", Number(integer=True, minimum=1),
          "days after the last recorded update that a live finding turns amber (default 90)"),
    Field("overdue_every_days", Number(integer=True, minimum=0),
          "days between overdue nags; 0 for none (default 7)"),
    Field("overdue_nags", Number(integer=True, minimum=0),
          "overdue nags per deadline before it moves to the digest's overdue summary line "
          "(default 4)"),
    Field("catch_up_days", Number(integer=True, minimum=0),
          "working days back a missed reminder is still sent after downtime or on first "
          "start; older ones are counted in one line, not sent (default 7)"),
    Field("pcc_response_days", Number(integer=True, minimum=0),
          "days after publication the PCC must respond (statutory 56); 0 for none"),
    Field("default_channel", Text(), "channel id that gets every reminder no route takes",
          required=True),
    Field("direct_messages", Bool(), "also message owners who have a slack_user (default false)"),
    Field("routes", ListOf(ROUTE),
          "routing by area, owner, kind or force; every matching route gets it"),
    Field("channels", ListOf(CHANNEL), "channels that belong to one force (several forces in "
          "one base): questions there are about it, its unrouted reminders go there"),
    Field("quiet_periods", ListOf(QUIET), "date ranges with no reminders"),
    Field("retries_until", Text(pattern=TIME_RE,
                                pattern_doc="write a quoted 24-hour time such as \"17:00\""),
          "a digest that failed is retried the same day until this time (default \"17:00\")"),
], doc="when and where the bot posts deadline reminders")

FILE = Record("content file", [
    Field("forces", ListOf(FORCE), "forces"),
    Field("documents", ListOf(DOCUMENT), "source documents"),
    Field("areas", ListOf(AREA), "the canonical area taxonomy"),
    Field("owners", ListOf(OWNER), "owner roles and their Slack mapping"),
    Field("inspection", INSPECTION, "the inspection this file records"),
    Field("judgments", ListOf(JUDGMENT), "the inspection's judgments"),
    Field("findings", ListOf(FINDING), "the inspection's findings"),
    Field("figures", ListOf(FIGURE), "the inspection's figures"),
    Field("responses", ListOf(RESPONSE), "responses to an inspection"),
    Field("policy", POLICY, "the reminders policy (content/policy.yaml only)"),
], doc="One file of the inspection briefing bot's knowledge base")

ALL_RECORDS = (FILE, FORCE, DOCUMENT, AREA, OWNER, INSPECTION, OVERALL, NOT_RAISED, FIELDWORK,
               INSPECTOR, MONITORING, PRACTICE, EARLIER, JUDGMENT, FINDING, PART, DEADLINE,
               HISTORY, EVIDENCE, LINKS, FIGURE, RESPONSE, SOURCE, POLICY, ROUTE, CHANNEL, QUIET)


def json_schema() -> dict[str, Any]:
    schema = FILE.json_schema()
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": "https://github.com/inspection-bot/inspection-bot/content/schema.json",
        "title": "Inspection briefing knowledge base file",
        **schema,
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
