"""The outbox: every text message the register needs sent (one-time codes, and the company told
of each approval, opt-out and deletion), waiting for branch staff to hand it to the SMS gateway
(`bot sms outbox --out FILE`). A message is handed over once; after that the outbox keeps only
its kind, member and time, not the number or the text (a code may be in it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import sqlite_utils

from bot.sms.key import keyed_hash
from bot.storage import scrub, transaction

Kind = Literal["approve_code", "verify_code", "registered", "opted_out", "erased"]
# The 종류 column of the gateway file.
KIND_LABELS: dict[str, str] = {
    "approve_code": "승인코드", "verify_code": "번호확인코드", "registered": "등록안내", "opted_out": "수신거부안내",
    "erased": "삭제안내",
}


@dataclass(frozen=True)
class Message:
    message_id: int
    kind: str
    member_no: str
    phone: str
    text: str
    created_at: str

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


class Outbox:
    def __init__(self, db: sqlite_utils.Database, key: bytes, clock: Callable[[], dt.datetime]) -> None:
        self.db, self.key, self.clock = db, key, clock

    def add(self, kind: Kind, member_no: str, phone: str, text: str, code_id: int | None = None) -> None:
        self.db.execute(
            "INSERT INTO sms_outbox (kind, member_no, phone, phone_hash, text, code_id, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [kind, member_no, phone, keyed_hash(self.key, phone), text, code_id,
             self.clock().isoformat(timespec="seconds")],
        )

    def unsent(self) -> list[Message]:
        rows = self.db.execute("SELECT id, kind, member_no, phone, text, created_at FROM sms_outbox"
                               " WHERE exported_at IS NULL ORDER BY id").fetchall()
        return [Message(int(i), kind, member, phone, text, at) for i, kind, member, phone, text, at in rows]

    def hand_over(self, write: Callable[[Sequence[Message]], None]) -> int:
        """Give every unsent message to `write` (the gateway file) and, only once it returned,
        mark them sent and forget their numbers and texts; returns how many."""
        with transaction(self.db):
            messages = self.unsent()
            if not messages:
                return 0
            write(messages)
            self.db.conn.executemany(
                "UPDATE sms_outbox SET exported_at = ?, phone = NULL, text = NULL WHERE id = ?",
                [(self.clock().isoformat(timespec="seconds"), m.message_id) for m in messages],
            )
        scrub(self.db)
        return len(messages)

    def sent_since(self, kind: Kind, since: dt.datetime, *, member_no: str | None = None,
                   phone: str | None = None) -> int:
        """Messages of `kind` queued since `since` (handed over or not), to a member or a number."""
        where, params = ["kind = ?", "created_at > ?"], [kind, since.isoformat(timespec="seconds")]
        if member_no is not None:
            where.append("member_no = ?")
            params.append(member_no)
        if phone is not None:
            where.append("phone_hash = ?")
            params.append(keyed_hash(self.key, phone))
        row = self.db.execute(f"SELECT count(*) FROM sms_outbox WHERE {' AND '.join(where)}", params).fetchone()
        return int(row[0])

    def withdraw_codes(self, code_ids: Sequence[int]) -> int:
        """Unsent code messages whose code is gone (used, expired, its request withdrawn)."""
        if not code_ids:
            return 0
        marks = ",".join("?" * len(code_ids))
        cursor = self.db.execute(f"DELETE FROM sms_outbox WHERE exported_at IS NULL AND code_id IN ({marks})",
                                 list(code_ids))
        return int(cursor.rowcount or 0)
