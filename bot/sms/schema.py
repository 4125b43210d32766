"""The SMS store's tables, as append-only migration steps (bot.storage.migrate): version 1 held
members, recipients and the audit log; version 2 makes recipients wait for the company's
approval and a proven number, and adds one-time codes, the outbox and throttling records."""

from __future__ import annotations

import datetime as dt

import sqlite_utils


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


_RECIPIENTS_V2 = (
    "CREATE TABLE sms_recipients ("
    " id INTEGER PRIMARY KEY,"
    " member_no TEXT NOT NULL REFERENCES sms_members (member_no),"
    " name TEXT, role TEXT NOT NULL CHECK (role IN ('대표이사', '담당자')),"
    " phone TEXT, phone_hash TEXT NOT NULL,"
    " verification TEXT NOT NULL CHECK (verification IN ('contact', 'typed', 'code', 'member_list', 'staff')),"
    " approved_by TEXT CHECK (approved_by IN ('ceo', 'code', 'staff', 'member_list')),"
    " status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'opted_out')),"
    " consent_at TEXT, consent_version TEXT, chat_id TEXT,"
    " created_at TEXT NOT NULL, updated_at TEXT NOT NULL, requested_at TEXT, approved_at TEXT, erased_at TEXT,"
    " UNIQUE (member_no, phone_hash),"
    " CHECK (erased_at IS NOT NULL OR phone IS NOT NULL),"
    " CHECK (erased_at IS NULL OR (phone IS NULL AND name IS NULL AND chat_id IS NULL"
    "        AND consent_at IS NULL AND status = 'opted_out')),"
    # Notices go only to a number the company approved and its holder proved.
    " CHECK (status <> 'active' OR (approved_by IS NOT NULL AND verification <> 'typed')),"
    " CHECK (status <> 'pending' OR requested_at IS NOT NULL))"
)


def _schema_v2(db: sqlite_utils.Database) -> None:
    """Recipients wait for the company's approval and a proven number. Rows stored before that
    rule keep what they had, and those it does not cover (typed numbers, staff the company
    never approved) wait for a branch's approval like any new request, from today."""
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    db.execute(_RECIPIENTS_V2.replace("CREATE TABLE sms_recipients (", "CREATE TABLE sms_recipients_v2 (", 1))
    approval = ("CASE WHEN r.verification IN ('member_list', 'staff') THEN r.verification"
                " WHEN r.verification = 'contact' AND r.phone_hash = m.ceo_hash THEN 'ceo' END")
    db.execute(
        "INSERT INTO sms_recipients_v2 (id, member_no, name, role, phone, phone_hash, verification, approved_by,"
        " status, consent_at, consent_version, chat_id, created_at, updated_at, requested_at, approved_at, erased_at)"
        f" SELECT r.id, r.member_no, r.name, r.role, r.phone, r.phone_hash, r.verification, {approval},"
        f" CASE WHEN r.status = 'active' AND ({approval} IS NULL OR r.verification = 'typed') THEN 'pending'"
        "  ELSE r.status END,"
        " r.consent_at, r.consent_version, r.chat_id, r.created_at, r.updated_at,"
        f" CASE WHEN r.status = 'active' AND ({approval} IS NULL OR r.verification = 'typed') THEN ? END,"
        f" CASE WHEN {approval} IS NOT NULL THEN r.created_at END, r.erased_at"
        " FROM sms_recipients r JOIN sms_members m ON m.member_no = r.member_no",
        [now],
    )
    db.execute(
        "INSERT INTO sms_audit (at, actor, action, member_no, recipient_id, phone_ref, detail)"
        " SELECT ?, 'system', 'await_approval', member_no, id, phone_hash, 'schema v2'"
        " FROM sms_recipients_v2 WHERE status = 'pending'",
        [now],
    )
    db.execute("DROP TABLE sms_recipients")
    db.execute("ALTER TABLE sms_recipients_v2 RENAME TO sms_recipients")
    db.execute("CREATE INDEX sms_recipients_hash ON sms_recipients (phone_hash)")
    db.execute("CREATE INDEX sms_recipients_chat ON sms_recipients (chat_id)")
    db.execute("CREATE INDEX sms_recipients_status ON sms_recipients (status, requested_at)")
    db.execute(
        "CREATE TABLE sms_codes ("
        " id INTEGER PRIMARY KEY, recipient_id INTEGER NOT NULL,"
        " purpose TEXT NOT NULL CHECK (purpose IN ('approve', 'verify')),"
        " chat_id TEXT NOT NULL, code_hash TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL,"
        " UNIQUE (recipient_id, purpose))"
    )
    db.execute("CREATE INDEX sms_codes_chat ON sms_codes (chat_id)")
    db.execute(
        "CREATE TABLE sms_outbox ("
        " id INTEGER PRIMARY KEY, kind TEXT NOT NULL, member_no TEXT NOT NULL,"
        " phone TEXT, phone_hash TEXT NOT NULL, text TEXT, code_id INTEGER,"
        " created_at TEXT NOT NULL, exported_at TEXT,"
        # Once handed to the gateway, a message keeps no number and no text (codes were in it).
        " CHECK (exported_at IS NULL OR (phone IS NULL AND text IS NULL)),"
        " CHECK (exported_at IS NOT NULL OR (phone IS NOT NULL AND text IS NOT NULL)))"
    )
    db.execute("CREATE INDEX sms_outbox_unsent ON sms_outbox (exported_at, id)")
    db.execute(
        "CREATE TABLE sms_attempts ("
        " id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL CHECK (kind IN ('request', 'failed_proof')),"
        # member_refs: keyed hashes of the member numbers the attempt named, space-separated.
        " chat_id TEXT NOT NULL, member_refs TEXT NOT NULL DEFAULT '')"
    )
    db.execute("CREATE INDEX sms_attempts_at ON sms_attempts (kind, at)")


SCHEMA = [_schema_v1, _schema_v2]
