"""Counting what a chat tries: registration requests (capped per day) and failed proofs (a wrong
one-time code; limited per chat and, for chats a member has not trusted, per member). The counts
keep no typed value: a chat id, and a keyed hash of the member number the chat named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Literal

import sqlite_utils

from bot.sms import policy
from bot.sms.key import keyed_hash

Attempt = Literal["request", "failed_proof"]


class Throttle:
    def __init__(self, db: sqlite_utils.Database, key: bytes, clock: Callable[[], dt.datetime]) -> None:
        self.db, self.key, self.clock = db, key, clock

    def member_ref(self, member_key: str) -> str:
        """Stands for a member number (or business number) as typed, existing or not."""
        return keyed_hash(self.key, f"sms-member:{member_key}")

    def record(self, kind: Attempt, chat_id: str, member_refs: Sequence[str] = ()) -> None:
        self.db.execute("INSERT INTO sms_attempts (at, kind, chat_id, member_refs) VALUES (?, ?, ?, ?)",
                        [self.clock().isoformat(timespec="seconds"), kind, chat_id, " ".join(member_refs)])

    def _since(self, window: dt.timedelta) -> str:
        return (self.clock() - window).isoformat(timespec="seconds")

    def by_chat(self, kind: Attempt, chat_id: str, window: dt.timedelta) -> int:
        """Attempts of this chat within the window."""
        row = self.db.execute("SELECT count(*) FROM sms_attempts WHERE kind = ? AND chat_id = ? AND at > ?",
                              [kind, chat_id, self._since(window)]).fetchone()
        return int(row[0])

    def by_member(self, kind: Attempt, member_refs: Sequence[str], window: dt.timedelta) -> int:
        """The most attempts against any one of these members within the window."""
        counts = [int(self.db.execute("SELECT count(*) FROM sms_attempts WHERE kind = ? AND instr(member_refs, ?) > 0"
                                      " AND at > ?", [kind, ref, self._since(window)]).fetchone()[0])
                  for ref in member_refs]
        return max(counts, default=0)

    def proof_locked(self, chat_id: str, member_refs: Sequence[str], *, trusted: bool) -> bool:
        return policy.proof_locked(self.by_chat("failed_proof", chat_id, policy.PROOF_WINDOW),
                                   self.by_member("failed_proof", member_refs, policy.PROOF_WINDOW), trusted=trusted)

    def requests_left(self, chat_id: str, *, ceo: bool) -> int:
        return policy.requests_left(self.by_chat("request", chat_id, policy.REQUEST_WINDOW), ceo=ceo)

    def forget_old(self) -> int:
        cursor = self.db.execute("DELETE FROM sms_attempts WHERE at < ?", [self._since(policy.ATTEMPT_TTL)])
        return int(cursor.rowcount or 0)
