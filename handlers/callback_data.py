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

# "Not what I asked" under an uncertain answer: at most 43 bytes (entry ids are at most 40).
NOT_ASKED_PREFIX = "nq:"

# /register: entry buttons, then one button family per step, "reg:<step>:<action>".
REGISTRATION_PREFIX = "reg:"
REGISTER_START = "reg:start"
REGISTER_UPDATE = "reg:update"
REGISTER_KEEP = "reg:keep"
NAVIGATION_ACTIONS = ("back", "cancel", "why")

# /export's "Excel (with BOM)" under a CSV document.
EXPORT_EXCEL = "exp:excel"

# /eligibility: the answers so far ride in the data, so nothing is kept between presses.
ELIGIBILITY_PREFIX = "elig:"
ELIGIBILITY_OTHER_COUNTRY = "elig:other"


def faq_entry(entry_id: str) -> str:
    """The data of a button that shows one FAQ entry."""
    return f"{ENTRY_CALLBACK_PREFIX}{entry_id}"


def not_asked(entry_id: str) -> str:
    """The data of "Not what I asked" under a less certain answer: "nq:<entry id>"."""
    return f"{NOT_ASKED_PREFIX}{entry_id}"


def not_asked_entry(data: str) -> str:
    """The answered entry's id in a `not_asked` button's data."""
    return data.removeprefix(NOT_ASKED_PREFIX)


def faq_topic(tag: str) -> str:
    """The data of a button that lists one FAQ topic."""
    return f"{TAG_CALLBACK_PREFIX}{tag}"


def entry_id_of(data: str) -> str:
    """The entry id in a `faq_entry` button's data."""
    return data.removeprefix(ENTRY_CALLBACK_PREFIX)


def topic_of(data: str) -> str:
    """The tag in a `faq_topic` button's data."""
    return data.removeprefix(TAG_CALLBACK_PREFIX)


def registration(step: str, action: str) -> str:
    """The data of a button of one /register step, e.g. "reg:status:mission"."""
    return f"{REGISTRATION_PREFIX}{step}:{action}"


def registration_step_and_action(data: str) -> tuple[str, str]:
    """The step and the action in a `registration` button's data ("" for entry buttons)."""
    step, _, action = data.removeprefix(REGISTRATION_PREFIX).partition(":")
    return step, action


def register_start(country: str, status: str, commitment: str) -> str:
    """The data of Pre-register after an /eligibility check, carrying its three answers."""
    return f"{REGISTER_START}:{country}:{status}:{commitment}"


def register_start_answers(data: str) -> tuple[str, str, str] | None:
    """The answers a `register_start` button carries; None for a plain REGISTER_START."""
    found = re.fullmatch(REGISTER_START_PATTERN, data)
    if found is None or found["country"] is None:
        return None
    return found["country"], found["status"], found["commitment"]


def registration_choice(step: str, *actions: str) -> str:
    """A pattern matching this step's buttons with these actions (any action when none given)."""
    head = re.escape(registration(step, ""))
    if not actions:
        return f"^{head}"
    return f"^{head}(" + "|".join(re.escape(action) for action in actions) + ")$"


def eligibility_country(code: str) -> str:
    """The data of a country button in /eligibility."""
    return f"{ELIGIBILITY_PREFIX}c:{code}"


def eligibility_check(code: str) -> str:
    """The data of "Check my city" under a country answer: /eligibility from the status on."""
    return f"{ELIGIBILITY_PREFIX}a:{code}"


def eligibility_status(code: str, status: str) -> str:
    """The data of a status button in /eligibility, carrying the country."""
    return f"{ELIGIBILITY_PREFIX}s:{code}:{status}"


def eligibility_commitment(code: str, status: str, commitment: str) -> str:
    """The data of a commitment button in /eligibility, carrying country and status."""
    return f"{ELIGIBILITY_PREFIX}m:{code}:{status}:{commitment}"


def eligibility_answers(data: str) -> list[str]:
    """The answers an /eligibility button carries: [country], [.., status], [.., commitment]."""
    return data.removeprefix(ELIGIBILITY_PREFIX).split(":")[1:]


def exactly(data: str) -> str:
    """A pattern matching only this data."""
    return f"^{re.escape(data)}$"


def one_of(*choices: str) -> str:
    """A pattern matching any of these data values."""
    return "^(" + "|".join(re.escape(choice) for choice in choices) + ")$"


ERASE_OR_KEEP_PATTERN = one_of(ERASE_DATA, KEEP_DATA)
FAQ_ENTRY_PATTERN = f"^{re.escape(ENTRY_CALLBACK_PREFIX)}"
FAQ_TOPIC_PATTERN = f"^{re.escape(TAG_CALLBACK_PREFIX)}"
NOT_ASKED_PATTERN = f"^{re.escape(NOT_ASKED_PREFIX)}[a-z0-9-]+$"
REGISTRATION_ANY_PATTERN = f"^{re.escape(REGISTRATION_PREFIX)}"
REGISTRATION_NAVIGATION_PATTERN = (
    f"^{re.escape(REGISTRATION_PREFIX)}[a-z_]+:(" + "|".join(NAVIGATION_ACTIONS) + ")$"
)
REGISTER_START_PATTERN = (
    f"^{re.escape(REGISTER_START)}"
    "(?::(?P<country>[A-Z]{2}):(?P<status>[a-z]+):(?P<commitment>[a-z]+))?$"
)
REGISTRATION_RESUME_PATTERN = f"{REGISTER_START_PATTERN}|{exactly(REGISTER_UPDATE)}"
ELIGIBILITY_COUNTRY_PATTERN = f"^{re.escape(ELIGIBILITY_PREFIX)}c:[A-Z]{{2}}$"
ELIGIBILITY_CHECK_PATTERN = f"^{re.escape(ELIGIBILITY_PREFIX)}a:[A-Z]{{2}}$"
ELIGIBILITY_STATUS_PATTERN = f"^{re.escape(ELIGIBILITY_PREFIX)}s:[A-Z]{{2}}:[a-z]+$"
ELIGIBILITY_COMMITMENT_PATTERN = f"^{re.escape(ELIGIBILITY_PREFIX)}m:[A-Z]{{2}}:[a-z]+:[a-z]+$"

# Staff announcements: a pending change's Confirm / Cancel carry its token, so an old button
# is known as stale; /announcements' Cancel buttons carry what they cancel.
ANNOUNCE_PREFIX = "ann:"
ANNOUNCE_PATTERN = f"^{re.escape(ANNOUNCE_PREFIX)}"


def announce_confirm(token: str) -> str:
    """The data of the Confirm / Send button of a pending change."""
    return f"{ANNOUNCE_PREFIX}ok:{token}"


def announce_cancel(token: str) -> str:
    """The data of the Cancel button of a pending change."""
    return f"{ANNOUNCE_PREFIX}no:{token}"


def cancel_scheduled(scheduled_id: str) -> str:
    """The data of a button that cancels a scheduled message."""
    return f"{ANNOUNCE_PREFIX}xs:{scheduled_id}"


def cancel_sending(announcement_id: str) -> str:
    """The data of a button that stops an announcement being sent."""
    return f"{ANNOUNCE_PREFIX}xo:{announcement_id}"


def resend_failed(announcement_id: str) -> str:
    """The data of a button that sends an announcement again to the recipients it failed."""
    return f"{ANNOUNCE_PREFIX}rs:{announcement_id}"


def announce_action(data: str) -> tuple[str, str]:
    """The action ("ok", "no", "xs", "xo", "rs") and its argument in an announcement button."""
    action, _, argument = data.removeprefix(ANNOUNCE_PREFIX).partition(":")
    return action, argument


# /unanswered: a cluster's buttons carry its short token (and the entry, or the list's page), so
# a press after the log or the FAQ changed is known as stale. "una:a:<token>:<entry id>" is at
# most 57 bytes (entry ids are at most 40 characters).
UNANSWERED_PREFIX = "una:"
UNANSWERED_PATTERN = f"^{re.escape(UNANSWERED_PREFIX)}[aoim]:[0-9a-f]+(:[a-z0-9-]+)?$"


def unanswered_add(token: str, entry_id: str) -> str:
    """The data of "Add as a phrasing of <entry>" under a question cluster."""
    return f"{UNANSWERED_PREFIX}a:{token}:{entry_id}"


def unanswered_other(token: str, page: int = 0) -> str:
    """The data of "Another entry..." (a page of the entry list) under a question cluster."""
    return f"{UNANSWERED_PREFIX}o:{token}:{page}"


def unanswered_ignore(token: str) -> str:
    """The data of "Ignore" under a question cluster."""
    return f"{UNANSWERED_PREFIX}i:{token}"


def unanswered_more_groups(token: str) -> str:
    """The data of "More groups…": the next page of clusters, from the one with this token."""
    return f"{UNANSWERED_PREFIX}m:{token}"


def unanswered_action(data: str) -> tuple[str, str, str]:
    """The action ("a", "o", "i", "m"), the cluster token and the argument of an /unanswered
    button."""
    action, _, rest = data.removeprefix(UNANSWERED_PREFIX).partition(":")
    token, _, argument = rest.partition(":")
    return action, token, argument


# Reach a person: the person's buttons, then staff buttons carrying the thread id.
HANDOFF_PREFIX = "ho:"
HANDOFF_START = "ho:start"
HANDOFF_CANCEL = "ho:cancel"
HANDOFF_REPLY_CANCEL = "ho:rx"
# The "write your question" prompt's Cancel names its thread: once the question went, a late
# press of it must not close the conversation the question opened.
HANDOFF_ASK_CANCEL_PREFIX = "ho:ask-cancel:"
HANDOFF_ASK_CANCEL_PATTERN = f"^{re.escape(HANDOFF_ASK_CANCEL_PREFIX)}[0-9]+$"
HANDOFF_STAFF_PATTERN = f"^{re.escape(HANDOFF_PREFIX)}(rx$|[rcfmt]:)"


def handoff_ask_cancel(thread_id: int) -> str:
    """The data of Cancel under the prompt asking the person to write their question."""
    return f"{HANDOFF_ASK_CANCEL_PREFIX}{thread_id}"


def handoff_ask_cancel_thread(data: str) -> int:
    """The thread id in a `handoff_ask_cancel` button's data (0 if it has none)."""
    number = data.removeprefix(HANDOFF_ASK_CANCEL_PREFIX)
    return int(number) if number.isdigit() else 0


def handoff_reply(thread_id: int) -> str:
    """The data of a staff Reply button: their next message answers the thread."""
    return f"{HANDOFF_PREFIX}r:{thread_id}"


def handoff_close(thread_id: int) -> str:
    """The data of a staff Close button."""
    return f"{HANDOFF_PREFIX}c:{thread_id}"


def handoff_faq(thread_id: int, entry_id: str) -> str:
    """The data of "Answered by the FAQ: <entry>" (may exceed 64 bytes for a long entry id)."""
    return f"{HANDOFF_PREFIX}f:{thread_id}:{entry_id}"


def handoff_more_entries(thread_id: int) -> str:
    """The data of "Another FAQ entry…": choose a topic first."""
    return f"{HANDOFF_PREFIX}m:{thread_id}"


def handoff_topic(thread_id: int, topic_number: int) -> str:
    """The data of a topic button when choosing the FAQ entry that answers a thread."""
    return f"{HANDOFF_PREFIX}t:{thread_id}:{topic_number}"


def handoff_action(data: str) -> tuple[str, int, str]:
    """The action ("r", "c", "f", "m", "t"), thread id and argument of a staff handoff button."""
    action, _, rest = data.removeprefix(HANDOFF_PREFIX).partition(":")
    number, _, argument = rest.partition(":")
    return action, int(number) if number.isdigit() else 0, argument
