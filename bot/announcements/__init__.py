"""Announcements: the durable outbox and the broadcaster that delivers it."""
