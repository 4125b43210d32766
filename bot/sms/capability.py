"""보증해제 안내 문자 수신자 관리 in chat (reply kind "sms"): register a recipient (a request the
company approves), type back a one-time code, opt out, opt back in, view, delete; the CEO on
file manages the company's recipients; admins have /sms list, pending, approve, reject, optout
and optin.

The chat's flow data holds the step and what the member has said so far; bad input re-asks
without losing it. Each step (`Step`) has its handler in `SmsCapability.steps`; the flow is drawn
in docs/flows.md. Who may do what is decided below the chat (bot.sms.registry, bot.sms.service,
bot.sms.policy); these handlers only ask, confirm and show."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal, TypeGuard, get_args

from bot.capability import Capability, Command
from bot.conversation import Button, Reply, Turn
from bot.korean.hangul import squash
from bot.korean.phones import mask_phone
from bot.sms.chat import NAME, contact_phone, flow_buttons, pressed_action, private_only, reply
from bot.sms.chat_change import ChangeSteps
from bot.sms.chat_company import CompanySteps
from bot.sms.chat_register import RegistrationSteps
from bot.sms.intents import Intent, detect_intent
from bot.sms.service import RecipientService
from bot.sms.staff import WORDS as STAFF_WORDS
from bot.sms.staff import StaffCommands

log = logging.getLogger(__name__)

# Where a member is in the flow (kept in the chat's flow data as "step").
Step = Literal["choose", "member", "name", "role", "phone", "consent", "code", "number", "confirm", "company",
               "pending"]
# A step's handler: (turn, the flow's data, the pressed button's action or None) -> reply, or None
# when the message is not for this step (the flow ends and the other capabilities answer it).
StepHandler = Callable[[Turn, dict[str, Any], str | None], Reply | None]
Action = Literal["register", "code", "opt_out", "opt_in", "view", "erase", "company"]


def is_step(value: object) -> TypeGuard[Step]:
    return value in get_args(Step)


# Entry points: fixed payloads (the /sms menu, answers' buttons), valid in any state.
ENTRY_ACTIONS: dict[str, Action] = {"reg": "register", "code": "code", "out": "opt_out", "in": "opt_in",
                                    "view": "view", "del": "erase"}
WORD_ACTIONS: dict[str, Action] = {
    "등록": "register", "추가": "register", "register": "register", "코드": "code", "인증": "code", "code": "code",
    "수신거부": "opt_out", "거부": "opt_out", "optout": "opt_out", "다시받기": "opt_in", "재개": "opt_in",
    "optin": "opt_in", "조회": "view", "보기": "view", "view": "view", "삭제": "erase", "delete": "erase",
}
MENU = [("수신자 등록", "reg"), ("수신거부", "out"), ("다시 받기", "in"), ("내 등록 정보", "view"), ("삭제", "del"),
        ("확인 코드 입력", "code")]


class SmsCapability(Capability):
    name = NAME
    commands = (Command("sms", "보증해제 문자 수신 등록·거부·조회"),)
    menu_label = "✉️ 문자 수신 관리"
    menu_order = 3
    answer_button = "✉️ 채팅으로 문자 수신 관리"
    help_line = "문자 수신 관리: 보증해제 안내 문자 수신자 등록, 수신거부, 다시 받기, 조회, 삭제 (/sms)"

    def __init__(self, service: RecipientService) -> None:
        self.service = service
        self.registry = service.registry
        self.registration = RegistrationSteps(service)
        self.changes = ChangeSteps(service)
        self.company = CompanySteps(service, self.registration)
        self.staff = StaffCommands(service)
        # The member's next message goes to the handler of the step the flow is at.
        self.steps: dict[Step, StepHandler] = {
            "choose": self._step_choose,  # a number shared out of the blue: what to do with it
            "member": self.registration.member,  # registration: the member number or BRN
            "name": self.registration.name,
            "role": self.registration.role,
            "phone": self.registration.phone,
            "consent": self.registration.consent,
            "code": self.registration.code,  # a one-time code typed back
            "number": self.changes.number,  # opt out, opt in, view, delete: whose number
            "confirm": self.changes.confirm,
            "company": self.company.company,  # the CEO on file: approve, refuse, remove
            "pending": self.staff.pending,  # admins: requests waiting for approval
        }

    # -- engine hooks ----------------------------------------------------------------------

    def on_command(self, turn: Turn) -> Reply:
        """/sms [action] for members; /sms list|pending|approve|reject|optout|optin ... for admins."""
        head, _, rest = turn.text.strip().partition(" ")
        word = squash(head)
        if word in STAFF_WORDS and (word not in ("optout", "optin") or rest.strip()):
            return self.staff.reply(turn, word, rest.split())
        action = WORD_ACTIONS.get(word)
        return self.begin(turn, action) if action else self.menu(turn)

    def on_text(self, turn: Turn) -> Reply | None:
        if turn.flow() == self.name:
            return self.proceed(turn, None)
        intent = detect_intent(turn.text)
        return self.begin(turn, intent) if intent else None

    def on_button(self, turn: Turn, payload: str) -> Reply | None:
        if payload in ENTRY_ACTIONS:
            return self.begin(turn, ENTRY_ACTIONS[payload])
        if turn.flow() != self.name:
            return None  # a button from a finished conversation: the engine says so
        action = pressed_action(turn.flow_data(), payload)
        if action is None:
            return None  # an older prompt's button: refused, the flow stays as it is
        return self.proceed(turn, action)

    def on_contact(self, turn: Turn) -> Reply | None:
        if turn.flow() == self.name:
            return self.proceed(turn, None)
        if turn.chat_type != "private":
            return private_only(turn, "remove")
        # A number shared out of the blue: ask what to do with it, keeping it as proven.
        phone = contact_phone(turn)
        if phone is None:
            return reply("foreign_contact", keyboard="remove")
        data = turn.start_flow(self.name, step="choose", proven=phone)
        return self._choose_menu(data, phone)

    # -- starting ----------------------------------------------------------------------------

    def menu(self, turn: Turn) -> Reply:
        if turn.chat_type != "private":
            return private_only(turn)
        return reply("menu", shared="", ceo=False, buttons=[Button(label, f"{NAME}:{p}") for label, p in MENU])

    def _choose_menu(self, data: dict[str, Any], phone: str) -> Reply:
        """The menu for a proven number: its actions carry the flow, so they use that number."""
        ceo = bool(self.registry.members_led_by(phone))
        choices = [(label, f"do:{p}") for label, p in MENU if p != "code"]
        if ceo:
            choices.insert(0, ("🏢 회사 수신자 관리", "do:company"))
        return reply("menu", shared=mask_phone(phone), ceo=ceo, buttons=flow_buttons(data, choices))

    def begin(self, turn: Turn, action: Intent | Action) -> Reply:
        """Start an action, keeping a number the member proved earlier in this conversation."""
        if turn.chat_type != "private":
            turn.end_flow()
            return private_only(turn, "remove")
        data = turn.flow_data() if turn.flow() == self.name else {}
        # A proven number carries over to another action, but into a registration only straight
        # after it was shared: a registration started later may well be for a colleague.
        carry = action != "register" or data.get("step") in ("choose", "company")
        proven = data.get("proven") if carry else None
        log.debug("sms begin action=%s proven=%s", action, proven is not None)
        if action == "register":
            return self.registration.begin(turn, proven)
        if action == "code":
            return self.registration.begin_code(turn, proven)
        if action == "company":
            shown = self.company.begin(turn, proven)
            return shown if shown is not None else self.menu(turn)
        return self.changes.begin(turn, action, proven)

    def proceed(self, turn: Turn, action: str | None) -> Reply | None:
        """The next message of a running flow: a typed line, a contact, or a button's action."""
        data = turn.flow_data()
        step = data.get("step")
        switch = detect_intent(turn.text) if turn.event.kind == "text" and step != "name" else None
        if switch is not None:
            return self.begin(turn, switch)
        handler = self.steps[step] if is_step(step) else None
        if handler is None:
            turn.end_flow()
            return self.menu(turn)
        reply = handler(turn, data, action)
        if reply is None:
            turn.end_flow()
        return reply

    def _step_choose(self, turn: Turn, data: dict[str, Any], action: str | None) -> Reply | None:
        """A button of the menu shown for a shared number; anything typed is someone else's."""
        entry = {**ENTRY_ACTIONS, "company": "company"}.get((action or "").removeprefix("do:"))
        if action is None or entry is None:
            return None
        return self.begin(turn, entry)
