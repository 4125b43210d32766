"""Alternates staff taught from the inbox, kept in the database with who taught them and when;
never written silently into faq.yaml (`bot kb learned --apply` does that, as a reviewed change).

A change counter beside them (faq_changes) goes up with every change, so every process on the
database (a running `bot run`, a `bot inbox teach` on the command line) can tell at the cost of
one read per message whether the alternates it answers with are still the current ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import sqlite_utils

from bot.korean.hangul import squash
from bot.storage import migrate, transaction

Status = Literal["active", "applied", "withdrawn"]


def _create(db: sqlite_utils.Database) -> None:
    db.execute(
        "CREATE TABLE faq_taught (id INTEGER PRIMARY KEY AUTOINCREMENT, entry_id TEXT NOT NULL,"
        " question TEXT NOT NULL, taught_by TEXT NOT NULL, taught_at TEXT NOT NULL,"
        " status TEXT NOT NULL DEFAULT 'active', changed_version INTEGER NOT NULL)"
    )
    db.execute("CREATE INDEX faq_taught_status ON faq_taught (status)")
    db.execute("CREATE TABLE faq_changes (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)")
    db.execute("INSERT INTO faq_changes (id, version) VALUES (1, 0)")


SCHEMA = [_create]


@dataclass(frozen=True)
class Taught:
    id: int
    entry_id: str
    question: str
    taught_by: str  # "telegram:<user id>" or "cli:<login>"
    taught_at: str  # UTC, ISO 8601
    status: Status
    changed_version: int  # the counter's value when its status last changed


class TaughtStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        migrate(db, "faq_taught", SCHEMA)

    def version(self) -> int:
        """The change counter: one indexed read, cheap enough for every message."""
        row = self.db.execute("SELECT version FROM faq_changes WHERE id = 1").fetchone()
        return int(row[0]) if row else 0

    def add(self, entry_id: str, question: str, taught_by: str, *, now: dt.datetime | None = None) -> Taught:
        """Teach `question` as an alternate of `entry_id`; the same question taught to the same
        entry again (spacing and punctuation aside) is the row already there."""
        when = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        with transaction(self.db):
            same = [row for row in self.rows(("active", "applied")) if squash(row.question) == squash(question)]
            for row in same:
                if row.entry_id == entry_id:
                    return row
            version = self._bump()
            # Taught to another entry before: the latest teaching is the one staff mean.
            self._set(version, [row.id for row in same if row.status == "active"], "withdrawn")
            cursor = self.db.execute(
                "INSERT INTO faq_taught (entry_id, question, taught_by, taught_at, status, changed_version)"
                " VALUES (?, ?, ?, ?, 'active', ?)", [entry_id, question, taught_by, when, version])
            return Taught(int(cursor.lastrowid or 0), entry_id, question, taught_by, when, "active", version)

    def rows(self, statuses: Iterable[Status] = ("active", "applied")) -> list[Taught]:
        wanted = list(statuses)
        marks = ", ".join("?" for _ in wanted)
        found = self.db.execute(
            "SELECT id, entry_id, question, taught_by, taught_at, status, changed_version FROM faq_taught"
            f" WHERE status IN ({marks}) ORDER BY id", wanted).fetchall()
        return [Taught(int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5], int(r[6])) for r in found]

    def set_status(self, ids: Iterable[int], status: Status) -> int:
        """Mark rows applied (written into faq.yaml) or withdrawn; returns how many changed."""
        wanted = list(ids)
        if not wanted:
            return 0
        with transaction(self.db):
            return self._set(self._bump(), wanted, status)

    def _set(self, version: int, ids: list[int], status: Status) -> int:
        if not ids:
            return 0
        marks = ", ".join("?" for _ in ids)
        cursor = self.db.execute(
            f"UPDATE faq_taught SET status = ?, changed_version = ? WHERE id IN ({marks}) AND status != ?",
            [status, version, *ids, status])
        return int(cursor.rowcount or 0)

    def _bump(self) -> int:
        self.db.execute("UPDATE faq_changes SET version = version + 1 WHERE id = 1")
        return self.version()
