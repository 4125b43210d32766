"""One-time codes: to the CEO on file (the company approves a request) or to a typed number (its
holder proves it). A code is stored only as a keyed hash, belongs to the chat that asked for it
(no other chat can use it), lives policy.CODE_TTL and is deleted once used."""

from __future__ import annotations

import datetime as dt
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import sqlite_utils

from bot.sms import policy
from bot.sms.key import keyed_hash
from bot.storage import transaction

Purpose = Literal["approve", "verify"]
# "123456", "123 456", "코드 123456", "인증번호는 123-456입니다": the digits, when they are exactly a code.
_TYPED_CODE = re.compile(r"^\D{0,12}?(\d{3})[\s\-]?(\d{3})\D{0,8}$")


@dataclass(frozen=True)
class CodeMatch:
    code_id: int
    recipient_id: int
    purpose: Purpose


def typed_code(text: str) -> str | None:
    """The six digits of a message that is a code, or None."""
    match = _TYPED_CODE.match(text.strip())
    return match.group(1) + match.group(2) if match else None


class Codes:
    def __init__(self, db: sqlite_utils.Database, key: bytes, clock: Callable[[], dt.datetime]) -> None:
        self.db, self.key, self.clock = db, key, clock

    def _hash(self, recipient_id: int, purpose: str, code: str) -> str:
        return keyed_hash(self.key, f"sms-code:{recipient_id}:{purpose}:{code}")

    def issue(self, recipient_id: int, purpose: Purpose, chat_id: str) -> tuple[int, str]:
        """A new code for this request (replacing an earlier one): its row id and the code, which
        goes into the outbox and nowhere else."""
        code = f"{secrets.randbelow(10 ** policy.CODE_DIGITS):0{policy.CODE_DIGITS}d}"
        now = self.clock()
        with transaction(self.db):
            self.db.execute("DELETE FROM sms_codes WHERE recipient_id = ? AND purpose = ?", [recipient_id, purpose])
            cursor = self.db.execute(
                "INSERT INTO sms_codes (recipient_id, purpose, chat_id, code_hash, created_at, expires_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [recipient_id, purpose, chat_id, self._hash(recipient_id, purpose, code),
                 now.isoformat(timespec="seconds"), (now + policy.CODE_TTL).isoformat(timespec="seconds")],
            )
        return int(cursor.lastrowid or 0), code

    def match(self, chat_id: str, code: str) -> list[CodeMatch]:
        """This chat's live codes that `code` is."""
        now = self.clock().isoformat(timespec="seconds")
        rows = self.db.execute(
            "SELECT id, recipient_id, purpose, code_hash FROM sms_codes WHERE chat_id = ? AND expires_at > ?"
            " ORDER BY id", [chat_id, now]).fetchall()
        return [CodeMatch(int(i), int(rid), purpose) for i, rid, purpose, digest in rows
                if hmac.compare_digest(digest, self._hash(int(rid), purpose, code))]

    def waiting(self, chat_id: str) -> list[CodeMatch]:
        """The codes this chat may still type back."""
        now = self.clock().isoformat(timespec="seconds")
        rows = self.db.execute("SELECT id, recipient_id, purpose FROM sms_codes WHERE chat_id = ? AND expires_at > ?"
                               " ORDER BY id", [chat_id, now]).fetchall()
        return [CodeMatch(int(i), int(rid), purpose) for i, rid, purpose in rows]

    def used(self, code_id: int) -> None:
        self.db.execute("DELETE FROM sms_codes WHERE id = ?", [code_id])

    def of(self, recipient_id: int, purpose: Purpose) -> list[int]:
        """The ids of a request's live code of one purpose."""
        rows = self.db.execute("SELECT id FROM sms_codes WHERE recipient_id = ? AND purpose = ?",
                               [recipient_id, purpose]).fetchall()
        return [int(i) for (i,) in rows]

    def drop(self, recipient_id: int) -> list[int]:
        """Forget the codes of a request; returns their ids."""
        ids = [int(i) for (i,) in self.db.execute("SELECT id FROM sms_codes WHERE recipient_id = ?",
                                                  [recipient_id]).fetchall()]
        self.db.execute("DELETE FROM sms_codes WHERE recipient_id = ?", [recipient_id])
        return ids

    def expire(self) -> list[int]:
        """Delete codes past their time; returns their ids."""
        now = self.clock().isoformat(timespec="seconds")
        ids = [int(i) for (i,) in self.db.execute("SELECT id FROM sms_codes WHERE expires_at <= ?", [now]).fetchall()]
        self.db.execute("DELETE FROM sms_codes WHERE expires_at <= ?", [now])
        return ids
