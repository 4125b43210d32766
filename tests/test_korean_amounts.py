"""Sums of money as members write them: digits with units, commas, number words, mixtures, what
is not money, and round trips over every amount."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.korean.amounts import find_amounts
from bot.korean.dates import find_dates

TODAY = date(2026, 11, 22)

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
    # Number words, and words mixed with digits.
    ("천오백만원", 15_000_000),
    ("오천만원", 50_000_000),
    ("일억오천만원", 150_000_000),
    ("칠백오십만원", 7_500_000),
    ("구백만원", 9_000_000),
    ("삼십만원", 300_000),
    ("이천만 원", 20_000_000),
    ("일억", 100_000_000),
    ("오천만", 50_000_000),
    ("1억2천", 120_000_000),
    ("3천5백만원", 35_000_000),
    ("2억 3천", 230_000_000),
    ("999만 9999원", 9_999_999),
    ("1억 2000만 500원", 120_000_500),
    ("금액은 이천만원", 20_000_000),
    ("보증금액이천만원", 10_000_000),  # 이 is the particle: 금액이 천만원
]

NOT_AMOUNTS = ["천안지점", "만기", "원클릭", "건설산업기본법 제56조", "2025년", "5천", "3000", "2025-12-31"]
NOT_AMOUNTS += ["이만 줄이겠습니다", "오만가지 서류", "삼천포", "백일", "십일월", "회사일"]


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


def _spelled(number: int) -> str:
    """A number in Korean number words as members write them: 15000000 → 천오백만."""
    digits = "일이삼사오육칠팔구"
    words = []
    for unit, size in (("억", 10**8), ("만", 10**4), ("", 1)):
        part, number = divmod(number, size)
        if not part:
            continue
        small = ""
        for name, value in (("천", 1000), ("백", 100), ("십", 10), ("", 1)):
            digit, part = divmod(part, value)
            if digit:
                small += ("" if digit == 1 and name else digits[digit - 1]) + name
        words.append(small + unit)
    return "".join(words)


@given(st.integers(min_value=1, max_value=99_999).map(lambda n: n * 10_000))
def test_number_words_round_trip(won: int) -> None:
    (amount,) = find_amounts(f"보증금액 {_spelled(won)}원")
    assert amount.won == won


@given(eok=st.integers(min_value=0, max_value=99), thousands=st.integers(min_value=0, max_value=9),
       hundreds=st.integers(min_value=0, max_value=9))
def test_digits_with_small_units_round_trip(eok: int, thousands: int, hundreds: int) -> None:
    parts = [f"{eok}억"] if eok else []
    small = (f"{thousands}천" if thousands else "") + (f"{hundreds}백" if hundreds else "")
    if small:
        parts.append(small + "만")
    if not parts:
        return
    (amount,) = find_amounts("".join(parts) + "원")
    assert amount.won == eok * 10**8 + (thousands * 1000 + hundreds * 100) * 10**4
