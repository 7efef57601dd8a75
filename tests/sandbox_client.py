"""A small client of the sandbox's client API, as a script or the web page would use it."""

from __future__ import annotations

import asyncio
import struct
import time
import zlib
from typing import Any

import aiohttp


class SandboxClient:
    """Acts as one Telegram user chatting with the bot through the sandbox."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, user_id: int) -> None:
        self.session = session
        self.base = base_url.rstrip("/")
        self.user_id = user_id
        self.seen = 0

    async def send(self, text: str, first_name: str = "Ana") -> int:
        """Send a message as this user; returns its message id."""
        async with self.session.post(
            f"{self.base}/api/users/{self.user_id}/messages",
            json={"text": text, "first_name": first_name},
        ) as response:
            body = await response.json()
            assert response.status == 200, body
            self.seen = max(self.seen, body["message_id"])
            return int(body["message_id"])

    async def press(self, message_id: int, data: str) -> str:
        """Press the inline button with this callback data on a bot message; the query id."""
        async with self.session.post(
            f"{self.base}/api/users/{self.user_id}/callbacks",
            json={"message_id": message_id, "data": data},
        ) as response:
            assert response.status == 200, await response.text()
            return str((await response.json())["callback_query_id"])

    async def button_answer(self, query_id: str, timeout: float = 10) -> dict[str, Any]:
        """Wait until the bot answers this button press; its text and show_alert."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            async with self.session.get(
                f"{self.base}/api/users/{self.user_id}/callbacks/{query_id}"
            ) as response:
                assert response.status == 200, await response.text()
                answer = dict(await response.json())
            if answer["answered"]:
                return answer
            await asyncio.sleep(0.05)
        raise AssertionError(f"button press {query_id} not answered within {timeout} s")

    async def alert(self, message_id: int, data: str) -> str:
        """Press a button and return the alert text the bot answered with."""
        answer = await self.button_answer(await self.press(message_id, data))
        assert answer["show_alert"], answer
        return str(answer["text"])

    async def messages(self, after: int = 0, wait: float = 0) -> list[dict[str, Any]]:
        """The chat's messages newer than `after`, optionally long-polling for a bot message."""
        async with self.session.get(
            f"{self.base}/api/users/{self.user_id}/messages",
            params={"after": str(after), "wait": str(wait)},
        ) as response:
            assert response.status == 200, await response.text()
            return list((await response.json())["messages"])

    async def next_bot_message(self, timeout: float = 10) -> dict[str, Any]:
        """Wait for the next bot message after the last one seen; fails after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in await self.messages(after=self.seen, wait=1):
                self.seen = max(self.seen, message["message_id"])
                if message["from"] == "bot":
                    return message
        raise AssertionError(f"no bot message within {timeout} s")

    async def ask(self, text: str, timeout: float = 10) -> dict[str, Any]:
        """Send a message and return the bot's next message."""
        await self.send(text)
        return await self.next_bot_message(timeout)

    async def set_blocked(self, blocked: bool) -> None:
        """Block or unblock the bot as this user."""
        action = "block" if blocked else "unblock"
        async with self.session.post(f"{self.base}/api/users/{self.user_id}/{action}") as response:
            assert response.status == 200, await response.text()


def button_data(message: dict[str, Any]) -> list[str]:
    """Every callback data value on a message's inline keyboard, in order."""
    return [b["data"] for row in message.get("buttons", []) for b in row if "data" in b]


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A valid PNG of that size (one grey colour), for photo uploads."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    body = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body
