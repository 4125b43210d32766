"""Korean date and amount expressions: tables of what members type, impossible dates, amounts."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.dates.documents import fact_answer
from bot.korean.values import (
    bare_month,
    find_amounts,
    find_dates,
    last_on_or_before,
    next_on_or_after,
    yes_no,
)
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

AMOUNTS = [
    ("5천만원", 50_000_000),
    ("3000만원", 30_000_000),
    ("2억", 200_000_000),
    ("2억원", 200_000_000),
    ("1억 5천만원", 150_000_000),
    ("1억5천", 150_000_000),
    ("1억 5000만원", 150_000_000),
    ("50,000,000원", 50_000_000),
    ("5,000만원", 50_000_000),
    ("천만원", 10_000_000),
    ("백만원", 1_000_000),
    ("80만원", 800_000),
    ("80만 원", 800_000),
    ("150억", 15_000_000_000),
    ("1.5억", 150_000_000),
    ("10000000원", 10_000_000),
    ("5만3천원", 53_000),
    ("-5천만원", -50_000_000),
    ("마이너스 3천만원", -30_000_000),
]

NOT_AMOUNTS = ["천안지점", "만기", "원클릭", "건설산업기본법 제56조", "2025년", "5천", "3000", "2025-12-31"]


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


@pytest.mark.parametrize(("text", "won"), AMOUNTS)
def test_amounts(text: str, won: int) -> None:
    (amount,) = find_amounts(text)
    assert amount.won == won


@pytest.mark.parametrize("text", NOT_AMOUNTS)
def test_not_amounts(text: str) -> None:
    assert find_amounts(text) == []


def test_amount_and_dates_in_one_message() -> None:
    text = "계약보증 1억 5천만원 종료일 2027.1.9"
    assert [a.won for a in find_amounts(text)] == [150_000_000]
    assert [(m.year, m.month, m.day) for m in find_dates(text, TODAY)] == [(2027, 1, 9)]


@given(eok=st.integers(min_value=0, max_value=999), man=st.integers(min_value=0, max_value=9999))
def test_eok_man_round_trip(eok: int, man: int) -> None:
    parts = ([f"{eok}억"] if eok else []) + ([f"{man}만"] if man else [])
    if not parts:
        return
    (amount,) = find_amounts(" ".join(parts) + "원")
    assert amount.won == eok * 100_000_000 + man * 10_000


@given(st.integers(min_value=1, max_value=10**12))
def test_comma_won_round_trip(won: int) -> None:
    (amount,) = find_amounts(f"보증금액 {won:,}원입니다")
    assert amount.won == won


@pytest.mark.parametrize(("text", "answer"), [
    ("네", True), ("예", True), ("네 맞아요", True), ("냈어요", True), ("아니요", False), ("아뇨", False),
    ("아니오.", False), ("안 냈어요", False), ("신용평가 수수료가 있나요?", None), ("어떻게 해요", None),
])
def test_yes_no(text: str, answer: bool | None) -> None:
    """As the documents question reads a reply: the one yes/no list and its own answers."""
    assert fact_answer(text) is answer


@pytest.mark.parametrize(("text", "answer"), [
    ("네", True), ("예.", True), ("그래요", True), ("아니요", False), ("아니에요!", False), ("네 맞아요", None),
    ("냈어요", None), ("동의합니다", None),
])
def test_a_whole_yes_or_no_is_only_that(text: str, answer: bool | None) -> None:
    assert yes_no(text, whole=True) is answer


@pytest.mark.parametrize(("text", "month"), [
    ("3", 3), ("3월", 3), ("12월이요", 12), ("12월 결산입니다", 12), ("3월말", 3), ("13", None), ("3월 5일", None),
])
def test_bare_month(text: str, month: int | None) -> None:
    assert bare_month(text) == month
