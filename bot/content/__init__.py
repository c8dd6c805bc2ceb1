"""Content: the YAML knowledge base read, checked and built into frozen, indexed objects.

yamlfile (safe YAML with marks) -> fields and schema (typed checks) -> loader (+ raw, checks
across files) -> model and kb (the knowledge base and its indexes); areas, deadlines, words and
the reminders policy model belong to the content; diff says in words what changed. Imports
nothing above it.
"""
