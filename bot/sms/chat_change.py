"""Opt out, opt back in, view and delete in chat: whose number, then a confirmation.

The store decides what the chat may touch (its own approved entries, the number it proved with
the contact button, or the company's entries for its proven CEO); anything else is refused in
the same words whether or not the number is held."""

from __future__ import annotations

from typing import Any

from bot.conversation import Button, Reply, Turn
from bot.korean.phones import mask_phone
from bot.sms.chat import contact_keyboard, flow_buttons, phone_from, reply, typed_answer
from bot.sms.format import consent_label, missing_label, status_label, verified_label
from bot.sms.kr_ids import FieldError
from bot.sms.model import Requester, is_already
from bot.sms.service import ChangeAction, RecipientService

# How each action reads in "…할 번호", "…할 수 없습니다" and on the confirming button.
ASK_WHAT = {"opt_out": "수신거부하실", "opt_in": "다시 받으실", "view": "등록 정보를 보실", "erase": "삭제하실"}
CAN_WHAT = {"opt_out": "수신거부할", "opt_in": "다시 받도록 할", "view": "조회할", "erase": "삭제할"}
YES_LABEL = {"opt_out": "예, 수신거부합니다", "opt_in": "예, 다시 받겠습니다", "erase": "예, 삭제합니다"}
CHANGES: dict[str, ChangeAction] = {"opt_out": "opt_out", "opt_in": "opt_in", "erase": "erase"}
MAX_PICKS = 5


class ChangeSteps:
    def __init__(self, service: RecipientService) -> None:
        self.service = service
        self.registry = service.registry

    def begin(self, turn: Turn, action: str, proven: str | None) -> Reply:
        data = turn.start_flow("sms", action=action, step="number", proven=proven)
        if proven:
            return self._resolve(turn, data, proven, proven=True)
        return self._ask_number(turn, data, "")

    def _ask_number(self, turn: Turn, data: dict[str, Any], reason: str) -> Reply:
        seen: set[str] = set()
        picks: list[tuple[str, str]] = []
        for e in self.registry.recipients_of_chat(turn.chat_id):
            if e.phone and e.phone not in seen and len(picks) < MAX_PICKS:
                seen.add(e.phone)
                picks.append((f"{e.masked} ({e.company})", f"pick:{e.recipient_id}"))
        buttons = flow_buttons(data, picks) if picks else []
        return reply("ask_number", reason=reason, what=ASK_WHAT[data["action"]], buttons=buttons, keyboard=contact_keyboard(turn))

    def number(self, turn: Turn, data: dict[str, Any], action: str | None) -> Reply:
        if action and action.startswith("pick:"):
            phone = self._picked(turn, action.removeprefix("pick:"))
            if phone is None:
                return reply("not_allowed", verb=CAN_WHAT[data["action"]], keyboard=contact_keyboard(turn))
            return self._resolve(turn, data, phone, proven=False)
        try:
            phone, verification = phone_from(turn)
        except FieldError as exc:
            return self._ask_number(turn, data, str(exc))
        return self._resolve(turn, data, phone, proven=verification == "contact")

    def _picked(self, turn: Turn, raw_id: str) -> str | None:
        """The number behind a pick button, only if this chat registered it."""
        found = self.registry.recipient(int(raw_id)) if raw_id.isdigit() else None
        if found is None or found[1] != turn.chat_id or found[0].pending:
            return None
        return found[0].phone

    def _resolve(self, turn: Turn, data: dict[str, Any], phone: str, *, proven: bool) -> Reply:
        """What this chat may do with the number: refuse alike whether or not it is held."""
        action = str(data["action"])
        requester = Requester.chat(turn.chat_id, phone if proven else None)
        targets = self.registry.targets(phone, requester)
        masked = mask_phone(phone)
        if not targets:
            if not proven:
                return reply("not_allowed", verb=CAN_WHAT[action], keyboard=contact_keyboard(turn))
            turn.end_flow()
            return reply("nothing_held", masked=masked, keyboard="remove")
        if action == "view":
            turn.end_flow()
            return reply("view", masked=masked, recipients=targets, keyboard="remove",
                         status=[status_label(e) for e in targets], verified=[verified_label(e) for e in targets],
                         consent=[consent_label(e) for e in targets], waiting=[missing_label(e) for e in targets])
        todo = [e for e in targets if not is_already(action, e)]
        if not todo:
            turn.end_flow()
            return reply("already", action=action, masked=masked, keyboard="remove")
        data.update(step="confirm", phone=phone, proven=phone if proven else None)
        buttons = flow_buttons(data, [(YES_LABEL[action], "yes"), ("아니요", "no")])
        return reply("confirm", action=action, masked=masked, recipients=todo, buttons=buttons)

    def confirm(self, turn: Turn, data: dict[str, Any], action: str | None) -> Reply:
        answer = action or typed_answer(turn.text)
        if answer == "no":
            turn.end_flow()
            return reply("not_done", keyboard="remove")
        if answer != "yes":
            return self._resolve(turn, data, data["phone"], proven=bool(data.get("proven")))
        what, phone = str(data["action"]), str(data["phone"])
        requester = Requester.chat(turn.chat_id, data.get("proven"))
        turn.end_flow()
        change = self.service.change(CHANGES[what], phone, requester)
        if not change.found:
            return reply("not_allowed", verb=CAN_WHAT[what], keyboard="remove")
        ceo = any(e.role == "대표이사" for e in change.changed)
        again = [Button("수신자 등록", "sms:reg")] if change.needs_registration else []
        return reply("done", action=what, masked=mask_phone(phone), change=change, ceo=ceo, keyboard="remove",
                     buttons=again)
