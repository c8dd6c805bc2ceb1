"""Alembic migrations of the reminders ledger (run by bot/reminders/migrate.py, never by hand:
`inspection-bot db upgrade`). Each file in versions/ is one revision, numbered in order."""
