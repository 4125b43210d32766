"""How recipients, requests and changes read for branch staff, in the terminal and in Telegram."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.korean.clock import SEOUL
from bot.sms import policy
from bot.sms.registry import Change, Recipient

STATUS = {"active": "받음", "opted_out": "수신거부", "pending": "승인 대기"}
VERIFIED = {"contact": "본인 확인", "typed": "번호 확인 전", "code": "코드로 번호 확인", "member_list": "조합원 명단",
            "staff": "지점 확인"}
MISSING = {"approval": "회사 승인", "verification": "번호 확인"}


def status_label(entry: Recipient) -> str:
    return "삭제됨(수신거부 유지)" if entry.erased else STATUS.get(entry.status, entry.status)


def verified_label(entry: Recipient) -> str:
    return VERIFIED.get(entry.verification, entry.verification)


def missing_label(entry: Recipient) -> str:
    """"회사 승인, 번호 확인": what a pending request still waits for."""
    return ", ".join(MISSING[m] for m in policy.missing(entry.approved_by, entry.verification))


def korean_day(stamp: str | None) -> str:
    """An ISO timestamp as its day on the Korean calendar."""
    return dt.datetime.fromisoformat(stamp).astimezone(SEOUL).date().isoformat() if stamp else ""


def consent_label(entry: Recipient) -> str:
    """"동의 2026-11-22(v1)" on the Korean calendar, or "" when no consent is held."""
    if not entry.consent_at:
        return ""
    return f"동의 {korean_day(entry.consent_at)}({entry.consent_version})"


def format_recipients(entries: Sequence[Recipient]) -> str:
    """One masked line per recipient."""
    if not entries:
        return "해당하는 수신자가 없습니다."
    lines = [f"수신자 {len(entries)}명"]
    for e in entries:
        default = " · 기본 수신자" if e.recipient_id is None else ""
        lines.append(f"- {e.member_no} {e.company} | {e.role} {e.name or '(이름 없음)'} | {e.masked}"
                     f" | {status_label(e)} | {verified_label(e)}{default}")
    return "\n".join(lines)


def format_pending(entries: Sequence[Recipient]) -> str:
    """One masked line per request waiting for approval, with what it lacks and until when."""
    if not entries:
        return "승인을 기다리는 등록 요청이 없습니다."
    lines = [f"승인을 기다리는 등록 요청 {len(entries)}건 (회사에 전화로 확인한 뒤 승인해 주세요)"]
    for e in entries:
        until = ""
        if e.created_at:
            until = (dt.datetime.fromisoformat(e.created_at) + policy.PENDING_TTL).astimezone(SEOUL).date().isoformat()
        lines.append(f"- {e.member_no} {e.company} | {e.role} {e.name or '(이름 없음)'} | {e.masked}"
                     f" | 요청 {korean_day(e.created_at)} | 남은 확인: {missing_label(e)} | {until}까지")
    return "\n".join(lines)


def format_change(action: str, change: Change) -> str:
    """What a staff opt-out ("optout") or opt-in ("optin") did, one line per entry."""
    done = "수신거부를 등록했습니다" if action == "optout" else "다시 받도록 했습니다"
    already = "이미 수신거부되어 있습니다" if action == "optout" else "이미 받고 있습니다"
    lines = []
    for e in change.changed:
        waiting = f" (승인 대기: {missing_label(e)})" if e.pending else ""
        lines.append(f"{done}: {e.company} {e.role} {e.masked}{waiting}")
    lines += [f"{already}: {e.company} {e.role} {e.masked}" for e in change.unchanged]
    lines += [f"삭제된 번호라 다시 받으려면 새로 등록해야 합니다: {e.company}" for e in change.needs_registration]
    return "\n".join(lines) or "이 조합원사에 등록된 번호가 아닙니다. 바뀐 것이 없습니다."
