"""The CEO on file manages the company's recipients in chat, after proving the number with the
contact button: requests waiting for approval (approve or refuse), the recipients (remove), and
registering someone new."""

from __future__ import annotations

from typing import Any

from bot.conversation import Reply, Turn
from bot.sms.chat import flow_buttons, reply
from bot.sms.chat_register import RegistrationSteps
from bot.sms.format import missing_label, status_label
from bot.sms.model import Member, Requester
from bot.sms.registry import RegistryError
from bot.sms.service import RecipientService

MAX_ROWS = 8  # per list: a chat screen, not a register


class CompanySteps:
    def __init__(self, service: RecipientService, registration: RegistrationSteps) -> None:
        self.service = service
        self.registry = service.registry
        self.registration = registration

    def begin(self, turn: Turn, proven: str | None) -> Reply | None:
        """The company view, or None when the proven number leads no member."""
        members = self.registry.members_led_by(proven)
        if not members:
            return None
        data = turn.start_flow("sms", action="company", step="company", proven=proven)
        return self._show(data, "", members)

    def company(self, turn: Turn, data: dict[str, Any], action: str | None) -> Reply | None:
        """A button of the company view: approve (ok:ID), refuse (no:ID) or remove (rm:ID);
        anything typed is not for this view (None)."""
        if action is None:
            return None
        if action == "register":
            return self.registration.begin(turn, data.get("proven"))
        requester = Requester.chat(turn.chat_id, data.get("proven"))
        members = self.registry.members_led_by(requester.proven_phone)
        verb, _, raw_id = action.partition(":")
        if verb not in ("ok", "no", "rm") or not raw_id.isdigit():
            return self._show(data, "아래 버튼으로 골라 주세요.", members)
        rid = int(raw_id)
        found = self.registry.recipient(rid)
        if found is None or found[0].member_no not in {m.member_no for m in members}:
            return self._show(data, "이미 처리되었거나 이 회사의 수신자가 아닙니다.", members)
        entry = found[0]
        try:
            if verb == "ok":
                done = self.service.approve(rid, requester)
                note = (f"{entry.name}님을 승인했습니다." if done.active else
                        f"{entry.name}님을 승인했습니다. 번호 확인 코드가 입력되면 문자를 보내 드립니다.")
            elif verb == "no":
                self.service.reject(rid, requester)
                note = f"{entry.name}님의 등록 요청을 거절했습니다. 요청의 이름과 번호는 지웠습니다."
            else:
                self.service.remove(rid, requester)
                note = f"{entry.name}님({entry.masked})을 수신자에서 삭제했습니다."
        except RegistryError as exc:
            note = str(exc)
        return self._show(data, note, members)

    def _show(self, data: dict[str, Any], note: str, members: list[Member]) -> Reply:
        """`members`: those the proven number leads (the caller has them already)."""
        views = [self._view(m) for m in members]
        choices: list[tuple[str, str]] = []
        for view in views:
            for e in view["pending"]:
                choices += [(f"승인: {e.name} {e.masked}", f"ok:{e.recipient_id}"),
                            (f"거절: {e.name} {e.masked}", f"no:{e.recipient_id}")]
            choices += [(f"삭제: {e.name} {e.masked}", f"rm:{e.recipient_id}") for e in view["staff"] if e.active]
        buttons = flow_buttons(data, [*choices, ("수신자 등록", "register")])
        return reply("company", note=note, views=views, buttons=buttons)

    def _view(self, member: Member) -> dict[str, Any]:
        stored = [e for e in self.registry.list_recipients(member.member_no, include_inactive=True)
                  if e.recipient_id is not None and not e.erased]
        pending = [e for e in stored if e.pending][:MAX_ROWS]
        # The CEO's own number is theirs to manage from the menu (수신거부, 다시 받기).
        staff = [e for e in stored if not e.pending and e.phone != member.ceo_mobile][:MAX_ROWS]
        return {"member": member, "pending": pending, "staff": staff,
                "waiting": {e.recipient_id: missing_label(e) for e in pending},
                "status": {e.recipient_id: status_label(e) for e in staff}}
