"""Credit-rating windows and validity: the guide's own table, month-end arithmetic, N월 결산."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.calendar_math import add_months_end, is_month_end, month_end
from rules.credit_rating import (
    GUIDE_CASES,
    is_rating_valid,
    next_schedule_for_month,
    rating_schedule,
    rating_valid_until,
    rating_validity,
    schedule_for_window_year,
)
from rules.errors import RuleInputError

# 2017년도 신용평가 업무안내 제2절 2 and its table: 결산일, 신청 시작, 신청 마감, 지금 등급 유효기한.
GUIDE_TABLE = [
    (date(2016, 12, 31), date(2017, 4, 1), date(2017, 6, 10), date(2017, 6, 30)),
    (date(2017, 3, 31), date(2017, 7, 1), date(2017, 9, 10), date(2017, 9, 30)),
    (date(2017, 6, 30), date(2017, 10, 1), date(2017, 12, 10), date(2017, 12, 31)),
    (date(2017, 9, 30), date(2018, 1, 1), date(2018, 3, 10), date(2018, 3, 31)),
]

# Years the guide did not print, same rule; February ends exercise the month-end choice.
COMPUTED = [
    (date(2025, 12, 31), date(2026, 4, 1), date(2026, 6, 10), date(2026, 6, 30), date(2027, 6, 30)),
    (date(2028, 2, 29), date(2028, 6, 1), date(2028, 8, 10), date(2028, 8, 31), date(2029, 8, 31)),
    (date(2027, 2, 28), date(2027, 6, 1), date(2027, 8, 10), date(2027, 8, 31), date(2028, 8, 31)),
    (date(2027, 8, 31), date(2027, 12, 1), date(2028, 2, 10), date(2028, 2, 29), date(2029, 2, 28)),
    (date(2025, 11, 30), date(2026, 3, 1), date(2026, 5, 10), date(2026, 5, 31), date(2027, 5, 31)),
]

month_ends = st.builds(
    month_end, st.integers(min_value=1990, max_value=2090), st.integers(min_value=1, max_value=12)
)


@pytest.mark.parametrize(("fye", "start", "end", "held"), GUIDE_TABLE)
def test_guide_table(fye: date, start: date, end: date, held: date) -> None:
    schedule = rating_schedule(fye)
    assert (schedule.window_start, schedule.window_end, schedule.held_valid_until) == (start, end, held)
    assert schedule.in_guide_table
    assert "표" in schedule.note
    assert "제2절 2" in schedule.source


def test_guide_cases_constant_matches_table() -> None:
    assert {row[0]: row[1:] for row in GUIDE_TABLE} == GUIDE_CASES


def test_guide_example_eighteen_months() -> None:
    # "결산일이 2016.12.31.인 경우 2017.6.30.까지 유효": a rating from 2015 statements.
    assert rating_valid_until(date(2015, 12, 31)) == date(2017, 6, 30)


@pytest.mark.parametrize(("fye", "start", "end", "held", "new"), COMPUTED)
def test_computed_years(fye: date, start: date, end: date, held: date, new: date) -> None:
    schedule = rating_schedule(fye)
    assert schedule.window_start == start
    assert schedule.window_end == end
    assert schedule.held_valid_until == held
    assert schedule.new_valid_until == new
    assert not schedule.in_guide_table
    assert "2017년도" in schedule.note


@pytest.mark.parametrize("bad", [date(2025, 12, 30), date(2028, 2, 28), date(2026, 6, 15)])
def test_not_month_end_is_refused(bad: date) -> None:
    with pytest.raises(RuleInputError, match="월말"):
        rating_schedule(bad)


@pytest.mark.parametrize(
    ("on", "valid"),
    [(date(2027, 6, 30), True), (date(2027, 7, 1), False), (date(2026, 5, 1), True)],
)
def test_validity_of_rating(on: date, valid: bool) -> None:
    assert is_rating_valid(date(2025, 12, 31), on) is valid
    result = rating_validity(date(2025, 12, 31), on)
    assert result.valid_until == date(2027, 6, 30)
    assert "2027년 6월 30일" in result.reason


# For "N월 결산": today → (upcoming 결산일, window open now, late for the previous window).
MONTH_CASES = [
    (12, date(2026, 3, 1), date(2025, 12, 31), False, False),
    (12, date(2026, 4, 1), date(2025, 12, 31), True, False),
    (12, date(2026, 6, 10), date(2025, 12, 31), True, False),
    (12, date(2026, 6, 11), date(2026, 12, 31), False, True),
    (12, date(2026, 6, 30), date(2026, 12, 31), False, True),
    (12, date(2026, 7, 1), date(2026, 12, 31), False, False),
    (3, date(2026, 9, 11), date(2027, 3, 31), False, True),
    (3, date(2026, 8, 1), date(2026, 3, 31), True, False),
    (2, date(2028, 8, 10), date(2028, 2, 29), True, False),
    (2, date(2028, 8, 11), date(2029, 2, 28), False, True),
]


@pytest.mark.parametrize(("month", "today", "fye", "is_open", "late"), MONTH_CASES)
def test_next_schedule_for_month(month: int, today: date, fye: date, is_open: bool, late: bool) -> None:
    result = next_schedule_for_month(month, today)
    assert result.upcoming.fiscal_year_end == fye
    assert result.window_open is is_open
    assert result.late_for_previous is late
    assert result.previous.fiscal_year_end == month_end(fye.year - 1, month)
    assert result.reasons


def test_month_schedule_mentions_lapse_when_late() -> None:
    result = next_schedule_for_month(12, date(2026, 6, 20))
    assert any("2026년 6월 30일" in line for line in result.reasons)
    assert any("2027년 6월 30일" in line for line in result.reasons)


@pytest.mark.parametrize("month", [0, 13, -1])
def test_bad_month(month: int) -> None:
    with pytest.raises(RuleInputError, match="결산월"):
        next_schedule_for_month(month, date(2026, 1, 1))


@settings(max_examples=200, derandomize=True, database=None)
@given(month_ends)
def test_schedule_shape(fye: date) -> None:
    schedule = rating_schedule(fye)
    assert schedule.window_start.day == 1
    assert schedule.window_end.day == 10
    assert is_month_end(schedule.held_valid_until)
    assert fye < schedule.window_start < schedule.window_end < schedule.held_valid_until
    # The rating held now is the one made a year earlier: its 18 months end here.
    assert schedule.held_valid_until == rating_valid_until(add_months_end(fye, -12))
    assert schedule.new_valid_until == add_months_end(schedule.held_valid_until, 12)


@settings(max_examples=200, derandomize=True, database=None)
@given(st.integers(min_value=1, max_value=12), st.dates(date(1995, 1, 1), date(2085, 12, 31)))
def test_next_window_not_closed_and_previous_closed(month: int, today: date) -> None:
    result = next_schedule_for_month(month, today)
    assert result.upcoming.window_end >= today
    assert result.previous.window_end < today


@pytest.mark.parametrize(("month", "window_year", "fye", "start"), [
    (12, 2027, date(2026, 12, 31), date(2027, 4, 1)),  # "12월 결산인데 내년 신청기간": this year's 결산
    (3, 2027, date(2027, 3, 31), date(2027, 7, 1)),
    (8, 2027, date(2027, 8, 31), date(2027, 12, 1)),
    (9, 2027, date(2026, 9, 30), date(2027, 1, 1)),
    (11, 2018, date(2017, 11, 30), date(2018, 3, 1)),
])
def test_the_schedule_whose_window_opens_in_a_year(month: int, window_year: int, fye: date, start: date) -> None:
    schedule = schedule_for_window_year(month, window_year)
    assert (schedule.fiscal_year_end, schedule.window_start) == (fye, start)


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=2000, max_value=2090))
def test_the_window_of_the_year_asked_opens_in_that_year(month: int, year: int) -> None:
    assert schedule_for_window_year(month, year).window_start.year == year
