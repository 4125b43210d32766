"""What "now" and "today" are: the cooperative works on Korean time, whatever the server's zone.

One `Clock` per process is handed to everything that keeps time (the engine's "today", the
expiry of codes and requests, throttling windows, state timestamps); tests and scripted runs pin
it through the settings (BOT_NOW) instead of patching the standard library."""

from __future__ import annotations

import datetime as dt

try:
    from zoneinfo import ZoneInfo

    SEOUL: dt.tzinfo = ZoneInfo("Asia/Seoul")
except Exception:  # no tz database on this machine: Korea has had no DST since 1988
    SEOUL = dt.timezone(dt.timedelta(hours=9))


class Clock:
    """The current instant (aware, UTC) and the Korean calendar day; fixed when `pinned`."""

    def __init__(self, pinned: dt.datetime | None = None) -> None:
        if pinned is not None and pinned.tzinfo is None:
            raise ValueError("a pinned clock needs an aware datetime")
        self.pinned = pinned

    def now(self) -> dt.datetime:
        return self.pinned.astimezone(dt.UTC) if self.pinned is not None else dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        return self.now().astimezone(SEOUL).date()


def today() -> dt.date:
    return Clock().today()
