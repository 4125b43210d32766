"""The clock every part of the bot keeps time by: real by default, pinned through one setting
(BOT_NOW) for tests and scripted runs, and always on the Korean calendar for "today"."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.korean.clock import SEOUL, Clock
from bot.settings import Settings, SettingsError
from support import engine


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-11-22T09:30:00+09:00", dt.datetime(2026, 11, 22, 0, 30, tzinfo=dt.UTC)),
    ("2026-11-22T09:30:00", dt.datetime(2026, 11, 22, 0, 30, tzinfo=dt.UTC)),  # no offset: Korean time
    ("2026-11-22", dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.UTC)),  # a day: its midnight in Korea
    ("", None),
])
def test_bot_now_pins_the_clock(raw: str, expected: dt.datetime | None) -> None:
    now = Settings.from_env({"BOT_NOW": raw}).now
    assert now == expected


def test_a_bot_now_that_is_not_a_time_is_refused_with_its_value() -> None:
    with pytest.raises(SettingsError, match=r"BOT_NOW에는 .* 'next tuesday'"):
        Settings.from_env({"BOT_NOW": "next tuesday"})


def test_today_is_the_korean_day_of_the_pinned_instant() -> None:
    late_utc = dt.datetime(2026, 11, 21, 23, 30, tzinfo=dt.UTC)
    assert Clock(late_utc).today() == dt.date(2026, 11, 22)
    assert Clock(late_utc).now() == late_utc
    assert Clock().now().tzinfo is not None and abs(Clock().now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
    with pytest.raises(ValueError):
        Clock(dt.datetime(2026, 11, 22))  # a naive instant is ambiguous


def test_the_engine_takes_today_from_the_settings_clock() -> None:
    bot = engine(Settings(now=dt.datetime(2030, 1, 2, 9, 0, tzinfo=SEOUL)))
    assert bot.clock.today() == dt.date(2030, 1, 2)
