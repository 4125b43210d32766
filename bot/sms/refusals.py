"""What a restore must not undo: the numbers the register holds as opted out (수신거부) or erased.
An archive is older than the register it replaces, so `bot restore` reads these from the
replaced register and carries them into the restored one: a restore never brings back a number
someone asked us to stop texting or to erase. Rows are matched by keyed hash, so both registers
must share the key; `key_check` tells which key a register was made with."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from bot.storage import transaction

ACTOR = "restore"
_ERASE = ("UPDATE sms_recipients SET name = NULL, phone = NULL, chat_id = NULL, consent_at = NULL,"
          " consent_version = NULL, status = 'opted_out', updated_at = ?, erased_at = ? WHERE id = ?")
_OPT_OUT = "UPDATE sms_recipients SET status = 'opted_out', updated_at = ? WHERE id = ?"


@dataclass(frozen=True)
class Refusals:
    recipients: list[dict[str, Any]]  # sms_recipients rows opted out, erased ones included
    members: dict[str, dict[str, Any]]  # the sms_members rows they belong to
    asked: dict[int, str] = field(default_factory=dict)  # recipient id -> when and by whom (audit)


@dataclass(frozen=True)
class Carried:
    opt_outs: int
    erasures: int


def key_check(db: sqlite_utils.Database) -> str | None:
    """The check value of the key behind this register's hashes (bot.sms.key.fingerprint), as
    recorded when it was first used; None for a register never used."""
    if not _has_table(db, "sms_meta"):
        return None
    row = db.execute("SELECT value FROM sms_meta WHERE key = 'key'").fetchone()
    return str(row[0]) if row else None


def read_refusals(db: sqlite_utils.Database) -> Refusals:
    if not _has_table(db, "sms_recipients"):
        return Refusals([], {})
    recipients = _rows(db, "SELECT * FROM sms_recipients WHERE status = 'opted_out' ORDER BY id")
    members = {m["member_no"]: m for m in _rows(
        db, "SELECT * FROM sms_members WHERE member_no IN"
            " (SELECT member_no FROM sms_recipients WHERE status = 'opted_out')")}
    asked = {int(r["recipient_id"]): f"{r['action']} at {r['at']} by {r['actor']}" for r in _rows(
        db, "SELECT recipient_id, action, at, actor FROM sms_audit"
            " WHERE action IN ('opt_out', 'erase') AND recipient_id IS NOT NULL ORDER BY id")}
    return Refusals(recipients, members, asked)


def carry_refusals(db: sqlite_utils.Database, refusals: Refusals, *, note: str, now: str) -> Carried:
    """Apply the replaced register's refusals to db (already on this version's schema), with an
    audit line for each number changed and one for the restore itself (`note` says from what)."""
    opt_outs = erasures = 0
    with transaction(db):
        for row in refusals.recipients:
            erased = row["erased_at"] is not None
            held = _rows(db, "SELECT id, status, erased_at FROM sms_recipients WHERE member_no = ? AND phone_hash = ?",
                         [row["member_no"], row["phone_hash"]])
            if not held:
                if not _rows(db, "SELECT 1 FROM sms_members WHERE member_no = ?", [row["member_no"]]):
                    _insert(db, "sms_members", refusals.members[row["member_no"]])
                rid = _insert(db, "sms_recipients", {k: v for k, v in row.items() if k != "id"})
            elif erased and held[0]["erased_at"] is None:
                rid = held[0]["id"]
                db.execute(_ERASE, [row["updated_at"], row["erased_at"], rid])
            elif held[0]["status"] != "opted_out":
                rid = held[0]["id"]
                db.execute(_OPT_OUT, [row["updated_at"], rid])
            else:
                continue
            _audit(db, now, "erase" if erased else "opt_out", row["member_no"], rid, row["phone_hash"],
                   f"carried over from the register the restore replaced ({refusals.asked.get(row['id'], 'not in its audit log')})")
            if erased:
                erasures += 1
            else:
                opt_outs += 1
        _audit(db, now, "restore", None, None, None, f"{note} opt_outs={opt_outs} erasures={erasures}")
    return Carried(opt_outs, erasures)


def _audit(db: sqlite_utils.Database, now: str, action: str, member_no: str | None, rid: int | None,
           phone_ref: str | None, detail: str) -> None:
    db.execute("INSERT INTO sms_audit (at, actor, action, member_no, recipient_id, phone_ref, detail)"
               " VALUES (?, ?, ?, ?, ?, ?, ?)", [now, ACTOR, action, member_no, rid, phone_ref, detail])


def _insert(db: sqlite_utils.Database, table: str, row: dict[str, Any]) -> int:
    """Insert the columns of row that table has (the two registers share a schema version)."""
    columns = [c for c in _columns(db, table) if c in row]
    cursor = db.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                        [row[c] for c in columns])
    return int(cursor.lastrowid or 0)


def _columns(db: sqlite_utils.Database, table: str) -> list[str]:
    return [str(r[1]) for r in db.execute(f"PRAGMA table_info({table})").fetchall()]


def _has_table(db: sqlite_utils.Database, table: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone() is not None


def _rows(db: sqlite_utils.Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    cursor = db.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
