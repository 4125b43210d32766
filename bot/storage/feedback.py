"""What members thought of the answers (👍/👎) and what the bot could not answer, so the
knowledge base can grow from real use. Questions are stored with phone-like numbers and names
masked and without any chat or user id."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import sqlite_utils

from bot.korean.names import mask_names
from bot.korean.phones import redact
from bot.storage import migrate, transaction

Vote = Literal["up", "down", "miss"]


def _create(db: sqlite_utils.Database) -> None:
    db["feedback"].create(  # type: ignore[union-attr]
        {"id": int, "question": str, "entry_id": str, "vote": str, "created_at": str}, pk="id"
    )
    db["feedback"].create_index(["vote"])  # type: ignore[union-attr]


SCHEMA = [_create]


@dataclass(frozen=True)
class ReportLine:
    question: str
    misses: int
    downvotes: int
    upvotes: int
    entry_id: str | None

    @property
    def total(self) -> int:
        return self.misses + self.downvotes


class FeedbackStore:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        migrate(db, "feedback", SCHEMA)

    def record(self, question: str, vote: Vote, entry_id: str | None = None) -> None:
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with transaction(self.db):
            self.db.execute(
                "INSERT INTO feedback (question, entry_id, vote, created_at) VALUES (?, ?, ?, ?)",
                [redact(mask_names(question.strip()))[:500], entry_id, vote, now],
            )

    def report(self, limit: int = 20) -> list[ReportLine]:
        """Questions answered badly or not at all, most frequent first."""
        rows = self.db.execute(
            "SELECT question,"
            " SUM(vote = 'miss'), SUM(vote = 'down'), SUM(vote = 'up'), MAX(entry_id)"
            " FROM feedback GROUP BY question"
            " HAVING SUM(vote = 'miss') + SUM(vote = 'down') > 0"
            " ORDER BY SUM(vote = 'miss') + SUM(vote = 'down') DESC, question LIMIT ?",
            [limit],
        ).fetchall()
        return [ReportLine(q, int(m), int(d), int(u), e) for q, m, d, u, e in rows]
