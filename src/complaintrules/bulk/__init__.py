"""Judging many cases at once: CRM exports and batches of columns."""
