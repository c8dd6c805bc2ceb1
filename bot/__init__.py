"""Inspection briefing bot: HMIC/HMICFRS reports as a knowledge base, served to Slack."""
