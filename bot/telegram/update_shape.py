"""What a webhook update must look like before the handlers see it: the fields they rely on have
Telegram's types (PTB reads whatever it is given, so a number for `text` reached the handlers)."""

from __future__ import annotations

from typing import Any

_MESSAGE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post")
_MEMBER_KINDS = ("my_chat_member", "chat_member")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_fields(
    where: str, value: object, required: dict[str, type], optional: dict[str, type]
) -> str | None:
    if not isinstance(value, dict):
        return f"{where} must be an object"
    fields: dict[str, Any] = value
    for name, kind in (*required.items(), *optional.items()):
        if name not in fields:
            if name in required:
                return f"{where}.{name} is missing"
            continue
        item = fields[name]
        if kind is int and not _is_int(item):
            return f"{where}.{name} must be an integer"
        if kind is not int and not isinstance(item, kind):
            return f"{where}.{name} must be {_type_name(kind)}"
    return None


_TYPE_NAMES: dict[type, str] = {
    str: "a string",
    dict: "an object",
    list: "a list",
    bool: "true or false",
}


def _type_name(kind: type) -> str:
    return _TYPE_NAMES.get(kind, kind.__name__)


def _chat(where: str, value: object) -> str | None:
    return _check_fields(where, value, {"id": int, "type": str}, {"title": str, "username": str})


def _user(where: str, value: object) -> str | None:
    return _check_fields(
        where,
        value,
        {"id": int, "is_bot": bool, "first_name": str},
        {"last_name": str, "username": str, "language_code": str},
    )


def _message(where: str, value: object) -> str | None:
    problem = _check_fields(
        where,
        value,
        {"message_id": int, "date": int, "chat": dict},
        {"from": dict, "text": str, "caption": str, "entities": list, "caption_entities": list},
    )
    if problem is not None:
        return problem
    assert isinstance(value, dict)
    problem = _chat(f"{where}.chat", value["chat"])
    if problem is None and "from" in value:
        problem = _user(f"{where}.from", value["from"])
    for name in ("entities", "caption_entities"):
        for index, entity in enumerate(value.get(name, ())):
            problem = problem or _check_fields(
                f"{where}.{name}[{index}]", entity, {"type": str, "offset": int, "length": int}, {}
            )
    if problem is None and "reply_to_message" in value:
        problem = _message(f"{where}.reply_to_message", value["reply_to_message"])
    return problem


def _callback_query(where: str, value: object) -> str | None:
    optional: dict[str, type] = {"data": str, "message": dict, "chat_instance": str}
    problem = _check_fields(where, value, {"id": str, "from": dict}, optional)
    if problem is not None:
        return problem
    assert isinstance(value, dict)
    problem = _user(f"{where}.from", value["from"])
    if problem is None and "message" in value:
        problem = _message(f"{where}.message", value["message"])
    return problem


def _member_update(where: str, value: object) -> str | None:
    problem = _check_fields(where, value, {"chat": dict, "from": dict, "date": int}, {})
    if problem is not None:
        return problem
    assert isinstance(value, dict)
    return _chat(f"{where}.chat", value["chat"]) or _user(f"{where}.from", value["from"])


def update_problem(payload: dict[str, Any]) -> str | None:
    """What is wrong with the update's shape, in a few words; None when the handlers can use it."""
    if not _is_int(payload.get("update_id")):
        return "update_id must be an integer"
    for kind in _MESSAGE_KINDS:
        if kind in payload:
            return _message(kind, payload[kind])
    if "callback_query" in payload:
        return _callback_query("callback_query", payload["callback_query"])
    for kind in _MEMBER_KINDS:
        if kind in payload:
            return _member_update(kind, payload[kind])
    return None
