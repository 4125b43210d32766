"""Per-chat conversation state, kept in BOT_DB so a restart does not lose a half-finished
conversation."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from bot.korean.clock import Clock
from bot.korean.phones import redact
from bot.storage import migrate, scrub, transaction


def _create(db: sqlite_utils.Database) -> None:
    db["conversations"].create(  # type: ignore[union-attr]
        {"chat_id": str, "state": str, "updated_at": str}, pk="chat_id"
    )


SCHEMA = [_create]


# A conversation left half-way for this long is forgotten: its scratch data may hold a name or
# a phone number typed before consent, which must not stay behind indefinitely.
FLOW_TTL = dt.timedelta(hours=24)
# Kept beside the flow for feedback and follow-ups: the member's last question, which is free
# text and so is stored with phone numbers masked.
FREE_TEXT_KEYS = ("last_question",)


class StateStore:
    def __init__(self, db: sqlite_utils.Database, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or Clock()
        migrate(db, "conversations", SCHEMA)

    def load(self, chat_id: str, *, now: dt.datetime | None = None) -> dict[str, Any]:
        row = self.db.execute(
            "SELECT state, updated_at FROM conversations WHERE chat_id = ?", [chat_id]
        ).fetchone()
        if not row:
            return {}
        try:
            value = json.loads(row[0])
        except ValueError:
            return {}
        if not isinstance(value, dict):
            return {}
        if _stale(row[1], now or self.clock.now()):
            value.pop("flow", None)
            value.pop("data", None)
        return value

    def purge_stale(self, *, now: dt.datetime | None = None) -> int:
        """Forget every abandoned conversation (and scrub it from the file); returns how many
        were dropped."""
        cutoff = ((now or self.clock.now()) - FLOW_TTL).isoformat(timespec="seconds")
        with transaction(self.db):
            cursor = self.db.execute("DELETE FROM conversations WHERE updated_at < ?", [cutoff])
        dropped = int(cursor.rowcount or 0)
        if dropped:
            scrub(self.db)
        return dropped

    def save(self, chat_id: str, state: dict[str, Any]) -> None:
        now = self.clock.now().isoformat(timespec="seconds")
        kept = {k: redact(v) if k in FREE_TEXT_KEYS and isinstance(v, str) else v for k, v in state.items()}
        with transaction(self.db):
            if kept:
                self.db.execute(
                    "INSERT INTO conversations (chat_id, state, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT(chat_id) DO UPDATE SET state = excluded.state,"
                    " updated_at = excluded.updated_at",
                    [chat_id, json.dumps(kept, ensure_ascii=False), now],
                )
            else:
                self.db.execute("DELETE FROM conversations WHERE chat_id = ?", [chat_id])

    def scrub(self) -> bool:
        """Fold the write-ahead log back into the file: a finished flow's scratch data (a name,
        a number typed before consent) then survives in neither."""
        return scrub(self.db)


def _stale(updated_at: str | None, now: dt.datetime) -> bool:
    try:
        when = dt.datetime.fromisoformat(str(updated_at))
    except ValueError:
        return True
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return now - when > FLOW_TTL
