"""Defects an independent tester found in the emulator (issue 10's follow-up), each pinned."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.sandbox.emulator import EmulatorConfig, TelegramEmulator
from bot.sandbox.entities import with_automatic_entities
from bot.sandbox.server import serving_emulator

TOKEN = "123456:fixes-test"
ANA, JONAS = 1001, 1002

Served = tuple[TelegramEmulator, str]


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    """An emulator, rate limits off, with Ana and Jonas in a group (id in world.groups)."""
    async with serving_emulator(EmulatorConfig(rate_limit=False)) as pair:
        pair[0].world.start_chat(ANA)
        pair[0].world.add_group("Staff", [ANA, JONAS])
        yield pair


def group_of(served: Served) -> int:
    """The fixture's group id."""
    return next(iter(served[0].world.groups))


async def answer(
    http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any
) -> tuple[int, str, Any]:
    """One request: status, content type and the body (JSON decoded when it is JSON)."""
    async with http.request(method, url, **kwargs) as response:
        text = await response.text()
        body = json.loads(text) if response.content_type == "application/json" else text
        return response.status, response.content_type, body


def upload_paths(served: Served) -> list[str]:
    """The four client API upload endpoints."""
    group = group_of(served)
    return [
        f"/api/users/{ANA}/photos",
        f"/api/users/{ANA}/documents",
        f"/api/groups/{group}/photos",
        f"/api/groups/{group}/documents",
    ]


BROKEN_MULTIPART = {
    "truncated": (b'--x\r\nContent-Disposition: form-data; name="file"', "boundary=x"),
    "no-boundary": (b'--x\r\nContent-Disposition: form-data; name="file"\r\n\r\n1\r\n--x--', ""),
    "no-starting-boundary": (b"garbage", "boundary=x"),
    "empty": (b"", "boundary=x"),
    "unknown-charset": (
        b'--x\r\nContent-Disposition: form-data; name="caption"\r\n'
        b"Content-Type: text/plain; charset=bogus\r\n\r\nhi\r\n--x--\r\n",
        "boundary=x",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN_MULTIPART))
async def test_a_broken_multipart_upload_is_a_400_with_one_sentence(
    served: Served, http: aiohttp.ClientSession, case: str
) -> None:
    body, parameters = BROKEN_MULTIPART[case]
    content_type = "multipart/form-data" + (f"; {parameters}" if parameters else "")
    for path in upload_paths(served):
        status, kind, shown = await answer(
            http, "POST", served[1] + path, data=body, headers={"Content-Type": content_type}
        )
        assert (status, kind) == (400, "application/json"), (path, shown)
        assert shown["error"].startswith("The multipart/form-data body cannot be read")
        assert shown["error"].endswith(".") and shown["error"].count(". ") == 0, shown


async def test_an_upload_past_the_limit_is_a_413_in_json(
    served: Served, http: aiohttp.ClientSession
) -> None:
    big = aiohttp.FormData()
    big.add_field("file", b"a" * (60 * 1024 * 1024), filename="huge.bin")
    for path in (f"/api/users/{ANA}/documents", f"/api/groups/{group_of(served)}/photos"):
        status, kind, shown = await answer(http, "POST", served[1] + path, data=big)
        assert (status, kind) == (413, "application/json"), shown
        assert "at most 50 MB" in shown["error"]
    status, kind, shown = await answer(
        http,
        "POST",
        f"{served[1]}/api/users/{ANA}/messages",
        data=b" " * (60 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert (status, kind) == (413, "application/json") and "50 MB" in shown["error"]
    status, _, _ = await answer(http, "GET", f"{served[1]}/api/users/{ANA}/messages")
    assert status == 200  # and the sandbox carries on


MALFORMED_BODIES: list[tuple[bytes, str]] = [
    (b"", ""),
    (b"", "application/json"),
    (b"{", "application/json"),
    (b"\xff\xfe", "application/json"),
    (b"[1]", "application/json"),
    (b"abc", "multipart/form-data"),
    (b"--x\r\nContent-Disposition: form-data", "multipart/form-data; boundary=x"),
    (b"a=%zz&b", "application/x-www-form-urlencoded"),
    (b"\xff", "text/plain; charset=utf-16"),
] + [
    (json.dumps({field: value, "text": "t"}).encode(), "application/json")
    for field, value in itertools.product(
        [
            "text",
            "user_id",
            "reply_to_message_id",
            "first_name",
            "message_id",
            "data",
            "title",
            "member_ids",
            "chat_id",
            "member",
            "user_ids",
        ],
        [None, True, 1e30, -1, "abc", "", [], {}, [1], 2**70, 1.5],
    )
]


async def test_no_client_api_endpoint_answers_500_or_anything_but_json(
    served: Served, http: aiohttp.ClientSession
) -> None:
    group = group_of(served)
    endpoints = [
        ("POST", "/api/users/started"),
        ("POST", f"/api/users/{ANA}/messages"),
        ("PATCH", f"/api/users/{ANA}/messages/1"),
        ("POST", f"/api/users/{ANA}/documents"),
        ("POST", f"/api/users/{ANA}/photos"),
        ("POST", f"/api/users/{ANA}/callbacks"),
        ("POST", "/api/groups"),
        ("POST", f"/api/groups/{group}/messages"),
        ("PATCH", f"/api/groups/{group}/messages/1"),
        ("POST", f"/api/groups/{group}/documents"),
        ("POST", f"/api/groups/{group}/photos"),
        ("POST", f"/api/groups/{group}/callbacks"),
        ("POST", f"/api/groups/{group}/bot"),
        ("DELETE", f"/api/users/{ANA}/messages"),
    ]
    failures = []
    for (method, path), (body, content_type) in itertools.product(endpoints, MALFORMED_BODIES):
        headers = {"Content-Type": content_type} if content_type else {}
        status, kind, shown = await answer(
            http, method, served[1] + path, data=body, headers=headers
        )
        if status >= 500 or kind != "application/json" or not isinstance(shown, dict):
            failures.append((method, path, body[:40], status, str(shown)[:80]))
    for query in ("after=abc", "wait=nan", "after=1e400", "wait=inf", "after=%ff"):
        for path in (f"/api/users/{ANA}/messages", f"/api/groups/{group}/messages"):
            status, kind, shown = await answer(http, "GET", f"{served[1]}{path}?{query}")
            if status != 400 or kind != "application/json":
                failures.append(("GET", path, query, status, str(shown)[:80]))
    assert failures == []


async def test_a_reply_to_an_id_that_is_no_integer_says_so(
    served: Served, http: aiohttp.ClientSession
) -> None:
    for raw, shown in ((True, "true"), (1e30, "1e+30"), ("abc", '"abc"'), ([1], "a list")):
        status, _, body = await answer(
            http,
            "POST",
            f"{served[1]}/api/users/{ANA}/messages",
            json={"text": "hi", "reply_to_message_id": raw},
        )
        assert status == 400
        assert body["error"].startswith(
            f'"reply_to_message_id" must be an integer message id, got {shown};'
        )
    status, _, body = await answer(
        http,
        "POST",
        f"{served[1]}/api/users/{ANA}/messages",
        json={"text": "hi", "reply_to_message_id": 999},
    )
    assert status == 400 and "There is no message 999 to reply to" in body["error"]


async def test_a_quoted_reply_names_the_user_who_wrote_it(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base, group = served[1], group_of(served)
    url = f"{base}/api/groups/{group}/messages"
    _, _, asked = await answer(
        http, "POST", url, json={"user_id": JONAS, "text": "Who takes it?", "first_name": "Jonas"}
    )
    _, _, reply = await answer(
        http,
        "POST",
        url,
        json={"user_id": ANA, "text": "Me", "reply_to_message_id": asked["message_id"]},
    )
    assert reply["reply_to"] == {
        "message_id": asked["message_id"],
        "text": "Who takes it?",
        "from": "user",
        "from_user": {"id": JONAS, "first_name": "Jonas"},
    }
    async with http.post(
        f"{base}/bot{TOKEN}/sendMessage", json={"chat_id": group, "text": "Noted"}
    ) as response:
        noted = (await response.json())["result"]
    _, _, to_bot = await answer(
        http,
        "POST",
        url,
        json={"user_id": JONAS, "text": "Thanks", "reply_to_message_id": noted["message_id"]},
    )
    assert to_bot["reply_to"]["from"] == "bot" and "from_user" not in to_bot["reply_to"]


def found(text: str) -> list[tuple[str, str]]:
    """The automatic entities of a text, as (type, covered text)."""
    return [
        (e["type"], text[e["offset"] : e["offset"] + e["length"]])
        for e in with_automatic_entities(text, [])
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a </b> <x>/y", []),
        ("</script>", []),
        ("a/b and /ok>", []),
        ("/" + "a" * 64, [("bot_command", "/" + "a" * 64)]),
        ("/" + "a" * 65, []),
        ("/start@abc now", [("bot_command", "/start@abc")]),
        ("/start@ab", []),
        ("/caf\u00e9", []),
        ("see (/help).", [("bot_command", "/help")]),
        ("ask @abcd", [("mention", "@abcd")]),
        ("ask @abc", []),
        ("try @gif or @Pic", [("mention", "@gif"), ("mention", "@Pic")]),
        ("@" + "a" * 32, [("mention", "@" + "a" * 32)]),
        ("@" + "a" * 33, []),
        ("ana@city.eu", [("email", "ana@city.eu")]),
    ],
)
def test_commands_and_mentions_follow_telegrams_rules(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(text) == expected


async def test_a_user_message_with_markup_carries_no_command(
    served: Served, http: aiohttp.ClientSession
) -> None:
    status, _, shown = await answer(
        http,
        "POST",
        f"{served[1]}/api/users/{ANA}/messages",
        json={"text": "a </b> <x>/y /" + "b" * 40},
    )
    assert status == 200
    assert shown["entities"] == [{"type": "bot_command", "offset": 13, "length": 41}]


async def test_unpin_all_administrators_and_member_count(
    served: Served, http: aiohttp.ClientSession
) -> None:
    base, group = served[1], group_of(served)

    async def call(method: str, **params: Any) -> tuple[int, Any]:
        async with http.post(f"{base}/bot{TOKEN}/{method}", json=params) as response:
            body = await response.json()
            return response.status, body.get("result", body.get("description"))

    _, first = await call("sendMessage", chat_id=group, text="one")
    _, second = await call("sendMessage", chat_id=group, text="two")
    for message in (first, second):
        assert await call("pinChatMessage", chat_id=group, message_id=message["message_id"])
    assert served[0].world.groups[group].pinned
    assert await call("unpinAllChatMessages", chat_id=group) == (200, True)
    assert served[0].world.groups[group].pinned == []
    status, admins = await call("getChatAdministrators", chat_id=group)
    assert status == 200 and [(a["status"], a["user"]["id"]) for a in admins] == [("creator", ANA)]
    assert await call("getChatAdministrators", chat_id=ANA) == (
        400,
        "Bad Request: there are no administrators in the private chat",
    )
    assert await call("getChatMemberCount", chat_id=group) == (200, 3)
    assert await call("getChatMemberCount", chat_id=ANA) == (200, 2)
    assert await call("getChatMemberCount", chat_id=-77) == (400, "Bad Request: chat not found")
