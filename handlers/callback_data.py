"""Every inline button's callback data: its prefix, how it is built, the pattern that routes it."""

from __future__ import annotations

import re

# The FAQ loader checks every entry id and tag fits Telegram's 64 bytes behind these prefixes.
from faq.loader import ENTRY_CALLBACK_PREFIX, TAG_CALLBACK_PREFIX

MENU_FAQ = "menu:faq"
MENU_NOT_FOUND = "menu:notfound"
MENU_SUBSCRIBE = "menu:subscribe"
ERASE_DATA = "privacy:erase"
KEEP_DATA = "privacy:keep"


def faq_entry(entry_id: str) -> str:
    """The data of a button that shows one FAQ entry."""
    return f"{ENTRY_CALLBACK_PREFIX}{entry_id}"


def faq_topic(tag: str) -> str:
    """The data of a button that lists one FAQ topic."""
    return f"{TAG_CALLBACK_PREFIX}{tag}"


def entry_id_of(data: str) -> str:
    """The entry id in a `faq_entry` button's data."""
    return data.removeprefix(ENTRY_CALLBACK_PREFIX)


def topic_of(data: str) -> str:
    """The tag in a `faq_topic` button's data."""
    return data.removeprefix(TAG_CALLBACK_PREFIX)


def exactly(data: str) -> str:
    """A pattern matching only this data."""
    return f"^{re.escape(data)}$"


def one_of(*choices: str) -> str:
    """A pattern matching any of these data values."""
    return "^(" + "|".join(re.escape(choice) for choice in choices) + ")$"


ERASE_OR_KEEP_PATTERN = one_of(ERASE_DATA, KEEP_DATA)
FAQ_ENTRY_PATTERN = f"^{re.escape(ENTRY_CALLBACK_PREFIX)}"
FAQ_TOPIC_PATTERN = f"^{re.escape(TAG_CALLBACK_PREFIX)}"
