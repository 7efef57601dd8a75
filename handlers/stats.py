"""/stats for staff: a chart of the desk's numbers, with the counts as its caption."""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update

from bot.context import AppContext
from bot.desk.charts import draw_desk_chart
from bot.desk.stats import gather_desk_numbers, summary_lines
from handlers.access import staff_only


@staff_only
async def stats(update: Update, context: AppContext) -> None:
    """/stats (staff): registrations, subscribers, questions and handoffs as a PNG and counts."""
    message = update.effective_message
    if message is None:
        return
    services = context.services
    titles = {entry.id: entry.question for entry in services.knowledge.current.entries}
    numbers = await gather_desk_numbers(services.store, titles, zone=services.settings.zone)
    # Drawing takes about a second of CPU: off the event loop, so other chats are not held up.
    png = await asyncio.to_thread(draw_desk_chart, numbers)
    await message.reply_photo(
        InputFile(png, filename=f"stats-{numbers.today.isoformat()}.png"),
        caption="\n".join(summary_lines(numbers)),
        parse_mode="HTML",
    )
