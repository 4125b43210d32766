"""The day's guarantee-release notices: from the guarantees CSV and the recipient store, one
message per guarantee sent that day and per active recipient (000, 보증해제대상 정보 문자메시지).

Which guarantees qualify and on which day is the rules calculator's business
(rules.release_notice); this module only reads rows, asks it, and fills in the template, which
names the member's branch with its phone (the directory bot.app passes in)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bot.korean.hangul import clip, josa
from bot.korean.phones import mask_phones
from bot.sms.csv_table import RowProblem, Table, read_table
from bot.sms.directory import BranchDirectory
from bot.sms.kr_ids import FieldError, clean_text, parse_member_no
from bot.sms.members import not_formula
from bot.sms.registry import Member, Recipient
from bot.sms.service import DEFAULT_COOPERATIVE
from bot.templates import render
from rules.errors import RuleInputError
from rules.formatting import format_date, format_won
from rules.release_notice import check_eligibility, is_business_day, normalise_kind, notice_date

COLUMNS: dict[str, tuple[str, ...]] = {
    "guarantee_no": ("보증번호", "보증서번호", "증권번호", "guarantee_number"),
    "member_no": ("조합원번호", "회원번호", "member_number"),
    "kind": ("보증종류", "보증구분", "종류", "guarantee_kind"),
    "amount": ("보증금액", "금액", "guarantee_amount"),
    "end_date": ("보증종료일", "보증기간종료일", "종료일", "만료일", "end"),
}
LABELS = {
    "guarantee_no": "보증번호", "member_no": "조합원번호", "kind": "보증종류", "amount": "보증금액",
    "end_date": "보증종료일",
}
_AMOUNT = re.compile(r"\d{1,3}(,\d{3})+|\d+")
_DATE = re.compile(r"(\d{4})[-./]?(\d{1,2})[-./]?(\d{1,2})\.?")


@dataclass(frozen=True)
class Guarantee:
    guarantee_no: str
    member_no: str
    kind: str
    amount: int
    end: dt.date


@dataclass(frozen=True)
class Notice:
    """One SMS to send: the guarantee, the member, the recipient and the text."""

    send_date: dt.date
    guarantee: Guarantee
    company: str
    recipient: Recipient
    text: str


@dataclass
class Plan:
    """The day's notices and the counts the staff report shows."""

    send_date: dt.date
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    not_eligible: int = 0
    other_days: int = 0
    guarantees: int = 0
    without_recipients: list[str] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    @property
    def business_day(self) -> bool:
        return is_business_day(self.send_date)


def parse_amount(text: str) -> int:
    """10,000,000 / 10000000원 -> 10000000."""
    value = text.strip().removesuffix("원").strip()
    if not _AMOUNT.fullmatch(value):
        raise FieldError(f"보증금액 {josa(_quoted(text), '을/를')} 숫자로 읽을 수 없습니다.")
    return int(value.replace(",", ""))


def parse_end_date(text: str) -> dt.date:
    """2026-11-30, 2026.11.30, 2026/11/30 or 20261130."""
    match = _DATE.fullmatch(text.strip())
    if match is None:
        raise FieldError(f"보증종료일 {josa(_quoted(text), '은/는')} YYYY-MM-DD 형식이 아닙니다.")
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError as exc:
        raise FieldError(f"보증종료일 {josa(_quoted(text), '은/는')} 없는 날짜입니다.") from exc


def parse_guarantee(values: dict[str, str]) -> Guarantee:
    """One row checked; FieldError lists every bad field of the row."""
    reasons: list[str] = []

    def attempt(parse: Callable[[], object]) -> object:
        try:
            return parse()
        except FieldError as exc:
            reasons.append(str(exc))
            return None

    number = attempt(lambda: not_formula(clean_text(values["guarantee_no"], "보증번호", 40), "보증번호"))
    member_no = attempt(lambda: parse_member_no(values["member_no"]))
    kind = normalise_kind(values["kind"]) if values["kind"].strip() else None
    if kind is None:
        reasons.append(f"보증종류 {josa(_quoted(values['kind']), '을/를')} 알 수 없습니다.")
    amount = attempt(lambda: parse_amount(values["amount"]))
    end = attempt(lambda: parse_end_date(values["end_date"]))
    if reasons:
        raise FieldError(" / ".join(reasons))
    assert isinstance(number, str) and isinstance(member_no, str) and kind is not None
    assert isinstance(amount, int) and isinstance(end, dt.date)
    return Guarantee(number, member_no, kind, amount, end)


def read_guarantees(path: Path) -> Table:
    """The guarantees CSV; raises TableError when the file as a whole is unusable."""
    return read_table(path, COLUMNS, LABELS)


def plan_day(table: Table, send_date: dt.date, members: Callable[[str], Member | None],
             recipients: Callable[[str], list[Recipient]], directory: BranchDirectory,
             cooperative: str = DEFAULT_COOPERATIVE) -> Plan:
    """Every notice to send on send_date; bad rows are listed, good ones still planned."""
    plan = Plan(send_date, rows=len(table.rows), problems=list(table.problems))
    seen: dict[str, int] = {}
    for line, values in table.rows:
        try:
            guarantee = parse_guarantee(values)
        except FieldError as exc:
            plan.problems.append(RowProblem(line, str(exc)))
            continue
        member = members(guarantee.member_no)
        if member is None:
            plan.problems.append(RowProblem(line, f"조합원번호 {josa(guarantee.member_no, '이/가')} 조합원 명단에 없습니다."))
            continue
        if guarantee.guarantee_no in seen:
            plan.problems.append(RowProblem(line, f"보증번호가 {seen[guarantee.guarantee_no]}행과 겹칩니다."))
            continue
        seen[guarantee.guarantee_no] = line
        try:
            _plan_one(plan, guarantee, member, recipients, directory, cooperative)
        except RuleInputError as exc:
            plan.problems.append(RowProblem(line, exc.message))
    plan.problems.sort(key=lambda p: p.line)
    return plan


def _plan_one(plan: Plan, guarantee: Guarantee, member: Member, recipients: Callable[[str], list[Recipient]],
              directory: BranchDirectory, cooperative: str) -> None:
    if not check_eligibility(guarantee.kind, guarantee.amount).eligible:
        plan.not_eligible += 1
        return
    if notice_date(guarantee.end) != plan.send_date:
        plan.other_days += 1
        return
    plan.guarantees += 1
    people = [e for e in recipients(member.member_no) if e.active]
    if not people:
        plan.without_recipients.append(guarantee.guarantee_no)
    for person in people:
        text = render("notice_release", guarantee=guarantee, company=member.company, branch_name=member.branch,
                      branch=directory.find(member.branch), cooperative=cooperative, end=format_date(guarantee.end),
                      amount=format_won(guarantee.amount))
        plan.notices.append(Notice(plan.send_date, guarantee, member.company, person, text))


def _quoted(text: str) -> str:
    """A cell named in a report: shortened (see _short) and in quotes."""
    return f"'{_short(text)}'"


def _short(text: str, limit: int = 20) -> str:
    """A cell quoted in a report: any mobile number masked, cut to `limit` characters."""
    return clip(mask_phones(" ".join(text.split())), limit)
