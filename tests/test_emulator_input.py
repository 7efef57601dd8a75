"""Malformed requests are refused at the door (400/401) and never break later answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.sandbox.emulator import EmulatorConfig, TelegramEmulator
from bot.sandbox.server import serving_emulator

TOKEN = "123456:input-test"
USER = 1001
DEEP_TEXT = b'{"chat_id": 1001, "text": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
UTF8_REFUSAL = "Bad Request: strings must be encoded in UTF-8"

Served = tuple[TelegramEmulator, str]


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    """An emulator over HTTP, rate limits off, with user 1001 having started the bot."""
    async with serving_emulator(EmulatorConfig(rate_limit=False)) as pair:
        pair[0].world.start_chat(USER)
        yield pair


async def raw(
    http: aiohttp.ClientSession, url: str, body: bytes, content_type: str
) -> tuple[int, Any]:
    """POST raw bytes with a content type; the status and the decoded JSON answer."""
    async with http.post(url, data=body, headers={"Content-Type": content_type}) as response:
        return response.status, await response.json(content_type=None)


async def later_calls_still_work(http: aiohttp.ClientSession, base: str) -> None:
    """The emulator still answers getUpdates and sends, and the client API still lists."""
    async with http.post(f"{base}/api/users/{USER}/block") as response:
        assert response.status == 200  # queues a my_chat_member update naming the bot
    async with http.get(f"{base}/bot{TOKEN}/getUpdates") as response:
        assert response.status == 200, await response.text()
    async with http.get(f"{base}/api/users/{USER}/messages") as response:
        assert response.status == 200, await response.text()


async def test_a_client_message_with_a_lone_surrogate_is_refused(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    url = f"{base}/api/users/{USER}/messages"
    status, body = await raw(http, url, b'{"text": "hi \\ud800 there"}', "application/json")
    assert status == 400
    assert body["error"].endswith(".") and "UTF-8" in body["error"]
    await later_calls_still_work(http, base)


@pytest.mark.parametrize("bot_id", ["123456789012345678901234567890", str(2**63)])
async def test_a_bot_id_beyond_64_bits_is_unauthorized(
    served: Served, http: aiohttp.ClientSession, bot_id: str
) -> None:
    base = served[1]
    async with http.get(f"{base}/bot{bot_id}:abc/getMe") as response:
        assert response.status == 401
        assert (await response.json())["description"] == "Unauthorized"
    await later_calls_still_work(http, base)


async def test_the_largest_64_bit_bot_id_is_accepted(
    served: Served, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{served[1]}/bot{2**63 - 1}:abc/getMe") as response:
        assert response.status == 200
        assert (await response.json())["result"]["id"] == 2**63 - 1


async def test_text_nested_100000_arrays_deep_is_a_bad_request(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    status, body = await raw(http, f"{base}/bot{TOKEN}/sendMessage", DEEP_TEXT, "application/json")
    assert status == 400 and body["ok"] is False
    status, body = await raw(
        http, f"{base}/api/users/{USER}/messages", DEEP_TEXT, "application/json"
    )
    assert status == 400 and "JSON" in body["error"]
    await later_calls_still_work(http, base)


async def test_a_query_string_that_is_not_utf8_is_refused(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    url = f"{base}/bot{TOKEN}/sendMessage?chat_id=1001&text=%ED%A0%80"
    async with http.get(aiohttp.client.URL(url, encoded=True)) as response:
        assert (response.status, (await response.json())["description"]) == (400, UTF8_REFUSAL)


MULTIPART = "multipart/form-data; boundary=x"
NO_BOUNDARY = "multipart/form-data"
BROKEN_MULTIPART = "Bad Request: can't parse the multipart/form-data body"


@pytest.mark.parametrize(
    ("body", "content_type", "description"),
    [
        (b'{"chat_id": 1001, "text": "hi \\ud800"}', "application/json", UTF8_REFUSAL),
        (b"chat_id=1001&text=%ED%A0%80", "application/x-www-form-urlencoded", UTF8_REFUSAL),
        (b"chat_id=1001&text=caf\xff", "application/x-www-form-urlencoded", UTF8_REFUSAL),
        (b"--x\r\nContent-Disposition: form-data\r\n\r\n1", NO_BOUNDARY, BROKEN_MULTIPART),
        (b"--x\r\nnot a header at all\r\n\r\n1\r\n--x--", MULTIPART, BROKEN_MULTIPART),
        (b"--x\r\nContent-Disposition: form-data\r\n\r\n1\r\n", MULTIPART, BROKEN_MULTIPART),
    ],
    ids=[
        "json-lone-surrogate",
        "form-encoded-surrogate",
        "form-raw-xff",
        "multipart-no-boundary",
        "multipart-broken-part",
        "multipart-unterminated",
    ],
)
async def test_bodies_that_cannot_be_decoded_are_bad_requests(
    served: Served, http: aiohttp.ClientSession, body: bytes, content_type: str, description: str
) -> None:
    base = served[1]
    status, answer = await raw(http, f"{base}/bot{TOKEN}/sendDocument", body, content_type)
    assert (status, answer["description"]) == (400, description)
    await later_calls_still_work(http, base)


async def test_a_nested_json_parameter_in_a_form_is_a_bad_request(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base = served[1]
    markup = "[" * 100_000 + "]" * 100_000
    form = {"chat_id": str(USER), "text": "hi", "reply_markup": markup}
    async with http.post(f"{base}/bot{TOKEN}/sendMessage", data=form) as response:
        assert response.status == 400
