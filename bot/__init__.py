"""applicant-bot: the Telegram assistant for Twin Cities applicants."""

__version__ = "0.1.0"
