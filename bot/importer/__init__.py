"""The importer: a report (PDF, HTML or text) to a draft knowledge-base file for review.

reading (pdf, webpage, plain text) -> document (numbered lines, units) -> outline (sections and
their areas) -> judgments, findings, figures -> build (ids, checks against the source) -> draft
(YAML) and summary. Driven by `inspection-bot import`.
"""
