"""Date helpers: month ends, month arithmetic on month ends, checked construction."""

from __future__ import annotations

import calendar
from datetime import date

from rules.errors import RuleInputError


def month_end(year: int, month: int) -> date:
    """Last day of the given month."""
    return date(year, month, calendar.monthrange(year, month)[1])


def is_month_end(d: date) -> bool:
    """True when d is the last day of its month."""
    return d == month_end(d.year, d.month)


def add_months_end(d: date, months: int) -> date:
    """End of the month that lies `months` months after d's month (negative goes back)."""
    # A 결산일 is "the end of month M", so F + n months is the end of month M + n, never a clamped
    # day: 2028-02-29 + 3 months is 2028-05-31 (not 05-29) and 2017-09-30 + 5 months 2018-02-28.
    # That is what the guide's table shows: every window ends on a 10th, every validity on a month end.
    index = d.year * 12 + (d.month - 1) + months
    return month_end(index // 12, index % 12 + 1)


def add_years(d: date, years: int) -> date:
    """Same day `years` later; 2월 29일 falls back to 2월 28일 in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def make_date(year: int, month: int, day: int) -> date:
    """Build a date, turning an impossible one (2월 30일) into a polite RuleInputError."""
    if not 1 <= month <= 12:
        raise RuleInputError(f"{month}월은 없는 달입니다. 날짜를 다시 확인해 주세요.")
    try:
        return date(year, month, day)
    except ValueError:
        raise RuleInputError(
            f"{year}년 {month}월 {day}일은 없는 날짜입니다. 날짜를 다시 확인해 주세요."
        ) from None
