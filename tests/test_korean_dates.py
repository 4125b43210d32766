"""Korean dates as members type them: tables of full, partial and relative dates (against a
pinned today), what is no date, impossible dates and years, and yearless dates resolved."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.korean.dates import find_dates, last_on_or_before, next_on_or_after
from rules.errors import RuleInputError

TODAY = date(2026, 11, 22)

# text → (year, month, day, month_end, fiscal) of the one mention found.
DATES = [
    ("2025년 12월 31일", (2025, 12, 31, True, False)),
    ("2025년12월31일", (2025, 12, 31, True, False)),
    ("2025.12.31", (2025, 12, 31, True, False)),
    ("2025. 12. 31.", (2025, 12, 31, True, False)),
    ("2025-12-31", (2025, 12, 31, True, False)),
    ("2025/12/31", (2025, 12, 31, True, False)),
    ("25.12.31", (2025, 12, 31, True, False)),
    ("2026.1.9", (2026, 1, 9, False, False)),
    ("12월 31일", (None, 12, 31, True, False)),
    ("12/31", (None, 12, 31, True, False)),
    ("12.31 결산", (None, 12, 31, True, True)),
    ("11월 10일", (None, 11, 10, False, False)),
    ("3월 말", (None, 3, None, True, False)),
    ("3월말일", (None, 3, None, True, False)),
    ("3월 결산", (None, 3, None, False, True)),
    ("12월말 결산법인", (None, 12, None, True, True)),
    ("6월 법인", (None, 6, None, False, True)),
    ("작년 12월 말", (2025, 12, None, True, False)),
    ("지난해 6월 30일", (2025, 6, 30, True, False)),
    ("재작년 3월 결산", (2024, 3, None, False, True)),
    ("올해 3월 결산", (2026, 3, None, False, True)),
    ("내년 1월 15일", (2027, 1, 15, False, False)),
    ("내후년 2월 29일", (2028, 2, 29, True, False)),
    ("2025년 3월 결산", (2025, 3, None, False, True)),
    ("결산일이 2016년 12월 31일이면", (2016, 12, 31, True, True)),
    ("결산월은 9월", (None, 9, None, False, True)),
    ("2월 28일", (None, 2, 28, True, False)),
]

YEARS = [("올해", 2026), ("금년", 2026), ("작년", 2025), ("내년", 2027), ("재작년", 2024), ("2025년", 2025),
         ("2025년도", 2025), ("다음 해", 2027), ("지난 해", 2025)]

NOT_DATES = ["1년 6개월", "5개월 10일", "90일 이상 연체", "1.5억", "ver7.2", "2.5%", "1년치", "15/20"]

IMPOSSIBLE = [
    ("2월 30일", "2월 30일은 없는 날짜"),
    ("2027년 2월 29일", "2027년 2월 29일은 없는 날짜"),
    ("2025.4.31", "2025년 4월 31일은 없는 날짜"),
    ("13월 5일", "13월은 없는 달"),
    ("11월 31일", "11월 31일은 없는 날짜"),
]


@pytest.mark.parametrize(("text", "expected"), DATES)
def test_dates(text: str, expected: tuple[int | None, int, int | None, bool, bool]) -> None:
    (mention,) = find_dates(text, TODAY)
    assert mention.error is None
    assert (mention.year, mention.month, mention.day, mention.month_end, mention.fiscal) == expected


@pytest.mark.parametrize(("text", "year"), YEARS)
def test_year_words(text: str, year: int) -> None:
    (mention,) = find_dates(f"{text} 결산", TODAY)
    assert (mention.year, mention.month, mention.fiscal) == (year, None, True)


@pytest.mark.parametrize("text", NOT_DATES)
def test_not_dates(text: str) -> None:
    assert find_dates(text, TODAY) == []


@pytest.mark.parametrize(("text", "message"), IMPOSSIBLE)
def test_impossible_dates_carry_a_polite_message(text: str, message: str) -> None:
    (mention,) = find_dates(text, TODAY)
    assert mention.error is not None
    assert message in mention.error
    assert mention.error.endswith("확인해 주세요.")
    with pytest.raises(RuleInputError):
        mention.to_date()


def test_several_dates_in_order() -> None:
    mentions = find_dates("9월 결산법인인데 2017년 9월 30일 결산이면 2018.1.1부터 되나요", TODAY)
    assert [(m.year, m.month, m.day) for m in mentions] == [(None, 9, None), (2017, 9, 30), (2018, 1, 1)]
    assert [m.fiscal for m in mentions] == [True, True, False]


def test_month_end_to_date() -> None:
    (mention,) = find_dates("작년 2월 말", date(2029, 5, 1))
    assert mention.to_date() == date(2028, 2, 29)


def test_yearless_dates_resolve_around_today() -> None:
    (december,) = find_dates("12월 10일", TODAY)
    (october,) = find_dates("10월 10일", TODAY)
    assert next_on_or_after(december, TODAY).to_date() == date(2026, 12, 10)
    assert next_on_or_after(october, TODAY).to_date() == date(2027, 10, 10)
    assert next_on_or_after(october, TODAY).year_inferred
    assert last_on_or_before(december, TODAY).to_date() == date(2025, 12, 10)
    assert last_on_or_before(october, TODAY).to_date() == date(2026, 10, 10)


def test_yearless_leap_day_finds_a_leap_year() -> None:
    (mention,) = find_dates("2월 29일", TODAY)
    assert next_on_or_after(mention, TODAY).to_date() == date(2028, 2, 29)
    assert last_on_or_before(mention, TODAY).to_date() == date(2024, 2, 29)


# Days and months said against today (2026-11-22): text → (year, month, day, month_end).
RELATIVE = [
    ("오늘", (2026, 11, 22, False)),
    ("금일 발급", (2026, 11, 22, False)),
    ("어제", (2026, 11, 21, False)),
    ("그저께", (2026, 11, 20, False)),
    ("내일", (2026, 11, 23, False)),
    ("모레", (2026, 11, 24, False)),
    ("내일모레", (2026, 11, 24, False)),
    ("글피", (2026, 11, 25, False)),
    ("다음달 20일", (2026, 12, 20, False)),
    ("다음 달 15일에 끝나는", (2026, 12, 15, False)),
    ("담달 3일", (2026, 12, 3, False)),
    ("다다음달 1일", (2027, 1, 1, False)),
    ("이번달 말", (2026, 11, None, True)),
    ("이번 달 말일까지", (2026, 11, None, True)),
    ("이달 30일", (2026, 11, 30, True)),
    ("지난달 10일에", (2026, 10, 10, False)),
    ("저번 달 말", (2026, 10, None, True)),
    ("전달 5일", (2026, 10, 5, False)),
    ("다음 달", (2026, 12, None, False)),
    ("내년 3월 말일", (2027, 3, None, True)),
]


@pytest.mark.parametrize(("text", "expected"), RELATIVE)
def test_relative_dates(text: str, expected: tuple[int, int, int | None, bool]) -> None:
    (mention,) = find_dates(text, TODAY)
    assert mention.error is None
    assert (mention.year, mention.month, mention.day, mention.month_end) == expected
    assert not mention.year_inferred


def test_relative_months_cross_the_year() -> None:
    (december,) = find_dates("다음 달 20일", date(2026, 12, 5))
    (last,) = find_dates("지난달 말", date(2027, 1, 9))
    assert (december.year, december.month) == (2027, 1)
    assert last.to_date() == date(2026, 12, 31)


@pytest.mark.parametrize("text", ["오늘날 보증", "전달해 주세요", "말씀 전달 부탁", "이번에 바뀐 서식"])
def test_words_that_only_look_relative_are_no_dates(text: str) -> None:
    assert find_dates(text, TODAY) == []


@pytest.mark.parametrize("text", ["10000년 1월 5일", "보증 종료 10000년", "12345.1.5", "99999년 3월 결산"])
def test_a_year_of_five_digits_is_refused_not_dropped(text: str) -> None:
    (mention,) = find_dates(text, TODAY)
    assert mention.error is not None and "연도를 다시 확인해 주세요" in mention.error
    with pytest.raises(RuleInputError):
        mention.to_date()


@given(st.integers(min_value=-400, max_value=400))
def test_days_from_today_land_on_the_calendar_day(offset: int) -> None:
    today = TODAY + timedelta(days=offset)
    words = {"오늘": 0, "어제": -1, "모레": 2}
    for word, days in words.items():
        (mention,) = find_dates(f"{word} 발급받은 보증서", today)
        assert mention.to_date() == today + timedelta(days=days)
