"""The heartbeat `bot run` writes beside the database (<BOT_DB>.heartbeat): when it last heard
from Telegram (a successful poll, an update, or in webhook mode a webhook check). `bot health
--live` and /healthz read it; the service manager and monitoring act on them."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.storage.files import beside, write_private

log = logging.getLogger(__name__)

# Write at most this often: a busy bot polls many times a second.
WRITE_EVERY = 10.0
# A polling bot hears from Telegram at least every long poll (10 s); a webhook bot checks its
# webhook every minute. Two minutes without a word means it is stuck or cut off.
DEFAULT_MAX_AGE = 120.0
Clock = Callable[[], dt.datetime]


def heartbeat_path(db_path: Path) -> Path | None:
    """None for an in-memory database: nothing outside the process could read it."""
    return None if str(db_path) == ":memory:" else beside(db_path, ".heartbeat")


@dataclass(frozen=True)
class Beat:
    at: dt.datetime
    pid: int
    mode: str


class Heartbeat:
    def __init__(self, path: Path | None, *, mode: str, clock: Clock | None = None) -> None:
        self.path = path
        self.mode = mode
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self._written = -WRITE_EVERY
        self._failing = False

    def beat(self) -> None:
        """Record that Telegram answered just now (written at most every WRITE_EVERY seconds)."""
        if self.path is None or time.monotonic() - self._written < WRITE_EVERY:
            return
        record = {"at": self.clock().isoformat(timespec="seconds"), "pid": os.getpid(), "mode": self.mode}
        try:
            write_private(self.path, json.dumps(record).encode("utf-8"))
        except OSError as exc:  # a full disk must not stop the bot; the health check will see it
            if not self._failing:
                log.warning("heartbeat not written (%s)", exc.strerror or type(exc).__name__)
            self._failing = True
            return
        self._failing = False
        self._written = time.monotonic()

    def clear(self) -> None:
        """The bot stops: it no longer hears from Telegram."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)
        self._written = -WRITE_EVERY


def read_beat(path: Path) -> Beat | None:
    """The last heartbeat, or None when there is none (or it cannot be read)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        at = dt.datetime.fromisoformat(record["at"])
        return Beat(at if at.tzinfo else at.replace(tzinfo=dt.UTC), int(record["pid"]), str(record["mode"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None
