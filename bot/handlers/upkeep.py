"""Running as a service, the Telegram side: the heartbeat (written on every successful getUpdates,
every update, and in webhook mode a periodic getWebhookInfo), the nightly backup (JobQueue, when
BOT_BACKUP_DIR is set) and the /healthz server's life (when BOT_HEALTH_PORT is set)."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, TypeHandler
from telegram.request import BaseRequest, RequestData

from bot.korean.clock import SEOUL
from bot.ops.archive import ArchiveError
from bot.ops.backup import make_backup
from bot.ops.health import KnowledgeWatch, check_health
from bot.ops.healthz import HealthServer
from bot.ops.heartbeat import Heartbeat
from bot.settings import Settings

log = logging.getLogger(__name__)

UPKEEP_KEY = "upkeep"
NIGHTLY_BACKUP = "nightly-backup"
WEBHOOK_CHECK = "webhook-check"
WEBHOOK_CHECK_EVERY = 60.0  # seconds; well inside the heartbeat's allowed age
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


@dataclass
class Upkeep:
    settings: Settings
    heartbeat: Heartbeat
    health_server: HealthServer | None = None


class BeatingRequest(BaseRequest):
    """The getUpdates request, beating the heartbeat each time Telegram answers a poll."""

    def __init__(self, inner: BaseRequest, heartbeat: Heartbeat) -> None:
        self.inner = inner
        self.heartbeat = heartbeat

    @property
    def read_timeout(self) -> float | None:
        return self.inner.read_timeout

    async def initialize(self) -> None:
        await self.inner.initialize()

    async def shutdown(self) -> None:
        await self.inner.shutdown()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE, write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        status, payload = await self.inner.do_request(url, method, request_data, read_timeout, write_timeout,
                                                      connect_timeout, pool_timeout)
        if 200 <= status < 300:
            self.heartbeat.beat()
        return status, payload


def add_upkeep(application: AnyApplication, settings: Settings, heartbeat: Heartbeat) -> None:
    """Beat on every update; schedule the nightly backup and, for a webhook, its check."""
    application.bot_data[UPKEEP_KEY] = Upkeep(settings, heartbeat)
    application.add_handler(TypeHandler(Update, on_any_update), group=-1)  # before, not instead of, the rest
    jobs = application.job_queue
    if jobs is None:  # python-telegram-bot without its job-queue extra
        log.error("no JobQueue: nightly backup and webhook check are off (install python-telegram-bot[job-queue])")
        return
    late_is_fine = {"misfire_grace_time": None}  # a run due while the loop was busy still runs
    if settings.backup_dir is not None:
        jobs.run_daily(nightly_backup, time=settings.backup_time.replace(tzinfo=SEOUL), name=NIGHTLY_BACKUP,
                       job_kwargs=late_is_fine)
    if settings.webhook_url:
        # Once as soon as the bot runs (a repeating job's first run may not lie in the past), then every minute.
        jobs.run_once(check_webhook, when=0, name=WEBHOOK_CHECK, job_kwargs=late_is_fine)
        jobs.run_repeating(check_webhook, interval=WEBHOOK_CHECK_EVERY, first=WEBHOOK_CHECK_EVERY,
                           name=WEBHOOK_CHECK, job_kwargs=late_is_fine)


def upkeep(application: AnyApplication) -> Upkeep:
    value = application.bot_data.get(UPKEEP_KEY)
    if not isinstance(value, Upkeep):
        raise RuntimeError("bot_data has no Upkeep: build the application with build_application()")
    return value


async def start_upkeep(application: AnyApplication) -> None:
    """post_init: serve /healthz when BOT_HEALTH_PORT is set."""
    state = upkeep(application)
    settings = state.settings
    if settings.health_port is None:
        return
    knowledge = KnowledgeWatch(settings.knowledge_dir)
    server = HealthServer(lambda: check_health(settings, live=True, knowledge=knowledge),
                          settings.webhook_listen, settings.health_port)
    await server.start()
    state.health_server = server
    log.info("health endpoint on %s:%s/healthz", settings.webhook_listen, server.port)


async def stop_upkeep(application: AnyApplication) -> None:
    """post_shutdown: stop serving /healthz; the bot no longer hears from Telegram."""
    state = upkeep(application)
    if state.health_server is not None:
        await state.health_server.stop()
        state.health_server = None
    state.heartbeat.clear()


async def on_any_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An update arrived (polled or posted to the webhook): Telegram reaches us."""
    upkeep(context.application).heartbeat.beat()


async def check_webhook(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Webhook mode: beat while Telegram keeps our webhook and has not failed to deliver lately."""
    state = upkeep(context.application)
    try:
        info = await context.bot.get_webhook_info()
    except TelegramError as exc:
        log.warning("webhook check failed (%s)", type(exc).__name__)
        return
    failing = info.last_error_date is not None and (
        dt.datetime.now(dt.UTC) - info.last_error_date).total_seconds() < 2 * WEBHOOK_CHECK_EVERY
    if info.url != state.settings.webhook_url or failing:
        log.warning("webhook %s (Telegram says: %s)", "not set to ours" if not failing else "failing",
                    info.last_error_message or "-")
        return
    state.heartbeat.beat()


async def nightly_backup(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Back the database up into BOT_BACKUP_DIR, keeping the last BOT_BACKUP_KEEP."""
    settings = upkeep(context.application).settings
    assert settings.backup_dir is not None  # scheduled only when set
    try:
        done = await asyncio.to_thread(make_backup, settings.db_path, settings.backup_dir,
                                       keep=settings.backup_keep, sms_key=settings.sms_key)
    except ArchiveError as exc:
        log.error("nightly backup failed: %s", exc)
        return
    if done.key_differs:
        log.warning("nightly backup %s: the configured key is not the one the database was made with",
                    done.path.name)
