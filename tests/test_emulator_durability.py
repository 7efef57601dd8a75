"""The emulator's world in a data folder: restarts continue it, crashes lose nothing answered."""

from __future__ import annotations

import asyncio
import random
import signal
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.sandbox.chat import MAX_MESSAGES_PER_CHAT
from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import serving_emulator
from bot.sandbox.world_folder import open_world
from bot.storage.journal import SNAPSHOT_NAME, JournalCorruptError, JournalError, journal_name
from tests.bench.emulator_process import start_emulator_process
from tests.sandbox_client import SandboxClient, tiny_png

TOKEN = "123456:durable-test"
ANA, JONAS = 1001, 1002
BIG = 1 << 30


def durable(data_dir: Path, **changes: Any) -> EmulatorConfig:
    """Rate limits off, world kept in `data_dir`."""
    return EmulatorConfig(rate_limit=False, data_dir=data_dir, **changes)


async def call(http: aiohttp.ClientSession, base: str, method: str, **params: Any) -> Any:
    """A Bot API call that must succeed; its result."""
    async with http.post(f"{base}/bot{TOKEN}/{method}", json=params) as response:
        body = await response.json()
    assert response.status == 200, body
    return body["result"]


async def call_status(http: aiohttp.ClientSession, base: str, method: str, **params: Any) -> int:
    """A Bot API call's HTTP status."""
    async with http.post(f"{base}/bot{TOKEN}/{method}", json=params) as response:
        return response.status


async def test_a_restart_continues_chats_ids_pending_updates_and_blocks(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    folder = tmp_path / "emulator"
    async with serving_emulator(durable(folder)) as (_, base):
        ana, jonas = SandboxClient(http, base, ANA), SandboxClient(http, base, JONAS)
        await ana.send("/start", first_name="Ana")
        await jonas.send("/start", first_name="Jonas")
        first = await call(http, base, "getUpdates")
        await call(http, base, "getUpdates", offset=first[-1]["update_id"] + 1)  # confirm both
        markup = {"inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]}
        hello = await call(http, base, "sendMessage", chat_id=ANA, text="Hi", reply_markup=markup)
        gone = await call(http, base, "sendMessage", chat_id=ANA, text="to delete")
        await call(http, base, "deleteMessage", chat_id=ANA, message_id=gone["message_id"])
        edit = {"chat_id": ANA, "message_id": hello["message_id"], "reply_markup": markup}
        await call(http, base, "editMessageText", text="Hi!", **edit)
        await call(http, base, "setMyCommands", commands=[{"command": "help", "description": "h"}])
        await ana.send("still waiting")  # never confirmed
        await jonas.set_blocked(True)
        pending_before = await call(http, base, "getUpdates")

    async with serving_emulator(durable(folder)) as (_, base):
        pending_after = await call(http, base, "getUpdates")
        assert pending_after == pending_before
        assert [next(k for k in u if k != "update_id") for u in pending_after] == [
            "message",
            "my_chat_member",
        ]
        assert await call_status(http, base, "sendMessage", chat_id=JONAS, text="x") == 403
        shown = await SandboxClient(http, base, ANA).messages()
        assert [(m["message_id"], m["from"], m["text"]) for m in shown] == [
            (1, "user", "/start"),
            (2, "bot", "Hi!"),
            (4, "user", "still waiting"),
        ]
        assert shown[1]["edited"] and shown[1]["buttons"] == [[{"text": "Yes", "data": "yes"}]]
        reply = await call(http, base, "sendMessage", chat_id=ANA, text="after the restart")
        assert reply["message_id"] == 5 and reply["chat"]["first_name"] == "Ana"
        new_id = await SandboxClient(http, base, ANA).send("and me")
        assert new_id == 6
        latest = await call(http, base, "getUpdates", offset=pending_after[-1]["update_id"] + 1)
        assert [u["update_id"] for u in latest] == [pending_after[-1]["update_id"] + 1]
        assert await call(http, base, "getMyCommands") == [{"command": "help", "description": "h"}]


async def test_a_sent_document_is_still_downloadable_after_a_restart(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    folder = tmp_path / "emulator"
    async with serving_emulator(durable(folder)) as (_, base):
        await SandboxClient(http, base, ANA).send("/start")
        form = aiohttp.FormData()
        form.add_field("chat_id", str(ANA))
        form.add_field("document", b"%PDF call text", filename="call.pdf")
        async with http.post(f"{base}/bot{TOKEN}/sendDocument", data=form) as response:
            sent = (await response.json())["result"]["document"]
    async with serving_emulator(durable(folder)) as (_, base):
        found = await call(http, base, "getFile", file_id=sent["file_id"])
        async with http.get(f"{base}/file/bot{TOKEN}/{found['file_path']}") as response:
            assert await response.read() == b"%PDF call text"
        shown = await SandboxClient(http, base, ANA).messages()
        assert shown[-1]["document"]["file_name"] == "call.pdf"


async def test_a_large_journal_is_compacted_into_a_snapshot_and_replays_the_same(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    folder = tmp_path / "emulator"
    async with serving_emulator(durable(folder, compact_journal_bytes=2_000)) as (_, base):
        await SandboxClient(http, base, ANA).send("/start")
        for n in range(40):
            await call(http, base, "sendMessage", chat_id=ANA, text=f"message {n}")
        assert (folder / SNAPSHOT_NAME).exists()
        journals = list(folder.glob("journal-*.jsonl"))
        assert len(journals) == 1 and journals[0].stat().st_size <= 2_000 + 1_000
    async with serving_emulator(durable(folder)) as (_, base):
        shown = await SandboxClient(http, base, ANA).messages()
        assert [m["text"] for m in shown[1:]] == [f"message {n}" for n in range(40)]


async def test_a_clean_stop_leaves_a_snapshot_and_an_empty_journal(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    folder = tmp_path / "emulator"
    async with serving_emulator(durable(folder)) as (_, base):
        await SandboxClient(http, base, ANA).send("/start")
    header = (folder / SNAPSHOT_NAME).read_bytes().split(b"\n")[0]
    assert b'"generation":1' in header
    assert (folder / journal_name(1)).read_bytes() == b""
    assert not (folder / journal_name(0)).exists()


async def test_a_second_emulator_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    async with serving_emulator(durable(tmp_path)):
        with pytest.raises(JournalError, match="Another emulator is already using"):
            open_world(tmp_path, BIG)


async def crashed_world(folder: Path) -> Path:
    """Save three changes, then leave without a clean stop, as a crash does; the journal's path."""
    world = open_world(folder, BIG)
    world.start_chat(ANA, "Ana")
    world.add_message(world.chats[ANA], world.chats[ANA].user_json(), "hello")
    await world.saved()
    assert world.journal is not None
    world.journal.release()
    return folder / journal_name(0)


async def test_a_torn_last_journal_line_is_dropped(tmp_path: Path) -> None:
    journal = await crashed_world(tmp_path)
    whole = journal.read_bytes()
    journal.write_bytes(whole + b'{"t": "message", "chat": 10')
    world = open_world(tmp_path, BIG)
    assert [m.text for m in world.chats[ANA].messages.values()] == ["hello"]
    assert journal.read_bytes() == whole  # later appends do not join the torn fragment


async def test_a_corrupt_journal_line_before_the_end_is_named_and_left_alone(
    tmp_path: Path,
) -> None:
    journal = await crashed_world(tmp_path)
    lines = journal.read_bytes().split(b"\n")
    lines[1] = b"{not json"
    damaged = b"\n".join(lines)
    journal.write_bytes(damaged)
    with pytest.raises(JournalCorruptError) as caught:
        open_world(tmp_path, BIG)
    assert caught.value.path == journal and caught.value.line == 2
    assert f"{journal} line 2 cannot be read" in str(caught.value)
    assert journal.read_bytes() == damaged
    with pytest.raises(JournalCorruptError):  # not "in use": the failed start let go of it
        open_world(tmp_path, BIG)


LANES = 16


async def send_until_killed(
    http: aiohttp.ClientSession, base: str, round_number: int, acked: dict[tuple[int, int], str]
) -> None:
    """One sender per user until the emulator dies; remembers every send answered with 200."""

    async def sender(user_id: int) -> None:
        for n in range(100_000):
            text = f"round {round_number} message {n}"
            try:
                async with http.post(
                    f"{base}/bot{TOKEN}/sendMessage", json={"chat_id": user_id, "text": text}
                ) as response:
                    if response.status != 200:
                        return
                    acked[user_id, (await response.json())["result"]["message_id"]] = text
            except (TimeoutError, aiohttp.ClientError):
                return

    await asyncio.gather(*(sender(ANA + lane) for lane in range(LANES)))


async def test_every_answered_send_survives_sigkill(tmp_path: Path) -> None:
    folder = tmp_path / "emulator"
    rng = random.Random(7)
    acked: dict[tuple[int, int], str] = {}
    async with aiohttp.ClientSession() as http:
        for round_number in range(4):
            child, base = start_emulator_process(folder)
            try:
                for lane in range(LANES):
                    await SandboxClient(http, base, ANA + lane).send(f"/start {round_number}")
                sending = asyncio.create_task(send_until_killed(http, base, round_number, acked))
                await asyncio.sleep(rng.uniform(0.1, 0.4))
                child.send_signal(signal.SIGKILL)
                await sending
            finally:
                child.kill()
                child.wait()
        print(f"acknowledged sends: {len(acked)}")
        assert len(acked) >= 20, "too few sends happened to test anything"
        kept: dict[tuple[int, int], str] = {}
        async with serving_emulator(durable(folder)) as (_, base):
            for lane in range(LANES):
                for shown in await SandboxClient(http, base, ANA + lane).messages():
                    kept[ANA + lane, shown["message_id"]] = shown["text"]
    assert len(kept) < LANES * MAX_MESSAGES_PER_CHAT, "a chat overflowed its cap; send less"
    assert {key: kept.get(key) for key in acked} == acked


async def _build_rich_world(http: aiohttp.ClientSession, base: str) -> dict[str, Any]:
    """Groups, membership, pins, reactions, a name, menu buttons, a user's edit and a photo."""
    ana = SandboxClient(http, base, ANA)
    first = await ana.send("/start", first_name="Ana")
    async with http.post(
        f"{base}/api/groups", json={"title": "Staff", "member_ids": [ANA, JONAS]}
    ) as response:
        group = (await response.json())["chat_id"]
    async with http.post(f"{base}/api/groups", json={"title": "Old", "member_ids": [JONAS]}) as r:
        old_group = (await r.json())["chat_id"]
    async with http.post(f"{base}/api/groups/{old_group}/bot", json={"member": False}) as r:
        assert r.status == 200
    asked = await call(http, base, "sendMessage", chat_id=group, text="Question 7")
    async with http.post(
        f"{base}/api/groups/{group}/messages",
        json={"user_id": JONAS, "text": "Mine", "reply_to_message_id": asked["message_id"]},
    ) as response:
        assert response.status == 200
    await call(http, base, "pinChatMessage", chat_id=group, message_id=asked["message_id"])
    await call(
        http,
        base,
        "setMessageReaction",
        chat_id=ANA,
        message_id=first,
        reaction=[{"type": "emoji", "emoji": "👍"}],
    )
    await call(http, base, "setMyName", name="Twinning helper")
    await call(http, base, "setChatMenuButton", chat_id=ANA, menu_button={"type": "commands"})
    await call(
        http,
        base,
        "setChatMenuButton",
        menu_button={"type": "web_app", "text": "Apply", "web_app": {"url": "https://x.eu"}},
    )
    async with http.patch(f"{base}/api/users/{ANA}/messages/{first}", json={"text": "/help"}) as r:
        assert r.status == 200
    form = aiohttp.FormData()
    form.add_field("chat_id", str(ANA))
    form.add_field("photo", tiny_png(5, 7), filename="chart.png")
    async with http.post(f"{base}/bot{TOKEN}/sendPhoto", data=form) as response:
        photo = (await response.json())["result"]["photo"][0]
    return {"group": group, "old_group": old_group, "first": first, "photo": photo}


async def _check_rich_world(http: aiohttp.ClientSession, base: str, built: dict[str, Any]) -> None:
    group, old_group = built["group"], built["old_group"]
    async with http.get(f"{base}/api/groups") as response:
        listed = (await response.json())["groups"]
    assert [(g["chat_id"], g["title"], g["member_ids"]) for g in listed] == [
        (group, "Staff", [ANA, JONAS]),
        (old_group, "Old", [JONAS]),
    ]
    assert await call_status(http, base, "sendMessage", chat_id=old_group, text="x") == 403
    chat = await call(http, base, "getChat", chat_id=group)
    assert chat["pinned_message"]["text"] == "Question 7"
    async with http.get(f"{base}/api/groups/{group}/messages") as response:
        shown = (await response.json())["messages"]
    assert [(m["text"], m.get("reply_to", {}).get("text")) for m in shown[:2]] == [
        ("Question 7", None),
        ("Mine", "Question 7"),
    ]
    ana = await SandboxClient(http, base, ANA).messages()
    assert ana[0]["text"] == "/help" and ana[0]["edited"] and ana[0]["reactions"] == ["👍"]
    assert ana[-1]["photo"]["file_name"] == "chart.png"
    assert (await call(http, base, "getMyName"))["name"] == "Twinning helper"
    assert (await call(http, base, "getMe"))["first_name"] == "Twinning helper"
    assert await call(http, base, "getChatMenuButton", chat_id=ANA) == {"type": "commands"}
    assert (await call(http, base, "getChatMenuButton"))["type"] == "web_app"
    again = await call(http, base, "sendPhoto", chat_id=ANA, photo=built["photo"]["file_id"])
    assert (again["photo"][0]["width"], again["photo"][0]["height"]) == (5, 7)
    assert await call(http, base, "sendMessage", chat_id=group, text="still here")


async def test_groups_pins_reactions_names_menus_and_edits_survive_a_crash_and_a_restart(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    folder = tmp_path / "emulator"
    child, base = start_emulator_process(folder)
    try:
        built = await _build_rich_world(http, base)
        child.send_signal(signal.SIGKILL)  # replayed from the journal alone
    finally:
        child.kill()
        child.wait()
    async with serving_emulator(durable(folder)) as (_, base):
        await _check_rich_world(http, base, built)
    async with serving_emulator(durable(folder)) as (_, base):  # now from the snapshot
        await _check_rich_world(http, base, built)
