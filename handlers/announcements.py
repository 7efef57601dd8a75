"""/status and /calendar for everyone; staff set the call's dates, broadcast and schedule."""

from __future__ import annotations

import secrets
from dataclasses import replace
from datetime import datetime
from html import escape
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update

from bot.announcements.changes import (
    announcement_for,
    apply_date_change,
    broadcast_now,
    resend_to_failed,
    schedule_broadcast,
)
from bot.announcements.dates import (
    DateField,
    DateInputError,
    check_change,
    parse_moment,
    split_moment,
)
from bot.announcements.ics import call_calendar
from bot.announcements.outbox import resend_key
from bot.announcements.plan_texts import change_plan_html, planned_lines
from bot.announcements.report import resend_label
from bot.announcements.scheduler import cancel_scheduled_job, real_now
from bot.announcements.texts import (
    STOP_LINE,
    SUBSCRIBE_OFFER,
    SUBSCRIBE_OFFER_OPENING,
    broadcast_preview,
    date_change_preview,
    plural,
    status_text,
)
from bot.context import AppContext
from bot.quoting import shortened
from faq.call import CallPhase
from faq.placeholders import format_call_moment
from handlers import callback_data as data
from handlers.access import staff_only
from handlers.audit_log import record_action

PENDING_KEY = "announcement_pending"
STALE_TEXT = "This button is out of date; send the command again."
CANCELLED_TEXT = "Cancelled: nothing was changed or sent."
NO_DATES_TEXT = (
    "The call's dates are to be announced, so there is nothing to add to a calendar yet."
)
NO_TEXT = (
    "Write the message after the command, e.g. /broadcast The webinar starts at 10:00, or "
    "reply to a message with /broadcast."
)
TOO_LONG_TEXT = "That message is too long for Telegram; keep it under 3,800 characters."
MAX_TEXT_CHARS = 3800
BAD_URL_TEXT = (
    "Give the call page's full http(s) address (up to 1,000 characters), e.g. "
    "/seturl https://example.org/call"
)
MAX_URL_CHARS = 1000
SHOWN_URL_CHARS = 200
BAD_NAME_TEXT = "Give the call's name (up to 200 characters), e.g. /setcallname Twin Cities call"
SCHEDULE_NO_TEXT = (
    "Write the message after the date and time, e.g. /schedule 31/05/2024 10:00 Hello."
)
FUTURE_ONLY_TEXT = "That time has already passed; give a time still to come."


def _buttons(token: str, confirm: str = "✅ Confirm") -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(confirm, callback_data=data.announce_confirm(token)),
                InlineKeyboardButton("✖️ Cancel", callback_data=data.announce_cancel(token)),
            ]
        ]
    )


async def _remember(update: Update, context: AppContext, **pending: str) -> str:
    """Keep the one pending change of this staff member, on disk before its preview is shown
    (a crash before Confirm must not lose it); the token its buttons carry."""
    assert context.user_data is not None
    kept = context.user_data.get(PENDING_KEY)
    # The same change asked again (a command handled again after a crash, or sent twice) keeps
    # its token: the preview already shown still confirms it.
    if isinstance(kept, dict) and {k: v for k, v in kept.items() if k != "token"} == pending:
        token = str(kept["token"])
    else:
        token = secrets.token_hex(4)
    context.user_data[PENDING_KEY] = {"token": token, **pending}
    await _save_user_data(update, context)
    return token


async def _save_user_data(update: Update, context: AppContext) -> None:
    """Write this staff member's data to persistence now, not at the next periodic flush."""
    if update.effective_user is None or context.application.persistence is None:
        return
    context.application.mark_data_for_update_persistence(user_ids=update.effective_user.id)
    await context.application.update_persistence()


async def _reply(update: Update, html: str, **kwargs: Any) -> Message | None:
    if update.effective_message is None:
        return None
    return await update.effective_message.reply_html(html, disable_web_page_preview=True, **kwargs)


async def show_status(update: Update, context: AppContext) -> None:
    """/status: where the call stands, with a /subscribe offer while dates are unknown."""
    services = context.services
    call = await services.call_state()
    html = status_text(call, services.clock())
    chat = update.effective_chat
    unknown = call.phase(services.clock()) is CallPhase.TO_BE_ANNOUNCED
    if unknown and chat is not None and not await services.store.is_subscriber(chat.id):
        offer = SUBSCRIBE_OFFER if call.deadline is None else SUBSCRIBE_OFFER_OPENING
        html += f"\n\n{offer}"
    await _reply(update, html)


async def send_calendar(update: Update, context: AppContext) -> None:
    """/calendar: the opening and deadline as an .ics file with alarms."""
    ics = call_calendar(await context.services.call_state())
    message = update.effective_message
    if message is None:
        return
    if ics is None:
        await message.reply_text(NO_DATES_TEXT)
        return
    await message.reply_document(
        InputFile(ics, filename="twin-cities-call.ics"),
        caption="The call's dates, with reminders, for your calendar.",
    )


async def _ask_date(update: Update, context: AppContext, field: DateField) -> None:
    services = context.services
    call = await services.call_state()
    try:
        new = parse_moment(" ".join(context.args or []), services.settings.zone, field)
        change = check_change(call, field, new, real_now())
    except DateInputError as error:
        await _reply(update, escape(str(error)))
        return
    if change.old == change.new:
        await _reply(update, f"That is already the {field.value}; nothing changes.")
        return
    subscribers = len(await services.store.active_subscribers())
    preview = date_change_preview(call, change, announcement_for(call, change), subscribers)
    preview += await change_plan_html(services, call, change)
    token = await _remember(update, context, action=field.name, value=new.isoformat())
    await _reply(update, preview, reply_markup=_buttons(token))


@staff_only
async def set_opening(update: Update, context: AppContext) -> None:
    """/setopening DATE [TIME] (staff): preview, then set the call's opening on Confirm."""
    await _ask_date(update, context, DateField.OPENS)


@staff_only
async def set_deadline(update: Update, context: AppContext) -> None:
    """/setdeadline DATE [TIME] (staff): preview, then set and announce the deadline."""
    await _ask_date(update, context, DateField.DEADLINE)


@staff_only
async def set_url(update: Update, context: AppContext) -> None:
    """/seturl URL (staff): the official call page shown with the call's dates."""
    url = " ".join(context.args or []).strip()
    try:
        parts = urlsplit(url)
        scheme, hostname = parts.scheme, parts.hostname
    except ValueError:  # e.g. "http://[" : not an address at all
        scheme, hostname = "", None
    too_long = len(url) > MAX_URL_CHARS
    if too_long or scheme not in ("http", "https") or not hostname or " " in url:
        await _reply(update, BAD_URL_TEXT)
        return
    store = context.services.store
    await store.save_call_overrides(replace(await store.get_call_overrides(), url=url))
    await record_action(update, context, "call.url_set", url)
    await _reply(update, f"The call's page is now {escape(shortened(url, SHOWN_URL_CHARS))}")


@staff_only
async def set_call_name(update: Update, context: AppContext) -> None:
    """/setcallname NAME (staff): the call's name in answers and announcements."""
    name = " ".join(context.args or []).strip()
    if not 1 <= len(name) <= 200:
        await _reply(update, BAD_NAME_TEXT)
        return
    store = context.services.store
    await store.save_call_overrides(replace(await store.get_call_overrides(), name=name))
    await record_action(update, context, "call.name_set", name)
    await _reply(update, f"The call is now called <b>{escape(name)}</b>.")


def _message_html(message: Message) -> str:
    """The HTML staff typed after the command, or of the message they replied to."""
    replied = message.reply_to_message
    command = (message.text or "").split(maxsplit=1)[0] if message.text else ""
    own = message.text_html or ""
    # Commands are plain text in text_html, so the command is its first characters too.
    own = own[len(command) :].strip() if own.startswith(command) else ""
    if own or replied is None:
        return own
    return (replied.text_html or replied.caption_html or "").strip()


@staff_only
async def broadcast(update: Update, context: AppContext) -> None:
    """/broadcast TEXT, or as a reply (staff): preview, then send to every subscriber."""
    message = update.effective_message
    if message is None:
        return
    html = _message_html(message)
    if not html:
        await _reply(update, NO_TEXT)
        return
    if len(html) > MAX_TEXT_CHARS:
        await _reply(update, TOO_LONG_TEXT)
        return
    subscribers = len(await context.services.store.active_subscribers())
    token = await _remember(update, context, action="broadcast", html=html)
    await _reply(
        update, broadcast_preview(html, subscribers), reply_markup=_buttons(token, "📣 Send")
    )


@staff_only
async def schedule(update: Update, context: AppContext) -> None:
    """/schedule DATE TIME TEXT (staff): preview, then send to every subscriber at that time."""
    message = update.effective_message
    if message is None:
        return
    zone = context.services.settings.zone
    args = context.args or []
    try:
        send_at, rest = split_moment(" ".join(args), zone)
    except DateInputError as error:
        await _reply(update, escape(str(error)))
        return
    html = _message_html(message)
    # The date words are plain digits, letters and separators, the same in text and HTML.
    for word in args[: len(args) - len(rest.split())]:
        html = html.removeprefix(escape(word)).lstrip()
    if not rest or not html:
        await _reply(update, SCHEDULE_NO_TEXT)
        return
    if send_at <= real_now():
        await _reply(update, FUTURE_ONLY_TEXT)
        return
    subscribers = len(await context.services.store.active_subscribers())
    token = await _remember(
        update, context, action="schedule", html=html, value=send_at.isoformat()
    )
    preview = broadcast_preview(html, subscribers, format_call_moment(send_at, zone))
    await _reply(update, preview, reply_markup=_buttons(token, "🕒 Schedule"))


KIND_NAMES = {
    "deadline_changed": "Deadline changed",
    "deadline_set": "Deadline set",
    "call_opened": "Call opened",
    "reminder": "Reminder",
    "broadcast": "Message",
}
# Reports to one staff member, not announcements to subscribers: left out of the list.
HIDDEN_KINDS = frozenset({"notice"})
NOTHING_LISTED_TEXT = "Nothing is scheduled or being sent."
LISTING_TITLE = "Announcements"


async def _listing(context: AppContext) -> tuple[str, InlineKeyboardMarkup | None]:
    """The /announcements text and its Cancel buttons, as things stand now."""
    services = context.services
    zone = services.settings.zone
    lines: list[str] = []
    rows: list[list[InlineKeyboardButton]] = []
    for scheduled in await services.store.scheduled_announcements():
        if scheduled.status != "scheduled":
            continue
        lines.append(
            f"🕒 #{scheduled.id} on {format_call_moment(scheduled.send_at, zone)}: "
            f"{_gist(scheduled.html)}"
        )
        label = f"Cancel #{scheduled.id}"
        rows.append(
            [InlineKeyboardButton(label, callback_data=data.cancel_scheduled(scheduled.id))]
        )
    for sent in await services.outbox.announcements(limit=10):
        if sent.kind in HIDDEN_KINDS:
            continue
        name = KIND_NAMES.get(sent.kind, sent.kind)
        lines.append(
            f"📣 {escape(name)}, {escape(sent.status)}: {sent.sent} of {sent.total} sent"
            f" ({sent.blocked} blocked, {sent.failed} failed): {_gist(sent.html)}"
        )
        if sent.status in ("queued", "sending"):
            label = f"Stop sending: {name}"
            rows.append([InlineKeyboardButton(label, callback_data=data.cancel_sending(sent.id))])
        elif sent.failed and not await services.outbox.has_key(resend_key(sent.id)):
            label = f"{resend_label(sent.failed)}: {name}"
            rows.append([InlineKeyboardButton(label, callback_data=data.resend_failed(sent.id))])
    lines += await planned_lines(services)
    if not lines:
        return NOTHING_LISTED_TEXT, None
    markup = InlineKeyboardMarkup(rows) if rows else None
    return f"<b>{LISTING_TITLE}</b>\n" + "\n".join(lines), markup


@staff_only
async def list_announcements(update: Update, context: AppContext) -> None:
    """/announcements (staff): what is scheduled and what is being sent, with Cancel buttons."""
    html, markup = await _listing(context)
    await _reply(update, html, reply_markup=markup)


def _gist(html: str) -> str:
    """The start of an announcement as plain, escaped text."""
    return escape(_plain_gist(html))


def _plain_gist(html: str) -> str:
    """The start of an announcement as plain text (not escaped)."""
    plain = " ".join(_strip_tags(html).replace(STOP_LINE, "").split())
    return plain if len(plain) <= 60 else plain[:59] + "…"


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _strip_tags(html: str) -> str:
    parser = _TextOnly()
    parser.feed(html)
    return "".join(parser.parts)


@staff_only
async def press_button(update: Update, context: AppContext) -> None:
    """Any announcement button (staff; checked on every press): confirm, cancel, stop."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    action, argument = data.announce_action(query.data)
    if action in ("ok", "no"):
        await _settle_pending(update, context, confirmed=action == "ok", token=argument)
        return
    if action == "rs":
        await _resend(update, context, argument)
        return
    if action == "xs":
        done = await context.services.store.set_scheduled_status(argument, "cancelled")
        if done:
            cancel_scheduled_job(context.application, argument)
            await record_action(update, context, "broadcast.cancelled", f"scheduled #{argument}")
        text = (
            f"Scheduled message #{argument} is cancelled."
            if done
            else "It was no longer scheduled."
        )
    else:
        done = await context.services.outbox.cancel(argument)
        text = "Sending is stopped." if done else "It was no longer being sent."
        if done:
            await record_action(update, context, "broadcast.stopped", f"announcement {argument}")
    await query.answer(text, show_alert=True)
    # The list again, as it is now: the cancelled item and its button are gone.
    html, markup = await _listing(context)
    await query.edit_message_text(
        html, parse_mode="HTML", reply_markup=markup, disable_web_page_preview=True
    )


async def _resend(update: Update, context: AppContext, announcement_id: str) -> None:
    """Send an announcement again to those it failed to reach; once, whoever presses again."""
    query = update.callback_query
    assert query is not None
    staff_id = update.effective_user.id if update.effective_user else 0
    resend = await resend_to_failed(context.services, announcement_id, staff_id)
    if resend.announcement is None:
        text = "There is no one to resend it to (all were reached, or have unsubscribed)."
    elif not resend.queued_now:
        text = f"It was already resent to those who failed (as {resend.announcement.id})."
    else:
        text = f"Resending to {plural(resend.recipients, 'subscriber')} who did not get it."
        await record_action(
            update,
            context,
            "broadcast.resent",
            f"announcement {announcement_id} to {plural(resend.recipients, 'subscriber')}"
            f" as {resend.announcement.id}",
        )
    await query.answer(text, show_alert=True)
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    if (message.text or "").startswith(LISTING_TITLE):
        html, markup = await _listing(context)
        await query.edit_message_text(
            html, parse_mode="HTML", reply_markup=markup, disable_web_page_preview=True
        )
    else:  # under the report: the button has done its work
        await query.edit_message_reply_markup(None)


async def _settle_pending(
    update: Update, context: AppContext, *, confirmed: bool, token: str
) -> None:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    pending = context.user_data.get(PENDING_KEY)
    if not isinstance(pending, dict) or pending.get("token") != token:
        await query.answer(STALE_TEXT, show_alert=True)
        return
    del context.user_data[PENDING_KEY]
    await _save_user_data(update, context)  # a press after a crash finds it used
    await query.answer()
    if not confirmed:
        await query.edit_message_text(CANCELLED_TEXT)
        return
    try:
        result = await _carry_out(update, context, pending)
    except DateInputError as error:
        result = escape(str(error))
    await query.edit_message_text(result, parse_mode="HTML", disable_web_page_preview=True)


async def _carry_out(update: Update, context: AppContext, pending: dict[str, str]) -> str:
    action = pending["action"]
    zone = context.services.settings.zone
    staff_id = update.effective_user.id if update.effective_user else 0
    if action in DateField.__members__:
        field = DateField[action]
        new = datetime.fromisoformat(pending["value"])
        sent_to = await apply_date_change(context.application, field, new, pending["token"])
        reached = plural(sent_to, "subscriber")
        told = f" Announced to {reached}." if field is DateField.DEADLINE else ""
        moment = format_call_moment(new, zone)
        kind = "call.opening_set" if field is DateField.OPENS else "call.deadline_set"
        announced = f", announced to {reached}" if field is DateField.DEADLINE else ""
        await record_action(update, context, kind, moment + announced)
        return f"Done: the {field.value} is now <b>{moment}</b>.{told}"
    gist = _plain_gist(pending["html"])
    if action == "broadcast":
        count = await broadcast_now(context.services, pending["html"], staff_id, pending["token"])
        await record_action(
            update, context, "broadcast.sent", f"to {plural(count, 'subscriber')}: {gist}"
        )
        return f"Queued for {plural(count, 'subscriber')}; I will tell you when it is sent."
    send_at = datetime.fromisoformat(pending["value"])
    scheduled_id = await schedule_broadcast(context.application, pending["html"], send_at, staff_id)
    when = format_call_moment(send_at, zone)
    await record_action(
        update, context, "broadcast.scheduled", f"#{scheduled_id} for {when}: {gist}"
    )
    return (
        f"Scheduled as #{scheduled_id} for {format_call_moment(send_at, zone)}; "
        "see or cancel it with /announcements."
    )
