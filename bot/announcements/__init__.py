"""Call dates, reminders, announcement texts and the .ics (pure), and their scheduler."""
