"""/export for staff: every pre-registration as a CSV (or JSON) document."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.context import AppContext
from bot.registration.export import EXPORT_FORMATS, export_rows
from faq.countries import country_name
from handlers.access import staff_only
from handlers.audit_log import record_action

USAGE = "Send /export for a CSV file, or /export json for JSON."


@staff_only
async def export_registrations(update: Update, context: AppContext) -> None:
    """/export [csv|json] (staff): send the registrations as a document."""
    message = update.effective_message
    if message is None:
        return
    chosen = (context.args or ["csv"])[0].lower()
    if chosen not in EXPORT_FORMATS or len(context.args or []) > 1:
        await message.reply_text(f"I can export as csv or json only. {USAGE}")
        return
    registrations = await context.services.store.all_registrations()
    if not registrations:
        await message.reply_text("No city has pre-registered yet, so there is nothing to export.")
        return
    rows = export_rows(registrations, country_name)
    flagged = sum(1 for row in rows if row["possible_duplicate"])
    interest = sum(1 for row in rows if row["interest_only"])
    today = context.services.today().isoformat()
    await record_action(update, context, "export.registrations", f"{chosen}, {len(rows)} rows")
    await message.reply_document(
        InputFile(EXPORT_FORMATS[chosen](rows), filename=f"registrations-{today}.{chosen}"),
        caption=(
            f"{len(rows)} registrations: {flagged} marked as possible duplicates, "
            f"{interest} registering interest although not eligible."
        ),
    )
