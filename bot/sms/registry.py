"""SMS recipient store (BOT_DB): imported members, the recipients of guarantee-release notices
and an audit log of every change.

A member's CEO receives notices by default, straight from the member row; a recipients row for
the same number (an opt-out, an erasure, or the CEO registering in chat) overrides that
default. Anyone else is stored as pending until the company approved them and their number is
proven (bot.sms.policy); only active rows reach an export or a notice plan. Numbers are held in
clear only where a message may be sent to them; erased entries and the audit log keep a keyed
hash instead. Every change runs in one immediate transaction together with its audit line, so
the two always agree."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

import sqlite_utils

from bot.sms import policy
from bot.sms.key import KeyFileError, fingerprint, keyed_hash, load_key, new_key
from bot.sms.model import (
    ROLES,
    Approval,
    Change,
    ImportCounts,
    Member,
    Outcome,
    Recipient,
    Registration,
    Requester,
    Role,
    Verification,
    is_already,
)
from bot.sms.rows import (
    ceo_recipient_of,
    ceo_recipient_of_row,
    changed_fields,
    list_order,
    member_of,
    recipient_of,
)
from bot.sms.schema import SCHEMA
from bot.storage import migrate, scrub, transaction

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
__all__ = ["ROLES", "Approval", "Change", "ImportCounts", "Member", "Outcome", "Recipient", "Registration",
           "Registry", "RegistryError", "Requester", "Role", "Verification", "is_already"]


class RegistryError(RuntimeError):
    """The store cannot do what was asked; str() says why, in Korean."""


_RECIPIENT_SQL = (
    "SELECT r.*, m.company, m.ceo_hash FROM sms_recipients r"
    " JOIN sms_members m ON m.member_no = r.member_no"
)
# Members whose CEO number has no recipients row: the CEO receives by default.
_CEO_DEFAULT_SQL = (
    "SELECT m.* FROM sms_members m WHERE NOT EXISTS (SELECT 1 FROM sms_recipients r"
    " WHERE r.member_no = m.member_no AND r.phone_hash = m.ceo_hash)"
)


class Registry:
    def __init__(self, db: sqlite_utils.Database, *, key: bytes | None = None,
                 clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        migrate(db, "sms", SCHEMA)
        self.key = key if key is not None else self._stored_key()
        self._check_key()

    def _stored_key(self) -> bytes:
        """The key file beside the database; an in-memory database keeps its key inside, so
        every Registry on it agrees."""
        known = self._meta("key") is not None
        # A database that has hashed numbers before must find its key: making a new one would
        # silently stop every opt-out from matching.
        key = load_key(self.db, create=not known)
        if key is not None:
            return key
        with transaction(self.db):
            self.db.execute("INSERT OR IGNORE INTO sms_meta (key, value) VALUES ('memory_key', ?)",
                            [new_key().decode("ascii")])
        return str(self._meta("memory_key")).encode("ascii")

    def _meta(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM sms_meta WHERE key = ?", [name]).fetchone()
        return None if row is None else str(row[0])

    def _check_key(self) -> None:
        """Refuse a key other than the one this database was first used with."""
        # With another key, opt-outs would stop matching and opted-out numbers get notices again.
        mine = fingerprint(self.key)
        known = self._meta("key")
        if known is None:
            with transaction(self.db):
                self.db.execute("INSERT OR IGNORE INTO sms_meta (key, value) VALUES ('key', ?)", [mine])
            known = self._meta("key")
        if known != mine:
            raise KeyFileError(
                "문자 수신자 저장소의 키가 데이터베이스와 맞지 않습니다. 데이터베이스와 함께 보관한"
                " 키 파일(.sms-key) 또는 BOT_SMS_KEY를 확인해 주세요."
            )

    # -- small helpers ---------------------------------------------------------------------

    def ref(self, phone: str) -> str:
        """The keyed hash standing for a number where the number itself is not kept."""
        return keyed_hash(self.key, phone)

    def now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC)

    def _now(self) -> str:
        return self.now().isoformat(timespec="seconds")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.db.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def audit(self, requester: Requester | str, action: str, member_no: str | None,
              recipient_id: int | None, phone_ref: str | None, detail: str = "") -> None:
        actor = requester if isinstance(requester, str) else requester.actor
        self.db.execute(
            "INSERT INTO sms_audit (at, actor, action, member_no, recipient_id, phone_ref, detail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [self._now(), actor, action, member_no, recipient_id, phone_ref, detail],
        )
        # Never the number or the name: the member number and row id are enough to trace.
        log.info("sms %s member=%s recipient=%s by=%s", action, member_no, recipient_id,
                 actor.split(":", 1)[0])

    def _allowed(self, requester: Requester, row: dict[str, Any]) -> bool:
        """Staff, the proven owner of the number, the member's CEO proven by contact, or the
        chat that registered it once the company approved it (a pending request would tell
        that chat which company the member number it typed belongs to)."""
        if requester.staff:
            return True
        if requester.proven_phone is not None:
            proof = self.ref(requester.proven_phone)
            if proof in (row["phone_hash"], row["ceo_hash"]):
                return True
        return row["chat_id"] is not None and row["chat_id"] == requester.chat_id and row["status"] != "pending"

    # -- members ---------------------------------------------------------------------------

    def member_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM sms_members").fetchone()[0])

    def get_member(self, member_no: str) -> Member | None:
        rows = self._rows("SELECT * FROM sms_members WHERE member_no = ?", [member_no])
        return member_of(rows[0]) if rows else None

    def member_by_brn(self, brn: str) -> Member | None:
        rows = self._rows("SELECT * FROM sms_members WHERE brn = ?", [brn])
        return member_of(rows[0]) if rows else None

    def members(self) -> list[Member]:
        return [member_of(r) for r in self._rows("SELECT * FROM sms_members ORDER BY member_no")]

    def members_led_by(self, phone: str | None) -> list[Member]:
        """The members whose CEO on file has this (proven) number."""
        if phone is None:
            return []
        rows = self._rows("SELECT * FROM sms_members WHERE ceo_hash = ? ORDER BY member_no", [self.ref(phone)])
        return [member_of(r) for r in rows]

    def is_ceo(self, member_no: str, phone: str | None) -> bool:
        return any(m.member_no == member_no for m in self.members_led_by(phone))

    def import_members(self, members: Sequence[Member], actor: str = "staff") -> ImportCounts:
        """Add new members and update changed ones, all in one transaction. A new CEO in the
        list retires the old CEO's rows: they no longer receive as the company's CEO."""
        added = updated = retired = 0
        now = self._now()
        with transaction(self.db):
            for m in members:
                old = self.get_member(m.member_no)
                if old == m:
                    continue
                values = [m.brn, m.company, m.ceo_name, m.ceo_mobile, self.ref(m.ceo_mobile), m.branch]
                if old is None:
                    self.db.execute(
                        "INSERT INTO sms_members (brn, company, ceo_name, ceo_mobile, ceo_hash, branch,"
                        " member_no, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [*values, m.member_no, now, now],
                    )
                    added += 1
                    self.audit(actor, "member_add", m.member_no, None, None)
                    continue
                self.db.execute(
                    "UPDATE sms_members SET brn = ?, company = ?, ceo_name = ?, ceo_mobile = ?,"
                    " ceo_hash = ?, branch = ?, updated_at = ? WHERE member_no = ?",
                    [*values, now, m.member_no],
                )
                updated += 1
                self.audit(actor, "member_update", m.member_no, None, None,
                           "fields=" + ",".join(changed_fields(old, m)))
                if old.ceo_mobile != m.ceo_mobile:
                    retired += self._retire_ceo(old, actor)
                    self._vouch_for_new_ceo(m, actor)
        if retired:
            scrub(self.db)
        return ImportCounts(added, updated, len(members) - added - updated, retired)

    def _retire_ceo(self, old: Member, actor: str) -> int:
        """The former CEO's own rows for this member are erased (keeping the opt-out marker)."""
        digest = self.ref(old.ceo_mobile)
        rows = self._rows("SELECT id FROM sms_recipients WHERE member_no = ? AND phone_hash = ?"
                          " AND role = '대표이사' AND erased_at IS NULL", [old.member_no, digest])
        for row in rows:
            self._erase_row(row["id"])
            self.audit(actor, "retire_ceo", old.member_no, row["id"], digest)
        return len(rows)

    def _vouch_for_new_ceo(self, member: Member, actor: str) -> None:
        """A request still pending for the number the member list now names as CEO: the list
        approves it and vouches for the number, so the new CEO receives as the CEO."""
        digest = self.ref(member.ceo_mobile)
        for row in self._rows("SELECT id FROM sms_recipients WHERE member_no = ? AND phone_hash = ?"
                              " AND status = 'pending'", [member.member_no, digest]):
            now = self._now()
            self.db.execute(
                "UPDATE sms_recipients SET role = '대표이사', name = ?, approved_by = 'member_list',"
                " verification = 'member_list', status = 'active', requested_at = NULL, approved_at = ?,"
                " updated_at = ? WHERE id = ?", [member.ceo_name, now, now, row["id"]])
            self.audit(actor, "approve", member.member_no, row["id"], digest, "by the member list: the new CEO")

    # -- reading recipients ----------------------------------------------------------------

    def targets(self, phone: str, requester: Requester, member_no: str | None = None) -> list[Recipient]:
        """The recipients with this number that the requester may act on, and nothing else."""
        # Nothing beyond that is read, so a refusal reads the same whether or not it is held.
        digest = self.ref(phone)
        rows = self._rows(_RECIPIENT_SQL + " WHERE r.phone_hash = ? ORDER BY r.member_no, r.id", [digest])
        entries = [recipient_of(r) for r in rows if self._allowed(requester, r)]
        if requester.staff or (requester.proven_phone is not None and self.ref(requester.proven_phone) == digest):
            ceos = self._rows(_CEO_DEFAULT_SQL + " AND m.ceo_hash = ? ORDER BY m.member_no", [digest])
            entries += [ceo_recipient_of_row(r) for r in ceos]
        if member_no is not None:
            entries = [e for e in entries if e.member_no == member_no]
        return sorted(entries, key=lambda e: (e.member_no, e.recipient_id or 0))

    def recipients_of_chat(self, chat_id: str) -> list[Recipient]:
        """Numbers this chat registered and may still manage (not requests still pending)."""
        rows = self._rows(_RECIPIENT_SQL + " WHERE r.chat_id = ? AND r.status <> 'pending' ORDER BY r.member_no, r.id",
                          [chat_id])
        return [recipient_of(r) for r in rows]

    def recipient(self, recipient_id: int) -> tuple[Recipient, str | None] | None:
        """One stored recipient and the chat that registered it."""
        rows = self._rows(_RECIPIENT_SQL + " WHERE r.id = ?", [recipient_id])
        return (recipient_of(rows[0]), rows[0]["chat_id"]) if rows else None

    def list_recipients(self, member_no: str | None = None, *, include_inactive: bool = False) -> list[Recipient]:
        """Every recipient (stored and CEO by default) for staff lists, active ones unless asked."""
        where, params = (" WHERE r.member_no = ?", [member_no]) if member_no else ("", [])
        stored = [recipient_of(r) for r in self._rows(_RECIPIENT_SQL + where, params)]
        ceo_where = " AND m.member_no = ?" if member_no else ""
        ceos = [ceo_recipient_of_row(r) for r in self._rows(_CEO_DEFAULT_SQL + ceo_where, params)]
        entries = [e for e in stored + ceos if include_inactive or e.active]
        return sorted(entries, key=list_order)

    def active_recipients(self, member_no: str | None = None) -> list[Recipient]:
        """Who gets a notice: CEOs by default and approved, proven staff; never an opted-out or
        pending number."""
        return self.list_recipients(member_no)

    def pending(self, member_no: str | None = None) -> list[Recipient]:
        """Requests waiting for the company's approval or a proven number, oldest first."""
        where, params = (" AND r.member_no = ?", [member_no]) if member_no else ("", [])
        rows = self._rows(_RECIPIENT_SQL + " WHERE r.status = 'pending'" + where + " ORDER BY r.requested_at, r.id",
                          params)
        return [recipient_of(r) for r in rows]

    def pending_for(self, phone: str, member_no: str) -> Recipient | None:
        rows = self._rows(_RECIPIENT_SQL + " WHERE r.status = 'pending' AND r.member_no = ? AND r.phone_hash = ?",
                          [member_no, self.ref(phone)])
        return recipient_of(rows[0]) if rows else None

    def expired_requests(self) -> list[Recipient]:
        """Pending requests older than policy.PENDING_TTL."""
        cutoff = (self.now() - policy.PENDING_TTL).isoformat(timespec="seconds")
        rows = self._rows(_RECIPIENT_SQL + " WHERE r.status = 'pending' AND r.requested_at < ? ORDER BY r.id", [cutoff])
        return [recipient_of(r) for r in rows]

    def audit_log(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM sms_audit ORDER BY id")

    # -- changes ---------------------------------------------------------------------------

    def register(self, reg: Registration, requester: Requester) -> tuple[Outcome, Recipient | None]:
        """Store a consented recipient, pending until approved and proven; the same number for
        the same member changes nothing."""
        # An opted-out or erased number comes back only for its owner, its CEO, staff or the
        # chat that added it (and not that chat once the owner or staff opted it out).
        with transaction(self.db):
            outcome, entry = self._decide(reg.member_no, reg.phone, requester)
            if outcome == "created":
                return outcome, self._insert(reg, requester, self.ref(reg.phone))
            if outcome == "reactivated" and entry is not None and entry.recipient_id is not None:
                return outcome, self._reactivate(entry.recipient_id, reg, requester, self.ref(reg.phone))
            return outcome, entry

    def _decide(self, member_no: str, phone: str, requester: Requester) -> tuple[Outcome, Recipient | None]:
        digest = self.ref(phone)
        member = self.get_member(member_no)
        if member is None:
            raise RegistryError("조합원 명단에 없는 조합원번호입니다.")
        rows = self._rows(_RECIPIENT_SQL + " WHERE r.member_no = ? AND r.phone_hash = ?", [member_no, digest])
        if not rows:
            if self.ref(member.ceo_mobile) != digest:
                return "created", None
            proven = requester.staff or requester.proven_phone == phone
            return ("unchanged", ceo_recipient_of(member)) if proven else ("held", None)
        row = rows[0]
        if not self._allowed(requester, row):
            return "held", None
        return ("unchanged" if row["status"] in ("active", "pending") else "reactivated"), recipient_of(row)

    def _granted(self, member_no: str, requester: Requester, reg: Registration) -> tuple[str | None, str]:
        """The approval and verification a new registration starts with."""
        if requester.staff:
            return "staff", "staff"  # a branch registering after a call vouches for both
        approval = "ceo" if self.is_ceo(member_no, requester.proven_phone) else None
        return approval, reg.verification

    def _insert(self, reg: Registration, requester: Requester, digest: str) -> Recipient:
        now = self._now()
        approval, verification = self._granted(reg.member_no, requester, reg)
        status = policy.status_when_in(approval, verification)
        cursor = self.db.execute(
            "INSERT INTO sms_recipients (member_no, name, role, phone, phone_hash, verification, approved_by,"
            " status, consent_at, consent_version, chat_id, created_at, updated_at, requested_at, approved_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [reg.member_no, reg.name, reg.role, reg.phone, digest, verification, approval, status, now,
             reg.consent_version, requester.chat_id, now, now, now if status == "pending" else None,
             now if approval else None],
        )
        rid = int(cursor.lastrowid or 0)
        self.audit(requester, "register", reg.member_no, rid, digest,
                   f"role={reg.role} verification={verification} approval={approval or '-'}"
                   f" status={status} consent={reg.consent_version}")
        return self._one(rid)

    def _reactivate(self, rid: int, reg: Registration, requester: Requester, digest: str) -> Recipient:
        now = self._now()
        approval, verification = self._granted(reg.member_no, requester, reg)
        status = policy.status_when_in(approval, verification)
        self.db.execute(
            "UPDATE sms_recipients SET name = ?, role = ?, phone = ?, verification = ?, approved_by = ?,"
            " status = ?, consent_at = ?, consent_version = ?, chat_id = ?, updated_at = ?, requested_at = ?,"
            " approved_at = ?, erased_at = NULL WHERE id = ?",
            [reg.name, reg.role, reg.phone, verification, approval, status, now, reg.consent_version,
             requester.chat_id, now, now if status == "pending" else None, now if approval else None, rid],
        )
        self.audit(requester, "reregister", reg.member_no, rid, digest,
                   f"role={reg.role} verification={verification} approval={approval or '-'}"
                   f" status={status} consent={reg.consent_version}")
        return self._one(rid)

    def _one(self, rid: int) -> Recipient:
        return recipient_of(self._rows(_RECIPIENT_SQL + " WHERE r.id = ?", [rid])[0])

    def grant(self, rid: int, requester: Requester, *, approval: Approval | None = None,
              verification: Verification | None = None) -> Recipient:
        """Record the company's approval and/or the number's proof for a pending request; it
        becomes active once nothing is missing."""
        with transaction(self.db):
            found = self._rows(_RECIPIENT_SQL + " WHERE r.id = ? AND r.status = 'pending'", [rid])
            if not found:
                raise RegistryError("승인을 기다리는 요청이 아닙니다.")
            row = found[0]
            new_approval = row["approved_by"] or approval
            new_verification = verification if verification and row["verification"] == "typed" else row["verification"]
            status = policy.status_when_in(new_approval, new_verification)
            now = self._now()
            self.db.execute(
                "UPDATE sms_recipients SET approved_by = ?, verification = ?, status = ?, updated_at = ?,"
                " approved_at = coalesce(approved_at, ?), requested_at = CASE WHEN ? = 'pending' THEN requested_at END"
                " WHERE id = ?",
                [new_approval, new_verification, status, now, now if new_approval else None, status, rid],
            )
            what = " ".join(part for part in (f"approval={approval}" if approval and not row["approved_by"] else "",
                                              f"verification={verification}" if new_verification != row["verification"]
                                              else "") if part)
            self.audit(requester, "approve" if status == "active" else "grant", row["member_no"], rid,
                       row["phone_hash"], f"{what} status={status}".strip())
            return self._one(rid)

    def withdraw(self, rid: int, requester: Requester, action: str) -> Recipient | None:
        """A pending request refused ("reject") or left unapproved too long ("expire"): the row
        and its personal data are deleted, the audit line keeps only the hash."""
        with transaction(self.db):
            found = self._rows(_RECIPIENT_SQL + " WHERE r.id = ? AND r.status = 'pending'", [rid])
            if not found:
                return None
            self.db.execute("DELETE FROM sms_recipients WHERE id = ?", [rid])
            self.audit(requester, action, found[0]["member_no"], rid, found[0]["phone_hash"])
        return recipient_of(found[0])

    def opt_out(self, phone: str, requester: Requester, member_no: str | None = None) -> Change:
        """Stop notices to this number (for the members the requester may act for)."""
        return self._change(phone, requester, member_no, "opt_out")

    def opt_in(self, phone: str, requester: Requester, member_no: str | None = None) -> Change:
        """Send notices to this number again; an erased staff entry needs a new registration."""
        return self._change(phone, requester, member_no, "opt_in")

    def erase(self, phone: str, requester: Requester, member_no: str | None = None) -> Change:
        """Forget name, number and chat; keep the hash and the opt-out so no notice goes out."""
        return self._change(phone, requester, member_no, "erase")

    def _change(self, phone: str, requester: Requester, member_no: str | None, action: str) -> Change:
        digest = self.ref(phone)
        with transaction(self.db):
            targets = self.targets(phone, requester, member_no)
            result = Change(before=targets)
            for target in targets:
                if is_already(action, target):
                    result.unchanged.append(target)
                elif action == "opt_in" and target.erased and not self.is_ceo(target.member_no, phone):
                    result.needs_registration.append(target)
                else:
                    result.changed.append(self._apply(action, target, phone, digest, requester))
        if action == "erase" and result.changed:
            scrub(self.db)
        return result

    def _apply(self, action: str, target: Recipient, phone: str, digest: str, requester: Requester) -> Recipient:
        """One entry's opt-out, opt-in or erasure, with its audit line; returns the new state."""
        rid = target.recipient_id
        if rid is None:
            rid = self._insert_ceo(target, digest, requester)
        now = self._now()
        if action == "opt_out":
            # Decided by the owner, the CEO or staff, the opt-out is final for the chat that
            # typed the number in: it loses the entry and cannot bring it back.
            detach = requester.chat_id is None or self._chat_of(rid) != requester.chat_id
            self.db.execute("UPDATE sms_recipients SET status = 'opted_out', requested_at = NULL, updated_at = ?,"
                            " chat_id = CASE WHEN ? THEN NULL ELSE chat_id END WHERE id = ?", [now, detach, rid])
        elif action == "erase":
            self._erase_row(rid)
        elif target.erased:
            # Only the CEO's number comes back without a new registration: the member list holds it.
            member = self.get_member(target.member_no)
            assert member is not None  # _change checked it
            self.db.execute(
                "UPDATE sms_recipients SET name = ?, phone = ?, status = 'active', verification = 'member_list',"
                " approved_by = 'member_list', updated_at = ?, erased_at = NULL WHERE id = ?",
                [member.ceo_name, phone, now, rid],
            )
        else:
            row = self._rows("SELECT approved_by, verification FROM sms_recipients WHERE id = ?", [rid])[0]
            status = policy.status_when_in(row["approved_by"], row["verification"])
            self.db.execute("UPDATE sms_recipients SET status = ?, updated_at = ?,"
                            " requested_at = CASE WHEN ? = 'pending' THEN ? END WHERE id = ?",
                            [status, now, status, now, rid])
        self.audit(requester, action, target.member_no, rid, digest)
        return self._one(rid)

    def _chat_of(self, rid: int) -> str | None:
        row = self.db.execute("SELECT chat_id FROM sms_recipients WHERE id = ?", [rid]).fetchone()
        return None if row is None else row[0]

    def _erase_row(self, rid: int) -> None:
        self.db.execute(
            "UPDATE sms_recipients SET name = NULL, phone = NULL, chat_id = NULL, consent_at = NULL,"
            " consent_version = NULL, status = 'opted_out', requested_at = NULL, updated_at = ?, erased_at = ?"
            " WHERE id = ?",
            [self._now(), self._now(), rid],
        )

    def _insert_ceo(self, target: Recipient, digest: str, requester: Requester) -> int:
        """A CEO-by-default number gets a row of its own the first time someone changes it."""
        now = self._now()
        cursor = self.db.execute(
            "INSERT INTO sms_recipients (member_no, name, role, phone, phone_hash, verification, approved_by,"
            " status, created_at, updated_at, approved_at)"
            " VALUES (?, ?, '대표이사', ?, ?, 'member_list', 'member_list', 'active', ?, ?, ?)",
            [target.member_no, target.name, target.phone, digest, now, now, now],
        )
        rid = int(cursor.lastrowid or 0)
        self.audit(requester, "ceo_row", target.member_no, rid, digest)
        return rid
