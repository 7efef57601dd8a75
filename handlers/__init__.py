"""Every handler, registered in one visible, ordered list (the FAQ catch-all last)."""

from __future__ import annotations

from typing import Any

from telegram.ext import (
    Application,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import (
    announcements,
    audit_log,
    chat_member,
    desk,
    eligibility,
    errors,
    export,
    faq,
    faq_admin,
    privacy,
    registration,
    start,
    stats,
    subscriptions,
)
from handlers import callback_data as data


def register_handlers(application: Application) -> None:
    """Add the bot's handlers in the order they must be tried."""
    private = filters.ChatType.PRIVATE
    in_handoff = desk.person_in_thread(application)
    # Text only: commands still work while a conversation with the team is open.
    plain_text = filters.TEXT & ~filters.COMMAND
    ordered: list[BaseHandler[Any, Any, Any]] = [
        # The conversations first: while one waits for an answer, the typed text is theirs.
        registration.conversation(),
        eligibility.conversation(),
        CommandHandler("start", start.start, filters=private),
        CommandHandler("help", start.show_help),
        CommandHandler("faq", faq.browse),
        CommandHandler("subscribe", subscriptions.subscribe, filters=private),
        CommandHandler("unsubscribe", subscriptions.unsubscribe, filters=private),
        CommandHandler("mydata", privacy.show_my_data, filters=private),
        CommandHandler("deletedata", privacy.ask_to_erase, filters=private),
        CommandHandler("myregistration", registration.my_registration, filters=private),
        CommandHandler("privacy", privacy.show_notice),
        CommandHandler("cancel", desk.cancel_by_person, filters=private & in_handoff),
        CommandHandler("cancel", registration.nothing_to_cancel, filters=private),
        CommandHandler("human", desk.ask_for_person),
        CommandHandler("handoffs", desk.list_open),
        CommandHandler("stats", stats.stats),
        CommandHandler("export", export.export_registrations),
        CommandHandler("reloadfaq", faq_admin.reload_faq),
        CommandHandler("status", announcements.show_status),
        CommandHandler("calendar", announcements.send_calendar),
        CommandHandler("setopening", announcements.set_opening),
        CommandHandler("setdeadline", announcements.set_deadline),
        CommandHandler("seturl", announcements.set_url),
        CommandHandler("setcallname", announcements.set_call_name),
        CommandHandler("broadcast", announcements.broadcast),
        CommandHandler("schedule", announcements.schedule),
        CommandHandler("announcements", announcements.list_announcements),
        CommandHandler("unanswered", faq_admin.unanswered),
        CommandHandler("auditlog", audit_log.show_audit_log),
        CallbackQueryHandler(faq.browse, pattern=data.exactly(data.MENU_FAQ)),
        CallbackQueryHandler(faq.not_found, pattern=data.exactly(data.MENU_NOT_FOUND)),
        CallbackQueryHandler(faq.not_asked, pattern=data.NOT_ASKED_PATTERN),
        CallbackQueryHandler(subscriptions.subscribe, pattern=data.exactly(data.MENU_SUBSCRIBE)),
        CallbackQueryHandler(privacy.erase_or_keep, pattern=data.ERASE_OR_KEEP_PATTERN),
        CallbackQueryHandler(registration.keep_saved, pattern=data.exactly(data.REGISTER_KEEP)),
        CallbackQueryHandler(registration.closed, pattern=data.REGISTRATION_ANY_PATTERN),
        *eligibility.buttons(),
        CallbackQueryHandler(announcements.press_button, pattern=data.ANNOUNCE_PATTERN),
        CallbackQueryHandler(faq_admin.press_cluster_button, pattern=data.UNANSWERED_PATTERN),
        CallbackQueryHandler(faq.show_topic, pattern=data.FAQ_TOPIC_PATTERN),
        CallbackQueryHandler(faq.show_entry, pattern=data.FAQ_ENTRY_PATTERN),
        CallbackQueryHandler(desk.cancel_by_person, pattern=data.exactly(data.HANDOFF_CANCEL)),
        CallbackQueryHandler(desk.cancel_request, pattern=data.HANDOFF_ASK_CANCEL_PATTERN),
        CallbackQueryHandler(desk.ask_for_person, pattern=data.exactly(data.HANDOFF_START)),
        CallbackQueryHandler(desk.press_staff_button, pattern=data.HANDOFF_STAFF_PATTERN),
        CallbackQueryHandler(export.export_for_excel, pattern=data.exactly(data.EXPORT_EXCEL)),
        CallbackQueryHandler(errors.stale_button),
        ChatMemberHandler(chat_member.track_block, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.COMMAND, errors.unknown_command),
        # Before the FAQ: staff answers and the staff chat, then people writing to the team.
        # New messages only: an edited answer must not reach the person twice.
        MessageHandler(
            plain_text & filters.UpdateType.MESSAGE & desk.staff_answer(application),
            desk.answer_from_staff,
        ),
        MessageHandler(plain_text & private & in_handoff, desk.pass_on),
        MessageHandler(filters.TEXT & private, faq.ask),
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, errors.not_text),
    ]
    for handler in ordered:
        application.add_handler(handler)
    # Before every group above, without stopping them: another command drops an unwritten
    # "write your question" request, so the next question goes to the FAQ, not to staff.
    not_desk = ~filters.Regex(r"^/(cancel|human)(@\w+)?(\s|$)")
    application.add_handler(
        MessageHandler(
            filters.COMMAND & private & in_handoff & not_desk, desk.drop_unwritten_request
        ),
        group=-1,
    )
    application.add_error_handler(errors.report_error)
