"""SMS mileage: one per guarantee issued online, valid one year (조합업무 Q&A 문자메시지 마일리지)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rules.calendar_math import add_years
from rules.errors import RuleInputError
from rules.formatting import format_date
from rules.sources import MILEAGE

VALIDITY_YEARS = 1


@dataclass(frozen=True)
class MileageBalance:
    """Mileage earned and still valid on `today` (usage is not known, so not subtracted)."""

    today: date
    valid_count: int
    expired_count: int
    next_expiry: date | None
    next_expiry_count: int
    reason: str
    source: str = MILEAGE


def mileage_expiry(earned: date) -> date:
    """Last day a mileage earned on `earned` can be used: the same date a year later."""
    # Counted as the 민법 counts a period of years (초일 불산입, 제157조·제160조): it starts the next
    # day and ends the day before that date a year on, i.e. on the same date; a 2월 29일 mileage
    # starts 3월 1일 and so ends 2월 28일.
    return add_years(earned, VALIDITY_YEARS)


def is_mileage_valid(earned: date, on: date) -> bool:
    """True from the day it was earned through its expiry date."""
    return earned <= on <= mileage_expiry(earned)


def mileage_balance(issued_dates: Iterable[date], today: date) -> MileageBalance:
    """Count the mileage (one per online guarantee) still valid on `today` and the next to lapse."""
    dates = list(issued_dates)
    if any(d > today for d in dates):
        raise RuleInputError("오늘 이후의 발급일이 있습니다. 보증서 발급일을 다시 확인해 주세요.")
    expiries = sorted(mileage_expiry(d) for d in dates)
    live = [e for e in expiries if e >= today]
    next_expiry = live[0] if live else None
    next_count = live.count(next_expiry) if next_expiry else 0
    expired = len(expiries) - len(live)
    if next_expiry is None:
        reason = "유효한 문자메시지 마일리지가 없습니다(유효기간 1년)."
    else:
        reason = (
            f"유효한 마일리지는 {len(live)}건이며, 가장 먼저 {format_date(next_expiry)}에 "
            f"{next_count}건의 유효기간이 끝납니다(사용한 마일리지는 빼지 않았습니다)."
        )
    return MileageBalance(today, len(live), expired, next_expiry, next_count, reason)
