"""The weekly picture: the data behind it counted from real turns (typed questions answered,
suggested, declined, and 👎 votes, per day; the week's most missed questions) and the PNG drawn
from it at its size, in a Korean font: a missing glyph is a warning, and warnings fail tests."""

from __future__ import annotations

import datetime as dt
import sqlite3
import struct
from pathlib import Path

import pytest

from bot.admin.chart import HEIGHT_PX, WIDTH_PX, draw_week, drawable
from bot.admin.cli import write_week
from bot.admin.weekly import DayCounts, WeekPicture, week_picture
from bot.conversation import Event, Reply
from bot.engine import Engine
from support import admin_of, engine

MONDAY = dt.date(2026, 11, 16)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def ask(bot: Engine, text: str, day: dt.date, chat: str) -> Reply:
    return bot.handle(chat, Event.from_text(text), today=day)


class Clock:
    now = dt.datetime(2026, 11, 16, 1, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def week_of_turns() -> Engine:
    bot = engine()
    clock = Clock()
    admin_of(bot).inbox.clock = clock
    tuesday, friday = MONDAY + dt.timedelta(days=1), MONDAY + dt.timedelta(days=4)
    answered = ask(bot, "신용평가 수수료가 있나요?", MONDAY, "m1")  # answered
    ask(bot, "계약보증 1억 종료일 2027년 1월 9일이면 해제 문자 언제 와요", MONDAY, "m2")  # a calculator's answer
    ask(bot, "유효기간", tuesday, "m3")  # suggested
    ask(bot, "보증서 출력이 안돼요", tuesday, "m4")  # declined
    ask(bot, "보증서 출력이 안되요", friday, "m5")  # declined, the same question
    ask(bot, "출자증권 담보 얼마나 돼요", friday, "m6")  # declined
    bot.handle("m1", Event(kind="button", payload=f"fb:down:{answered.feedback_ref}"), today=friday)  # 👎
    ask(bot, "안녕하세요", friday, "m7")  # small talk: not a question
    ask(bot, "보증서 출력이 안돼요", MONDAY + dt.timedelta(days=7), "m8")  # the week after
    clock.now += dt.timedelta(minutes=11)  # the suggestion was never taken
    return bot


def test_the_data_behind_the_picture_is_counted_from_the_turns(week_of_turns: Engine) -> None:
    week = week_picture(admin_of(week_of_turns).outcomes, admin_of(week_of_turns).inbox, MONDAY + dt.timedelta(days=6))
    assert [(d.label, d.answered, d.suggested, d.declined, d.down) for d in week.days] == [
        ("11/16(월)", 2, 0, 0, 0), ("11/17(화)", 0, 1, 1, 0), ("11/18(수)", 0, 0, 0, 0), ("11/19(목)", 0, 0, 0, 0),
        ("11/20(금)", 0, 0, 2, 1), ("11/21(토)", 0, 0, 0, 0), ("11/22(일)", 0, 0, 0, 0)]
    # The suggestion not taken is missed too; the same question twice counts twice; the 👎 names
    # the question it was about; the week after is not in it.
    assert week.missed == (("보증서 출력이 안돼요", 2), ("출자증권 담보 얼마나 돼요", 1), ("신용평가 수수료가 있나요?", 1),
                           ("유효기간", 1))
    assert week.title == "조합 도우미 주간 보고 2026-11-16 ~ 2026-11-22"


def test_the_picture_is_a_png_of_its_size_in_a_korean_font() -> None:
    days = tuple(DayCounts(MONDAY + dt.timedelta(days=n), 10 + n, 3, n % 3, n % 2) for n in range(7))
    missed = tuple((f"놓친 질문 {n}번째 — 신용평가 수수료·공동인증서 갱신 😭", 12 - n) for n in range(10))
    png = draw_week(WeekPicture(MONDAY, MONDAY + dt.timedelta(days=6), days, missed))
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX) == (1200, 900)
    assert drawable("답 못함 😭") == "답 못함 "  # what the font cannot draw is left out, not boxed


def test_bot_report_week_writes_the_file(week_of_turns: Engine, tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    # The command reads a database file: copy the engine's in-memory one there.
    with sqlite3.connect(path) as copy:
        admin_of(week_of_turns).inbox.db.conn.backup(copy)
    copy.close()
    out = tmp_path / "week" / "report.png"
    line = write_week(path, MONDAY + dt.timedelta(days=6), out)
    assert png_size(out.read_bytes()) == (1200, 900)
    assert line == "2026-11-16 ~ 2026-11-22: 질문 6건 — 답함 2, 제안함 1, 답 못함 3, 👎 1"
