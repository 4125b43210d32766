"""What chats, a member's CEO and branch staff ask of the recipient register, each answered in one
transaction together with its audit lines, one-time codes and outbox messages.

- A registration request is stored pending. Unless the requester is the CEO on file (shared
  contact) or staff, the CEO's mobile gets an approval code for the requester to type back; a
  typed number (or someone else's contact card) gets a code of its own to prove it.
- Approval comes from the CEO in chat, the CEO's code, or a branch after calling the company
  (which also proves the number). The recipient is active once approved and proven.
- The company is told, through the outbox, of every approval, opt-out and deletion that its CEO
  did not make himself, with the branch's phone.
- Requests nobody approved in policy.PENDING_TTL are erased; codes die after policy.CODE_TTL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from bot.sms import policy
from bot.sms.codes import Codes, Purpose
from bot.sms.directory import BranchDirectory
from bot.sms.model import Approval, Change, Member, Outcome, Recipient, Registration, Requester
from bot.sms.outbox import Kind, Outbox
from bot.sms.registry import Registry, RegistryError
from bot.sms.throttle import Throttle
from bot.storage import scrub, transaction
from bot.templates import render

DEFAULT_COOPERATIVE = "조합"
ChangeAction = Literal["opt_out", "opt_in", "erase"]
_TOLD: dict[str, Kind] = {"opt_out": "opted_out", "erase": "erased"}


@dataclass(frozen=True)
class Receipt:
    """What a registration request did. `outcome` is None when the member number named no
    member: nothing was stored, and an untrusted chat is answered exactly as if it had been."""

    outcome: Outcome | None
    recipient: Recipient | None = None
    codes_sent: tuple[Purpose, ...] = ()


@dataclass(frozen=True)
class CodeResult:
    """A typed code: refused for now ("locked"), not one of the chat's ("wrong"), or accepted."""

    verdict: Literal["locked", "wrong", "accepted"]
    tries_left: int = 0
    granted: list[Recipient] = field(default_factory=list)


@dataclass(frozen=True)
class Decision:
    """A pending request approved (`entry` as it is now) or refused (`entry` as it was); or
    nothing done: no such request ("none"), settled meanwhile ("gone"), or not allowed
    ("refused", `reason` saying why)."""

    verdict: Literal["approved", "rejected", "none", "gone", "refused"]
    entry: Recipient | None = None
    reason: str = ""


@dataclass(frozen=True)
class Upkeep:
    """What one round of housekeeping removed."""

    expired_requests: int = 0
    expired_codes: int = 0
    old_attempts: int = 0


class RecipientService:
    def __init__(self, registry: Registry, directory: BranchDirectory,
                 cooperative: str = DEFAULT_COOPERATIVE) -> None:
        self.registry = registry
        self.db = registry.db
        self.directory = directory
        self.cooperative = cooperative
        self.codes = Codes(registry.db, registry.key, registry.now)
        self.outbox = Outbox(registry.db, registry.key, registry.now)
        self.throttle = Throttle(registry.db, registry.key, registry.now)

    # -- who the requester is --------------------------------------------------------------

    def member_for(self, member_key: str) -> Member | None:
        """The member a typed member number or business number names (ten digits are tried as a
        business number first)."""
        member = self.registry.member_by_brn(member_key) if len(member_key) == 10 and member_key.isdigit() else None
        return member or self.registry.get_member(member_key)

    def requests_left(self, requester: Requester, *, ceo: bool) -> int:
        """`ceo`: the requester is proven to lead a member (callers have looked that up already)."""
        return self.throttle.requests_left(requester.chat_id or requester.actor, ceo=ceo)

    # -- registration ------------------------------------------------------------------------

    def request(self, member_key: str, registration: Registration, requester: Requester) -> Receipt:
        """Store a consented request for the member `member_key` names (registration.member_no is
        that member's number, or "" when it names none)."""
        chat = requester.chat_id or requester.actor
        with transaction(self.db):
            self.throttle.record("request", chat, [self.throttle.member_ref(member_key)])
            member = self.registry.get_member(registration.member_no) if registration.member_no else None
            if member is None:
                return Receipt(None)
            outcome, entry = self.registry.register(registration, requester)
            if entry is None or outcome not in ("created", "reactivated"):
                return Receipt(outcome, entry)
            sent = self._ask_for_proofs(member, entry, requester) if entry.pending else ()
            if entry.active:
                self._tell(member, entry, "registered", requester)
            return Receipt(outcome, entry, sent)

    def _ask_for_proofs(self, member: Member, entry: Recipient, requester: Requester) -> tuple[Purpose, ...]:
        """The codes a pending request needs: the CEO's approval, the typed number's proof."""
        assert entry.recipient_id is not None and entry.phone is not None
        chat = requester.chat_id or requester.actor
        sent: list[Purpose] = []
        context = {"cooperative": self.cooperative, "company": member.company, "person": entry.name,
                   "role": entry.role, "masked": entry.masked, "hours": policy.CODE_HOURS,
                   "branch": self.directory.find(member.branch)}
        day = self.registry.now() - policy.REQUEST_WINDOW
        if entry.approved_by is None and self.outbox.sent_since(
                "approve_code", day, member_no=member.member_no) < policy.MAX_APPROVAL_CODES_PER_MEMBER:
            code_id, code = self.codes.issue(entry.recipient_id, "approve", chat)
            self.outbox.add("approve_code", member.member_no, member.ceo_mobile,
                            render("sms_out_approve_code", code=code, **context), code_id)
            sent.append("approve")
        if entry.verification == "typed" and self.outbox.sent_since(
                "verify_code", day, phone=entry.phone) < policy.MAX_NUMBER_CODES_PER_NUMBER:
            code_id, code = self.codes.issue(entry.recipient_id, "verify", chat)
            self.outbox.add("verify_code", member.member_no, entry.phone,
                            render("sms_out_verify_code", code=code, **context), code_id)
            sent.append("verify")
        return tuple(sent)

    def enter_code(self, chat_id: str, code: str, member_keys: Sequence[str] = (), *,
                   proven_phone: str | None = None) -> CodeResult:
        """A code typed in chat: it approves or proves this chat's own requests, or counts as a
        failed proof (the same answer whether or not the member exists)."""
        waiting = [request for request, _ in self.waiting_codes(chat_id)]
        refs = list(dict.fromkeys([self.throttle.member_ref(k) for k in member_keys]
                                  + [self.throttle.member_ref(r.member_no) for r in waiting]))
        # A chat proven to be the CEO of every member involved is not held to the per-member limit.
        led = {m.member_no for m in self.registry.members_led_by(proven_phone)}
        trusted = bool(led) and all(r.member_no in led for r in waiting)
        with transaction(self.db):
            if self.throttle.proof_locked(chat_id, refs, trusted=trusted):
                return CodeResult("locked")
            matches = self.codes.match(chat_id, code)
            if not matches:
                self.throttle.record("failed_proof", chat_id, refs)
                if self.throttle.proof_locked(chat_id, refs, trusted=trusted):
                    return CodeResult("locked")
                used = self.throttle.by_chat("failed_proof", chat_id, policy.PROOF_WINDOW)
                return CodeResult("wrong", policy.MAX_FAILED_PROOFS_PER_CHAT - used)
            requester = Requester.chat(chat_id, proven_phone)
            granted = []
            for match in matches:
                self.codes.used(match.code_id)
                self.outbox.withdraw_codes([match.code_id])  # an unsent copy has nothing left to do
                found = self.registry.recipient(match.recipient_id)
                if found is None or not found[0].pending:
                    continue  # settled meanwhile (a branch, the CEO, or the member list approved it)
                if match.purpose == "approve":
                    entry = self.registry.grant(match.recipient_id, requester, approval="code")
                else:
                    entry = self.registry.grant(match.recipient_id, requester, verification="code")
                granted.append(self._after_grant(entry, requester))
            return CodeResult("accepted", granted=granted)

    def waiting_codes(self, chat_id: str) -> list[tuple[Recipient, Purpose]]:
        """The requests of this chat that still wait for a code, and which code."""
        out = []
        for waiting in self.codes.waiting(chat_id):
            found = self.registry.recipient(waiting.recipient_id)
            if found is not None and found[0].pending:
                out.append((found[0], waiting.purpose))
        return out

    # -- approval ----------------------------------------------------------------------------

    def approve(self, recipient_id: int, requester: Requester) -> Recipient:
        """The company approves a pending request: its CEO (proven by contact) or a branch after
        calling, which also proves the number. Raises RegistryError when not allowed."""
        entry = self._pending(recipient_id, requester)
        approval: Approval = "staff" if requester.staff else "ceo"
        with transaction(self.db):
            entry = self.registry.grant(recipient_id, requester, approval=approval,
                                        verification="staff" if requester.staff else None)
            return self._after_grant(entry, requester)

    def reject(self, recipient_id: int, requester: Requester) -> Recipient | None:
        """The company or a branch refuses a pending request: it is erased."""
        self._pending(recipient_id, requester)
        with transaction(self.db):
            entry = self._withdraw(recipient_id, requester, "reject")
        scrub(self.db)
        return entry

    def decide(self, approve: bool, recipient_id: int, requester: Requester) -> Decision:
        """Approve or refuse a pending request, saying what came of it rather than raising."""
        try:
            if approve:
                return Decision("approved", self.approve(recipient_id, requester))
            gone = self.reject(recipient_id, requester)
        except RegistryError as exc:
            return Decision("refused", reason=str(exc))
        return Decision("rejected", gone) if gone is not None else Decision("gone")

    def decide_number(self, approve: bool, phone: str, member_no: str, requester: Requester) -> Decision:
        """`decide` for the request this number has pending with the member, as branch staff
        name it after calling the company."""
        request = self.registry.pending_for(phone, member_no)
        if request is None or request.recipient_id is None:
            return Decision("none")
        return self.decide(approve, request.recipient_id, requester)

    def _pending(self, recipient_id: int, requester: Requester) -> Recipient:
        found = self.registry.recipient(recipient_id)
        if found is None or not found[0].pending:
            raise RegistryError("승인을 기다리는 요청이 아닙니다.")
        entry = found[0]
        if not (requester.staff or self.registry.is_ceo(entry.member_no, requester.proven_phone)):
            raise RegistryError("이 조합원사의 대표이사 또는 관할 지점만 승인할 수 있습니다.")
        return entry

    def _after_grant(self, entry: Recipient, requester: Requester) -> Recipient:
        """Messages of codes no longer needed are withdrawn if still unsent (a code already sent
        stays recognised until it expires, so typing it is not a failed proof); an entry that
        became active is announced to the company."""
        assert entry.recipient_id is not None
        done: list[Purpose] = []
        if entry.approved_by is not None:
            done.append("approve")
        if entry.verification != "typed":
            done.append("verify")
        for purpose in done:
            self.outbox.withdraw_codes(self.codes.of(entry.recipient_id, purpose))
        member = self.registry.get_member(entry.member_no)
        if entry.active and member is not None:
            self._tell(member, entry, "registered", requester)
        return entry

    def _withdraw(self, recipient_id: int, requester: Requester, action: str) -> Recipient | None:
        self.outbox.withdraw_codes(self.codes.drop(recipient_id))
        return self.registry.withdraw(recipient_id, requester, action)

    # -- opt-out, opt-in, erasure ------------------------------------------------------------

    def change(self, action: ChangeAction, phone: str, requester: Requester, member_no: str | None = None) -> Change:
        """Opt out, opt back in or erase, telling each company whose recipient was changed."""
        with transaction(self.db):
            act = {"opt_out": self.registry.opt_out, "opt_in": self.registry.opt_in, "erase": self.registry.erase}[action]
            change = act(phone, requester, member_no)
            # Names as they were: an erasure forgets them, and the company is told who it was.
            before = {t.member_no: t for t in change.before}
            kind = _TOLD.get(action)
            for entry in change.changed:
                member = self.registry.get_member(entry.member_no)
                if kind is not None and member is not None:
                    self._tell(member, before.get(entry.member_no, entry), kind, requester)
                if entry.recipient_id is not None and action != "opt_in":
                    self.outbox.withdraw_codes(self.codes.drop(entry.recipient_id))
        if action == "erase" and change.changed:
            scrub(self.db)
        return change

    def remove(self, recipient_id: int, requester: Requester) -> Change:
        """The CEO takes a recipient of the company off the register (erased)."""
        found = self.registry.recipient(recipient_id)
        if found is None or found[0].phone is None:
            return Change()
        return self.change("erase", found[0].phone, requester, found[0].member_no)

    def _tell(self, member: Member, entry: Recipient, kind: Kind, requester: Requester) -> None:
        """The informational message to the CEO on file, unless the CEO made the change."""
        if self.registry.is_ceo(member.member_no, requester.proven_phone):
            return
        text = render("sms_out_told", cooperative=self.cooperative, company=member.company,
                      person=entry.name or "(이름 없음)", role=entry.role, masked=entry.masked, kind=kind,
                      branch=self.directory.find(member.branch))
        self.outbox.add(kind, member.member_no, member.ceo_mobile, text)

    # -- housekeeping ------------------------------------------------------------------------

    def expire(self) -> Upkeep:
        """Erase requests nobody approved in time and codes past their time; forget old
        throttling records."""
        system = Requester.system()
        with transaction(self.db):
            expired = self.registry.expired_requests()
            for entry in expired:
                assert entry.recipient_id is not None
                self._withdraw(entry.recipient_id, system, "expire")
            codes = self.codes.expire()
            self.outbox.withdraw_codes(codes)
            attempts = self.throttle.forget_old()
        if expired or codes:
            scrub(self.db)
        return Upkeep(len(expired), len(codes), attempts)
