"""End to end: /unanswered clusters, one tap adds a phrasing live, bad edits and others refused."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest

from bot.sandbox.server import RunningSandbox
from bot.settings import load_settings
from handlers import callback_data as data
from handlers import faq_admin
from handlers.access import ADMINS_ONLY_TEXT
from handlers.faq_admin import CLUSTERS_SHOWN, ENTRIES_PER_PAGE, GROUPS_STALE_TEXT
from tests.conftest import ADMIN_ID, STAFF_ID
from tests.sandbox_client import SandboxClient, button_data
from tests.test_announcement_access import Nothing, Query

SETTINGS = load_settings({"ADMIN_IDS": str(ADMIN_ID), "STAFF_IDS": str(STAFF_ID)})
QUESTION = "zorblat quuxing for our delegates"


async def _logged(sandbox: RunningSandbox, count: int) -> None:
    store = sandbox.application.bot_data.services.store
    deadline = time.monotonic() + 5
    while len(await store.unanswered_questions()) < count:
        assert time.monotonic() < deadline, "the question was never logged"
        await asyncio.sleep(0.05)


async def _cluster_message(admin: SandboxClient, needle: str) -> dict[str, Any]:
    """Send /unanswered and return the cluster message whose text holds the needle."""
    header = await admin.ask("/unanswered")
    assert "did not answer" in header["text"]
    for _ in range(10):
        message = await admin.next_bot_message()
        if needle in message["text"]:
            return message
    raise AssertionError(f"no cluster shows {needle!r}")


async def _edited(
    client: SandboxClient, message_id: int, needle: str, unlike: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The message once it shows the needle (and differs from `unlike`, when given)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in await client.messages(after=message_id - 1):
            if message["message_id"] != message_id or needle not in message["text"]:
                continue
            if unlike is None or button_data(message) != button_data(unlike):
                return message
        await asyncio.sleep(0.1)
    raise AssertionError(f"message {message_id} never showed {needle!r}")


def _press_data(message: dict[str, Any], prefix: str) -> str:
    return next(d for d in button_data(message) if d.startswith(prefix))


async def test_a_fallback_becomes_a_cluster_and_one_tap_makes_it_answered(
    admin: SandboxClient, user: SandboxClient, sandbox: RunningSandbox, faq_copy: Path
) -> None:
    fallback = await user.ask(QUESTION)
    assert "don't know" in fallback["text"]
    await user.ask(QUESTION.capitalize() + "?")  # the same question, written again
    await _logged(sandbox, 2)
    cluster = await _cluster_message(admin, QUESTION)
    assert "Asked 2 times" in cluster["text"]
    assert not re.search(r"\d+\.\d|\(fallback|score", cluster["text"])  # no raw scores
    # No entry comes close, so the admin chooses one from the paged list.
    await admin.press(cluster["message_id"], _press_data(cluster, "una:o:"))
    listing = await _edited(admin, cluster["message_id"], "Choose the entry")
    assert len([d for d in button_data(listing) if d.startswith("una:a:")]) == ENTRIES_PER_PAGE
    # Page on with "More" until the costs entry's button shows.
    costs_page = listing
    for shown in range(2, 10):
        if any(d.endswith(":costs-covered") for d in button_data(costs_page)):
            break
        pages = [d for d in button_data(costs_page) if d.startswith("una:o:")]
        await admin.press(cluster["message_id"], max(pages, key=lambda d: int(d.split(":")[3])))
        costs_page = await _edited(admin, cluster["message_id"], "Choose", unlike=costs_page)
        assert len(button_data(costs_page)) >= 2, f"page {shown} is empty"
    costs_file = faq_copy / "costs.yaml"
    before = costs_file.read_bytes()
    target = next(d for d in button_data(costs_page) if d.endswith(":costs-covered"))
    assert len(target.encode()) <= 64
    await admin.press(cluster["message_id"], target)
    report = await _edited(admin, cluster["message_id"], "Added")
    assert "costs.yaml" in report["text"] and "live" in report["text"]
    # The file changed by exactly one line; its comments are intact.
    after_lines = costs_file.read_bytes().splitlines(keepends=True)
    added = [line for line in after_lines if QUESTION.encode() in line]
    assert len(added) == 1
    after_lines.remove(added[0])
    assert after_lines == before.splitlines(keepends=True)
    assert costs_file.read_text(encoding="utf-8").startswith("# Money, time and language")
    # The running bot answers the question with that entry at once.
    answer = await user.ask(QUESTION)
    assert "don't know" not in answer["text"] and "900" in answer["text"]
    # The edit is in the audit log, and the cluster is gone from /unanswered.
    store = sandbox.application.bot_data.services.store
    (latest,) = await store.staff_actions(limit=1)
    assert latest.action == "faq.phrasing_added" and latest.actor_id == admin.user_id
    assert "costs-covered" in latest.detail and QUESTION in latest.detail
    assert "No unanswered questions" in (await admin.ask("/unanswered"))["text"]


async def test_the_best_entry_button_adds_in_one_tap_and_a_second_press_is_stale(
    admin: SandboxClient, user: SandboxClient, sandbox: RunningSandbox
) -> None:
    store = sandbox.application.bot_data.services.store
    await store.log_unanswered_question(QUESTION, "fallback", [("costs-covered", 55.0)])
    cluster = await _cluster_message(admin, QUESTION)
    older = await _cluster_message(admin, QUESTION)  # the same list, sent again
    add = _press_data(cluster, "una:a:")
    assert add.endswith(":costs-covered")
    assert "Add as a phrasing of" in str(cluster["buttons"])
    await admin.press(cluster["message_id"], add)
    await _edited(admin, cluster["message_id"], "Added")
    assert "900" in (await user.ask(QUESTION))["text"]
    stale = await admin.alert(older["message_id"], _press_data(older, "una:i:"))
    assert "already added or ignored" in stale


async def test_an_edit_that_would_make_the_faq_invalid_is_refused_and_the_file_kept(
    admin: SandboxClient, sandbox: RunningSandbox, faq_copy: Path
) -> None:
    await admin.ask("/start")
    store = sandbox.application.bot_data.services.store
    await store.log_unanswered_question(QUESTION, "fallback", [("costs-covered", 55.0)])
    cluster = await _cluster_message(admin, QUESTION)
    costs_file = faq_copy / "costs.yaml"
    before, mtime = costs_file.read_bytes(), costs_file.stat().st_mtime_ns
    broken = (faq_copy / "costs.yaml").read_text(encoding="utf-8")
    (faq_copy / "broken.yaml").write_text(
        broken.replace("id: ", "id: other-").replace("alternatives:", "alternativs:", 1),
        encoding="utf-8",
    )
    await admin.press(cluster["message_id"], _press_data(cluster, "una:a:"))
    deadline = time.monotonic() + 10
    refusal = ""
    while "Not added" not in refusal and time.monotonic() < deadline:
        refusal = (await admin.next_bot_message())["text"]
    assert "Not added" in refusal and "broken.yaml" in refusal
    # Escaped once: the admin reads the quotes and brackets, not their HTML entities.
    assert '"alternativs"' in refusal and not re.search(r"&(#x?[0-9a-f]+|lt|gt|amp|quot);", refusal)
    assert costs_file.read_bytes() == before and costs_file.stat().st_mtime_ns == mtime
    assert not await store.staff_actions()


async def test_unanswered_is_refused_to_staff_and_applicants(
    sandbox: RunningSandbox, http: aiohttp.ClientSession
) -> None:
    store = sandbox.application.bot_data.services.store
    await store.log_unanswered_question(QUESTION, "fallback", [("costs-covered", 55.0)])
    for user_id in (STAFF_ID, 1001):
        other = SandboxClient(http, sandbox.url, user_id)
        reply = await other.ask("/unanswered")
        # Staff are the programme team too: the refusal says the command is the admins'.
        assert reply["text"] == ADMINS_ONLY_TEXT and not button_data(reply)


@pytest.mark.parametrize("user_id", [STAFF_ID, 1001])
@pytest.mark.parametrize(
    "button",
    [
        data.unanswered_add("266986f66a", "costs-covered"),
        data.unanswered_other("266986f66a", 1),
        data.unanswered_ignore("266986f66a"),
        data.unanswered_more_groups("266986f66a"),
    ],
)
async def test_a_cluster_button_pressed_by_anyone_but_an_admin_is_refused(
    button: str, user_id: int
) -> None:
    query = Query(button)
    update = SimpleNamespace(
        effective_user=SimpleNamespace(id=user_id), callback_query=query, effective_message=None
    )
    # Services that fail the test if the refused press reaches the log, the FAQ or the audit.
    services = SimpleNamespace(settings=SETTINGS, store=Nothing(), knowledge=Nothing())
    context = SimpleNamespace(services=services, bot=Nothing())
    await faq_admin.press_cluster_button(update, context)  # type: ignore[arg-type]
    assert query.answers == [(ADMINS_ONLY_TEXT, True)]
    assert re.fullmatch(data.UNANSWERED_PATTERN, button) and len(button.encode()) <= 64


async def test_ignore_hides_the_cluster(admin: SandboxClient, sandbox: RunningSandbox) -> None:
    store = sandbox.application.bot_data.services.store
    await store.log_unanswered_question(QUESTION, "fallback", [])
    cluster = await _cluster_message(admin, QUESTION)
    await admin.press(cluster["message_id"], _press_data(cluster, "una:i:"))
    await _edited(admin, cluster["message_id"], "Ignored")
    assert "No unanswered questions" in (await admin.ask("/unanswered"))["text"]


# Words far apart, each alone, so each question is a group of its own.
GROUP_WORDS = [
    "aardvark",
    "bulldozer",
    "cymbal",
    "dolphin",
    "eggplant",
    "flamingo",
    "gazebo",
    "harmonica",
    "igloo",
    "jigsaw",
    "kangaroo",
    "lantern",
    "marmalade",
    "nectarine",
    "origami",
    "pelican",
    "quicksand",
    "raccoon",
    "saxophone",
    "trombone",
]


async def _log_groups(sandbox: RunningSandbox, count: int) -> list[str]:
    """Log `count` one-question groups; their questions in the order /unanswered shows them."""
    store = sandbox.application.bot_data.services.store
    questions = [f"{word}?" for word in GROUP_WORDS[:count]]
    for question in questions:
        await store.log_unanswered_question(question, "fallback", [])
    clusters = await faq_admin.current_clusters(sandbox.application.bot_data.services)
    assert sorted(c.example for c in clusters) == sorted(questions), "one group each"
    return [c.example for c in clusters]


async def _page(admin: SandboxClient, count: int) -> tuple[list[str], dict[str, Any]]:
    """The next `count` cluster messages' questions, then the page's closing message."""
    clusters = [await admin.next_bot_message() for _ in range(count)]
    assert all("Asked" in m["text"] for m in clusters)
    return [m["text"].split("“")[1].split("”")[0] for m in clusters], await admin.next_bot_message()


def _more(message: dict[str, Any]) -> str:
    (more,) = [d for d in button_data(message) if d.startswith(data.UNANSWERED_PREFIX + "m:")]
    assert re.fullmatch(data.UNANSWERED_PATTERN, more) and len(more.encode()) <= 64
    assert message["buttons"][0][0]["text"] == "More groups…"
    return more


async def test_more_groups_pages_through_every_group_with_its_position(
    admin: SandboxClient, sandbox: RunningSandbox
) -> None:
    order = await _log_groups(sandbox, 20)
    header = await admin.ask("/unanswered")
    assert "20 groups" in header["text"] and f"{CLUSTERS_SHOWN} most frequent" in header["text"]
    seen, footer = await _page(admin, CLUSTERS_SHOWN)
    assert footer["text"] == "Groups 1-8 of 20."
    await admin.button_answer(await admin.press(footer["message_id"], _more(footer)))
    second, footer_2 = await _page(admin, CLUSTERS_SHOWN)
    assert footer_2["text"] == "Groups 9-16 of 20."
    pressed = next(m for m in await admin.messages() if m["message_id"] == footer["message_id"])
    assert not button_data(pressed), "the pressed pager keeps its text, not its button"
    await admin.press(footer_2["message_id"], _more(footer_2))
    third, last = await _page(admin, 4)
    assert last["text"] == "Groups 17-20 of 20: that is all of them." and not button_data(last)
    assert seen + second + third == order


async def test_more_groups_follows_ignored_groups_and_says_when_its_page_is_gone(
    admin: SandboxClient, sandbox: RunningSandbox
) -> None:
    order = await _log_groups(sandbox, 10)
    await admin.ask("/unanswered")
    first, footer = await _page(admin, CLUSTERS_SHOWN)
    await admin.ask("/unanswered")  # the same list sent again, its pager kept for later
    _, older_footer = await _page(admin, CLUSTERS_SHOWN)
    # Ignoring a group already seen moves none of the unseen ones out of reach.
    top = next(m for m in await admin.messages() if order[0] in m["text"])
    await admin.press(top["message_id"], _press_data(top, "una:i:"))
    await _edited(admin, top["message_id"], "Ignored")
    await admin.press(footer["message_id"], _more(footer))
    rest, last = await _page(admin, 2)
    assert rest == order[8:] and first == order[:8]
    assert last["text"] == "Groups 8-9 of 9: that is all of them."
    # Once the page's first group is ignored too, the older pager says its list has changed.
    nine = next(
        m for m in await admin.messages(after=last["message_id"] - 3) if order[8] in m["text"]
    )
    await admin.press(nine["message_id"], _press_data(nine, "una:i:"))
    await _edited(admin, nine["message_id"], "Ignored")
    assert await admin.alert(older_footer["message_id"], _more(older_footer)) == GROUPS_STALE_TEXT
