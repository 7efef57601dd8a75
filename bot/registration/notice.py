"""The privacy notice shown before pre-registering, and its version (stored with each consent)."""

from __future__ import annotations

# Change the version whenever the notice's meaning changes: people who consented to an older
# version are asked again before they update their registration.
NOTICE_VERSION = "2026-12-02.2"

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
