"""The inbox: updates kept until handled, recognised when delivered again, replayed in order."""

from __future__ import annotations

from pathlib import Path

import pytest
from telegram import Bot, Update

from bot.sandbox.server import SANDBOX_TOKEN
from bot.storage.inbox import Inbox
from bot.storage.journal import JournalCorruptError
from bot.telegram.durable_queue import DurableUpdateQueue


def _update(update_id: int, chat_id: int, text: str = "hi") -> dict[str, object]:
    chat = {"id": chat_id, "type": "private"}
    message = {"message_id": update_id, "date": 1, "chat": chat, "text": text}
    return {"update_id": update_id, "message": message}


async def test_what_was_received_and_not_done_is_there_after_a_reopen_in_order(
    tmp_path: Path,
) -> None:
    inbox = Inbox(tmp_path / "inbox")
    keys = [inbox.receive(_update(n, chat_id=10 + n % 2)) for n in range(1, 6)]
    assert all(keys)
    inbox.done(keys[1])  # type: ignore[arg-type]
    await inbox.saved()
    inbox._journal.release()  # as a kill would: no close, no compaction

    again = Inbox(tmp_path / "inbox")
    assert [payload["update_id"] for _, payload in again.undone()] == [1, 3, 4, 5]
    await again.close()


async def test_the_same_update_again_is_recognised_a_new_one_with_its_id_is_not(
    tmp_path: Path,
) -> None:
    inbox = Inbox(tmp_path / "inbox")
    first = inbox.receive(_update(7, 10))
    assert first is not None
    assert inbox.receive(_update(7, 10)) is None  # Telegram re-sent it: not handled twice
    inbox.done(first)
    assert inbox.receive(_update(7, 10)) is None  # done: still recognised
    # A Bot API server started afresh reuses ids: a different update is not mistaken for it.
    assert inbox.receive(_update(7, 10, text="another question")) is not None
    await inbox.close()

    reopened = Inbox(tmp_path / "inbox")  # compacted at close: done keys kept, texts gone
    assert reopened.receive(_update(7, 10)) is None
    assert b"hi" not in (tmp_path / "inbox" / "snapshot.jsonl").read_bytes()
    await reopened.close()


async def test_the_queue_hands_on_an_update_only_once_it_is_on_disk_and_replays_undone(
    tmp_path: Path,
) -> None:
    bot = Bot(SANDBOX_TOKEN)
    queue = DurableUpdateQueue(Inbox(tmp_path / "inbox"))
    updates = [Update.de_json(_update(n, 10), bot) for n in (1, 2, 3)]
    for update in updates:
        await queue.put(update)
    assert queue.qsize() == 0  # not yet on disk
    await queue.stored()
    assert queue.qsize() == 3
    handled = await queue.get()
    await queue.handled(handled)
    queue.inbox._journal.release()  # killed here: 2 and 3 were received, not handled

    replayed = DurableUpdateQueue(Inbox(tmp_path / "inbox"))
    assert replayed.replay(bot) == 2
    assert [(await replayed.get()).update_id for _ in range(2)] == [2, 3]  # type: ignore[attr-defined]
    await replayed.inbox.close()


def test_a_damaged_inbox_line_stops_start_up_naming_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "journal-0.jsonl").write_text('{"t": "in", "k": 5}\n{"t": "done", "k": "1:x"}\n')
    with pytest.raises(JournalCorruptError, match=r"journal-0\.jsonl line 1"):
        Inbox(folder)
