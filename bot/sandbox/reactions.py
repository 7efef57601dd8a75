"""Reactions a bot may set on a message, as the reference lists them."""

from __future__ import annotations

from typing import Any

from bot.sandbox.params import bad_request

REACTION_EMOJI = frozenset(
    {
        "❤",
        "👍",
        "👎",
        "🔥",
        "🥰",
        "👏",
        "😁",
        "🤔",
        "🤯",
        "😱",
        "🤬",
        "😢",
        "🎉",
        "🤩",
        "🤮",
        "💩",
        "🙏",
        "👌",
        "🕊",
        "🤡",
        "🥱",
        "🥴",
        "😍",
        "🐳",
        "❤\u200d🔥",
        "🌚",
        "🌭",
        "💯",
        "🤣",
        "⚡",
        "🍌",
        "🏆",
        "💔",
        "🤨",
        "😐",
        "🍓",
        "🍾",
        "💋",
        "🖕",
        "😈",
        "😴",
        "😭",
        "🤓",
        "👻",
        "👨\u200d💻",
        "👀",
        "🎃",
        "🙈",
        "😇",
        "😨",
        "🤝",
        "✍",
        "🤗",
        "🫡",
        "🎅",
        "🎄",
        "☃",
        "💅",
        "🤪",
        "🗿",
        "🆒",
        "💘",
        "🙉",
        "🦄",
        "😘",
        "💊",
        "🙊",
        "😎",
        "👾",
        "🤷\u200d♂",
        "🤷",
        "🤷\u200d♀",
        "😡",
    }
)


def checked_reactions(value: Any) -> list[dict[str, Any]]:
    """The ReactionType array of setMessageReaction, checked; empty removes the bot's reaction."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise bad_request("reaction must be an array of ReactionType objects")
    if len(value) > 1:
        # A bot, like a user without Premium, sets at most one reaction on a message.
        raise bad_request("REACTIONS_TOO_MANY")
    checked = []
    for reaction in value:
        if reaction.get("type") != "emoji" or reaction.get("emoji") not in REACTION_EMOJI:
            raise bad_request("REACTION_INVALID")
        checked.append({"type": "emoji", "emoji": reaction["emoji"]})
    return checked
