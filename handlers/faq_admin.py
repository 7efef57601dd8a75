"""Admin commands for the FAQ: reload it now, and turn unanswered questions into phrasings."""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, TelegramError

from bot.context import AppContext, Services
from bot.desk.clusters import HiddenCluster, QuestionCluster, cluster_questions
from bot.knowledge import ReloadOutcome, describe_reload
from bot.storage.store import QUESTION_LOG_CAP
from faq.editing import EditRefused, PhrasingAdded, add_phrasing
from faq.model import KnowledgeBase
from handlers import callback_data as data
from handlers.access import admin_only
from handlers.audit_log import record_action
from handlers.faq import thresholds_of

log = logging.getLogger(__name__)

CLUSTERS_SHOWN = 8
ENTRIES_PER_PAGE = 8
LABEL_CHARS = 40
# An example is shown, not read whole: a pasted page would fill the admin's screen.
EXAMPLE_CHARS = 200
STALE_TEXT = (
    "Those questions were already added or ignored, or the log changed; send /unanswered "
    "for the current list."
)
GONE_ENTRY_TEXT = "That entry is no longer in the FAQ; send /unanswered for the current list."
MORE_GROUPS_LABEL = "More groups…"
GROUPS_STALE_TEXT = (
    "The groups of that page were added, ignored or regrouped meanwhile; send /unanswered for "
    "the current list."
)


@admin_only
async def reload_faq(update: Update, context: AppContext) -> None:
    """/reloadfaq (admins): validate the FAQ folder now and report."""
    if update.effective_message is None:
        return
    knowledge = context.services.knowledge
    outcome = await knowledge.reload()
    await record_action(update, context, "faq.reloaded", _reload_detail(outcome))
    for part in describe_reload(outcome, len(knowledge.current.entries)):
        await update.effective_message.reply_html(part)


async def current_clusters(services: Services) -> list[QuestionCluster]:
    """The clusters of logged questions admins have not dealt with, most frequent first."""
    store = services.store
    rows = await store.unanswered_questions(limit=QUESTION_LOG_CAP)
    hidden = [
        HiddenCluster(h.key, None if h.action == "ignored" else h.at)
        for h in await store.handled_clusters()
    ]
    known = {entry.id for entry in services.knowledge.current.entries}
    return cluster_questions(rows, hidden, known)


def _reload_detail(outcome: ReloadOutcome) -> str:
    if outcome.error is None:
        return f"{outcome.entry_count} entries live"
    return f"refused, {len(outcome.error.problems)} problems; the last good version stays live"


@admin_only
async def unanswered(update: Update, context: AppContext) -> None:
    """/unanswered (admins): clusters of questions the FAQ did not answer, each with buttons."""
    message = update.effective_message
    if message is None:
        return
    clusters = await current_clusters(context.services)
    if not clusters:
        await message.reply_text(
            "No unanswered questions to look at: every logged one was answered, added or ignored."
        )
        return
    shown = clusters[:CLUSTERS_SHOWN]
    more = f" (the {len(shown)} most frequent shown)" if len(clusters) > len(shown) else ""
    await message.reply_html(
        f"<b>Questions the FAQ did not answer</b>: {len(clusters)} "
        f"{'group' if len(clusters) == 1 else 'groups'}{more}. "
        "Add one as a new way of asking an entry, or ignore it."
    )
    await _send_groups(context, message.chat_id, clusters, 0)


async def _send_groups(
    context: AppContext, chat_id: int, clusters: list[QuestionCluster], start: int
) -> None:
    """One page of clusters from `start`, then where it stands, with "More groups…" if any."""
    kb = context.services.knowledge.current
    shown = clusters[start : start + CLUSTERS_SHOWN]
    for cluster in shown:
        await context.bot.send_message(
            chat_id,
            cluster_text(cluster, kb),
            parse_mode="HTML",
            reply_markup=cluster_buttons(cluster, kb),
        )
    end = start + len(shown)
    if end < len(clusters):
        # The button names the next page's first cluster, not a page number: ignoring a group
        # already seen must not push an unseen one out of reach.
        more = InlineKeyboardButton(
            MORE_GROUPS_LABEL, callback_data=data.unanswered_more_groups(clusters[end].token)
        )
        text = f"{groups_position(start, end, len(clusters))}."
        await context.bot.send_message(chat_id, text, reply_markup=InlineKeyboardMarkup([[more]]))
    elif start > 0:
        text = f"{groups_position(start, end, len(clusters))}: that is all of them."
        await context.bot.send_message(chat_id, text)


def groups_position(start: int, end: int, total: int) -> str:
    """Which clusters a page shows: "Groups 9-16 of 20" (or "Group 9 of 9")."""
    if end - start == 1:
        return f"Group {end} of {total}"
    return f"Groups {start + 1}-{end} of {total}"


def cluster_text(cluster: QuestionCluster, kb: KnowledgeBase) -> str:
    """A cluster for a phone: how often, the typical wording, the entry it seems to want."""
    times = "once" if cluster.count == 1 else f"{cluster.count} times"
    example = _cut(cluster.example, EXAMPLE_CHARS)
    lines = [f"Asked <b>{times}</b>, e.g.:", f"<i>“{escape(example)}”</i>"]
    if cluster.best_entry is not None:
        lines.append(f"Closest entry: {escape(kb.entry(cluster.best_entry).question)}")
    else:
        lines.append("No entry comes close.")
    if cluster.wrongly_answered:
        wrong = ", ".join(escape(kb.entry(e).question) for e in cluster.wrongly_answered)
        lines.append(f"Answered with, and “Not what I asked” pressed: {wrong}")
    return "\n".join(lines)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _label(text: str) -> str:
    return _cut(text, LABEL_CHARS)


def cluster_buttons(cluster: QuestionCluster, kb: KnowledgeBase) -> InlineKeyboardMarkup:
    """Add to the best entry, choose another entry, or ignore."""
    rows = []
    if cluster.best_entry is not None:
        question = kb.entry(cluster.best_entry).question
        rows.append(
            [
                InlineKeyboardButton(
                    f"➕ Add as a phrasing of “{_label(question)}”",
                    callback_data=data.unanswered_add(cluster.token, cluster.best_entry),
                )
            ]
        )
    rows.append(
        [
            InlineKeyboardButton(
                "Another entry…", callback_data=data.unanswered_other(cluster.token)
            ),
            InlineKeyboardButton("Ignore", callback_data=data.unanswered_ignore(cluster.token)),
        ]
    )
    return InlineKeyboardMarkup(rows)


def entry_page(cluster: QuestionCluster, kb: KnowledgeBase, page: int) -> InlineKeyboardMarkup:
    """One page of the FAQ's entries as buttons adding the cluster's example to them."""
    entries = sorted(kb.entries, key=lambda entry: entry.question.casefold())
    pages = max(1, -(-len(entries) // ENTRIES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    shown = entries[page * ENTRIES_PER_PAGE : (page + 1) * ENTRIES_PER_PAGE]
    rows = [
        [
            InlineKeyboardButton(
                _label(entry.question), callback_data=data.unanswered_add(cluster.token, entry.id)
            )
        ]
        for entry in shown
    ]
    moves = []
    if page > 0:
        moves.append(
            InlineKeyboardButton(
                "‹ Back", callback_data=data.unanswered_other(cluster.token, page - 1)
            )
        )
    if page < pages - 1:
        moves.append(
            InlineKeyboardButton(
                "More ›", callback_data=data.unanswered_other(cluster.token, page + 1)
            )
        )
    if moves:
        rows.append(moves)
    rows.append(
        [InlineKeyboardButton("Ignore", callback_data=data.unanswered_ignore(cluster.token))]
    )
    return InlineKeyboardMarkup(rows)


@admin_only
async def press_cluster_button(update: Update, context: AppContext) -> None:
    """A button under an /unanswered cluster: add its example to an entry, list entries, ignore."""
    query = update.callback_query
    if query is None or query.data is None:
        return
    action, token, argument = data.unanswered_action(query.data)
    services = context.services
    clusters = await current_clusters(services)
    if action == "m":
        await _more_groups(update, context, clusters, token)
        return
    cluster = next((c for c in clusters if c.token == token), None)
    if cluster is None:
        await query.answer(STALE_TEXT, show_alert=True)
        return
    kb = services.knowledge.current
    if action == "o":
        await query.answer()
        page = int(argument) if argument.isdigit() else 0
        # A double press shows the same page again, which Telegram refuses as "not modified".
        with suppress(BadRequest):
            await query.edit_message_text(
                cluster_text(cluster, kb) + "\n\nChoose the entry this question belongs to:",
                parse_mode="HTML",
                reply_markup=entry_page(cluster, kb, page),
            )
    elif action == "i":
        await services.store.mark_cluster_handled(cluster.key, "ignored")
        await _audit(update, services, "faq.cluster_ignored", cluster.example)
        await query.answer("Ignored: questions like this one no longer show here.")
        await query.edit_message_text(
            cluster_text(cluster, kb) + "\n\n<i>Ignored.</i>", parse_mode="HTML"
        )
    elif action == "a":
        await _add_to_entry(update, context, cluster, argument)
    else:
        await query.answer(STALE_TEXT, show_alert=True)


async def _more_groups(
    update: Update, context: AppContext, clusters: list[QuestionCluster], token: str
) -> None:
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None
    start = next((i for i, c in enumerate(clusters) if c.token == token), None)
    if start is None or chat is None:
        await query.answer(GROUPS_STALE_TEXT, show_alert=True)
        return
    await query.answer()
    # The pager keeps its text (where that page stood); a second press of it would repeat.
    with suppress(TelegramError):
        await query.edit_message_reply_markup(None)
    await _send_groups(context, chat.id, clusters, start)


async def _add_to_entry(
    update: Update, context: AppContext, cluster: QuestionCluster, entry_id: str
) -> None:
    query = update.callback_query
    assert query is not None
    services = context.services
    knowledge = services.knowledge
    if entry_id not in {entry.id for entry in knowledge.current.entries}:
        await query.answer(GONE_ENTRY_TEXT, show_alert=True)
        return
    await query.answer("Adding the phrasing…")
    result = await asyncio.to_thread(
        add_phrasing, knowledge.directory, entry_id, cluster.example, thresholds_of(services)
    )
    chat = update.effective_chat
    if isinstance(result, EditRefused):
        if chat is not None:
            await context.bot.send_message(
                chat.id, f"⚠️ Not added: {escape(result.reason)}", parse_mode="HTML"
            )
        return
    outcome = await knowledge.reload()
    await services.store.mark_cluster_handled(cluster.key, "added", entry_id)
    await _audit(update, services, "faq.phrasing_added", f"{entry_id}: {result.phrasing}")
    report = added_text(result, knowledge.current)
    if not outcome.ok:  # the file changed again between the edit and the reload
        report += "\n" + "\n".join(describe_reload(outcome, len(knowledge.current.entries)))
    await query.edit_message_text(report, parse_mode="HTML")


def added_text(result: PhrasingAdded, kb: KnowledgeBase) -> str:
    """What an added phrasing did: where it went, and whether it now lands on its own entry."""
    question = escape(kb.entry(result.entry_id).question)
    lines = [
        f"✅ Added “{escape(result.phrasing)}” as a way of asking “{question}” "
        f"({escape(result.file)}, line {result.line}); the FAQ is live with it."
    ]
    if result.competing_entry is not None:
        rival = escape(_question_of(kb, result.competing_entry))
        lines.append(
            f"⚠️ But it lands close to another entry, “{rival}” "
            f"(<code>{escape(result.competing_entry)}</code>); make the two entries' phrasings "
            f"more distinct in {escape(result.file)}."
        )
    elif not result.clean:
        lines.append("⚠️ The self-test of the FAQ now finds:")
    lines.extend(f"• <code>{escape(problem)}</code>" for problem in result.self_test_problems[:5])
    return "\n".join(lines)


def _question_of(kb: KnowledgeBase, entry_id: str) -> str:
    try:
        return kb.entry(entry_id).question
    except KeyError:
        return entry_id


async def _audit(update: Update, services: Services, action: str, detail: str) -> None:
    user = update.effective_user
    if user is None:
        return
    await services.store.record_staff_action(user.id, action, detail, user.first_name)
