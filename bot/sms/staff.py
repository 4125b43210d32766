"""The admins' /sms commands in chat (BOT_ADMIN_IDS): the masked list, opt-out or opt-in of a
number on a member's phoned request, and the requests waiting for approval, approved or refused
after calling the company; every change recorded under the admin's id."""

from __future__ import annotations

from typing import Any

from bot.conversation import Reply, Turn
from bot.sms.chat import flow_buttons
from bot.sms.format import format_change, format_pending, format_recipients
from bot.sms.kr_ids import FieldError, parse_member_no, parse_mobile
from bot.sms.model import Requester
from bot.sms.service import Decision, RecipientService
from bot.templates import render

MAX_CHARS = 3500  # one Telegram message holds 4096, and the list gets a closing line
ALL_WORDS = ("all", "전체")
WORDS = ("list", "목록", "optout", "optin", "pending", "대기", "approve", "승인", "reject", "거절")
MAX_PENDING_BUTTONS = 6


class StaffCommands:
    def __init__(self, service: RecipientService) -> None:
        self.service = service
        self.registry = service.registry

    def reply(self, turn: Turn, word: str, args: list[str]) -> Reply:
        """/sms list [member] [all] | pending [member] | optout|optin|approve|reject PHONE MEMBER."""
        if not turn.event.is_admin:
            return Reply(kind="sms", text=render("sms_staff_only"))
        if turn.chat_type != "private":
            return Reply(kind="sms", text=render("sms_private_only"))
        if word in ("list", "목록"):
            include = any(a.lower() in ALL_WORDS for a in args)
            member = next((a for a in args if a.lower() not in ALL_WORDS), None)
            return Reply(kind="sms", text=self.listing(member, include_inactive=include))
        if word in ("pending", "대기"):
            return self.begin_pending(turn, args[0] if args else None)
        if len(args) < 2:
            return Reply(kind="sms", text=render("sms_staff_usage"))
        # The member number comes last, so a number typed with spaces still reads as one.
        phone, member = " ".join(args[:-1]), args[-1]
        return Reply(kind="sms", text=self.change(word, phone, member, Requester.admin(turn.event.user_id)))

    def listing(self, member: str | None = None, *, include_inactive: bool = False) -> str:
        """The masked recipient list, cut to fit one Telegram message."""
        try:
            member_no = parse_member_no(member) if member else None
        except FieldError as exc:
            return str(exc)
        text = format_recipients(self.registry.list_recipients(member_no, include_inactive=include_inactive))
        return _fit(text, "bot sms list")

    def change(self, word: str, phone_text: str, member_text: str, requester: Requester) -> str:
        """Opt a number out or in, or approve or refuse its pending request, for one member."""
        try:
            phone, member_no = parse_mobile(phone_text), parse_member_no(member_text)
        except FieldError as exc:
            return str(exc)
        if self.registry.get_member(member_no) is None:
            return f"조합원 명단에 없는 조합원번호입니다: {member_no}"
        if word in ("optout", "optin"):
            return format_change(word, self.service.change("opt_out" if word == "optout" else "opt_in", phone,
                                                           requester, member_no))
        decision = self.service.decide_number(word in ("approve", "승인"), phone, member_no, requester)
        if decision.verdict == "none":
            return f"조합원번호 {member_no}에 이 번호로 승인을 기다리는 요청이 없습니다. 바뀐 것이 없습니다."
        return _decided(decision)

    # -- /sms pending, with a button per request -----------------------------------------------

    def begin_pending(self, turn: Turn, member: str | None) -> Reply:
        try:
            member_no = parse_member_no(member) if member else ""
        except FieldError as exc:
            return Reply(kind="sms", text=str(exc))
        data = turn.start_flow("sms", action="staff_pending", step="pending", member_no=member_no)
        return self._pending_reply(data, "")

    def pending(self, turn: Turn, data: dict[str, Any], action: str | None) -> Reply | None:
        """A button of the pending list: approve (ok:ID) or refuse (no:ID); anything typed is
        not for the list (None)."""
        if action is None:
            return None
        if not turn.event.is_admin:
            turn.end_flow()
            return Reply(kind="sms", text=render("sms_staff_only"))
        verb, _, raw_id = action.partition(":")
        if verb not in ("ok", "no") or not raw_id.isdigit():
            return self._pending_reply(data, "아래 버튼으로 고르시거나 /sms approve 휴대전화번호 조합원번호 를 입력해 주세요.")
        decision = self.service.decide(verb == "ok", int(raw_id), Requester.admin(turn.event.user_id))
        return self._pending_reply(data, _decided(decision))

    def _pending_reply(self, data: dict[str, Any], note: str) -> Reply:
        requests = self.registry.pending(data.get("member_no") or None)
        choices: list[tuple[str, str]] = []
        for e in requests[:MAX_PENDING_BUTTONS]:
            choices += [(f"승인: {e.member_no} {e.name} {e.masked}", f"ok:{e.recipient_id}"),
                        (f"거절: {e.member_no} {e.name} {e.masked}", f"no:{e.recipient_id}")]
        text = "\n".join(part for part in (note, _fit(format_pending(requests), "bot sms pending")) if part)
        return Reply(kind="sms", text=text, buttons=flow_buttons(data, choices) if choices else [])


def _decided(decision: Decision) -> str:
    entry = decision.entry
    if decision.verdict == "approved" and entry is not None:
        return f"승인했습니다: {entry.company} {entry.role} {entry.name} {entry.masked}"
    if decision.verdict == "rejected" and entry is not None:
        return f"거절했습니다: {entry.company} {entry.role} {entry.masked}"
    return decision.reason or "이미 처리된 요청입니다."


def _fit(text: str, command: str) -> str:
    """`text` cut at a line so it fits one Telegram message, saying where the rest is."""
    lines = text.splitlines()
    shown: list[str] = []
    for line in lines:
        if sum(len(s) + 1 for s in shown) + len(line) > MAX_CHARS:
            shown.append(f"… 외 {len(lines) - len(shown)}건 (전체 목록은 `{command}`)")
            break
        shown.append(line)
    return "\n".join(shown)
