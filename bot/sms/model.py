"""The SMS store's vocabulary: members, who asks, the recipients held, and what a change did."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.korean.phones import mask_phone

Role = Literal["대표이사", "담당자"]
ROLES: tuple[Role, ...] = ("대표이사", "담당자")
# How the number was proven to belong to the person: their own contact, a code sent to it, a
# branch's call, the member list; "typed" is not proven yet.
Verification = Literal["contact", "typed", "code", "member_list", "staff"]
# Who approved the recipient for the company: its CEO on file (shared contact), the CEO's code
# typed back, a branch after calling the company, or the member list itself (the CEO).
Approval = Literal["ceo", "code", "staff", "member_list"]
Status = Literal["pending", "active", "opted_out"]
Outcome = Literal["created", "reactivated", "unchanged", "held"]


@dataclass(frozen=True)
class Member:
    member_no: str
    brn: str
    company: str
    ceo_name: str
    ceo_mobile: str
    branch: str


@dataclass(frozen=True)
class Requester:
    """Who asks: a chat (with the number it proved by the contact button, if any) or staff."""

    actor: str
    chat_id: str | None = None
    proven_phone: str | None = None
    staff: bool = False

    @classmethod
    def chat(cls, chat_id: str, proven_phone: str | None = None) -> Requester:
        return cls(f"chat:{chat_id}", chat_id, proven_phone)

    @classmethod
    def branch_staff(cls) -> Requester:
        return cls("staff", staff=True)

    @classmethod
    def admin(cls, user_id: int | None) -> Requester:
        """A Telegram admin acting for a branch (BOT_ADMIN_IDS)."""
        return cls(f"admin:{user_id}", staff=True)

    @classmethod
    def system(cls) -> Requester:
        """The bot itself: expiry of requests nobody approved in time."""
        return cls("system", staff=True)


@dataclass(frozen=True)
class Recipient:
    """One number held for one member: a stored recipient, or the CEO by default (no id)."""

    member_no: str
    company: str
    recipient_id: int | None
    name: str | None
    role: str
    phone: str | None
    verification: str
    status: str
    consent_at: str | None = None
    consent_version: str | None = None
    erased: bool = False
    approved_by: str | None = "member_list"
    created_at: str | None = None

    @property
    def masked(self) -> str:
        return mask_phone(self.phone) if self.phone else "(삭제됨)"

    @property
    def active(self) -> bool:
        return self.status == "active" and self.phone is not None

    @property
    def pending(self) -> bool:
        return self.status == "pending"


@dataclass(frozen=True)
class Registration:
    member_no: str
    name: str
    role: Role
    phone: str
    verification: Verification
    consent_version: str


@dataclass(frozen=True)
class Change:
    """What an opt-out, opt-in or erasure did to the recipients the requester may act on."""

    changed: list[Recipient] = field(default_factory=list)
    unchanged: list[Recipient] = field(default_factory=list)
    needs_registration: list[Recipient] = field(default_factory=list)
    # Every recipient acted on, as it was before: an erasure forgets the names the company is told.
    before: list[Recipient] = field(default_factory=list)

    @property
    def found(self) -> bool:
        return bool(self.changed or self.unchanged or self.needs_registration)


@dataclass(frozen=True)
class ImportCounts:
    added: int
    updated: int
    unchanged: int
    retired: int = 0


def is_already(action: str, target: Recipient) -> bool:
    """The recipient already is as asked: nothing to write."""
    if action == "opt_out":
        return target.status == "opted_out"
    if action == "opt_in":
        return target.status in ("active", "pending")
    return target.erased
