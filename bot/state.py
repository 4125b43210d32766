"""Per-chat conversation state, kept in BOT_DB so a restart does not lose a half-finished
conversation."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from bot.storage import migrate, transaction


def _create(db: sqlite_utils.Database) -> None:
    db["conversations"].create(  # type: ignore[union-attr]
        {"chat_id": str, "state": str, "updated_at": str}, pk="chat_id"
    )


class StateStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        migrate(db, "conversations", [_create])

    def load(self, chat_id: str) -> dict[str, Any]:
        row = self.db.execute("SELECT state FROM conversations WHERE chat_id = ?", [chat_id]).fetchone()
        if not row:
            return {}
        try:
            value = json.loads(row[0])
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def save(self, chat_id: str, state: dict[str, Any]) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with transaction(self.db):
            if state:
                self.db.execute(
                    "INSERT INTO conversations (chat_id, state, updated_at) VALUES (?, ?, ?)"
                    " ON CONFLICT(chat_id) DO UPDATE SET state = excluded.state,"
                    " updated_at = excluded.updated_at",
                    [chat_id, json.dumps(state, ensure_ascii=False), now],
                )
            else:
                self.db.execute("DELETE FROM conversations WHERE chat_id = ?", [chat_id])
