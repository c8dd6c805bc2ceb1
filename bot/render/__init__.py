"""Rendering: results to text with the Jinja templates (templating, text), then to Slack's
Block Kit (blocks) or a terminal (terminal); answer runs the whole pipeline from typed text to
a rendered answer. Imports bot.ask's results and bot.content, never a surface.
"""
