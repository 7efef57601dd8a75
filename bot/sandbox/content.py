"""Message content as Telegram checks it: text with entities, captions, inline keyboards."""

from __future__ import annotations

import re
from typing import Any

from bot.sandbox.params import Params, bad_request
from faq.telegram_html import TelegramHtmlError, parse_telegram_html, utf16_length

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
ENTITY_FIELDS = ("type", "offset", "length", "url", "user", "language", "custom_emoji_id")
BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)


def formatted_text(
    params: Params, text_name: str, entities_name: str
) -> tuple[str, list[dict[str, Any]]]:
    """The plain text and entities of a text or caption, per parse_mode or explicit entities."""
    raw = params.text(text_name) or ""
    parse_mode = (params.text("parse_mode") or "").strip()
    if parse_mode:
        mode = parse_mode.lower()
        if mode == "html":
            try:
                return parse_telegram_html(raw)
            except TelegramHtmlError as error:
                raise bad_request(f"can't parse entities: {error.description}") from None
        if mode in ("markdown", "markdownv2"):
            # Refused openly: showing Markdown as plain text would let formatting mistakes that
            # Telegram rejects pass unnoticed in the sandbox.
            raise bad_request(
                f"the sandbox emulator does not implement parse_mode {parse_mode}; send HTML"
            )
        raise bad_request(f'unsupported parse_mode "{parse_mode}"; use HTML')
    return raw, explicit_entities(params.structured(entities_name), raw, entities_name)


def explicit_entities(value: Any, text: str, name: str) -> list[dict[str, Any]]:
    """Entities given as a JSON array, checked to lie within the text."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise bad_request(f"{name} must be an array of MessageEntity objects")
    size = utf16_length(text)
    entities = []
    for item in value:
        if not isinstance(item, dict):
            raise bad_request(f"{name} must be an array of MessageEntity objects")
        entity = {k: item[k] for k in ENTITY_FIELDS if k in item}
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(entity.get("type"), str) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in (offset, length)
        ):
            raise bad_request(f"each of {name} needs a string type and integer offset and length")
        assert isinstance(offset, int) and isinstance(length, int)
        if offset < 0 or length <= 0 or offset + length > size:
            raise bad_request(f"an entity of {name} lies outside the text")
        entities.append(entity)
    return entities


def message_text(params: Params) -> tuple[str, list[dict[str, Any]]]:
    """sendMessage/editMessageText text: not empty, at most 4096 characters after parsing."""
    text, entities = formatted_text(params, "text", "entities")
    if not text.strip():
        raise bad_request("message text is empty")
    if utf16_length(text) > MAX_TEXT:
        raise bad_request("message is too long")
    return text, entities


def caption_text(params: Params) -> tuple[str, list[dict[str, Any]]]:
    """A media caption: may be empty, at most 1024 characters after parsing."""
    text, entities = formatted_text(params, "caption", "caption_entities")
    if utf16_length(text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return text, entities


LINK_PREVIEW_FLAGS = ("is_disabled", "prefer_small_media", "prefer_large_media", "show_above_text")


def link_preview(params: Params) -> dict[str, Any] | None:
    """The LinkPreviewOptions a message echoes when the call changed them; None for defaults."""
    options = params.structured("link_preview_options")
    if options is None:
        return {"is_disabled": True} if params.flag("disable_web_page_preview") else None
    if not isinstance(options, dict):
        raise bad_request("can't parse link preview options JSON object")
    kept: dict[str, Any] = {}
    for name in LINK_PREVIEW_FLAGS:
        value = options.get(name)
        if value is not None and not isinstance(value, bool):
            raise bad_request(f"link_preview_options.{name} must be a Boolean")
        if value:
            kept[name] = True
    url = options.get("url")
    if url is not None:
        if not isinstance(url, str):
            raise bad_request("link_preview_options.url must be a string")
        if url:
            kept["url"] = url
    return kept or None


def inline_keyboard(params: Params) -> dict[str, Any] | None:
    """The inline keyboard to attach, checked; None for no markup or a reply keyboard."""
    markup = params.structured("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        if not any(k in markup for k in ("keyboard", "remove_keyboard", "force_reply")):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
    return {"inline_keyboard": [[_checked_button(button) for button in row] for row in rows]}


def _checked_button(button: Any) -> dict[str, Any]:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [key for key in button if key in BUTTON_ACTIONS]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button and not (
        isinstance(button["url"], str) and re.match(r"(?i)(https?|tg)://\S", button["url"])
    ):
        raise bad_request("BUTTON_URL_INVALID")
    return dict(button)
