"""The durable outbox: what it keeps, replays and forgets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.announcements.outbox import Outbox
from bot.storage.journal import JournalCorruptError, JournalError, journal_name


async def reopened(outbox: Outbox) -> Outbox:
    """The same folder opened again after a crash (the journal released without compacting)."""
    outbox._journal.release()
    return Outbox(outbox.folder)


async def test_queue_stores_the_announcement_and_its_recipients_before_returning(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "outbox")
    queued = await outbox.queue(
        kind="broadcast", html="<b>News</b>", recipients=[5, 3, 5, 9], created_by=2
    )
    assert re.fullmatch(r"a[0-9a-f]{8}", queued.id)
    assert (queued.status, queued.total, queued.sent, queued.created_by) == ("queued", 3, 0, 2)
    again = await reopened(outbox)
    assert await again.get(queued.id) == queued
    assert again.recipients_left(queued.id) == [5, 3, 9]  # duplicates dropped, order kept
    await again.close()


async def test_journal_replay_rebuilds_progress_counts_and_statuses(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    first = await outbox.queue(kind="broadcast", html="x", recipients=[1, 2, 3, 4], created_by=7)
    second = await outbox.queue(kind="reminder", html="y", recipients=[1], created_by=None)
    await outbox.start_sending(first.id)
    await outbox.record(first.id, 1, "sent")
    await outbox.record(first.id, 2, "blocked")
    await outbox.record(first.id, 3, "failed")
    await outbox.finish(second.id, "stopped", "can't parse entities")
    before = [await outbox.get(first.id), await outbox.get(second.id)]

    again = await reopened(outbox)
    replayed = await again.get(first.id)
    assert replayed is not None
    assert (replayed.status, replayed.sent, replayed.blocked, replayed.failed) == (
        "sending",
        1,
        1,
        1,
    )
    assert replayed.remaining == 1 and again.recipients_left(first.id) == [4]
    assert [await again.get(first.id), await again.get(second.id)] == before
    stopped = await again.get(second.id)
    assert stopped is not None and stopped.stop_reason == "can't parse entities"
    assert stopped.finished_at is not None
    await again.close()


async def test_each_delivery_appends_one_short_line_however_many_were_served(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "outbox")
    queued = await outbox.queue(
        kind="broadcast", html="x", recipients=list(range(1, 5001)), created_by=None
    )
    journal = tmp_path / "outbox" / journal_name(0)
    sizes = []
    for chat_id in (1, 2, 4000, 4001):
        before = journal.stat().st_size
        await outbox.record(queued.id, chat_id, "sent")
        sizes.append(journal.stat().st_size - before)
    assert max(sizes) < 100 and len(set(sizes)) <= 2  # no rewrite of the 5,000 recipients
    await outbox.close()


async def test_a_clean_close_compacts_and_the_snapshot_replays_the_same(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    queued = await outbox.queue(kind="notice", html="x", recipients=[1, 2], created_by=None)
    await outbox.record(queued.id, 1, "sent")
    await outbox.close()
    again = Outbox(tmp_path / "outbox")
    assert (await again.get(queued.id)) is not None
    assert again.recipients_left(queued.id) == [2]
    await again.close()


async def test_a_used_key_returns_the_existing_announcement_and_queues_nothing(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "outbox")
    first = await outbox.queue(
        kind="reminder", html="x", recipients=[1], created_by=None, key="deadline:7d"
    )
    second = await outbox.queue(
        kind="reminder", html="other", recipients=[1, 2], created_by=None, key="deadline:7d"
    )
    assert second == first
    assert await outbox.has_key("deadline:7d") and not await outbox.has_key("other")
    assert len(await outbox.announcements()) == 1
    again = await reopened(outbox)
    assert await again.has_key("deadline:7d")  # the key survives a restart
    assert (
        await again.queue(
            kind="reminder", html="x", recipients=[1], created_by=None, key="deadline:7d"
        )
    ).id == first.id
    await again.close()


async def test_cancel_stops_an_unfinished_announcement_only(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    queued = await outbox.queue(kind="broadcast", html="x", recipients=[1, 2], created_by=None)
    assert await outbox.cancel(queued.id)
    cancelled = await outbox.get(queued.id)
    assert cancelled is not None and cancelled.status == "cancelled"
    assert cancelled.finished_at is not None
    assert not await outbox.cancel(queued.id)  # already finished
    assert not await outbox.cancel("a00000000")  # unknown
    assert outbox.next_unfinished() is None
    await outbox.close()


async def test_announcements_lists_the_newest_first_up_to_the_limit(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    made = [
        await outbox.queue(kind="notice", html=str(n), recipients=[1], created_by=None)
        for n in range(5)
    ]
    listed = await outbox.announcements(limit=3)
    assert [a.id for a in listed] == [a.id for a in reversed(made)][:3]
    await outbox.close()


async def test_restart_resumes_with_exactly_the_recipients_not_yet_served(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "outbox")
    queued = await outbox.queue(
        kind="broadcast", html="x", recipients=list(range(1, 101)), created_by=None
    )
    for chat_id in range(1, 101, 3):
        await outbox.record(queued.id, chat_id, "sent")
    again = await reopened(outbox)
    resumed = again.next_unfinished()
    assert resumed is not None and resumed.id == queued.id
    left = again.recipients_left(queued.id)
    assert left == [c for c in range(1, 101) if c % 3 != 1]  # none skipped, none repeated
    assert resumed.sent + len(left) == resumed.total == 100
    await again.close()


async def test_forget_recipient_takes_them_out_of_unfinished_announcements(
    tmp_path: Path,
) -> None:
    outbox = Outbox(tmp_path / "outbox")
    first = await outbox.queue(kind="broadcast", html="x", recipients=[1, 2], created_by=None)
    second = await outbox.queue(kind="reminder", html="y", recipients=[2, 3], created_by=None)
    done = await outbox.queue(kind="notice", html="z", recipients=[2], created_by=None)
    await outbox.record(done.id, 2, "sent")
    await outbox.finish(done.id, "done")
    assert [a.id for a in await outbox.pending_for(2)] == [first.id, second.id]
    assert await outbox.forget_recipient(2) == 2
    assert await outbox.pending_for(2) == []
    again = await reopened(outbox)
    assert again.recipients_left(first.id) == [1]
    assert again.recipients_left(second.id) == [3]
    forgotten = await again.get(first.id)
    assert forgotten is not None and forgotten.total == 1
    await again.close()


async def test_a_second_outbox_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    with pytest.raises(JournalError, match="in use by another running bot"):
        Outbox(tmp_path / "outbox")
    await outbox.close()


async def test_a_damaged_journal_line_stops_start_up_and_names_it(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    await outbox.queue(kind="notice", html="x", recipients=[1], created_by=None)
    outbox._journal.release()
    journal = tmp_path / "outbox" / journal_name(0)
    journal.write_bytes(journal.read_bytes() + b'{"t": "served", "a": "a12345678"}\n')
    with pytest.raises(JournalCorruptError, match="line 2"):
        Outbox(tmp_path / "outbox")


async def test_bad_recipients_are_refused(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    with pytest.raises(ValueError, match="non-zero integer chat ids"):
        await outbox.queue(kind="notice", html="x", recipients=[1, 0], created_by=None)
    assert await outbox.announcements() == []
    await outbox.close()


async def test_failed_recipients_are_kept_across_a_compacting_restart(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    queued = await outbox.queue(kind="broadcast", html="x", recipients=[1, 2, 3, 4], created_by=9)
    for chat_id, outcome in ((1, "sent"), (2, "failed"), (3, "blocked"), (4, "failed")):
        await outbox.record(queued.id, chat_id, outcome)  # type: ignore[arg-type]
    await outbox.finish(queued.id, "done")
    await outbox.close()  # folds the journal into a snapshot
    again = Outbox(tmp_path / "outbox")
    assert again.failed_recipients(queued.id) == [2, 4]
    resent, queued_now = await again.resend_failed(queued.id, [2, 4], 9) or (None, False)
    assert queued_now and resent is not None and again.recipients_left(resent.id) == [2, 4]
    assert await again.resend_failed(queued.id, [2, 4], 9) == (resent, False)  # once only
    await again.forget_recipient(4)
    assert again.failed_recipients(queued.id) == [2]
    await again.close()


async def test_an_announcement_given_up_on_counts_everyone_left_as_failed(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox")
    queued = await outbox.queue(kind="broadcast", html="x", recipients=[1, 2, 3], created_by=9)
    await outbox.record(queued.id, 1, "sent")
    failed = await outbox.finish(queued.id, "failed", "KeyError: 'x'")
    assert (failed.status, failed.sent, failed.failed, failed.remaining) == ("failed", 1, 2, 0)
    assert outbox.failed_recipients(queued.id) == [2, 3]
    await outbox.close()
