"""Asking: from typed text to result objects (plain data), over the knowledge base.

command (the slash-command grammar) -> dispatch (which query answers it) -> queries, search,
dashboard (the App Home data), digest and milestones (what the reminders will send: pure, so a
preview is the same computation the scheduler makes) -> results. Imports only bot.content.
"""
