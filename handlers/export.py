"""/export for staff: every pre-registration as a CSV (or JSON) document."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message, Update

from bot.context import AppContext
from bot.registration.export import EXPORT_FORMATS, encode_export, export_rows
from faq.countries import country_name
from handlers import callback_data as data
from handlers.access import staff_only
from handlers.audit_log import record_action

# "excel" is a CSV with a byte-order mark, so that Excel on Windows reads accents right.
EXCEL = "excel"
USAGE = (
    "Send /export for a CSV file, /export excel for a CSV that Excel opens with accents "
    "intact, or /export json for JSON."
)
EXCEL_BUTTON = InlineKeyboardMarkup(
    [[InlineKeyboardButton("Excel (with BOM)", callback_data=data.EXPORT_EXCEL)]]
)


@staff_only
async def export_registrations(update: Update, context: AppContext) -> None:
    """/export [csv|excel|json] (staff): send the registrations as a document."""
    message = update.effective_message
    if message is None:
        return
    chosen = (context.args or ["csv"])[0].lower()
    if chosen not in (*EXPORT_FORMATS, EXCEL) or len(context.args or []) > 1:
        await message.reply_text(f"I can export as csv, excel or json only. {USAGE}")
        return
    await _send(update, context, message, chosen)


@staff_only
async def export_for_excel(update: Update, context: AppContext) -> None:
    """The "Excel (with BOM)" button under an export: the same rows, as Excel reads them."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    if isinstance(query.message, Message):
        await _send(update, context, query.message, EXCEL)


async def _send(update: Update, context: AppContext, message: Message, chosen: str) -> None:
    registrations = await context.services.store.all_registrations()
    if not registrations:
        await message.reply_text("No city has pre-registered yet, so there is nothing to export.")
        return
    settings = context.services.settings
    rows = export_rows(registrations, country_name, settings.zone)
    flagged = sum(1 for row in rows if row["possible_duplicate"])
    interest = sum(1 for row in rows if row["interest_only"])
    today = context.services.today().isoformat()
    await record_action(update, context, "export.registrations", f"{chosen}, {len(rows)} rows")
    excel = chosen == EXCEL
    extension = "csv" if excel else chosen
    content = encode_export(rows, extension, settings.timezone, bom=excel)
    name = f"registrations-{today}{'-excel' if excel else ''}.{extension}"
    times = f"Times are {settings.timezone} time, with their UTC offset."
    await message.reply_document(
        InputFile(content, filename=name),
        caption=(
            f"{len(rows)} registrations: {flagged} marked as possible duplicates, "
            f"{interest} registering interest although not eligible. {times}"
        ),
        reply_markup=EXCEL_BUTTON if chosen == "csv" else None,
    )
