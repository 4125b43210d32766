"""What "today" is: the cooperative works on Korean time, whatever the server's zone."""

from __future__ import annotations

import datetime as dt

try:
    from zoneinfo import ZoneInfo

    SEOUL: dt.tzinfo = ZoneInfo("Asia/Seoul")
except Exception:  # no tz database on this machine: Korea has had no DST since 1988
    SEOUL = dt.timezone(dt.timedelta(hours=9))


def today() -> dt.date:
    return dt.datetime.now(SEOUL).date()
