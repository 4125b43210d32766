"""Guarantee-release SMS: eligibility, send dates over weekends and holiday runs, properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.business_days import holiday_name, holidays_of, is_business_day, preload, previous_business_day
from rules.errors import RuleInputError
from rules.release_notice import (
    MIN_AMOUNT,
    NOTICE_DAYS,
    check_eligibility,
    find_kinds,
    normalise_kind,
    notice_date,
    plan_notice,
)

# End date → send date.
SEND_DATES = [
    pytest.param(date(2026, 11, 30), date(2026, 11, 13), id="design-example-sunday"),
    pytest.param(date(2026, 11, 29), date(2026, 11, 13), id="saturday"),
    pytest.param(date(2026, 11, 27), date(2026, 11, 12), id="plain-thursday"),
    pytest.param(date(2026, 10, 11), date(2026, 9, 23), id="chuseok-2026-second-day"),
    pytest.param(date(2026, 10, 10), date(2026, 9, 23), id="chuseok-2026-day"),
    pytest.param(date(2026, 10, 9), date(2026, 9, 23), id="chuseok-2026-eve"),
    pytest.param(date(2026, 10, 12), date(2026, 9, 23), id="chuseok-2026-following-sunday"),
    pytest.param(date(2026, 10, 8), date(2026, 9, 23), id="day-before-chuseok-run"),
    pytest.param(date(2027, 2, 24), date(2027, 2, 5), id="seollal-2027-substitute"),
    pytest.param(date(2027, 2, 21), date(2027, 2, 5), id="seollal-2027-eve-saturday"),
    pytest.param(date(2027, 2, 25), date(2027, 2, 10), id="after-seollal-2027"),
    pytest.param(date(2027, 1, 9), date(2026, 12, 24), id="christmas-friday-2026"),
    pytest.param(date(2027, 1, 16), date(2026, 12, 31), id="new-year-friday-2027"),
]


@pytest.mark.parametrize(("end", "send"), SEND_DATES)
def test_send_dates(end: date, send: date) -> None:
    assert notice_date(end) == send


def test_holiday_facts_the_cases_rely_on() -> None:
    assert [holiday_name(date(2026, 9, d)) for d in (24, 25, 26)] == ["추석 전날", "추석", "추석 다음날"]
    assert all(holiday_name(date(2027, 2, d)) for d in (6, 7, 8, 9))
    assert holiday_name(date(2026, 12, 25)) is not None
    assert date(2026, 12, 25).weekday() == 4


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("계약", "계약보증"),
        ("계약보증", "계약보증"),
        ("계약 이행 보증", "계약보증"),
        ("선급금", "선급금보증"),
        ("하자보수", "하자보수보증"),
        ("하자", "하자보수보증"),
        ("하자이행보증", "하자보수보증"),
        ("입찰", "입찰보증"),
        ("지급", "지급보증"),
        ("하도급대금지급보증", "지급보증"),
        ("공사이행보증", "공사이행보증"),
        ("손해배상보증", "손해배상보증"),
        ("보증", None),
        ("", None),
        ("계약이랑 입찰", None),
    ],
)
def test_normalise_kind(text: str, kind: str | None) -> None:
    assert normalise_kind(text) == kind


def test_find_kinds_lists_every_named_kind() -> None:
    assert find_kinds("계약보증이랑 하자보수보증") == ("계약보증", "하자보수보증")


@pytest.mark.parametrize(
    ("kind", "amount", "eligible", "fragment"),
    [
        ("계약", 50_000_000, True, "대상입니다"),
        ("선급금", MIN_AMOUNT, True, "대상입니다"),
        ("지급", MIN_AMOUNT - 1, False, "1천만원 미만"),
        ("입찰", 100_000_000, False, "입찰보증은"),
        ("하자보수", 100_000_000, False, "하자보수보증은"),
        ("하자", 0, False, "1천만원 미만"),
    ],
)
def test_eligibility(kind: str, amount: int, eligible: bool, fragment: str) -> None:
    result = check_eligibility(kind, amount)
    assert result.eligible is eligible
    assert any(fragment in reason for reason in result.reasons)
    assert "보증해제대상" in result.source


def test_two_reasons_when_both_rules_fail() -> None:
    assert len(check_eligibility("입찰", 1_000_000).reasons) == 2


@pytest.mark.parametrize(("kind", "amount"), [("계약", -1), ("모르는보증", 50_000_000)])
def test_eligibility_bad_input(kind: str, amount: int) -> None:
    with pytest.raises(RuleInputError):
        check_eligibility(kind, amount)


def test_plan_moved_send_date() -> None:
    plan = plan_notice("계약보증", 50_000_000, date(2026, 11, 30), today=date(2026, 11, 1))
    assert plan.eligible
    assert plan.nominal_date == date(2026, 11, 15)
    assert plan.send_date == date(2026, 11, 13)
    assert plan.moved
    assert not plan.already_past
    assert any("일요일" in reason for reason in plan.reasons)


def test_plan_names_the_holidays_it_skips() -> None:
    plan = plan_notice("선급금", 20_000_000, date(2026, 10, 11), today=date(2026, 9, 1))
    assert plan.send_date == date(2026, 9, 23)
    assert "추석" in plan.reasons[-1]


def test_plan_ineligible_has_no_send_date() -> None:
    plan = plan_notice("입찰", 50_000_000, date(2026, 11, 30), today=date(2026, 11, 1))
    assert not plan.eligible
    assert plan.send_date is None


def test_plan_send_date_already_past() -> None:
    plan = plan_notice("계약", 50_000_000, date(2026, 11, 30), today=date(2026, 11, 20))
    assert plan.already_past
    assert "이미 지났습니다" in plan.reasons[-1]


def test_plan_for_a_guarantee_already_ended_still_gives_its_day_in_the_past() -> None:
    plan = plan_notice("계약", 50_000_000, date(2026, 11, 30), today=date(2026, 12, 1))
    assert (plan.ended, plan.already_past, plan.send_date) == (True, True, date(2026, 11, 13))
    assert plan.reasons[-1] == "보증 종료일(2026년 11월 30일(월))이 이미 지나, 발송일(2026년 11월 13일(금))도 지난 날짜입니다."


def test_preload_builds_each_year_once() -> None:
    preload(range(2030, 2033))
    before = holidays_of.cache_info().hits
    assert is_business_day(date(2031, 3, 3)) is False  # 삼일절 substitute day
    assert holidays_of.cache_info().hits == before + 1


def test_years_without_holiday_data_are_refused() -> None:
    with pytest.raises(RuleInputError):
        is_business_day(date(2101, 1, 3))


end_dates = st.dates(date(2000, 1, 20), date(2099, 12, 31))


@settings(max_examples=500, derandomize=True, database=None)
@given(end_dates)
def test_send_date_properties(end: date) -> None:
    send = notice_date(end)
    nominal = end - timedelta(days=NOTICE_DAYS)
    assert is_business_day(send)
    assert send <= nominal
    # Nothing between the send date and the nominal day could have been used instead.
    assert not any(is_business_day(send + timedelta(days=n)) for n in range(1, (nominal - send).days + 1))
    assert (nominal - send).days <= 10


@settings(max_examples=300, derandomize=True, database=None)
@given(st.dates(date(2000, 1, 20), date(2099, 12, 31)))
def test_previous_business_day_is_idempotent(d: date) -> None:
    back = previous_business_day(d)
    assert previous_business_day(back) == back
    assert (back == d) is is_business_day(d)
