"""Registration in chat: member, name, role, number, consent, then the one-time codes.

A chat nobody has vouched for learns nothing from the flow: a member number or business number
only selects a company (its name is not shown), every step reads the same whether or not the
member exists or the number is already held, and the request is stored pending (or, for a member
that does not exist, not at all) with the same receipt. The CEO on file, proven by a shared
contact, registers for the company in the open: the company's name is shown and the request is
approved at once (a typed number still needs its code)."""

from __future__ import annotations

from typing import Any

from bot.conversation import Reply, Turn
from bot.korean.hangul import squash
from bot.korean.phones import mask_phone
from bot.sms import policy
from bot.sms.chat import contact_keyboard, flow_buttons, phone_from, reply, typed_answer
from bot.sms.codes import typed_code
from bot.sms.consent import CONSENT_VERSION, consent_text
from bot.sms.format import missing_label
from bot.sms.kr_ids import FieldError, brn_checksum_ok, parse_brn, parse_member_no, parse_person_name
from bot.sms.model import Member, Registration, Requester
from bot.sms.service import CodeResult, Receipt, RecipientService

ROLE_WORDS = {"대표이사": ("대표이사", "대표", "대표님", "사장", "사장님", "ceo"),
              "담당자": ("담당자", "담당", "직원", "경리", "실무자", "staff")}
ROLE_ACTIONS = {"role:ceo": "대표이사", "role:staff": "담당자"}
# A consent in so many words, besides a plain yes or no.
CONSENT_YES = ("동의", "동의합니다", "동의해요", "좋아요", "확인", "yes")
CONSENT_NO = ("동의하지않음", "동의안함", "동의하지않습니다", "거부", "취소", "no")
MAX_MEMBER_TRIES = 3
MAX_COMPANY_BUTTONS = 8


class RegistrationSteps:
    def __init__(self, service: RecipientService) -> None:
        self.service = service
        self.registry = service.registry

    # -- starting ----------------------------------------------------------------------------

    def begin(self, turn: Turn, proven: str | None) -> Reply:
        """수신자 등록: for the proven CEO, for their company; for anyone else, a request."""
        if self.registry.member_count() == 0:
            turn.end_flow()
            return reply("no_members", keyboard="remove")
        led = self.registry.members_led_by(proven)
        if self.service.requests_left(Requester.chat(turn.chat_id, proven), ceo=bool(led)) <= 0:
            turn.end_flow()
            return reply("request_capped", keyboard="remove")
        if len(led) == 1:
            data = turn.start_flow("sms", action="register", step="name", proven=proven, ceo=True)
            return self._for_company(data, led[0])
        data = turn.start_flow("sms", action="register", step="member", tries=0, proven=proven, ceo=bool(led))
        if led:  # the CEO of several members: which one
            choices = [(m.company, f"member:{m.member_no}") for m in led[:MAX_COMPANY_BUTTONS]]
            return reply("ask_member", reason="", ceo=True, buttons=flow_buttons(data, choices))
        return reply("ask_member", reason="", ceo=False)

    def _for_company(self, data: dict[str, Any], member: Member) -> Reply:
        data.update(step="name", member_key=member.member_no, member_no=member.member_no, trusted=True,
                    company=member.company)
        return reply("ask_name", reason="", trusted=True, company=member.company)

    # -- steps -------------------------------------------------------------------------------

    def member(self, turn: Turn, data: dict[str, Any], action: str | None) -> Reply:
        if action and action.startswith("member:") and data.get("ceo"):
            chosen = self.registry.get_member(action.removeprefix("member:"))
            if chosen is not None and self.registry.is_ceo(chosen.member_no, data.get("proven")):
                return self._for_company(data, chosen)
        key = _member_key(turn.text) if turn.event.kind == "text" else None
        if key is None:
            data["tries"] = int(data.get("tries", 0)) + 1
            if data["tries"] >= MAX_MEMBER_TRIES:
                turn.end_flow()
                return reply("member_give_up", keyboard="remove")
            return reply("ask_member", ceo=False,
                         reason="조합원번호(숫자) 또는 사업자등록번호(예: 123-45-67890)로 입력해 주세요.")
        member = self.service.member_for(key)
        if member is not None and self.registry.is_ceo(member.member_no, data.get("proven")):
            return self._for_company(data, member)
        # Whether the number names a member is kept to ourselves: the next question is the same.
        data.update(step="name", member_key=key, member_no=member.member_no if member else "", trusted=False)
        return reply("ask_name", reason="", trusted=False, company="")

    def name(self, turn: Turn, data: dict[str, Any], action: str | None) -> Reply:
        try:
            if turn.event.kind != "text":
                raise FieldError("성함을 글자로 입력해 주세요.")
            name = parse_person_name(turn.text, "성함")
        except FieldError as exc:
            return reply("ask_name", reason=str(exc), trusted=bool(data.get("trusted")), company=data.get("company", ""))
        data.update(step="role", name=name)
        return self._ask_role(data, "")

    def _ask_role(self, data: dict[str, Any], reason: str) -> Reply:
        buttons = flow_buttons(data, [("대표이사", "role:ceo"), ("담당자", "role:staff")])
        return reply("ask_role", reason=reason, person=data["name"], buttons=buttons)

    def role(self, turn: Turn, data: dict[str, Any], action: str | None) -> Reply:
        role = ROLE_ACTIONS.get(action or "", "") or _role_of(turn.text)
        if role not in ROLE_WORDS:
            return self._ask_role(data, "대표이사 또는 담당자 중에서 골라 주세요.")
        data.update(step="phone", role=role)
        if data.get("proven") and not data.get("ceo"):  # registering the number proven just before
            data.update(phone=data["proven"], verification="contact")
            return self._ask_consent(data, "")
        return reply("ask_phone", reason="", ceo=bool(data.get("ceo")), keyboard=contact_keyboard(turn))

    def phone(self, turn: Turn, data: dict[str, Any], action: str | None) -> Reply:
        try:
            phone, verification = phone_from(turn)
        except FieldError as exc:
            return reply("ask_phone", reason=str(exc), ceo=bool(data.get("ceo")), keyboard=contact_keyboard(turn))
        data.update(phone=phone, verification=verification)
        if verification == "contact" and not data.get("ceo"):
            data["proven"] = phone
        return self._ask_consent(data, "")

    def _ask_consent(self, data: dict[str, Any], reason: str) -> Reply:
        data["step"] = "consent"
        buttons = flow_buttons(data, [("동의", "agree"), ("동의하지 않음", "disagree")])
        return reply("ask_consent", reason=reason, consent=consent_text(), trusted=bool(data.get("trusted")),
                     company=data.get("company", ""), member_label=_member_label(data["member_key"]), role=data["role"],
                     person=data["name"], masked=mask_phone(data["phone"]),
                     verified=data["verification"] == "contact", buttons=buttons)

    def consent(self, turn: Turn, data: dict[str, Any], action: str | None) -> Reply:
        answer = action or typed_answer(turn.text, yes=CONSENT_YES, no=CONSENT_NO)
        if answer in ("agree", "yes"):
            return self._store(turn, data)
        if answer in ("disagree", "no"):
            turn.end_flow()
            return reply("consent_refused", keyboard="remove")
        return self._ask_consent(data, "동의 여부를 아래 버튼으로 골라 주세요.")

    def _store(self, turn: Turn, data: dict[str, Any]) -> Reply:
        registration = Registration(data.get("member_no") or "", data["name"], data["role"], data["phone"],
                                    data["verification"], CONSENT_VERSION)
        requester = Requester.chat(turn.chat_id, data.get("proven"))
        receipt = self.service.request(data["member_key"], registration, requester)
        kept = {k: data[k] for k in ("member_key", "proven") if data.get(k)}
        if not data.get("trusted"):
            # The same receipt whatever happened: stored, already held, or no such member.
            self._await_code(turn, kept)
            return reply("requested", typed=registration.verification == "typed", keyboard="remove",
                         hours=policy.CODE_HOURS, days=policy.PENDING_TTL.days)
        return self._trusted_receipt(turn, receipt, kept, registration)

    def _trusted_receipt(self, turn: Turn, receipt: Receipt, kept: dict[str, Any], registration: Registration) -> Reply:
        entry = receipt.recipient
        if receipt.codes_sent:
            self._await_code(turn, kept)
        else:
            turn.end_flow()
        return reply("registered", outcome=receipt.outcome, recipient=entry, masked=mask_phone(registration.phone),
                     waiting=missing_label(entry) if entry is not None and entry.pending else "",
                     hours=policy.CODE_HOURS, keyboard="remove")

    def _await_code(self, turn: Turn, kept: dict[str, Any]) -> None:
        turn.start_flow("sms", action="code", step="code", **kept)

    # -- one-time codes ----------------------------------------------------------------------

    def begin_code(self, turn: Turn, proven: str | None) -> Reply:
        """확인 코드 입력, from the menu: the same prompt whatever this chat is waiting for."""
        turn.start_flow("sms", action="code", step="code", proven=proven)
        return reply("ask_code", reason="", keyboard="remove")

    def code(self, turn: Turn, data: dict[str, Any], action: str | None) -> Reply:
        code = typed_code(turn.text) if turn.event.kind == "text" else None
        if code is None:
            return reply("ask_code", reason=f"받으신 {policy.CODE_DIGITS}자리 숫자 코드를 입력해 주세요.")
        keys = [data["member_key"]] if data.get("member_key") else []
        result = self.service.enter_code(turn.chat_id, code, keys, proven_phone=data.get("proven"))
        if result.verdict == "locked":
            turn.end_flow()
            return reply("code_locked", minutes=int(policy.PROOF_WINDOW.total_seconds() // 60))
        if result.verdict == "wrong":
            return reply("ask_code", reason=f"코드가 맞지 않습니다. 다시 확인해 주세요(앞으로 {result.tries_left}번 더 입력하실 수 있습니다).")
        if not self.service.waiting_codes(turn.chat_id):
            turn.end_flow()
        return self._accepted(result)

    def _accepted(self, result: CodeResult) -> Reply:
        lines = [(e, missing_label(e)) for e in result.granted]
        return reply("code_accepted", granted=lines, hours=policy.CODE_HOURS)


def _member_key(text: str) -> str | None:
    """The typed member identifier in canonical form: a business number's ten digits, or a
    member number; None when it is neither."""
    try:
        return parse_brn(text)
    except FieldError:
        pass
    try:
        return parse_member_no(text)
    except FieldError:
        return None


def _member_label(key: str) -> str:
    """What the member was named by, as typed: "조합원번호 1001" or "사업자등록번호 101-81-00016"."""
    if len(key) == 10 and key.isdigit() and brn_checksum_ok(key):
        return f"사업자등록번호 {key[:3]}-{key[3:5]}-{key[5:]}"
    return f"조합원번호 {key}"


def _role_of(text: str) -> str:
    key = squash(text)
    return next((role for role, words in ROLE_WORDS.items() if key in words), "")
