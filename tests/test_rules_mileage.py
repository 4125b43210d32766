"""SMS mileage: one year of validity, leap days, balance on a given day."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.errors import RuleInputError
from rules.mileage import is_mileage_valid, mileage_balance, mileage_expiry


@pytest.mark.parametrize(
    ("earned", "expiry"),
    [
        (date(2026, 3, 10), date(2027, 3, 10)),
        (date(2026, 12, 31), date(2027, 12, 31)),
        (date(2028, 2, 29), date(2029, 2, 28)),
        (date(2027, 2, 28), date(2028, 2, 28)),
    ],
)
def test_expiry(earned: date, expiry: date) -> None:
    assert mileage_expiry(earned) == expiry


@pytest.mark.parametrize(
    ("on", "valid"),
    [
        (date(2026, 3, 9), False),
        (date(2026, 3, 10), True),
        (date(2027, 3, 10), True),
        (date(2027, 3, 11), False),
    ],
)
def test_is_valid(on: date, valid: bool) -> None:
    assert is_mileage_valid(date(2026, 3, 10), on) is valid


def test_balance() -> None:
    issued = [date(2025, 1, 5), date(2025, 6, 1), date(2025, 6, 1), date(2026, 2, 1)]
    balance = mileage_balance(issued, today=date(2026, 3, 1))
    assert balance.valid_count == 3
    assert balance.expired_count == 1
    assert balance.next_expiry == date(2026, 6, 1)
    assert balance.next_expiry_count == 2
    assert "3건" in balance.reason
    assert "마일리지" in balance.source


def test_balance_on_expiry_day_still_counts() -> None:
    assert mileage_balance([date(2025, 6, 1)], today=date(2026, 6, 1)).valid_count == 1


def test_empty_balance() -> None:
    balance = mileage_balance([], today=date(2026, 3, 1))
    assert (balance.valid_count, balance.next_expiry, balance.next_expiry_count) == (0, None, 0)
    assert "없습니다" in balance.reason


def test_future_issue_date_is_refused() -> None:
    with pytest.raises(RuleInputError):
        mileage_balance([date(2026, 3, 2)], today=date(2026, 3, 1))


@settings(max_examples=300, derandomize=True, database=None)
@given(st.dates(date(1990, 1, 1), date(2099, 12, 31)))
def test_expiry_is_about_a_year(earned: date) -> None:
    days = (mileage_expiry(earned) - earned).days
    assert days in (364, 365, 366)
