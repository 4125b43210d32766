"""How dates and amounts appear inside reasons."""

from __future__ import annotations

from datetime import date

WEEKDAYS_KO = "월화수목금토일"


def format_date(d: date) -> str:
    """Korean full date with weekday, e.g. 2026년 11월 13일(금)."""
    return f"{d.year}년 {d.month}월 {d.day}일({WEEKDAYS_KO[d.weekday()]})"


def format_won(amount: int) -> str:
    """Amount with thousands separators, e.g. 10,000,000원."""
    return f"{amount:,}원"
