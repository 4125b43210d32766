"""Credit-rating application windows and rating validity (2017년도 신용평가 업무안내 제2절 2)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from rules.calendar_math import add_months_end, is_month_end, month_end
from rules.errors import RuleInputError
from rules.formatting import format_date
from rules.sources import GUIDE_TABLE_NOTE, RATING_LATE, RATING_WINDOW, RULE_APPLIED_NOTE

# The guide's printed cases: 결산일 → (신청 시작, 신청 마감, 지금 등급 유효기한).
GUIDE_CASES: Mapping[date, tuple[date, date, date]] = MappingProxyType(
    {
        date(2016, 12, 31): (date(2017, 4, 1), date(2017, 6, 10), date(2017, 6, 30)),
        date(2017, 3, 31): (date(2017, 7, 1), date(2017, 9, 10), date(2017, 9, 30)),
        date(2017, 6, 30): (date(2017, 10, 1), date(2017, 12, 10), date(2017, 12, 31)),
        date(2017, 9, 30): (date(2018, 1, 1), date(2018, 3, 10), date(2018, 3, 31)),
    }
)

# Q&A 절차 개요 1: late applications are taken, at a price.
LATE_NOTE = (
    "신청기간이 지나도 신청은 받지만, 지금 등급의 유효기한이 지나면 조합 업무거래에 제한이 생길 수 있습니다."
)


@dataclass(frozen=True)
class RatingSchedule:
    """One fiscal year-end's regular window and the validity of the ratings around it."""

    fiscal_year_end: date
    window_start: date
    window_end: date
    held_valid_until: date
    new_valid_until: date
    in_guide_table: bool
    reason: str
    note: str
    source: str = RATING_WINDOW


@dataclass(frozen=True)
class RatingValidity:
    """Whether a rating made from one year's statements is still valid on a day."""

    statements_fiscal_year_end: date
    on: date
    valid: bool
    valid_until: date
    reason: str
    source: str = RATING_WINDOW


@dataclass(frozen=True)
class MonthSchedule:
    """For "N월 결산" without a year: the window still to come (or open) and the one before it."""

    month: int
    today: date
    upcoming: RatingSchedule
    previous: RatingSchedule
    window_open: bool
    late_for_previous: bool
    reasons: tuple[str, ...]
    note: str
    source: str = f"{RATING_WINDOW}; {RATING_LATE}"


def _require_month_end(fiscal_year_end: date) -> None:
    """Refuse a 결산일 that is not a month end, suggesting the month's end."""
    if not is_month_end(fiscal_year_end):
        d = fiscal_year_end
        raise RuleInputError(
            f"결산일은 월말이어야 합니다. {d.year}년 {d.month}월 결산이라면 "
            f"{format_date(month_end(d.year, d.month))}로 알려 주세요."
        )


def rating_valid_until(statements_fiscal_year_end: date) -> date:
    """Last day of validity of a rating made from these statements: end of F + 18 months."""
    _require_month_end(statements_fiscal_year_end)
    return add_months_end(statements_fiscal_year_end, 18)


def rating_schedule(fiscal_year_end: date) -> RatingSchedule:
    """Window (F+3개월 다음 날 ~ F+5개월 10일) and validities for fiscal year-end F."""
    _require_month_end(fiscal_year_end)
    f = fiscal_year_end
    window_start = add_months_end(f, 3) + timedelta(days=1)
    window_end = add_months_end(f, 5) + timedelta(days=10)
    # The rating held now was made from the statements a year before F: (F - 12) + 18 = F + 6.
    held = add_months_end(f, 6)
    new = rating_valid_until(f)
    in_table = f in GUIDE_CASES
    reason = (
        f"결산일 {format_date(f)}로부터 3개월이 지난 다음 날부터 "
        "5개월 10일이 되는 날까지가 정기 신청기간이고, "
        "지금 보유한 등급은 결산일 6개월 뒤 달의 말일까지, "
        "이번에 받을 등급은 결산일로부터 1년 6개월까지 유효합니다."
    )
    note = GUIDE_TABLE_NOTE if in_table else RULE_APPLIED_NOTE
    return RatingSchedule(f, window_start, window_end, held, new, in_table, reason, note)


def rating_validity(statements_fiscal_year_end: date, on: date) -> RatingValidity:
    """Validity on `on` of a rating made from the statements of this fiscal year-end."""
    until = rating_valid_until(statements_fiscal_year_end)
    valid = on <= until
    f = format_date(statements_fiscal_year_end)
    if valid:
        reason = f"{f} 결산으로 받은 등급은 {format_date(until)}까지 유효합니다(결산일로부터 1년 6개월)."
    else:
        reason = f"{f} 결산으로 받은 등급은 {format_date(until)}에 유효기한이 끝났습니다."
    return RatingValidity(statements_fiscal_year_end, on, valid, until, reason)


def is_rating_valid(statements_fiscal_year_end: date, on: date) -> bool:
    """True while a rating made from these statements is valid (through end of F + 18 months)."""
    return rating_validity(statements_fiscal_year_end, on).valid


def schedule_for_window_year(month: int, window_year: int) -> RatingSchedule:
    """The schedule of "N월 결산" whose regular window opens in `window_year` ("12월 결산인데
    내년 신청기간": the window of next year, from this year's 결산)."""
    if not 1 <= month <= 12:
        raise RuleInputError("결산월은 1월부터 12월 사이로 알려 주세요.")
    same_year = rating_schedule(month_end(window_year, month))
    if same_year.window_start.year == window_year:
        return same_year
    return rating_schedule(month_end(window_year - 1, month))


def next_schedule_for_month(month: int, today: date) -> MonthSchedule:
    """The next window for "N월 결산" that has not closed by `today`, with the previous one."""
    if not 1 <= month <= 12:
        raise RuleInputError("결산월은 1월부터 12월 사이로 알려 주세요.")
    # A window closes at most 6 months and 10 days after F, so F two years back always closed.
    year = today.year - 2
    while rating_schedule(month_end(year, month)).window_end < today:
        year += 1
    upcoming = rating_schedule(month_end(year, month))
    previous = rating_schedule(month_end(year - 1, month))
    window_open = upcoming.window_start <= today
    late = previous.window_end < today <= previous.held_valid_until
    reasons = [_window_line(upcoming, window_open)]
    last_span = f"{format_date(previous.window_start)}부터 {format_date(previous.window_end)}까지"
    reasons.append(f"지난 신청기간은 {last_span}였습니다.")
    if late:
        reasons.append(
            f"지난 기간에 신청하지 않으셨다면 지금 등급은 {format_date(previous.held_valid_until)}까지만 "
            "유효하니 서둘러 신청해 주세요."
        )
    reasons.append(
        f"{format_date(previous.fiscal_year_end)} 결산으로 받은 등급은 "
        f"{format_date(upcoming.held_valid_until)}까지 유효합니다."
    )
    reasons.append(LATE_NOTE)
    note = GUIDE_TABLE_NOTE if upcoming.in_guide_table else RULE_APPLIED_NOTE
    return MonthSchedule(month, today, upcoming, previous, window_open, late, tuple(reasons), note)


def _window_line(schedule: RatingSchedule, window_open: bool) -> str:
    """One sentence naming the upcoming (or current) window."""
    span = f"{format_date(schedule.window_start)}부터 {format_date(schedule.window_end)}까지"
    f = format_date(schedule.fiscal_year_end)
    if window_open:
        return f"지금이 {f} 결산 정기 신청기간입니다({span})."
    return f"다음 정기 신청기간은 {f} 결산 기준 {span}입니다."
