"""Alembic's entry point: migrate the connection bot/reminders/migrate.py passes in, inside the
transaction (and lock) it already holds, recording the revision in its own version table."""

from alembic import context

from bot.reminders.migrate import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
