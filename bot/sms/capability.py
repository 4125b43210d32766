"""보증해제 안내 문자 수신자 관리 in chat (reply kind "sms"): register a recipient, opt out, opt
back in, view, delete; and the admins' /sms list, optout and optin.

The chat's flow data holds the step and what the member has said so far; bad input re-asks
without losing it. Each step (`Step`) has its handler in `SmsCapability.steps`; the flow is drawn
in docs/flows.md. The store (bot.sms.registry) decides what each request may change; these
handlers only ask, confirm and show."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal, TypeGuard, get_args

from bot.capability import Capability, Command
from bot.conversation import Button, Keyboard, Reply, Turn
from bot.korean.hangul import squash
from bot.korean.phones import mask_phone
from bot.korean.values import yes_no
from bot.sms import staff as sms_staff
from bot.sms.consent import CONSENT_VERSION, consent_text
from bot.sms.format import consent_label, status_label, verified_label
from bot.sms.intents import Intent, detect_intent
from bot.sms.kr_ids import FieldError, parse_brn, parse_member_no, parse_mobile, parse_person_name
from bot.sms.registry import Member, Registration, Registry, RegistryError, Requester, is_already
from bot.templates import render

log = logging.getLogger(__name__)

# Where a member is in the flow (kept in the chat's flow data as "step").
Step = Literal["choose", "member", "name", "role", "phone", "consent", "number", "confirm"]
# A step's handler: (turn, the flow's data, the pressed button's payload or None) -> reply.
StepHandler = Callable[[Turn, dict[str, Any], str | None], Reply]


def is_step(value: object) -> TypeGuard[Step]:
    return value in get_args(Step)

BUTTON_ACTIONS: dict[str, Intent] = {"reg": "register", "out": "opt_out", "in": "opt_in", "view": "view",
                                     "del": "erase"}
WORD_ACTIONS: dict[str, Intent] = {
    "등록": "register", "추가": "register", "register": "register", "수신거부": "opt_out", "거부": "opt_out",
    "optout": "opt_out", "다시받기": "opt_in", "재개": "opt_in", "optin": "opt_in", "조회": "view",
    "보기": "view", "view": "view", "삭제": "erase", "delete": "erase",
}
# How each action reads in "…할 번호", "…할 수 없습니다" and on the confirming button.
ASK_WHAT = {"opt_out": "수신거부하실", "opt_in": "다시 받으실", "view": "등록 정보를 보실", "erase": "삭제하실"}
CAN_WHAT = {"opt_out": "수신거부할", "opt_in": "다시 받도록 할", "view": "조회할", "erase": "삭제할"}
YES_LABEL = {"opt_out": "예, 수신거부합니다", "opt_in": "예, 다시 받겠습니다", "erase": "예, 삭제합니다"}
ROLE_WORDS = {"대표이사": ("대표이사", "대표", "대표님", "사장", "사장님", "ceo"),
              "담당자": ("담당자", "담당", "직원", "경리", "실무자", "staff")}
ROLE_PAYLOADS = {"ceo": "대표이사", "staff": "담당자"}
# A consent or a confirmation in so many words, besides a plain yes or no.
CONSENT_YES = ("동의", "동의합니다", "동의해요", "좋아요", "확인", "yes")
CONSENT_NO = ("동의하지않음", "동의안함", "동의하지않습니다", "거부", "취소", "no")
MAX_MEMBER_TRIES = 3
MAX_PICKS = 5


def _reply(template: str, *, buttons: list[Button] | None = None, keyboard: Keyboard | None = None,
           **context: Any) -> Reply:
    """A reply of the flow; its template knows the keyboard, so it mentions only buttons shown."""
    return Reply(kind="sms", text=render(f"sms_{template}", keyboard=keyboard, **context), buttons=buttons or [],
                 keyboard=keyboard)


def _contact(turn: Turn) -> Keyboard | None:
    """The button sharing one's own number, where the channel has it (not the terminal)."""
    return "contact" if turn.can_share else None


def _private_only(turn: Turn, keyboard: Keyboard | None = None) -> Reply:
    """In a group: a button opening the private chat at /sms, where the channel has such links."""
    link = turn.private_link("sms")
    return _reply("private_only", keyboard=keyboard, linked=link is not None,
                  buttons=[Button("1:1 대화에서 열기", url=link)] if link else [])


def _menu_buttons() -> list[Button]:
    return [Button("수신자 등록", "sms:reg"), Button("수신거부", "sms:out"), Button("다시 받기", "sms:in"),
            Button("내 등록 정보", "sms:view"), Button("삭제", "sms:del")]


class SmsCapability(Capability):
    name = "sms"
    commands = (Command("sms", "보증해제 문자 수신 등록·거부·조회"),)
    menu_label = "✉️ 문자 수신 관리"
    menu_order = 3
    answer_button = "✉️ 채팅으로 문자 수신 관리"
    help_line = "문자 수신 관리: 보증해제 안내 문자 수신자 등록, 수신거부, 다시 받기, 조회, 삭제 (/sms)"

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        # The member's next message goes to the handler of the step the flow is at.
        self.steps: dict[Step, StepHandler] = {
            "choose": self._step_choose,  # a number shared out of the blue: what to do with it
            "member": self._step_member,  # registration: the member number or BRN
            "name": self._step_name,
            "role": self._step_role,
            "phone": self._step_phone,
            "consent": self._step_consent,
            "number": self._step_number,  # opt out, opt in, view, delete: whose number
            "confirm": self._step_confirm,
        }

    # -- engine hooks ----------------------------------------------------------------------

    def on_command(self, turn: Turn) -> Reply:
        """/sms [action] for members; /sms list|optout|optin ... for admins."""
        head, _, rest = turn.text.strip().partition(" ")
        word = squash(head)
        if word in ("list", "목록") or (word in ("optout", "optin") and rest.strip()):
            return self.staff_command(turn, word, rest.split())
        action = WORD_ACTIONS.get(word)
        return self.begin(turn, action) if action else self.menu(turn)

    def on_text(self, turn: Turn) -> Reply | None:
        if turn.flow() == self.name:
            return self.proceed(turn, None)
        intent = detect_intent(turn.text)
        return self.begin(turn, intent) if intent else None

    def on_button(self, turn: Turn, payload: str) -> Reply | None:
        if payload in BUTTON_ACTIONS:
            return self.begin(turn, BUTTON_ACTIONS[payload])
        if turn.flow() != self.name:
            return None  # a button from a finished conversation: the engine says so
        return self.proceed(turn, payload)

    def on_contact(self, turn: Turn) -> Reply | None:
        if turn.flow() == self.name:
            return self.proceed(turn, None)
        if turn.chat_type != "private":
            return _private_only(turn, "remove")
        # A number shared out of the blue: ask what to do with it, keeping it as proven.
        phone = self._contact_phone(turn)
        if phone is None:
            return _reply("foreign_contact", keyboard="remove")
        turn.start_flow(self.name, step="choose", proven=phone)
        return _reply("menu", shared=mask_phone(phone), buttons=_menu_buttons())

    # -- starting ----------------------------------------------------------------------------

    def menu(self, turn: Turn) -> Reply:
        if turn.chat_type != "private":
            return _private_only(turn)
        return _reply("menu", shared="", buttons=_menu_buttons())

    def begin(self, turn: Turn, action: Intent) -> Reply:
        """Start an action, keeping a number the member proved earlier in this conversation."""
        if turn.chat_type != "private":
            turn.end_flow()
            return _private_only(turn, "remove")
        data = turn.flow_data() if turn.flow() == self.name else {}
        # A proven number carries over to another action, but into a registration only straight
        # after it was shared: a registration started later may well be for a colleague.
        carry = action != "register" or data.get("step") == "choose"
        proven = data.get("proven") if carry else None
        log.debug("sms begin action=%s proven=%s", action, proven is not None)
        if action == "register":
            if self.registry.member_count() == 0:
                turn.end_flow()
                return _reply("no_members", keyboard="remove")
            turn.start_flow(self.name, action=action, step="member", tries=0, proven=proven)
            return _reply("ask_member", reason="")
        data = turn.start_flow(self.name, action=action, step="number", proven=proven)
        if proven:
            return self._resolve(turn, data, proven, proven=True)
        return self._ask_number(turn, action, "")

    def proceed(self, turn: Turn, payload: str | None) -> Reply:
        """The next message of a running flow: a typed line, a contact, or a button."""
        data = turn.flow_data()
        step = data.get("step")
        switch = detect_intent(turn.text) if turn.event.kind == "text" and step != "name" else None
        if switch is not None:
            return self.begin(turn, switch)
        handler = self.steps[step] if is_step(step) else None
        if handler is None:
            turn.end_flow()
            return self.menu(turn)
        return handler(turn, data, payload)

    # -- registration steps ------------------------------------------------------------------

    def _step_choose(self, turn: Turn, data: dict[str, Any], payload: str | None) -> Reply:
        return _reply("menu", shared=mask_phone(str(data.get("proven", ""))), buttons=_menu_buttons())

    def _step_member(self, turn: Turn, data: dict[str, Any], payload: str | None) -> Reply:
        member = self._find_member(turn.text) if turn.event.kind == "text" else None
        if member is None:
            data["tries"] = int(data.get("tries", 0)) + 1
            if data["tries"] >= MAX_MEMBER_TRIES:
                turn.end_flow()
                return _reply("member_give_up", keyboard="remove")
            return _reply("ask_member", reason="입력하신 번호와 일치하는 조합원사를 찾지 못했습니다. 번호를 다시 확인해 주세요.")
        data.update(step="name", member_no=member.member_no, company=member.company)
        return _reply("ask_name", reason="", company=member.company, member_no=member.member_no)

    def _find_member(self, text: str) -> Member | None:
        """By business registration number when it is one, else by member number."""
        try:
            found = self.registry.member_by_brn(parse_brn(text))
            if found is not None:
                return found
        except FieldError:
            pass
        try:
            return self.registry.get_member(parse_member_no(text))
        except FieldError:
            return None

    def _step_name(self, turn: Turn, data: dict[str, Any], payload: str | None) -> Reply:
        try:
            if turn.event.kind != "text":
                raise FieldError("성함을 글자로 입력해 주세요.")
            name = parse_person_name(turn.text, "성함")
        except FieldError as exc:
            return _reply("ask_name", reason=str(exc), company=data["company"], member_no=data["member_no"])
        data.update(step="role", name=name)
        return self._ask_role(data, "")

    def _ask_role(self, data: dict[str, Any], reason: str) -> Reply:
        buttons = [Button("대표이사", "sms:role:ceo"), Button("담당자", "sms:role:staff")]
        return _reply("ask_role", reason=reason, person=data["name"], buttons=buttons)

    def _step_role(self, turn: Turn, data: dict[str, Any], payload: str | None) -> Reply:
        role = ROLE_PAYLOADS.get(payload.removeprefix("role:"), "") if payload else _role_of(turn.text)
        if role not in ROLE_WORDS:
            return self._ask_role(data, "대표이사 또는 담당자 중에서 골라 주세요.")
        data.update(step="phone", role=role)
        if data.get("proven"):
            data.update(phone=data["proven"], verification="contact")
            return self._ask_consent(turn, data, "")
        return _reply("ask_phone", reason="", keyboard=_contact(turn))

    def _step_phone(self, turn: Turn, data: dict[str, Any], payload: str | None) -> Reply:
        try:
            phone, verification = self._phone_from(turn)
        except FieldError as exc:
            return _reply("ask_phone", reason=str(exc), keyboard=_contact(turn))
        data.update(phone=phone, verification=verification)
        if verification == "contact":
            data["proven"] = phone
        return self._ask_consent(turn, data, "")

    def _ask_consent(self, turn: Turn, data: dict[str, Any], reason: str) -> Reply:
        requester = Requester.chat(turn.chat_id, data.get("proven"))
        outcome = self.registry.preview(data["member_no"], data["phone"], requester)
        if outcome in ("unchanged", "held"):
            turn.end_flow()
            return _reply("registered", outcome=outcome, masked=mask_phone(data["phone"]), can_share=turn.can_share,
                          company=data["company"], keyboard="remove")
        data["step"] = "consent"
        buttons = [Button("동의", "sms:agree"), Button("동의하지 않음", "sms:disagree")]
        return _reply("ask_consent", reason=reason, consent=consent_text(), company=data["company"],
                      role=data["role"], person=data["name"], masked=mask_phone(data["phone"]),
                      verified=data["verification"] == "contact", buttons=buttons)

    def _step_consent(self, turn: Turn, data: dict[str, Any], payload: str | None) -> Reply:
        answer = payload or _yes_no(turn.text)
        if answer in ("agree", "yes"):
            return self._store(turn, data)
        if answer in ("disagree", "no"):
            turn.end_flow()
            return _reply("consent_refused", keyboard="remove")
        return self._ask_consent(turn, data, "동의 여부를 아래 버튼으로 골라 주세요.")

    def _store(self, turn: Turn, data: dict[str, Any]) -> Reply:
        registration = Registration(data["member_no"], data["name"], data["role"], data["phone"],
                                    data["verification"], CONSENT_VERSION)
        requester = Requester.chat(turn.chat_id, data.get("proven"))
        turn.end_flow()
        try:
            outcome, recipient = self.registry.register(registration, requester)
        except RegistryError as exc:
            return Reply(kind="sms", text=f"{exc} 관할 지점으로 문의해 주세요.", keyboard="remove")
        return _reply("registered", outcome=outcome, recipient=recipient, masked=mask_phone(registration.phone),
                      can_share=turn.can_share,
                      company=data["company"], keyboard="remove")

    # -- opt out, opt in, view, delete ---------------------------------------------------------

    def _ask_number(self, turn: Turn, action: str, reason: str) -> Reply:
        seen: set[str] = set()
        picks: list[Button] = []
        for e in self.registry.recipients_of_chat(turn.chat_id):
            if e.phone and e.phone not in seen and len(picks) < MAX_PICKS:
                seen.add(e.phone)
                picks.append(Button(f"{e.masked} ({e.company})", f"sms:pick:{e.recipient_id}"))
        return _reply("ask_number", reason=reason, what=ASK_WHAT[action], buttons=picks, keyboard=_contact(turn))

    def _step_number(self, turn: Turn, data: dict[str, Any], payload: str | None) -> Reply:
        action = str(data["action"])
        if payload and payload.startswith("pick:"):
            phone = self._picked(turn, payload.removeprefix("pick:"))
            if phone is None:
                return _reply("not_allowed", verb=CAN_WHAT[action], keyboard=_contact(turn))
            return self._resolve(turn, data, phone, proven=False)
        try:
            phone, verification = self._phone_from(turn)
        except FieldError as exc:
            return self._ask_number(turn, action, str(exc))
        return self._resolve(turn, data, phone, proven=verification == "contact")

    def _picked(self, turn: Turn, raw_id: str) -> str | None:
        """The number behind a pick button, only if this chat registered it."""
        found = self.registry.recipient(int(raw_id)) if raw_id.isdigit() else None
        if found is None or found[1] != turn.chat_id:
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
                return _reply("not_allowed", verb=CAN_WHAT[action], keyboard=_contact(turn))
            turn.end_flow()
            return _reply("nothing_held", masked=masked, keyboard="remove")
        if action == "view":
            turn.end_flow()
            return _reply("view", masked=masked, recipients=targets, keyboard="remove",
                          status=[status_label(e) for e in targets], verified=[verified_label(e) for e in targets],
                          consent=[consent_label(e) for e in targets])
        pending = [e for e in targets if not is_already(action, e)]
        if not pending:
            turn.end_flow()
            return _reply("already", action=action, masked=masked, keyboard="remove")
        data.update(step="confirm", phone=phone, proven=phone if proven else None)
        buttons = [Button(YES_LABEL[action], "sms:yes"), Button("아니요", "sms:no")]
        return _reply("confirm", action=action, masked=masked, recipients=pending, buttons=buttons)

    def _step_confirm(self, turn: Turn, data: dict[str, Any], payload: str | None) -> Reply:
        answer = payload or _yes_no(turn.text)
        if answer == "no":
            turn.end_flow()
            return _reply("not_done", keyboard="remove")
        if answer != "yes":
            return self._resolve(turn, data, data["phone"], proven=bool(data.get("proven")))
        action, phone = str(data["action"]), str(data["phone"])
        requester = Requester.chat(turn.chat_id, data.get("proven"))
        turn.end_flow()
        change = getattr(self.registry, action)(phone, requester)
        if not change.found:
            return _reply("not_allowed", verb=CAN_WHAT[action], keyboard="remove")
        ceo = any(e.role == "대표이사" for e in change.changed)
        return _reply("done", action=action, masked=mask_phone(phone), change=change, ceo=ceo,
                      keyboard="remove", buttons=[Button("수신자 등록", "sms:reg")] if change.needs_registration else [])

    # -- shared ------------------------------------------------------------------------------

    def _contact_phone(self, turn: Turn) -> str | None:
        try:
            return parse_mobile(turn.event.phone or "")
        except FieldError:
            return None

    def _phone_from(self, turn: Turn) -> tuple[str, str]:
        """The number of a contact (proven) or of a typed line (unverified)."""
        if turn.event.kind == "contact":
            return parse_mobile(turn.event.phone or ""), "contact"
        if turn.event.kind != "text":
            raise FieldError("휴대전화 번호를 입력하시거나 '연락처 공유' 버튼을 눌러 주세요.")
        return parse_mobile(turn.text), "typed"

    # -- admins ------------------------------------------------------------------------------

    def staff_command(self, turn: Turn, word: str, args: list[str]) -> Reply:
        """/sms list [member] [all], /sms optout|optin PHONE MEMBER: BOT_ADMIN_IDS only."""
        return sms_staff.reply(self.registry, turn, word, args)


def _role_of(text: str) -> str:
    key = squash(text)
    return next((role for role, words in ROLE_WORDS.items() if key in words), "")


def _yes_no(text: str) -> str:
    answer = yes_no(text, yes=CONSENT_YES, no=CONSENT_NO, whole=True)
    return "" if answer is None else "yes" if answer else "no"

