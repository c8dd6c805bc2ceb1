"""The reminders surface: the clock, the ledger, leader election and delivery to Slack.

What is due is decided in bot.ask.milestones (pure, so the digest preview shares it) under the
policy in bot.content.policy; this package claims, posts and confirms.
"""
