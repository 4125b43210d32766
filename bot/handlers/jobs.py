"""Periodic jobs on python-telegram-bot's JobQueue. The application's Defaults put the queue on
Korean time (Asia/Seoul), so jobs at a time of day (the nightly backup, the weekly report of
later issues) run when the cooperative's day says; the housekeeping round here runs every
HOUSEKEEPING_EVERY from start-up."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any

from telegram.ext import Application, ContextTypes, Job

log = logging.getLogger(__name__)

HOUSEKEEPING = "housekeeping"
HOUSEKEEPING_EVERY = dt.timedelta(minutes=30)
Round = Callable[[], Mapping[str, int]]


def schedule_housekeeping(application: Application[Any, Any, Any, Any, Any, Any], round_: Round) -> Job[Any] | None:
    """Run `round_` (bot.app.housekeeping on the bot's services) every HOUSEKEEPING_EVERY; None
    when python-telegram-bot was installed without its job-queue extra."""
    queue = application.job_queue
    if queue is None:
        log.warning("no JobQueue (python-telegram-bot[job-queue] not installed): housekeeping runs at start-up only")
        return None
    return queue.run_repeating(housekeeping, interval=HOUSEKEEPING_EVERY, first=HOUSEKEEPING_EVERY,
                               name=HOUSEKEEPING, data=round_)


async def housekeeping(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One round: abandoned conversations forgotten, requests and codes past their time erased,
    the database's write-ahead log folded back (counts only in the log)."""
    job = context.job
    if job is None or not callable(job.data):
        return
    removed = job.data()
    log.info("housekeeping: %s", ", ".join(f"{k} {v}" for k, v in removed.items()) or "skipped")
