"""Sending an engine Reply as Bot API calls: its messages, then its venues (map pins), then its
picture; or, for a pressed button, editing the message the button sat on."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from functools import partial

from telegram import Bot, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.error import BadRequest

from bot.conversation import Picture, Reply
from bot.handlers.delivery import Undeliverable, deliver
from bot.handlers.render import Outgoing, escape, plan

log = logging.getLogger(__name__)


async def send_reply(bot: Bot, chat_id: int, reply: Reply, *, blocked: set[int],
                     quote: int | None = None, group: bool = False) -> None:
    """Send `reply` to `chat_id` (in a group quoting message `quote`, with fewer pins); gives up
    quietly on a chat that cannot be written to."""
    try:
        await _send(bot, chat_id, plan(reply, group=group), blocked=blocked, quote=quote)
        if reply.picture is not None:
            await send_picture(bot, chat_id, reply.picture, blocked=blocked)
    except Undeliverable:
        return


async def send_picture(bot: Bot, chat_id: int, picture: Picture, *, blocked: set[int]) -> None:
    """Draw the picture off the event loop (other chats keep being answered), then send it as a
    photo; a picture that cannot be drawn is logged and the chat told so."""
    try:
        png = await asyncio.to_thread(picture.draw)
    except Exception:
        log.exception("chat %s: picture '%s' not drawn", chat_id, picture.caption)
        await deliver(partial(bot.send_message, chat_id, "그림을 그리지 못했습니다. 잠시 후 다시 시도해 주세요."),
                      chat_id=chat_id, what="sendMessage(no picture)", blocked=blocked)
        return
    send = partial(bot.send_photo, chat_id, png, caption=escape(picture.caption))
    await deliver(send, chat_id=chat_id, what="sendPhoto", blocked=blocked)


async def edit_reply(bot: Bot, message: Message, reply: Reply, *, blocked: set[int], group: bool = False) -> bool:
    """Show `reply` in place of `message` (a pressed button's message; see render.can_edit);
    False when Telegram would not edit it, so the caller sends it instead."""
    first, *rest = plan(reply, group=group)
    markup = first.markup if isinstance(first.markup, InlineKeyboardMarkup) else None
    chat_id = message.chat.id
    try:
        edit = partial(bot.edit_message_text, first.html, chat_id=chat_id, message_id=message.message_id,
                       reply_markup=markup)
        await deliver(edit, chat_id=chat_id, what="editMessageText", blocked=blocked)
    except BadRequest as exc:
        if "not modified" not in exc.message:
            log.info("chat %s: message %s not editable (%s); sending instead", chat_id, message.message_id,
                     exc.message[:80])
            return False
    except Undeliverable:
        return True
    with contextlib.suppress(Undeliverable):
        await _send(bot, chat_id, rest, blocked=blocked)
    return True


async def remove_buttons(bot: Bot, message: Message, markup: InlineKeyboardMarkup | None, *,
                         blocked: set[int]) -> None:
    """Replace the inline keyboard of `message` with `markup` (None: no keyboard)."""
    chat_id = message.chat.id
    try:
        edit = partial(bot.edit_message_reply_markup, chat_id=chat_id, message_id=message.message_id,
                       reply_markup=markup)
        await deliver(edit, chat_id=chat_id, what="editMessageReplyMarkup", blocked=blocked)
    except BadRequest as exc:
        log.info("chat %s: keyboard of message %s not changed (%s)", chat_id, message.message_id, exc.message[:80])
    except Undeliverable:
        pass


async def _send(bot: Bot, chat_id: int, messages: list[Outgoing], *, blocked: set[int],
                quote: int | None = None) -> None:
    for n, out in enumerate(messages):
        if out.venue is not None:
            v = out.venue
            send = partial(bot.send_venue, chat_id, v.latitude, v.longitude, v.title, v.address,
                           reply_markup=out.markup)
            await deliver(send, chat_id=chat_id, what="sendVenue", blocked=blocked)
            continue
        quoted = ReplyParameters(quote, allow_sending_without_reply=True) if quote and n == 0 else None
        send = partial(bot.send_message, chat_id, out.html, reply_markup=out.markup, reply_parameters=quoted)
        await deliver(send, chat_id=chat_id, what="sendMessage", blocked=blocked)
