"""The data behind the weekly picture: members' typed questions per day, split by how the bot
met them, and the week's most missed questions. Pure data, so it is checked without drawing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.admin.inbox import InboxStore
from bot.admin.outcomes import OutcomeStore

DAYS = 7
TOP_MISSED = 10
# How a reply to a typed question counts in the picture: answered (from the guides, a
# calculator or the branch list), suggested (did-you-mean), declined (nothing fitted).
ANSWERED = ("answer", "rule", "branch")
SUGGESTED = ("suggest",)
DECLINED = ("fallback",)
WEEKDAYS = "월화수목금토일"


@dataclass(frozen=True)
class DayCounts:
    day: dt.date
    answered: int
    suggested: int
    declined: int
    down: int  # 👎 votes

    @property
    def label(self) -> str:
        return f"{self.day.month}/{self.day.day}({WEEKDAYS[self.day.weekday()]})"


@dataclass(frozen=True)
class WeekPicture:
    start: dt.date
    end: dt.date
    days: tuple[DayCounts, ...]
    missed: tuple[tuple[str, int], ...]  # (question, times), most first

    @property
    def totals(self) -> DayCounts:
        return DayCounts(self.end, *(sum(getattr(d, f) for d in self.days)
                                     for f in ("answered", "suggested", "declined", "down")))

    @property
    def title(self) -> str:
        return f"조합 도우미 주간 보고 {self.start.isoformat()} ~ {self.end.isoformat()}"


def week_picture(outcomes: OutcomeStore, inbox: InboxStore, end: dt.date) -> WeekPicture:
    """The seven days ending with `end` (inclusive)."""
    start = end - dt.timedelta(days=DAYS - 1)
    counted = outcomes.per_day(start, end)

    def typed(day: str, kinds: tuple[str, ...]) -> int:
        return sum(counted[(day, kind, "text")] for kind in kinds)

    days = []
    for offset in range(DAYS):
        day = start + dt.timedelta(days=offset)
        key = day.isoformat()
        votes = sum(n for (d, kind, _), n in counted.items() if d == key and kind == "down")
        days.append(DayCounts(day, typed(key, ANSWERED), typed(key, SUGGESTED), typed(key, DECLINED), votes))
    return WeekPicture(start, end, tuple(days), tuple(inbox.missed_between(start, end, TOP_MISSED)))


def summary(week: WeekPicture) -> str:
    """The week in one line of text, for the message the picture comes with."""
    t = week.totals
    asked = t.answered + t.suggested + t.declined
    return (f"{week.start.isoformat()} ~ {week.end.isoformat()}: 질문 {asked}건 — 답함 {t.answered},"
            f" 제안함 {t.suggested}, 답 못함 {t.declined}, 👎 {t.down}")
