"""Telegram messages and button presses as engine events: small helpers, no I/O.

In a group the bot answers only commands (its own or unaddressed ones) and messages that mention
it or reply to it; the mention is taken out of the text. A shared contact counts as the user's own
verified number only when Telegram says it is theirs (contact.user_id == sender); otherwise it is
treated as if the number had been typed."""

from __future__ import annotations

import re
from collections.abc import Collection

from telegram import Message, MessageEntity, User

from bot.conversation import Event

GROUP_TYPES = frozenset({"group", "supergroup"})


def is_group(chat_type: str) -> bool:
    return chat_type in GROUP_TYPES


def conversation_key(chat_id: int, chat_type: str, user_id: int | None) -> str:
    """The engine's conversation: the chat, or in a group each member's own conversation, so two
    members never finish each other's multi-step requests."""
    if is_group(chat_type) and user_id is not None:
        return f"{chat_id}:{user_id}"
    return str(chat_id)


def command_target(text: str) -> str | None:
    """The bot a command is addressed to ('/help@name' -> 'name'), or None."""
    head = text.strip().split(maxsplit=1)[0] if text.strip() else ""
    _, at, name = head.partition("@")
    return name if at else None


def strip_mention(text: str, username: str) -> tuple[str, bool]:
    """The text without '@username' (any case), and whether it was there."""
    if not username:
        return text, False
    pattern = re.compile(rf"(?<!\w)@{re.escape(username)}(?!\w)[,:]?", re.IGNORECASE)
    stripped, count = pattern.subn("", text)
    return _tidy(stripped), count > 0


def _tidy(text: str) -> str:
    """Spaces left doubled or dangling by a removed mention (line breaks kept)."""
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _mentions_by_name(message: Message, bot_id: int) -> list[str]:
    """Display names of text_mention entities pointing at the bot (users without @username)."""
    names = []
    for entity, value in message.parse_entities([MessageEntity.TEXT_MENTION]).items():
        if entity.user is not None and entity.user.id == bot_id:
            names.append(value)
    return names


def _replies_to_bot(message: Message, bot_id: int) -> bool:
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot_id


def is_admin(user: User | None, admin_ids: Collection[int]) -> bool:
    return user is not None and user.id in admin_ids


def command_event(message: Message, *, bot_username: str, admin_ids: Collection[int]) -> Event | None:
    """/command [argument] (deep links arrive as '/start branch'); None for another bot's command."""
    text = message.text or ""
    target = command_target(text)
    if not _is_command(message) or (target is not None and target.lower() != bot_username.lower()):
        return None
    return Event.from_text(text, user_id=_user_id(message), is_admin=is_admin(message.from_user, admin_ids))


def text_event(message: Message, *, bot_id: int, bot_username: str, admin_ids: Collection[int]) -> Event | None:
    """Typed text (or a caption), or what the bot cannot read (a bare sticker, voice message,
    photo...); in a group only when the bot is mentioned (the mention taken out) or replied to."""
    text = message.text or message.caption or ""
    if is_group(message.chat.type):
        text, mentioned = strip_mention(text, bot_username)
        for name in _mentions_by_name(message, bot_id):
            text, mentioned = _tidy(text.replace(name, "", 1)), True
        if not (mentioned or _replies_to_bot(message, bot_id)):
            return None
    user_id, admin = _user_id(message), is_admin(message.from_user, admin_ids)
    media = media_kind(message)
    if not text.strip() and media:
        return Event(kind="media", media=media, user_id=user_id, is_admin=admin)
    return Event(kind="text", text=text, user_id=user_id, is_admin=admin)


# What a message carries when it is no text, in the order Telegram's own clients label it.
_MEDIA = ("sticker", "voice", "video_note", "audio", "animation", "video", "photo", "document")


def media_kind(message: Message) -> str:
    """"sticker", "voice", "photo"... for a message carrying one, else ""."""
    return next((kind for kind in _MEDIA if getattr(message, kind, None)), "")


def location_event(message: Message, *, bot_id: int, admin_ids: Collection[int]) -> Event | None:
    """A shared location (in a group only as a reply to the bot)."""
    if message.location is None or (is_group(message.chat.type) and not _replies_to_bot(message, bot_id)):
        return None
    where = (message.location.latitude, message.location.longitude)
    return Event(kind="location", location=where, user_id=_user_id(message),
                 is_admin=is_admin(message.from_user, admin_ids))


def contact_event(message: Message, *, bot_id: int, admin_ids: Collection[int]) -> Event | None:
    """A shared contact: the user's own verified number, or else the number as if typed."""
    contact = message.contact
    if contact is None or (is_group(message.chat.type) and not _replies_to_bot(message, bot_id)):
        return None
    user_id, admin = _user_id(message), is_admin(message.from_user, admin_ids)
    if user_id is not None and contact.user_id == user_id:
        return Event(kind="contact", phone=contact.phone_number, user_id=user_id, is_admin=admin)
    return Event(kind="text", text=contact.phone_number, user_id=user_id, is_admin=admin)


def _user_id(message: Message) -> int | None:
    return message.from_user.id if message.from_user else None


def _is_command(message: Message) -> bool:
    entities = message.entities
    return bool(entities) and entities[0].type == MessageEntity.BOT_COMMAND and entities[0].offset == 0


def button_event(data: str | None, user: User | None, admin_ids: Collection[int]) -> Event | None:
    """A pressed inline button as a button event (None for a button without data)."""
    if not data:
        return None
    return Event(kind="button", payload=data, user_id=user.id if user else None,
                 is_admin=is_admin(user, admin_ids))
