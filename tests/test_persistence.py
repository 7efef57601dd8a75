"""StorePersistence: what one instance writes, a fresh instance on the same file reads back."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest
from telegram import Update
from telegram.ext import (
    Application,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PersistenceInput,
    filters,
)

from bot.lifecycle import running_with_polling
from bot.sandbox.emulator import EmulatorConfig
from bot.sandbox.server import SANDBOX_TOKEN, serving_emulator
from bot.storage.durable import StorageCorruptError
from bot.storage.persistence import (
    StorePersistence,
    decode_conversation_key,
    encode_conversation_key,
)
from tests.sandbox_client import SandboxClient


def fresh(path: Path) -> StorePersistence:
    return StorePersistence(path, store_data=PersistenceInput(bot_data=False, callback_data=False))


async def test_conversation_states_survive_a_new_instance(tmp_path: Path) -> None:
    path = tmp_path / "persistence.json"
    first = fresh(path)
    await first.update_conversation("apply", (1001, 1001), 2)
    await first.update_conversation("apply", (-100500, 7), "ASK_EMAIL")
    await first.update_conversation("other", ("x",), 1)
    second = fresh(path)
    assert await second.get_conversations("apply") == {(1001, 1001): 2, (-100500, 7): "ASK_EMAIL"}
    assert await second.get_conversations("other") == {("x",): 1}
    assert await second.get_conversations("missing") == {}


async def test_a_none_state_ends_the_conversation(tmp_path: Path) -> None:
    path = tmp_path / "persistence.json"
    first = fresh(path)
    await first.update_conversation("apply", (1, 1), 3)
    await first.update_conversation("apply", (2, 2), 3)
    await first.update_conversation("apply", (1, 1), None)
    await first.update_conversation("never-started", (9, 9), None)
    assert await fresh(path).get_conversations("apply") == {(2, 2): 3}


async def test_user_and_chat_data_round_trip_with_int_keys_and_drop(tmp_path: Path) -> None:
    path = tmp_path / "persistence.json"
    first = fresh(path)
    await first.update_user_data(1001, {"city": "Braga", "answers": [1, 2]})
    await first.update_user_data(1002, {"city": "Gent"})
    await first.update_chat_data(-100200, {"lang": "en"})
    second = fresh(path)
    assert await second.get_user_data() == {
        1001: {"city": "Braga", "answers": [1, 2]},
        1002: {"city": "Gent"},
    }
    assert await second.get_chat_data() == {-100200: {"lang": "en"}}
    await second.drop_user_data(1001)
    await second.drop_chat_data(-100200)
    await second.drop_user_data(5555)
    third = fresh(path)
    assert await third.get_user_data() == {1002: {"city": "Gent"}}
    assert await third.get_chat_data() == {}


async def test_returned_data_is_a_copy(tmp_path: Path) -> None:
    persistence = fresh(tmp_path / "persistence.json")
    await persistence.update_user_data(1, {"list": [1]})
    loaded = await persistence.get_user_data()
    loaded[1]["list"].append(2)
    assert await persistence.get_user_data() == {1: {"list": [1]}}


async def test_bot_and_callback_data_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "persistence.json"
    first = StorePersistence(path)
    assert await first.get_bot_data() == {}
    assert await first.get_callback_data() is None
    await first.update_bot_data({"broadcasts": 3})
    await first.update_callback_data(([("uuid-1", 1700000000.5, {"btn": "yes"})], {"q1": "uuid-1"}))
    second = StorePersistence(path)
    assert await second.get_bot_data() == {"broadcasts": 3}
    assert await second.get_callback_data() == (
        [("uuid-1", 1700000000.5, {"btn": "yes"})],
        {"q1": "uuid-1"},
    )


async def test_unstorable_user_data_is_refused_and_the_file_kept(tmp_path: Path) -> None:
    path = tmp_path / "persistence.json"
    persistence = fresh(path)
    await persistence.update_user_data(1, {"ok": True})
    before = path.read_bytes()
    with pytest.raises(TypeError, match="user_data for 1 cannot be stored"):
        await persistence.update_user_data(1, {"seen": {1, 2}})
    assert path.read_bytes() == before
    assert await persistence.get_user_data() == {1: {"ok": True}}


async def test_refresh_and_flush_keep_everything(tmp_path: Path) -> None:
    path = tmp_path / "persistence.json"
    persistence = fresh(path)
    await persistence.update_user_data(1, {"a": 1})
    user_data = {"a": 1}
    await persistence.refresh_user_data(1, user_data)
    await persistence.refresh_chat_data(1, {})
    await persistence.refresh_bot_data({})
    await persistence.flush()
    assert user_data == {"a": 1}
    assert await persistence.get_user_data() == {1: {"a": 1}}


def test_a_corrupt_file_is_reported_at_start_up(tmp_path: Path) -> None:
    path = tmp_path / "persistence.json"
    path.write_bytes(b'{"user_data": ')
    with pytest.raises(StorageCorruptError, match=r"persistence\.json cannot be read"):
        fresh(path)
    assert path.read_bytes() == b'{"user_data": '


async def test_only_changed_data_is_written_and_empty_data_keeps_no_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "persistence.json"
    persistence = fresh(path)
    writes: list[str] = []
    original = persistence._change_now
    monkeypatch.setattr(
        persistence, "_change_now", lambda change: (writes.append("w"), original(change))
    )
    assert await persistence.get_user_data() == {}  # PTB reads each section at start-up

    await persistence.update_user_data(1001, {})  # someone who only asked a question
    assert writes == []
    assert "1001" not in (path.read_text(encoding="utf-8") if path.exists() else "")
    await persistence.update_user_data(1001, {"step": "city"})
    await persistence.update_user_data(1001, {"step": "city"})  # handed over again, unchanged
    assert len(writes) == 1
    assert await fresh(path).get_user_data() == {1001: {"step": "city"}}

    await persistence.update_user_data(1001, {})  # their data was cleared: no entry is kept
    assert len(writes) == 2
    assert "1001" not in path.read_text(encoding="utf-8")


def test_conversation_keys_encode_as_json_arrays() -> None:
    assert encode_conversation_key((1, -2, "x")) == '[1,-2,"x"]'
    assert decode_conversation_key('[1,-2,"x"]') == (1, -2, "x")


async def test_the_application_writes_marked_user_data_through_it(tmp_path: Path) -> None:
    path = tmp_path / "persistence.json"
    application = Application.builder().token("123:abc").persistence(fresh(path)).build()
    application.user_data[1001]["step"] = "city"
    application.mark_data_for_update_persistence(user_ids=1001)
    await application.update_persistence()
    assert await fresh(path).get_user_data() == {1001: {"step": "city"}}


ASK_CITY = 1


async def _ask_city(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_message is not None
    await update.effective_message.reply_text("Which city?")
    return ASK_CITY


async def _got_city(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"Noted: {update.effective_message.text}")
    return ConversationHandler.END


def _conversation_bot(path: Path, base_url: str) -> Application:  # type: ignore[type-arg]
    """A bot with one persistent two-step conversation, talking to the emulator."""
    application = (
        Application.builder()
        .token(SANDBOX_TOKEN)
        .base_url(f"{base_url}/bot")
        .persistence(fresh(path))
        .build()
    )
    application.add_handler(
        ConversationHandler(
            entry_points=[CommandHandler("begin", _ask_city)],
            states={ASK_CITY: [MessageHandler(filters.TEXT & ~filters.COMMAND, _got_city)]},
            fallbacks=[],
            name="city",
            persistent=True,
        )
    )
    return application


async def test_a_conversation_survives_a_restart_of_the_bot(tmp_path: Path) -> None:
    path = tmp_path / "persistence.json"
    async with (
        serving_emulator(EmulatorConfig(rate_limit=False)) as (_, base),
        aiohttp.ClientSession() as http,
    ):
        client = SandboxClient(http, base, 1001)
        async with running_with_polling(_conversation_bot(path, base)):  # type: ignore[arg-type]
            assert (await client.ask("/begin"))["text"] == "Which city?"
        async with running_with_polling(_conversation_bot(path, base)):  # type: ignore[arg-type]
            assert (await client.ask("Lisbon"))["text"] == "Noted: Lisbon"
