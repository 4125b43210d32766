"""The python-telegram-bot callbacks. Each one only translates: the update becomes an engine
event (bot.handlers.translate), the engine answers, the reply becomes Bot API calls
(bot.handlers.replies). The engine is synchronous and takes about a millisecond, less than a
thread hand-off would save, so it is called directly on the event loop (scripts/bench_telegram.py).
Its database connection is then only ever used from this one thread."""

from __future__ import annotations

import logging
import traceback
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    CallbackQuery,
    Chat,
    InlineQuery,
    InlineQueryResultArticle,
    Message,
    Update,
)
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import Application, ContextTypes

from bot.conversation import Event, Reply
from bot.engine import Engine
from bot.handlers.delivery import Undeliverable, deliver
from bot.handlers.render import (
    can_edit,
    escape,
    feedback_toast,
    inline_result,
    is_feedback,
    keyboard_shown_after,
    pressed,
    settle_keyboard,
    without_feedback,
)
from bot.handlers.replies import edit_reply, remove_buttons, send_reply
from bot.handlers.translate import (
    button_event,
    command_event,
    contact_event,
    conversation_key,
    is_group,
    location_event,
    text_event,
)
from bot.korean.phones import redact
from bot.settings import Settings
from bot.templates import render

log = logging.getLogger(__name__)

DEPS_KEY = "deps"
KEYBOARD_SHOWN = "reply_keyboard_shown"  # chat_data: True, False, or absent (not known)


@dataclass
class BotDeps:
    """What the callbacks share, built once and kept in bot_data[DEPS_KEY]."""

    engine: Engine
    settings: Settings
    blocked: set[int] = field(default_factory=set)  # chats whose 403 is logged, until a send works


def deps(context: ContextTypes.DEFAULT_TYPE) -> BotDeps:
    value = context.bot_data.get(DEPS_KEY)
    if not isinstance(value, BotDeps):
        raise RuntimeError("bot_data has no BotDeps: build the application with build_application()")
    return value


# -- messages: each callback only picks its translation -------------------------------------


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a /command, deep links (/start branch) included; other bots' commands are ignored."""
    if update.effective_message is not None:
        event = command_event(update.effective_message, bot_username=context.bot.username or "",
                              admin_ids=deps(context).settings.admin_ids)
        await _respond(update, context, event)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer typed text (or a photo's caption); in a group only when the bot is addressed."""
    if update.effective_message is not None:
        event = text_event(update.effective_message, bot_id=context.bot.id, bot_username=context.bot.username or "",
                           admin_ids=deps(context).settings.admin_ids)
        await _respond(update, context, event)


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a shared location (the location button of /branch, or the attachment menu)."""
    if update.effective_message is not None:
        event = location_event(update.effective_message, bot_id=context.bot.id,
                               admin_ids=deps(context).settings.admin_ids)
        await _respond(update, context, event)


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a shared contact: verified only when it is the sender's own number."""
    if update.effective_message is not None:
        event = contact_event(update.effective_message, bot_id=context.bot.id,
                              admin_ids=deps(context).settings.admin_ids)
        await _respond(update, context, event)


async def _respond(update: Update, context: ContextTypes.DEFAULT_TYPE, event: Event | None) -> None:
    """The engine's reply to `event`, sent to the update's chat (quoting the message in groups)."""
    message, chat = update.effective_message, update.effective_chat
    if event is None or message is None or chat is None:
        return
    d = deps(context)
    reply = _ask_engine(d, chat, event, context)
    group = is_group(chat.type)
    await send_reply(context.bot, chat.id, reply, blocked=d.blocked, quote=message.message_id if group else None,
                     group=group)


# -- inline buttons ----------------------------------------------------------------------------


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a pressed inline button at once, then edit its message in place, or for a
    follow-on button (a related question, the full list) send a new one (👍/👎: a toast)."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    d = deps(context)
    payload, follow_on = pressed(query.data or "")
    event = button_event(payload, query.from_user, d.settings.admin_ids)
    if event is None or chat is None:
        await _answer(query, None, chat.id if chat else 0, d)
        return
    reply = _ask_engine(d, chat, event, context)
    message = query.message if isinstance(query.message, Message) else None
    if is_feedback(event.payload):
        await _answer(query, feedback_toast(reply), chat.id, d)
        if message is not None:
            await remove_buttons(context.bot, message, without_feedback(message.reply_markup), blocked=d.blocked)
        return
    await _answer(query, None, chat.id, d)
    group = is_group(chat.type)
    in_place = message is not None and not follow_on
    editable = in_place and can_edit(reply)
    if message is not None and editable \
            and await edit_reply(context.bot, message, reply, blocked=d.blocked, group=group):
        return
    if message is not None and in_place and not editable and message.reply_markup is not None:
        # The answer comes as a new message (it brings a reply keyboard): the pressed keyboard
        # is taken off, so its now stale buttons are not left to press.
        await remove_buttons(context.bot, message, None, blocked=d.blocked)
    await send_reply(context.bot, chat.id, reply, blocked=d.blocked, group=group)


async def _answer(query: CallbackQuery, toast: str | None, chat_id: int, d: BotDeps) -> None:
    """answerCallbackQuery (stops the button's spinner); a stale query is not an error."""
    try:
        await deliver(partial(query.answer, toast), chat_id=chat_id, what="answerCallbackQuery", blocked=d.blocked)
    except (BadRequest, Undeliverable) as exc:
        log.info("chat %s: callback query not answered (%s)", chat_id, type(exc).__name__)


# -- inline mode ---------------------------------------------------------------------------------

INLINE_CACHE_SECONDS = 300  # the guides do not change while the bot runs


async def on_inline(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer "@bot 질문" typed in any chat with the best answers to share there."""
    query = update.inline_query
    if query is None:
        return
    d = deps(context)
    results = [inline_result(shared) for shared in d.engine.best_answers(query.query)]
    await _answer_inline(query, results, d)


async def _answer_inline(query: InlineQuery, results: list[InlineQueryResultArticle], d: BotDeps) -> None:
    """answerInlineQuery; a query the member has already typed past is not an error."""
    answer = partial(query.answer, results, cache_time=INLINE_CACHE_SECONDS, is_personal=False)
    try:
        await deliver(answer, chat_id=query.from_user.id, what="answerInlineQuery", blocked=d.blocked)
    except (BadRequest, Undeliverable) as exc:
        log.info("user %s: inline query not answered (%s)", query.from_user.id, type(exc).__name__)


def _ask_engine(d: BotDeps, chat: Chat, event: Event, context: ContextTypes.DEFAULT_TYPE) -> Reply:
    """The engine's reply, less a request to take away a reply keyboard this chat does not have
    (so it can be shown by editing in place); notes whether the chat will have one."""
    reply = d.engine.handle(conversation_key(chat.id, chat.type, event.user_id), event, chat_type=chat.type)
    if context.chat_data is None:
        return reply
    shown = context.chat_data.get(KEYBOARD_SHOWN)
    context.chat_data[KEYBOARD_SHOWN] = keyboard_shown_after(reply, shown)
    return settle_keyboard(reply, shown)


# -- errors ------------------------------------------------------------------------------------


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log what failed (ids and types only) and tell the user something went wrong."""
    error = context.error
    if update is None and isinstance(error, NetworkError):  # fetching updates; PTB retries it
        log.warning("polling: %s (%s); retrying", type(error).__name__, redact(str(error))[:120])
        return
    frames = "".join(traceback.format_tb(error.__traceback__)) if error else ""
    log.error("%s while handling %s: %s\n%s", type(error).__name__, describe(update),
              redact(str(error))[:200], frames)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    chat_id = update.effective_chat.id
    blocked = deps(context).blocked
    apology = escape(render("internal_error"))  # the engine's own, word for word
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await deliver(lambda: context.bot.send_message(chat_id, apology), chat_id=chat_id,
                      what="sendMessage(apology)", blocked=blocked)
    except (TelegramError, Undeliverable) as exc:
        log.info("chat %s: apology not sent (%s)", chat_id, type(exc).__name__)


def describe(update: object) -> str:
    """An update for the log without personal data: its id, kind and chat id."""
    if not isinstance(update, Update):
        return type(update).__name__
    kind = next((k for k in ("message", "callback_query", "inline_query", "edited_message", "channel_post")
                 if getattr(update, k, None) is not None), "other")
    chat = update.effective_chat
    return f"update {update.update_id} ({kind}, chat {chat.id if chat else '-'})"


# -- start-up ----------------------------------------------------------------------------------


def bot_commands(engine: Engine, *, admin: bool = False) -> list[BotCommand]:
    """The command menu as the capabilities declare it (bot.capability)."""
    return [BotCommand(c.name, c.help) for c in engine.command_list(admin=admin)]


async def start_up(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """post_init: links into the private chat from the bot's username (getMe, at initialize),
    then the command menus."""
    d: BotDeps = application.bot_data[DEPS_KEY]
    username = application.bot.username
    if username:
        d.engine.link_base = f"https://t.me/{username}?start="
    await set_commands(application)


async def set_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """post_init: the command menu for everyone, and with /report for each admin's own chat."""
    bot = application.bot
    d: BotDeps = application.bot_data[DEPS_KEY]
    try:
        await bot.set_my_commands(bot_commands(d.engine), scope=BotCommandScopeDefault())
    except TelegramError as exc:
        log.warning("command menu not set (%s)", type(exc).__name__)
    for admin_id in sorted(d.settings.admin_ids):
        try:
            await bot.set_my_commands(bot_commands(d.engine, admin=True), scope=BotCommandScopeChat(admin_id))
        except TelegramError as exc:  # e.g. the admin has not opened a chat with the bot yet
            log.info("admin %s: command menu not set (%s)", admin_id, type(exc).__name__)
