"""Every handler, registered in one visible, ordered list (the FAQ catch-all last)."""

from __future__ import annotations

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from handlers import admin, chat_member, errors, faq, privacy, start, subscriptions, upcoming


def register_handlers(application: Application) -> None:
    """Add the bot's handlers in the order they must be tried."""
    private = filters.ChatType.PRIVATE
    ordered = [
        CommandHandler("start", start.start, filters=private),
        CommandHandler("help", start.show_help),
        CommandHandler("faq", faq.browse),
        CommandHandler("subscribe", subscriptions.subscribe, filters=private),
        CommandHandler("unsubscribe", subscriptions.unsubscribe, filters=private),
        CommandHandler("mydata", privacy.show_my_data, filters=private),
        CommandHandler("deletedata", privacy.ask_to_erase, filters=private),
        CommandHandler("eligibility", upcoming.eligibility),
        CommandHandler("register", upcoming.register, filters=private),
        CommandHandler("stats", admin.stats),
        CommandHandler("reloadfaq", admin.reload_faq),
        CommandHandler("unanswered", admin.unanswered),
        CallbackQueryHandler(faq.browse, pattern=r"^menu:faq$"),
        CallbackQueryHandler(faq.not_found, pattern=r"^menu:notfound$"),
        CallbackQueryHandler(subscriptions.subscribe, pattern=r"^menu:subscribe$"),
        CallbackQueryHandler(privacy.erase_or_keep, pattern=r"^privacy:(erase|keep)$"),
        CallbackQueryHandler(faq.show_topic, pattern=r"^faqtag:"),
        CallbackQueryHandler(faq.show_entry, pattern=r"^faq:"),
        CallbackQueryHandler(errors.stale_button),
        ChatMemberHandler(chat_member.track_block, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(filters.COMMAND, errors.unknown_command),
        MessageHandler(filters.TEXT & private, faq.ask),
        MessageHandler(private & ~filters.TEXT & ~filters.StatusUpdate.ALL, errors.not_text),
    ]
    for handler in ordered:
        application.add_handler(handler)
    application.add_error_handler(errors.report_error)
