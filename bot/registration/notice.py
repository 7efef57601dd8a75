"""The privacy notice shown before pre-registering, and its version (stored with each consent)."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

# Change the version whenever the notice's meaning changes: people who consented to an older
# version are asked again before they update their registration.
NOTICE_VERSION = "2026-12-06"

SUBSCRIBES = (
    "Confirming a pre-registration also subscribes you to news and deadline reminders; stop "
    "them any time with /unsubscribe."
)
# What a conversation started with /human keeps (handlers/desk.py, bot/storage/handoffs.py).
CONVERSATION = (
    "your messages and the team's answers, with your first name, and your city and country if "
    "you pre-registered"
)
KEPT = (
    "your city or municipality, its country, its status in the Cities Mission, its population, "
    "your name, your role, your work email and the topics you pick"
)

SHORT_NOTICE = (
    "<b>Before we start: your data</b>\n"
    f"I will keep {KEPT}, so that the people running this bot can follow up with you and "
    "remind you about the call.\n"
    f"{SUBSCRIBES}\n"
    "I keep it until you erase it with /deletedata, or until the bot's operators delete it "
    "after the call. See it any time with /mydata; the full notice is at /privacy.\n"
    "<b>Pre-registering here is not an application</b> to the programme.\n"
    f"<i>Privacy notice of {NOTICE_VERSION}.</i>"
)

FULL_NOTICE = (
    f"<b>Privacy notice</b> (version {NOTICE_VERSION})\n\n"
    "<b>What I keep.</b> If you pre-register with /register: "
    f"{KEPT}, with the time you agreed to this notice and its version. While you are still "
    "answering, I keep your answers so far as a draft, dropped after 24 hours without an "
    "answer. If you use /subscribe: your chat id and the time you subscribed. If you write "
    f"to a person with /human: {CONVERSATION}. The last question I could not answer is kept "
    "with your chat for one day, so that a person you then write to with /human sees it (it "
    "then stays with that conversation). Questions I could not answer are also logged "
    "without your user id, emails and phone numbers masked, to improve the FAQ.\n\n"
    "<b>Why.</b> So that the people running this bot know your city's interest, can follow up "
    f"with you and can remind you about the call, and so that a person can answer what you ask "
    f"with /human. {SUBSCRIBES}\n\n"
    "<b>Who sees it.</b> The people running this bot. What you send with /human is seen, and "
    "answered, by the team running this bot. It is not sent anywhere else by this bot.\n\n"
    "<b>For how long.</b> Until you erase it, or until the bot's operators delete it after the "
    "call; the last question I could not answer, one day unless you write to a person in that "
    "time.\n\n"
    "<b>Your choices.</b> See everything with /mydata, erase everything with /deletedata, stop "
    "news with /unsubscribe.\n\n"
    "<b>Pre-registering here is not an application</b> to the programme: applications follow "
    'the official call guidelines (ask me "how do I apply?").'
)


@dataclass(frozen=True)
class Controller:
    """Who is responsible for the data (the controller), how to reach them, and their data
    protection officer where there is one (plain text from the settings)."""

    name: str
    contact: str
    dpo_contact: str | None = None


def controller_line(controller: Controller) -> str:
    """Who is responsible for the data and how to reach them (HTML, values escaped)."""
    line = (
        f"<b>Who is responsible.</b> {escape(controller.name)} decides how this data is used "
        f"(the controller); reach them about your data at {escape(controller.contact)}."
    )
    if controller.dpo_contact:
        line += f" Their data protection officer: {escape(controller.dpo_contact)}."
    return line


def short_notice(controller: Controller) -> str:
    """The notice shown at the consent step, naming the controller (HTML)."""
    head, version = SHORT_NOTICE.rsplit("\n", 1)
    return f"{head}\n{controller_line(controller)}\n{version}"


def full_notice(controller: Controller) -> str:
    """The /privacy notice, naming the controller after its title (HTML)."""
    title, body = FULL_NOTICE.split("\n\n", 1)
    return f"{title}\n\n{controller_line(controller)}\n\n{body}"
