"""SMS recipient store (BOT_DB): imported members, the recipients of guarantee-release notices
and an audit log of every change.

A member's CEO receives notices by default, straight from the member row; a recipients row for
the same number (an opt-out, an erasure, or the CEO registering in chat) overrides that
default. Numbers are held in clear only where a notice may be sent to them; erased entries and
the audit log keep a keyed hash instead. Every change runs in one immediate transaction
together with its audit line, so the two always agree."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import Any

import sqlite_utils

from bot.sms.key import fingerprint, keyed_hash, load_key, new_key
from bot.sms.model import (
    ROLES,
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
from bot.storage import migrate, transaction

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
__all__ = ["ROLES", "Change", "ImportCounts", "Member", "Outcome", "Recipient", "Registration", "Registry",
           "RegistryError", "Requester", "Role", "Verification", "is_already"]


class RegistryError(RuntimeError):
    """The store cannot do what was asked; str() says why, in Korean."""


def _schema_v1(db: sqlite_utils.Database) -> None:
    db.execute(
        "CREATE TABLE sms_members ("
        " member_no TEXT PRIMARY KEY, brn TEXT NOT NULL UNIQUE, company TEXT NOT NULL,"
        " ceo_name TEXT NOT NULL, ceo_mobile TEXT NOT NULL, ceo_hash TEXT NOT NULL,"
        " branch TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX sms_members_ceo_hash ON sms_members (ceo_hash)")
    db.execute(
        "CREATE TABLE sms_recipients ("
        " id INTEGER PRIMARY KEY,"
        " member_no TEXT NOT NULL REFERENCES sms_members (member_no),"
        " name TEXT, role TEXT NOT NULL CHECK (role IN ('대표이사', '담당자')),"
        " phone TEXT, phone_hash TEXT NOT NULL,"
        " verification TEXT NOT NULL CHECK (verification IN ('contact', 'typed', 'member_list', 'staff')),"
        " status TEXT NOT NULL CHECK (status IN ('active', 'opted_out')),"
        " consent_at TEXT, consent_version TEXT, chat_id TEXT,"
        " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, erased_at TEXT,"
        " UNIQUE (member_no, phone_hash),"
        " CHECK (erased_at IS NOT NULL OR phone IS NOT NULL),"
        # An erased entry keeps only what honours the opt-out: member, hash, status.
        " CHECK (erased_at IS NULL OR (phone IS NULL AND name IS NULL AND chat_id IS NULL"
        "        AND consent_at IS NULL AND status = 'opted_out')))"
    )
    db.execute("CREATE INDEX sms_recipients_hash ON sms_recipients (phone_hash)")
    db.execute(
        "CREATE TABLE sms_audit ("
        " id INTEGER PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,"
        " member_no TEXT, recipient_id INTEGER, phone_ref TEXT, detail TEXT NOT NULL DEFAULT '')"
    )
    db.execute("CREATE TABLE sms_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


SCHEMA = [_schema_v1]


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
        self.key = key if key is not None else load_key(db) or self._memory_key()
        self._check_key()

    def _memory_key(self) -> bytes:
        """An in-memory database keeps its key inside, so every Registry on it agrees."""
        with transaction(self.db):
            self.db.execute("INSERT OR IGNORE INTO sms_meta (key, value) VALUES ('memory_key', ?)",
                            [new_key().decode("ascii")])
            row = self.db.execute("SELECT value FROM sms_meta WHERE key = 'memory_key'").fetchone()
        return str(row[0]).encode("ascii")

    def _check_key(self) -> None:
        """Refuse a key other than the one this database was first used with."""
        # With another key, opt-outs would stop matching and opted-out numbers get notices again.
        mine = fingerprint(self.key)
        with transaction(self.db):
            row = self.db.execute("SELECT value FROM sms_meta WHERE key = 'key'").fetchone()
            if row is None:
                self.db.execute("INSERT INTO sms_meta (key, value) VALUES ('key', ?)", [mine])
            elif row[0] != mine:
                raise RegistryError(
                    "문자 수신자 저장소의 키가 데이터베이스와 맞지 않습니다. 데이터베이스와 함께 보관한"
                    " 키 파일(.sms-key) 또는 BOT_SMS_KEY를 확인해 주세요."
                )

    # -- small helpers ---------------------------------------------------------------------

    def ref(self, phone: str) -> str:
        """The keyed hash standing for a number where the number itself is not kept."""
        return keyed_hash(self.key, phone)

    def _now(self) -> str:
        return self.clock().astimezone(dt.UTC).isoformat(timespec="seconds")

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.db.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def _audit(self, requester: Requester | str, action: str, member_no: str | None,
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

    def _allowed(self, requester: Requester, row_chat: str | None, row_hash: str) -> bool:
        """Staff, the proven owner of the number, or the chat that registered it."""
        if requester.staff:
            return True
        if requester.proven_phone is not None and self.ref(requester.proven_phone) == row_hash:
            return True
        return row_chat is not None and row_chat == requester.chat_id

    # -- members ---------------------------------------------------------------------------

    def member_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM sms_members").fetchone()[0])

    def get_member(self, member_no: str) -> Member | None:
        rows = self._rows("SELECT * FROM sms_members WHERE member_no = ?", [member_no])
        return _member(rows[0]) if rows else None

    def member_by_brn(self, brn: str) -> Member | None:
        rows = self._rows("SELECT * FROM sms_members WHERE brn = ?", [brn])
        return _member(rows[0]) if rows else None

    def members(self) -> list[Member]:
        return [_member(r) for r in self._rows("SELECT * FROM sms_members ORDER BY member_no")]

    def import_members(self, members: Sequence[Member], actor: str = "staff") -> ImportCounts:
        """Add new members and update changed ones, all in one transaction."""
        added = updated = 0
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
                    self._audit(actor, "member_add", m.member_no, None, None)
                else:
                    self.db.execute(
                        "UPDATE sms_members SET brn = ?, company = ?, ceo_name = ?, ceo_mobile = ?,"
                        " ceo_hash = ?, branch = ?, updated_at = ? WHERE member_no = ?",
                        [*values, now, m.member_no],
                    )
                    updated += 1
                    self._audit(actor, "member_update", m.member_no, None, None,
                                "fields=" + ",".join(_changed_fields(old, m)))
        return ImportCounts(added, updated, len(members) - added - updated)

    # -- reading recipients ----------------------------------------------------------------

    def targets(self, phone: str, requester: Requester, member_no: str | None = None) -> list[Recipient]:
        """The recipients with this number that the requester may act on, and nothing else."""
        # Nothing beyond that is read, so a refusal reads the same whether or not it is held.
        digest = self.ref(phone)
        rows = self._rows(_RECIPIENT_SQL + " WHERE r.phone_hash = ? ORDER BY r.member_no, r.id", [digest])
        entries = [_recipient(r) for r in rows if self._allowed(requester, r["chat_id"], digest)]
        if requester.staff or (requester.proven_phone is not None and self.ref(requester.proven_phone) == digest):
            ceos = self._rows(_CEO_DEFAULT_SQL + " AND m.ceo_hash = ? ORDER BY m.member_no", [digest])
            entries += [_ceo_recipient(r) for r in ceos]
        if member_no is not None:
            entries = [e for e in entries if e.member_no == member_no]
        return sorted(entries, key=lambda e: (e.member_no, e.recipient_id or 0))

    def recipients_of_chat(self, chat_id: str) -> list[Recipient]:
        """Numbers this chat registered and may still manage."""
        rows = self._rows(_RECIPIENT_SQL + " WHERE r.chat_id = ? ORDER BY r.member_no, r.id", [chat_id])
        return [_recipient(r) for r in rows]

    def recipient(self, recipient_id: int) -> tuple[Recipient, str | None] | None:
        """One stored recipient and the chat that registered it."""
        rows = self._rows(_RECIPIENT_SQL + " WHERE r.id = ?", [recipient_id])
        return (_recipient(rows[0]), rows[0]["chat_id"]) if rows else None

    def list_recipients(self, member_no: str | None = None, *, include_inactive: bool = False) -> list[Recipient]:
        """Every recipient (stored and CEO by default) for staff lists, active ones unless asked."""
        where, params = (" WHERE r.member_no = ?", [member_no]) if member_no else ("", [])
        stored = [_recipient(r) for r in self._rows(_RECIPIENT_SQL + where, params)]
        ceo_where = " AND m.member_no = ?" if member_no else ""
        ceos = [_ceo_recipient(r) for r in self._rows(_CEO_DEFAULT_SQL + ceo_where, params)]
        entries = [e for e in stored + ceos if include_inactive or e.active]
        return sorted(entries, key=_list_order)

    def active_recipients(self, member_no: str | None = None) -> list[Recipient]:
        """Who gets a notice: CEOs by default and registered staff, never an opted-out number."""
        return self.list_recipients(member_no)

    def audit_log(self) -> list[dict[str, Any]]:
        return self._rows("SELECT * FROM sms_audit ORDER BY id")

    # -- changes ---------------------------------------------------------------------------

    def preview(self, member_no: str, phone: str, requester: Requester) -> Outcome:
        """What registering this number would do, without storing anything."""
        # Asked before the consent text, so a number already held is not asked for consent again.
        return self._decide(member_no, phone, requester)[0]

    def register(self, reg: Registration, requester: Requester) -> tuple[Outcome, Recipient | None]:
        """Store a consented recipient; the same number for the same member changes nothing."""
        # An opted-out or erased number comes back only for its owner or the chat that added it.
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
            return ("unchanged", _ceo_recipient_of(member)) if proven else ("held", None)
        row = rows[0]
        if not self._allowed(requester, row["chat_id"], digest):
            return "held", None
        return ("unchanged" if row["status"] == "active" else "reactivated"), _recipient(row)

    def _insert(self, reg: Registration, requester: Requester, digest: str) -> Recipient:
        now = self._now()
        cursor = self.db.execute(
            "INSERT INTO sms_recipients (member_no, name, role, phone, phone_hash, verification, status,"
            " consent_at, consent_version, chat_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?, ?, ?)",
            [reg.member_no, reg.name, reg.role, reg.phone, digest, reg.verification, now,
             reg.consent_version, requester.chat_id, now, now],
        )
        rid = int(cursor.lastrowid or 0)
        self._audit(requester, "register", reg.member_no, rid, digest,
                    f"role={reg.role} verification={reg.verification} consent={reg.consent_version}")
        return self._one(rid)

    def _reactivate(self, rid: int, reg: Registration, requester: Requester, digest: str) -> Recipient:
        now = self._now()
        self.db.execute(
            "UPDATE sms_recipients SET name = ?, role = ?, phone = ?, verification = ?, status = 'active',"
            " consent_at = ?, consent_version = ?, chat_id = ?, updated_at = ?, erased_at = NULL"
            " WHERE id = ?",
            [reg.name, reg.role, reg.phone, reg.verification, now, reg.consent_version,
             requester.chat_id, now, rid],
        )
        self._audit(requester, "reregister", reg.member_no, rid, digest,
                    f"role={reg.role} verification={reg.verification} consent={reg.consent_version}")
        return self._one(rid)

    def _one(self, rid: int) -> Recipient:
        return _recipient(self._rows(_RECIPIENT_SQL + " WHERE r.id = ?", [rid])[0])

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
        result = Change()
        digest = self.ref(phone)
        with transaction(self.db):
            for target in self.targets(phone, requester, member_no):
                if is_already(action, target):
                    result.unchanged.append(target)
                elif action == "opt_in" and target.erased and not self._is_ceo(target.member_no, phone):
                    result.needs_registration.append(target)
                else:
                    result.changed.append(self._apply(action, target, phone, digest, requester))
        return result

    def _is_ceo(self, member_no: str, phone: str) -> bool:
        member = self.get_member(member_no)
        return member is not None and member.ceo_mobile == phone

    def _apply(self, action: str, target: Recipient, phone: str, digest: str, requester: Requester) -> Recipient:
        """One entry's opt-out, opt-in or erasure, with its audit line; returns the new state."""
        rid = target.recipient_id
        if rid is None:
            rid = self._insert_ceo(target, digest, requester)
        now = self._now()
        if action == "opt_out":
            self.db.execute("UPDATE sms_recipients SET status = 'opted_out', updated_at = ? WHERE id = ?",
                            [now, rid])
        elif action == "erase":
            self.db.execute(
                "UPDATE sms_recipients SET name = NULL, phone = NULL, chat_id = NULL, consent_at = NULL,"
                " consent_version = NULL, status = 'opted_out', updated_at = ?, erased_at = ? WHERE id = ?",
                [now, now, rid],
            )
        elif target.erased:
            # Only the CEO's number comes back without a new registration: the member list holds it.
            member = self.get_member(target.member_no)
            assert member is not None  # _change checked it
            self.db.execute(
                "UPDATE sms_recipients SET name = ?, phone = ?, status = 'active', updated_at = ?,"
                " erased_at = NULL WHERE id = ?",
                [member.ceo_name, phone, now, rid],
            )
        else:
            self.db.execute("UPDATE sms_recipients SET status = 'active', updated_at = ? WHERE id = ?",
                            [now, rid])
        self._audit(requester, action, target.member_no, rid, digest)
        return self._one(rid)

    def _insert_ceo(self, target: Recipient, digest: str, requester: Requester) -> int:
        """A CEO-by-default number gets a row of its own the first time someone changes it."""
        now = self._now()
        cursor = self.db.execute(
            "INSERT INTO sms_recipients (member_no, name, role, phone, phone_hash, verification, status,"
            " created_at, updated_at) VALUES (?, ?, '대표이사', ?, ?, 'member_list', 'active', ?, ?)",
            [target.member_no, target.name, target.phone, digest, now, now],
        )
        rid = int(cursor.lastrowid or 0)
        self._audit(requester, "ceo_row", target.member_no, rid, digest)
        return rid


def _member(row: dict[str, Any]) -> Member:
    return Member(row["member_no"], row["brn"], row["company"], row["ceo_name"], row["ceo_mobile"],
                  row["branch"])


def _recipient(row: dict[str, Any]) -> Recipient:
    return Recipient(
        member_no=row["member_no"], company=row["company"], recipient_id=row["id"], name=row["name"],
        role=row["role"], phone=row["phone"], verification=row["verification"], status=row["status"],
        consent_at=row["consent_at"], consent_version=row["consent_version"],
        erased=row["erased_at"] is not None,
    )


def _ceo_recipient(row: dict[str, Any]) -> Recipient:
    return _ceo_recipient_of(_member(row))


def _ceo_recipient_of(member: Member) -> Recipient:
    return Recipient(member.member_no, member.company, None, member.ceo_name, "대표이사", member.ceo_mobile,
                 "member_list", "active")


def _list_order(entry: Recipient) -> tuple[str, int, int]:
    return entry.member_no, ROLES.index(entry.role) if entry.role in ROLES else 9, entry.recipient_id or 0


def _changed_fields(old: Member, new: Member) -> list[str]:
    names = ["brn", "company", "ceo_name", "ceo_mobile", "branch"]
    return [n for n in names if getattr(old, n) != getattr(new, n)]
