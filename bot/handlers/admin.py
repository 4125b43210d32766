"""What the bot does for its admins unasked: the weekly report with its picture every Monday
morning (python-telegram-bot's JobQueue, Korean time), and SIGHUP taken as the operator's
/reload. Both go through the engine exactly as an admin's /report and /reload do, so there is
one way to build the report and one way to reload, with the same checks and the same words."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import signal
from typing import Any

from telegram.ext import Application, ContextTypes

from bot.conversation import Event
from bot.handlers.callbacks import DEPS_KEY, BotDeps, deps
from bot.handlers.replies import send_reply
from bot.korean import clock

log = logging.getLogger(__name__)

WEEKLY_REPORT = "weekly-report"
WEEKLY_AT = dt.time(8, 30, tzinfo=clock.SEOUL)
MONDAY = 1  # python-telegram-bot counts days of the week from Sunday (0)
OPERATOR_CHAT = "operator:signal"
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def add_admin_jobs(application: AnyApplication) -> None:
    """The Monday report, when there are admins to send it to."""
    jobs = application.job_queue
    if jobs is None:
        log.error("no JobQueue: the weekly report is off (install python-telegram-bot[job-queue])")
        return
    jobs.run_daily(weekly_report, time=WEEKLY_AT, days=(MONDAY,), name=WEEKLY_REPORT,
                   job_kwargs={"misfire_grace_time": None})  # a report due while the loop was busy still goes


async def weekly_report(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every admin gets last week's report (Monday to Sunday) in their private chat."""
    d = deps(context)
    today = d.engine.clock.today()  # BOT_NOW pins it, as it pins every turn
    sunday = today - dt.timedelta(days=today.isoweekday() % 7 or 7)
    for admin_id in sorted(d.settings.admin_ids):
        event = Event(kind="command", command="report", text=sunday.isoformat(), user_id=admin_id, is_admin=True)
        reply = d.engine.handle(admin_id, event, today=today)
        await send_reply(context.bot, admin_id, reply, blocked=d.blocked)


def watch_hangup(application: AnyApplication) -> None:
    """SIGHUP reloads the knowledge files (where the platform has the signal)."""
    with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError):
        asyncio.get_running_loop().add_signal_handler(
            signal.SIGHUP, lambda: application.create_task(reload_on_hangup(application)))


def unwatch_hangup() -> None:
    with contextlib.suppress(AttributeError, NotImplementedError, RuntimeError):
        asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)


async def reload_on_hangup(application: AnyApplication) -> None:
    """The operator's /reload: the outcome goes to the log (a refusal names every file and line)."""
    d: BotDeps = application.bot_data[DEPS_KEY]
    reply = d.engine.handle(OPERATOR_CHAT, Event(kind="command", command="reload", is_admin=True))
    log.warning("SIGHUP: %s", " | ".join(reply.text.splitlines()))
