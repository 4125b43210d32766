"""Korean business days: Monday to Friday, less public and substitute holidays (`holidays`, KR)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import cache
from types import MappingProxyType

import holidays

from rules.errors import RuleInputError
from rules.formatting import WEEKDAYS_KO

# The package computes the lunar holidays (설날, 추석) only up to 2100; outside this range a year
# would silently come back without them, so such dates are refused instead.
FIRST_YEAR = 1990
LAST_YEAR = 2100


@cache
def holidays_of(year: int) -> Mapping[date, str]:
    """Public and substitute holidays of one year, Korean names, built once per year."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise RuleInputError(
            f"공휴일 정보가 있는 {FIRST_YEAR}년부터 {LAST_YEAR}년 사이의 날짜만 계산할 수 있습니다."
        )
    calendar = holidays.country_holidays("KR", years=year, language="ko")
    return MappingProxyType({day: str(name) for day, name in calendar.items()})


def holiday_name(d: date) -> str | None:
    """The holiday's Korean name, or None on an ordinary day."""
    return holidays_of(d.year).get(d)


def non_business_reason(d: date) -> str | None:
    """Why d is not a business day (토요일, 일요일, 추석...), or None when it is one."""
    name = holiday_name(d)
    if name is not None:
        return name
    if d.weekday() >= 5:
        return f"{WEEKDAYS_KO[d.weekday()]}요일"
    return None


def is_business_day(d: date) -> bool:
    """Monday to Friday and not a Korean public or substitute holiday."""
    return non_business_reason(d) is None


def previous_business_day(d: date) -> date:
    """d itself when it is a business day, else the nearest business day before it."""
    while not is_business_day(d):
        d -= timedelta(days=1)
    return d


def preload(years: Iterable[int]) -> None:
    """Build the holiday tables of these years now, so no reply pays for the first lookup."""
    for year in years:
        holidays_of(year)
