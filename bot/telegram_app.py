"""The Telegram bot: `build_application` wires python-telegram-bot over the engine, nothing else;
`run_bot` serves members, polling by default or through a webhook (with a secret token) when
BOT_WEBHOOK_URL is set, holding the database's run lock and keeping its heartbeat."""

from __future__ import annotations

import gc
import logging
import re
import secrets
import urllib.parse
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseHandler,
    CallbackQueryHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.app import Services, build_engine, housekeeping, load_services
from bot.handlers.admin import add_admin_jobs, unwatch_hangup, watch_hangup
from bot.handlers.callbacks import (
    DEPS_KEY,
    BotDeps,
    on_button,
    on_command,
    on_contact,
    on_error,
    on_inline,
    on_location,
    on_text,
    start_up,
)
from bot.handlers.jobs import schedule_housekeeping
from bot.handlers.log_redaction import redact_library_logs
from bot.handlers.processor import ChatOrderedProcessor
from bot.handlers.upkeep import BeatingRequest, add_upkeep, start_upkeep, stop_upkeep
from bot.korean.clock import SEOUL
from bot.korean.hangul import josa
from bot.ops.heartbeat import Heartbeat, heartbeat_path
from bot.ops.lock import hold
from bot.settings import Settings, SettingsError, set_library_environment

# Opt in now to python-telegram-bot's timedelta time periods (v22.2+): RetryAfter.retry_after
# and friends stop warning about their coming change of type. bot.handlers reads both types.
set_library_environment()

TelegramApp = Application[Any, Any, Any, Any, Any, Any]
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
# Chats handled at once (each chat's updates in order). Real round trips to Telegram take tens of
# milliseconds, so a few chats must be in flight; on loopback more than a handful only adds
# overhead (scripts/bench_telegram.py).
CONCURRENT_UPDATES = 8
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def build_application(settings: Settings, services: Services | None = None, *,
                      request: BaseRequest | None = None) -> TelegramApp:
    """The application, ready to run: services (Kiwi, the index, the database) are loaded here
    unless given, once, and kept in bot_data for the callbacks. `request` replaces the HTTP
    client (tests pass one that never leaves the process)."""
    services = services if services is not None else load_services(settings)
    # PTB's DEBUG lines hold whole updates and API results, shared contacts' numbers in clear;
    # its CRITICAL line for an update it cannot parse holds the update: numbers masked there.
    ptb_log = logging.getLogger("telegram")
    ptb_log.setLevel(max(ptb_log.level, logging.INFO))
    redact_library_logs()
    builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
        Application.builder()
        .token(settings.telegram_token)
        .base_url(settings.api_base_url)
        # tzinfo: the JobQueue's times of day are Korean time.
        .defaults(Defaults(parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True),
                           tzinfo=SEOUL))
        .concurrent_updates(ChatOrderedProcessor(CONCURRENT_UPDATES))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request)
    else:
        builder = builder.connection_pool_size(CONCURRENT_UPDATES * 2).pool_timeout(5.0)
    heartbeat = Heartbeat(heartbeat_path(settings.db_path), mode="webhook" if settings.webhook_url else "polling")
    # Each poll Telegram answers is a heartbeat (bot health --live, /healthz).
    builder = builder.get_updates_request(BeatingRequest(request or HTTPXRequest(connection_pool_size=1), heartbeat))
    if settings.rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter())
    application = builder.build()
    application.bot_data[DEPS_KEY] = BotDeps(engine=build_engine(services), settings=settings)

    new_message = filters.UpdateType.MESSAGE  # edits and channel posts are not answered
    handlers: list[BaseHandler[Any, Any, Any]] = [
        # 1. /commands: /start (with deep links like "/start branch"), /help, /cancel, and those the
        #    capabilities own (/branch, /deadline, /sms, /report for admins). Another bot's
        #    command in a group (/help@other_bot) is ignored.
        MessageHandler(new_message & filters.COMMAND, on_command),
        # 2. A shared location (the location button under /branch) and a shared contact (the
        #    contact button of SMS registration; verified only when it is the sender's own).
        MessageHandler(new_message & filters.LOCATION, on_location),
        MessageHandler(new_message & filters.CONTACT, on_contact),
        # 3. Typed text, and whatever else a member sends (a photo's caption, a bare sticker);
        #    in a group only when the bot is mentioned or replied to.
        MessageHandler(new_message & ~filters.StatusUpdate.ALL, on_text),
        # 4. Inline buttons: suggestions, choices, menu items and 👍/👎.
        CallbackQueryHandler(on_button),
        # 5. Inline mode: "@bot 질문" in any chat offers answers to share there (BotFather /setinline).
        InlineQueryHandler(on_inline),
    ]
    application.add_handlers(handlers)
    # 6. Anything that still goes wrong: logged without personal data, the user told.
    application.add_error_handler(on_error)
    # 6. Running as a service: a heartbeat on every update, the nightly backup (BOT_BACKUP_DIR),
    #    a webhook check, /healthz (BOT_HEALTH_PORT).
    add_upkeep(application, settings, heartbeat)
    # 7. Every half hour: abandoned conversations, expired requests and codes (bot.app.housekeeping).
    schedule_housekeeping(application, lambda: housekeeping(services))
    # 8. For the admins: the weekly report every Monday morning; SIGHUP reloads the knowledge.
    add_admin_jobs(application)
    return application


async def _post_init(application: TelegramApp) -> None:
    """Before the first update: links into the private chat and the command menu (start_up),
    /healthz when asked for, SIGHUP."""
    await start_up(application)
    await start_upkeep(application)
    watch_hangup(application)


async def _post_shutdown(application: TelegramApp) -> None:
    unwatch_hangup()
    await stop_upkeep(application)


def webhook_options(settings: Settings) -> dict[str, Any]:
    """run_webhook's arguments: listen locally on the public URL's path, with a secret token
    (BOT_WEBHOOK_SECRET, or a fresh random one per start) that Telegram sends back."""
    secret = settings.webhook_secret or secrets.token_urlsafe(32)
    if not _SECRET.fullmatch(secret):
        raise SettingsError(f"{josa('BOT_WEBHOOK_SECRET', '은/는')} 영문자, 숫자, _, - 로 된 1~256자여야 합니다.")
    url = urllib.parse.urlsplit(settings.webhook_url)
    if url.scheme not in ("https", "http") or not url.netloc:
        raise SettingsError(f"BOT_WEBHOOK_URL {josa(repr(settings.webhook_url), '은/는')} https:// 주소가 아닙니다.")
    return {
        "listen": settings.webhook_listen,
        "port": settings.webhook_port,
        "url_path": url.path.strip("/"),
        "webhook_url": settings.webhook_url,
        "secret_token": secret,
    }


def run_bot(settings: Settings) -> None:
    """Serve members until stopped (Ctrl-C, SIGTERM). Pending updates are kept, so messages sent
    while the bot was down are answered; start-up retries until Telegram is reachable."""
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines show the token in URLs
    options = webhook_options(settings) if settings.webhook_url else None
    # One bot per database, and no restore under it: raises LockHeld when another holds it.
    with hold(settings.db_path, "bot run"):
        application = build_application(settings)
        # The knowledge, index and gazetteer live as long as the process: move them out of the
        # garbage collector's sight so its full passes stay short (p99 latency).
        gc.collect()
        gc.freeze()
        if options is not None:
            application.run_webhook(**options, allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)
        else:
            application.run_polling(allowed_updates=ALLOWED_UPDATES, bootstrap_retries=-1)
