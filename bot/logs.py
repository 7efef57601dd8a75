"""Logging set-up that keeps the bot token and the webhook secret out of every log line."""

from __future__ import annotations

import logging
import re

# httpx logs each request URL at INFO, and Bot API URLs carry the token after "/bot".
TOKEN_IN_TEXT = re.compile(r"\d{3,}:[A-Za-z0-9_-]{10,}")
REDACTED = "<bot-token>"
# PTB logs setWebhook's parameters at DEBUG ("'secret_token': '...'"); whoever holds the secret
# can post updates as anyone, staff included. Caught by shape too, for secrets not configured.
SECRET_IN_TEXT = re.compile(
    r"""((?:secret_token|X-Telegram-Bot-Api-Secret-Token)['"]?\s*[:=]\s*['"]?)[A-Za-z0-9_-]+""",
    re.IGNORECASE,
)
REDACTED_SECRET = "<webhook-secret>"


class TokenRedactingFilter(logging.Filter):
    """Replaces the bot token, the webhook secret (and strings shaped like them) in a record."""

    def __init__(self, token: str | None = None, secret: str | None = None) -> None:
        super().__init__()
        self._token = token
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with tokens redacted; never drops a record."""
        message = record.getMessage()
        cleaned = self.redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True

    def redact(self, text: str) -> str:
        """Return text with the token, the secret and strings shaped like them replaced."""
        if self._token:
            text = text.replace(self._token, REDACTED)
        if self._secret:
            text = text.replace(self._secret, REDACTED_SECRET)
        text = SECRET_IN_TEXT.sub(rf"\1{REDACTED_SECRET}", text)
        return TOKEN_IN_TEXT.sub(REDACTED, text)


def configure_logging(level: str, token: str | None, secret: str | None = None) -> None:
    """Log to stderr at the given level, with the token and secret filter on the root handler."""
    root = logging.getLogger()
    root.setLevel(level)
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(TokenRedactingFilter(token, secret))
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    # The request log line per API call is noise at INFO; keep it for DEBUG runs.
    logging.getLogger("httpx").setLevel(logging.DEBUG if level == "DEBUG" else logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
