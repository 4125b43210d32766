"""What every reply was, counted per day: its kind, the entry it was about and what the member
did (typed, pressed, voted). No text, no chat, no time of day: enough for the weekly picture,
nothing that leads back to a member."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import sqlite_utils

from bot.storage import migrate, transaction


def _create(db: sqlite_utils.Database) -> None:
    db.execute(
        "CREATE TABLE reply_outcomes (day TEXT NOT NULL, kind TEXT NOT NULL, entry_id TEXT NOT NULL DEFAULT '',"
        " via TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (day, kind, entry_id, via))"
    )


SCHEMA = [_create]


class OutcomeStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        migrate(db, "outcomes", SCHEMA)

    def count(self, day: dt.date, kind: str, entry_id: str | None, via: str) -> None:
        """One more reply of `kind` (or vote "up"/"down") about `entry_id`, to an event `via`."""
        with transaction(self.db):
            self.db.execute(
                "INSERT INTO reply_outcomes (day, kind, entry_id, via, count) VALUES (?, ?, ?, ?, 1)"
                " ON CONFLICT (day, kind, entry_id, via) DO UPDATE SET count = count + 1",
                [day.isoformat(), kind, entry_id or "", via])

    def per_day(self, start: dt.date, end: dt.date) -> Counter[tuple[str, str, str]]:
        """(day, kind, via) -> replies, for the days start..end."""
        rows = self.db.execute(
            "SELECT day, kind, via, SUM(count) FROM reply_outcomes WHERE day BETWEEN ? AND ? GROUP BY day, kind, via",
            [start.isoformat(), end.isoformat()]).fetchall()
        return Counter({(str(d), str(k), str(v)): int(n) for d, k, v, n in rows})
