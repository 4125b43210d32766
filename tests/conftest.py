"""Shared fixtures. The Telegram ones: services (Kiwi, the index) built once per session with a
fresh BOT_DB for each test, the fake Bot API server (tests/fakebotapi.py), and the real
application polling it."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from fakebotapi import TOKEN, FakeBotApi

from bot.app import Services, load_services
from bot.korean.clock import Clock
from bot.settings import Settings
from bot.sms.registry import Registry
from bot.storage import open_db
from bot.storage.feedback import FeedbackStore

# python-telegram-bot v22.2+ warns (an error here) about its time periods' coming change of type
# unless opted in; bot.telegram_app opts in too.
os.environ.setdefault("PTB_TIMEDELTA", "true")

ADMIN_ID = 900_001
POLL_TIMEOUT = 2  # seconds a getUpdates long poll may wait


@pytest.fixture(scope="session")
def base_services(tmp_path_factory: pytest.TempPathFactory) -> Services:
    """Knowledge, analyser and index, loaded once for the whole session."""
    path = tmp_path_factory.mktemp("session") / "bot.sqlite3"
    return load_services(Settings(db_path=path), db_path=path)


def services_on(base: Services, settings: Settings) -> Services:
    """`base` around the database at settings.db_path: the heavy parts are shared, and every part
    that holds the database (stores built as Store(db)) is rebuilt on the new one; the clock and
    the stores that keep time follow settings.now (BOT_NOW), and /reload reads
    settings.knowledge_dir (BOT_KNOWLEDGE_DIR)."""
    db = open_db(settings.db_path)
    clock = Clock(settings.now)
    changes: dict[str, Any] = {"settings": settings, "db": db, "clock": clock, "feedback": FeedbackStore(db, clock),
                               "registry": Registry(db, key=settings.sms_key, clock=clock.now),
                               "knowledge_dir": settings.knowledge_dir}
    for f in dataclasses.fields(base):
        value = getattr(base, f.name)
        if f.name not in changes and getattr(value, "db", None) is base.db:
            changes[f.name] = type(value)(db)
    return dataclasses.replace(base, **changes)


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    """The fake Bot API on 127.0.0.1 (a random port), closed after the test."""
    async with FakeBotApi() as api:
        yield api


@pytest.fixture
def bot_env(fake_api: FakeBotApi, tmp_path: Path) -> dict[str, str]:
    """The environment `bot run` would get, pointed at the fake server and a temporary BOT_DB."""
    return {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": fake_api.base_url,
        "BOT_ADMIN_IDS": str(ADMIN_ID),
        "BOT_DB": str(tmp_path / "bot.sqlite3"),
        "BOT_RATE_LIMITER": "0",
    }


StartBot = Callable[..., AbstractAsyncContextManager[Any]]


@pytest.fixture
def start_bot(base_services: Services, bot_env: dict[str, str]) -> StartBot:
    """`async with start_bot(**env_overrides) as app:` runs the real application (polling for
    real) against the fake server; a second one after the first stopped is a restart."""

    @asynccontextmanager
    async def running(**overrides: str) -> AsyncIterator[Any]:
        from bot.telegram_app import build_application

        settings = Settings.from_env({**bot_env, **overrides})
        services = services_on(base_services, settings)
        application = build_application(settings, services)
        try:
            async with polling(application):
                yield application
        finally:
            services.db.close()

    return running


@asynccontextmanager
async def polling(application: Any) -> AsyncIterator[Any]:
    """What Application.run_polling does, inside the test's event loop: initialize, post_init,
    poll, start; and stop everything on the way out."""
    from bot.telegram_app import ALLOWED_UPDATES

    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.updater.start_polling(poll_interval=0, timeout=POLL_TIMEOUT,
                                                allowed_updates=ALLOWED_UPDATES)
        await application.start()
        yield application
    finally:
        if application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()


@pytest.fixture
async def bot(start_bot: StartBot) -> AsyncIterator[Any]:
    """The application, running against `fake_api` for the whole test."""
    async with start_bot() as application:
        yield application
