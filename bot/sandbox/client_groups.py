"""The client API's group chats: create one, write and press buttons as members, add or remove
the bot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.sandbox.chat import GroupChat, PrivateChat, now
from bot.sandbox.client_common import (
    ChatActions,
    ClientError,
    ClientNotFound,
    client_message,
    first_name_from,
    form_fields,
    json_object,
    user_id_from,
    whole_number,
)
from bot.sandbox.world import World

MAX_TITLE = 128
MAX_MEMBERS = 200


class GroupClientApi:
    """Routes under /api/groups."""

    def __init__(self, world: World, bot_user: Callable[[], dict[str, Any]]) -> None:
        self.world = world
        self.bot_user = bot_user
        self.actions = ChatActions(world, bot_user)

    def routes(self) -> list[web.RouteDef]:
        """Every group route."""
        return [
            web.post("/api/groups", self.create),
            web.get("/api/groups", self.list_groups),
            web.post("/api/groups/{chat_id}/messages", self.send_message),
            web.get("/api/groups/{chat_id}/messages", self.list_messages),
            web.patch("/api/groups/{chat_id}/messages/{message_id}", self.edit_message),
            web.post("/api/groups/{chat_id}/documents", self.send_document),
            web.post("/api/groups/{chat_id}/photos", self.send_photo),
            web.post("/api/groups/{chat_id}/callbacks", self.press_button),
            web.post("/api/groups/{chat_id}/bot", self.set_bot_member),
        ]

    @staticmethod
    def shown(group: GroupChat) -> dict[str, Any]:
        """A group as the client API shows it."""
        return {"chat_id": group.chat_id, "title": group.title, "member_ids": group.member_ids}

    def _group(self, request: web.Request) -> GroupChat:
        raw = request.match_info["chat_id"]
        group = None
        if raw.startswith("-") and raw[1:].isascii() and raw[1:].isdigit():
            group = self.world.groups.get(int(raw))
        if group is None:
            raise ClientNotFound(
                f"There is no group {raw!r}; create one with POST /api/groups, "
                "or list them with GET /api/groups."
            )
        return group

    def _member(self, group: GroupChat, body: dict[str, Any]) -> PrivateChat:
        user_id = user_id_from(body.get("user_id"), '"user_id"')
        if user_id not in group.member_ids:
            raise ClientError(
                f"User {user_id} is not a member of the group {group.title!r}; "
                f"its members are {group.member_ids}."
            )
        return self.world.chat(user_id, first_name_from(body))

    def _announce(self, group: GroupChat, member: bool, by: PrivateChat) -> None:
        """The my_chat_member update for the bot joining or leaving."""
        bot = self.bot_user()
        inside = {"status": "member", "user": bot}
        outside = {"status": "left", "user": bot}
        self.world.push_update(
            "my_chat_member",
            {
                "chat": group.chat_json(),
                "from": by.user_json(),
                "date": now(),
                "old_chat_member": outside if member else inside,
                "new_chat_member": inside if member else outside,
            },
        )

    async def create(self, request: web.Request) -> web.Response:
        """A new group of these members; the bot joins it at once (my_chat_member)."""
        body = await json_object(request)
        title, members = body.get("title"), body.get("member_ids")
        if not isinstance(title, str) or not 0 < len(title.strip()) <= MAX_TITLE:
            raise ClientError(f'Give the group a title of 1 to {MAX_TITLE} characters in "title".')
        if (
            not isinstance(members, list)
            or not 0 < len(members) <= MAX_MEMBERS
            or len(set(map(str, members))) != len(members)
        ):
            raise ClientError(
                f'Give 1 to {MAX_MEMBERS} different user ids in "member_ids", the creator first.'
            )
        member_ids = [user_id_from(m, '"member_ids"') for m in members]
        chat_id = body.get("chat_id")
        if chat_id is not None:
            chosen = whole_number(chat_id)
            if chosen is None or chosen >= 0 or chosen < -(2**52):
                raise ClientError('"chat_id" must be a negative whole number, or left out.')
            if chosen in self.world.groups:
                raise ClientError(f"Group {chosen} exists; pick another id or leave it out.")
            chat_id = chosen
        group = self.world.add_group(title.strip(), member_ids, chat_id)
        self._announce(group, True, self.world.chat(member_ids[0]))
        return web.json_response(self.shown(group))

    async def list_groups(self, request: web.Request) -> web.Response:
        """Every group, for the page's picker."""
        return web.json_response({"groups": [self.shown(g) for g in self.world.groups.values()]})

    async def send_message(self, request: web.Request) -> web.Response:
        """A member writes in the group, perhaps replying to a message there."""
        group = self._group(request)
        body = await json_object(request)
        message = self.actions.write(group, self._member(group, body), body)
        return web.json_response(client_message(group, message, str(request.url.origin())))

    async def edit_message(self, request: web.Request) -> web.Response:
        """A member edits a message they wrote (edited_message)."""
        group = self._group(request)
        body = await json_object(request)
        message_id = request.match_info["message_id"]
        if not message_id.isascii() or not message_id.isdigit():
            raise ClientError(f"The message id {message_id!r} is not a whole number.")
        edited = self.actions.edit(group, self._member(group, body), int(message_id), body)
        return web.json_response(client_message(group, edited, str(request.url.origin())))

    async def send_document(self, request: web.Request) -> web.Response:
        """A member sends a document (multipart: user_id, file, caption?)."""
        return await self._send_file(request, "document")

    async def send_photo(self, request: web.Request) -> web.Response:
        """A member sends a photo (multipart: user_id, file, caption?)."""
        return await self._send_file(request, "photo")

    async def _send_file(self, request: web.Request, kind: str) -> web.Response:
        group = self._group(request)
        form = await form_fields(request)
        raw = form.get("user_id", "")
        user_id = int(raw) if isinstance(raw, str) and raw.isascii() and raw.isdigit() else None
        sender = self._member(group, {"user_id": user_id})
        message = await self.actions.send_file(group, sender, request, kind)
        return web.json_response(client_message(group, message, str(request.url.origin())))

    async def list_messages(self, request: web.Request) -> web.Response:
        """The group's messages after `after`, long-polling up to `wait` s for a bot one."""
        return await self.actions.listing(request, self._group(request))

    async def press_button(self, request: web.Request) -> web.Response:
        """A member presses an inline button of a bot message in the group."""
        group = self._group(request)
        body = await json_object(request)
        query_id = self.actions.press(group, self._member(group, body), body)
        return web.json_response({"callback_query_id": query_id})

    async def set_bot_member(self, request: web.Request) -> web.Response:
        """The group's creator adds the bot back ({"member": true}) or removes it (false)."""
        group = self._group(request)
        body = await json_object(request)
        member = body.get("member")
        if not isinstance(member, bool):
            raise ClientError('Give "member": true to add the bot, or false to remove it.')
        if member != group.bot_member:
            self.world.set_bot_member(group, member)
            self._announce(group, member, self.world.chat(group.member_ids[0]))
        return web.json_response({**self.shown(group), "bot_member": member})
