"""Guarantee-release SMS: which guarantees get one and on which day it is sent (조합업무 Q&A)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from rules.business_days import is_business_day, non_business_reason, previous_business_day
from rules.errors import RuleInputError
from rules.formatting import format_date, format_won
from rules.sources import RELEASE_NOTICE

__all__ = [
    "EXCLUDED_KINDS",
    "KINDS",
    "MIN_AMOUNT",
    "NOTICE_DAYS",
    "Eligibility",
    "NoticePlan",
    "check_eligibility",
    "find_kinds",
    "is_business_day",
    "normalise_kind",
    "notice_date",
    "plan_notice",
]

MIN_AMOUNT = 10_000_000
NOTICE_DAYS = 15

# The guarantees the cooperative issues under 건설산업기본법 제56조, as members call them. Only
# 입찰 and 하자 matter to the rule; the others are here so a named kind is recognised, not guessed.
KINDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "입찰보증": ("입찰보증", "입찰"),
        "계약보증": ("계약이행보증", "계약보증", "계약"),
        "공사이행보증": ("공사이행보증", "공사이행", "이행보증"),
        "손해배상보증": ("손해배상보증", "손해배상"),
        "선급금보증": ("선급금보증", "선급금", "선급"),
        "하자보수보증": ("하자보수보증", "하자이행보증", "하자보수", "하자보증", "하자"),
        "지급보증": (
            "하도급대금지급보증",
            "하도급지급보증",
            "공사대금지급보증",
            "대금지급보증",
            "지급보증",
            "하도급대금지급",
            "하도급지급",
            "지급",
        ),
    }
)
EXCLUDED_KINDS = frozenset({"입찰보증", "하자보수보증"})

# Longest first, so 하도급대금지급 is consumed before 지급 and 하자이행보증 before 이행보증.
_ALIASES = sorted(
    ((alias, kind) for kind, aliases in KINDS.items() for alias in aliases),
    key=lambda pair: -len(pair[0]),
)


@dataclass(frozen=True)
class Eligibility:
    """Whether a guarantee gets the release SMS, and why."""

    kind: str
    amount: int
    eligible: bool
    reasons: tuple[str, ...]
    source: str = RELEASE_NOTICE


@dataclass(frozen=True)
class NoticePlan:
    """Eligibility plus the send date of one guarantee's release SMS."""

    kind: str
    amount: int
    end_date: date
    today: date
    eligible: bool
    nominal_date: date
    send_date: date | None
    moved: bool
    already_past: bool
    reasons: tuple[str, ...]
    source: str = RELEASE_NOTICE
    ended: bool = False  # the guarantee itself has ended: everything is said in the past
    date_reason: str = ""  # how the send date was reached (also among reasons)


def find_kinds(text: str) -> tuple[str, ...]:
    """Every guarantee kind named in text, in the order of KINDS."""
    rest = re.sub(r"\s+", "", text)
    found: set[str] = set()
    for alias, kind in _ALIASES:
        if alias in rest:
            found.add(kind)
            rest = rest.replace(alias, " ")
    return tuple(kind for kind in KINDS if kind in found)


def normalise_kind(text: str) -> str | None:
    """The one guarantee kind text names (계약 → 계약보증), or None when none or several."""
    kinds = find_kinds(text)
    return kinds[0] if len(kinds) == 1 else None


def check_eligibility(kind: str, amount: int) -> Eligibility:
    """Every guarantee but 입찰 and 하자, of at least 1천만원, gets the release SMS."""
    canonical = normalise_kind(kind)
    if canonical is None:
        raise RuleInputError(
            "보증 종류를 알아듣지 못했습니다. 계약, 선급금, 하자보수, 입찰, 지급 중에서 알려 주세요."
        )
    if amount < 0:
        raise RuleInputError("보증금액은 0원 이상으로 알려 주세요.")
    reasons: list[str] = []
    if canonical in EXCLUDED_KINDS:
        reasons.append(f"{canonical}은 보증해제 안내 문자 대상이 아닙니다(입찰·하자보증 제외).")
    if amount < MIN_AMOUNT:
        reasons.append(f"보증금액이 1천만원 미만({format_won(amount)})이라 대상이 아닙니다.")
    eligible = not reasons
    if eligible:
        reasons.append(f"{canonical}이고 보증금액이 1천만원 이상({format_won(amount)})이라 대상입니다.")
    return Eligibility(canonical, amount, eligible, tuple(reasons))


def notice_date(end: date) -> date:
    """15 days before the end date, moved back to the previous business day when needed."""
    return previous_business_day(end - timedelta(days=NOTICE_DAYS))


def plan_notice(kind: str, amount: int, end: date, today: date) -> NoticePlan:
    """Eligibility and send date of one guarantee's release SMS, judged on `today`. A guarantee
    that has already ended still gets its day (the notice went out, or would have, then)."""
    eligibility = check_eligibility(kind, amount)
    ended = end < today
    nominal = end - timedelta(days=NOTICE_DAYS)
    reasons = list(eligibility.reasons)
    if not eligibility.eligible:
        return NoticePlan(
            eligibility.kind, amount, end, today, False, nominal, None, False, False, tuple(reasons), ended=ended
        )
    send = notice_date(end)
    moved = send != nominal
    if moved:
        skipped = _days_back(nominal, send)
        why = ", ".join(f"{d.month}/{d.day} {non_business_reason(d)}" for d in skipped)
        date_reason = (f"종료일 15일 전인 {format_date(nominal)}이 영업일이 아니어서({why}) "
                       f"직전 영업일인 {format_date(send)}에 미리 보냅니다.")
    else:
        date_reason = f"종료일 15일 전인 {format_date(send)}에 보냅니다."
    reasons.append(date_reason)
    past = send < today
    if ended:
        reasons.append(f"보증 종료일({format_date(end)})이 이미 지나, 발송일({format_date(send)})도 지난 날짜입니다.")
    elif past:
        reasons.append(f"발송일({format_date(send)})이 이미 지났습니다.")
    return NoticePlan(eligibility.kind, amount, end, today, True, nominal, send, moved, past, tuple(reasons),
                      ended=ended, date_reason=date_reason)


def _days_back(start: date, stop: date) -> list[date]:
    """start, start - 1 day, ... down to but not including stop."""
    return [start - timedelta(days=n) for n in range((start - stop).days)]
