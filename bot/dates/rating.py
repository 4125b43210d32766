"""Credit rating (004, 제2절 2): the regular application window and the validity of the ratings
around a 결산, for a fiscal year-end, a "N월 결산" without a year, or a day to check validity on."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from bot.conversation import Button, Reply, Turn
from bot.dates.reading import (
    NAME,
    Said,
    fiscal_month,
    fiscal_year_end,
    flow_topic,
    raise_date_errors,
    rule_reply,
)
from bot.korean.dates import DateMention, next_on_or_after
from bot.korean.values import bare_month
from bot.templates import render
from rules.calendar_math import month_end
from rules.credit_rating import (
    LATE_NOTE,
    MonthSchedule,
    RatingSchedule,
    next_schedule_for_month,
    rating_schedule,
    rating_validity,
    schedule_for_window_year,
)
from rules.errors import RuleInputError
from rules.formatting import format_date
from rules.sources import RATING_WINDOW

# "2025년 결산으로 받은 등급": the rating made from that year's statements, not the one held before.
_NEW_RATING_WORDS = ("받은등급", "받은신용등급", "받는등급", "받을등급", "받으실등급", "결산등급", "결산기준등급",
                     "결산기준신용등급", "결산신용등급")
# A year said with these (not with 결산) is the year the window opens: "내년 신청기간", "올해 신평".
_WINDOW_YEAR_WORDS = ("신청", "접수", "신평", "신용평가", "정기평가", "평가받")
# Asking for the window even when validity is mentioned too.
_WINDOW_WORDS = ("신청기간", "신청기한", "언제신청", "언제까지신청", "신청언제", "신청마감", "신청시기", "신청은언제")


def answer_rating(turn: Turn, data: dict[str, Any], said: Said | None) -> Reply:
    """Window and validity for a fiscal year-end, or the next window for "N월 결산"."""
    if said is not None:
        # A month alone ("6월이요") is a 결산월 once the question is about 결산: in our flow, or
        # said again after an answer.
        loose = flow_topic(turn) == "rating" or bool(data.pop("again", False))
        _merge_rating(data, said, turn.today, loose=loose)
    turn.end_flow()
    if data.get("fye"):
        fye = date.fromisoformat(data["fye"])
        check = data.get("check")
        if check:
            return _validity_reply(fye, date.fromisoformat(check))
        day = date.fromisoformat(data["day"]) if data.get("day") else None
        return _schedule_reply(rating_schedule(fye), data.get("focus", "window"), turn.today, day)
    month = data.get("month")
    if month is None:
        return _ask_month(turn, data)
    year, window_year = data.get("year"), data.get("window_year")
    if year is not None:
        return _schedule_reply(rating_schedule(month_end(int(year), int(month))), data.get("focus", "window"),
                               turn.today, None)
    if window_year is not None:
        return _schedule_reply(schedule_for_window_year(int(month), int(window_year)),
                               data.get("focus", "window"), turn.today, None)
    return _month_reply(next_schedule_for_month(int(month), turn.today), data.get("focus", "window"))


def _merge_rating(data: dict[str, Any], said: Said, today: date, *, loose: bool) -> None:
    """Take the fiscal year-end, month, year, check date and focus out of a message."""
    raise_date_errors(said.dates)
    if said.has(*_NEW_RATING_WORDS) and said.has("유효", "만료", "효력", "언제까지"):
        data["focus"] = "new"
    elif said.has("유효", "만료", "효력") and not said.has(*_WINDOW_WORDS):
        data["focus"] = "validity"
    elif said.has("신청", "기간"):
        data["focus"] = "window"
    fye = fiscal_year_end(said)
    if fye is not None:
        data.update(fye=_fye_date(fye).isoformat(), month=None, year=None, window_year=None)
        others = [d for d in said.dates if d is not fye and d.has_day]
        data["check"] = _check_date(said, others, today)
        # "…결산인데 5월 1일에 신청해도 돼요?": say where that day falls against the window.
        data["day"] = next_on_or_after(others[0], today).to_date().isoformat() if others else None
        return
    month = fiscal_month(said, loose=loose)
    if month is not None:
        _require_month_end(month)
        data.update(month=month.month, fye=None, check=None, day=None)
    elif data.get("asking") == "month" and bare_month(said.text) is not None:
        data.update(month=bare_month(said.text), fye=None, check=None, day=None)
    for year in (d for d in said.dates if d.month is None):
        # "올해 결산" names the 결산's year; "내년 신청기간" the year the window opens.
        if not year.fiscal and said.has(*_WINDOW_YEAR_WORDS):
            data["window_year"] = year.year
        else:
            data["year"] = year.year


def _fye_date(mention: DateMention) -> date:
    """The 결산일 of a mention: its date, or the end of its month when no day was said."""
    if mention.has_day:
        return mention.to_date()
    assert mention.year is not None and mention.month is not None
    return month_end(mention.year, mention.month)


def _require_month_end(mention: DateMention) -> None:
    """A yearless 결산 day must be a month end ("3월 15일 결산" is refused politely)."""
    if mention.day is not None and not mention.month_end:
        raise RuleInputError(
            f"결산일은 월말이어야 합니다. {mention.month}월 결산이라면 “{mention.month}월 결산”으로 알려 주세요."
        )


def _check_date(said: Said, others: Sequence[DateMention], today: date) -> str | None:
    """The day to check validity on, when the message asks "is it valid (then)?"."""
    asks_whether = said.has("유효", "살아", "효력") and not said.has("언제", "까지", "기한", "기간", "얼마")
    if not asks_whether:
        return None
    if others:
        return next_on_or_after(others[0], today).to_date().isoformat()
    return today.isoformat() if said.has("지금", "현재", "오늘", "아직") else None


def _ask_month(turn: Turn, data: dict[str, Any]) -> Reply:
    """No 결산월 yet: ask with twelve buttons, keeping the year if one was said."""
    data["asking"] = "month"
    turn.start_flow(NAME, **data)
    buttons = [Button(f"{m}월", f"{NAME}:month:{m}") for m in range(1, 13)]
    return rule_reply(render("rule_ask_month", year=data.get("year"), source=RATING_WINDOW), buttons)


def _schedule_reply(schedule: RatingSchedule, focus: str, today: date, day: date | None) -> Reply:
    return rule_reply(render("rule_rating", headline=_schedule_headline(schedule, focus, today), s=schedule,
                             fmt=format_date, status=_window_status(schedule, today),
                             day_line=_day_line(schedule, day), late_note=LATE_NOTE))


def _day_line(schedule: RatingSchedule, day: date | None) -> str | None:
    """Where a day the member named falls: before, inside or after the regular window."""
    if day is None:
        return None
    if day < schedule.window_start:
        return f"{format_date(day)}은 정기 신청기간 전입니다."
    if day <= schedule.window_end:
        return f"{format_date(day)}은 정기 신청기간 안입니다."
    return (f"{format_date(day)}은 정기 신청기간이 지난 뒤입니다. 신청은 받지만, 지금 등급이 "
            f"{format_date(schedule.held_valid_until)} 뒤로는 유효하지 않아 업무거래에 제한이 생길 수 있습니다.")


def _schedule_headline(schedule: RatingSchedule, focus: str, today: date) -> str:
    """The first sentence: the window, or the validity of the ratings around this 결산."""
    f, held, new = (format_date(d) for d in
                    (schedule.fiscal_year_end, schedule.held_valid_until, schedule.new_valid_until))
    if focus == "window":
        return (f"{f} 결산이면 정기 신청기간은 {format_date(schedule.window_start)}부터 "
                f"{format_date(schedule.window_end)}까지입니다.")
    new_first = f"{f} 결산으로 받는 등급은 {new}까지 유효합니다(결산일로부터 1년 6개월)."
    # Once the held rating has lapsed, the rating "now" is this 결산's; for years wholly past
    # the guide's own framing (the held rating first) reads best.
    if focus == "new" or schedule.held_valid_until < today <= schedule.new_valid_until:
        return f"{new_first} 직전 결산으로 받은 등급은 {held}까지 유효합니다."
    return f"{f} 결산 기준으로, 지금 보유하신 등급(직전 결산으로 받은 등급)은 {held}까지 유효하고, 이 결산으로 받는 등급은 {new}까지 유효합니다."


def _window_status(schedule: RatingSchedule, today: date) -> str | None:
    """Where today stands against the window, when that is news (not for long-past years)."""
    if schedule.window_end < today - timedelta(days=365):
        return None
    if today < schedule.window_start:
        return f"오늘({format_date(today)}) 기준으로 신청기간 시작까지 {(schedule.window_start - today).days}일 남았습니다."
    if today <= schedule.window_end:
        return f"지금이 정기 신청기간입니다(마감까지 {(schedule.window_end - today).days}일)."
    if today <= schedule.held_valid_until:
        return (f"정기 신청기간은 지났지만 지금도 신청하실 수 있습니다. 지금 등급이 "
                f"{format_date(schedule.held_valid_until)}까지만 유효하니 서둘러 주세요.")
    return f"오늘({format_date(today)}) 기준으로 이 결산의 정기 신청기간은 이미 지났습니다."


def _month_reply(schedule: MonthSchedule, focus: str) -> Reply:
    """"N월 결산" without a year: the window to come (or open now) and the last one."""
    reasons = [r for r in schedule.reasons if r != LATE_NOTE]
    validity = next((r for r in reasons if "결산으로 받은 등급은" in r), reasons[0])
    headline = reasons[0] if focus == "window" else validity
    # The bullets already show the windows and validity; only the late-application warning stays.
    details = [r for r in reasons[1:] if r != validity and not r.startswith("지난 신청기간은")]
    return rule_reply(render("rule_rating_month", headline=headline, details=details, s=schedule,
                             fmt=format_date, late_note=LATE_NOTE))


def _validity_reply(fye: date, on: date) -> Reply:
    validity = rating_validity(fye, on)
    answer = "네, 유효합니다." if validity.valid else "아니요, 유효하지 않습니다."
    return rule_reply(render("rule_validity", answer=answer, v=validity, fmt=format_date))
