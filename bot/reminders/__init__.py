"""Deadline reminders and digests: policy, what is due, the ledger, delivery and the clock."""
