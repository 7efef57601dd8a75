"""Announcements: call dates, reminders, texts and the .ics (pure), the scheduler, the
durable outbox and the broadcaster that delivers it."""
