"""What members thought of the answers (👍/👎) and what the bot could not answer, so the
knowledge base can grow from real use. Questions are stored with phone-like numbers and names
masked and without any chat or user id.

Each answer that offers 👍/👎 is recorded first (the question and the entry it answered with), and
its buttons carry only that record's number: a forged button can name no text of its own. A vote
is kept once per voter and answer, the voter known only by a keyed hash (a new vote replaces the
voter's earlier one), so pressing 👎 twice, or from a second device, counts once."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

import sqlite_utils

from bot.korean.clock import Clock
from bot.korean.names import mask_names
from bot.korean.phones import redact
from bot.storage import migrate, transaction

Vote = Literal["up", "down", "miss"]
# An answer nobody voted on is forgotten after this long (its question is a member's words).
ANSWER_TTL = dt.timedelta(days=30)
MAX_QUESTION_CHARS = 500


def _create(db: sqlite_utils.Database) -> None:
    db["feedback"].create(  # type: ignore[union-attr]
        {"id": int, "question": str, "entry_id": str, "vote": str, "created_at": str}, pk="id"
    )
    db["feedback"].create_index(["vote"])  # type: ignore[union-attr]


def _answers_and_votes(db: sqlite_utils.Database) -> None:
    db.execute("CREATE TABLE feedback_answers (id INTEGER PRIMARY KEY, question TEXT NOT NULL,"
               " entry_id TEXT NOT NULL, created_at TEXT NOT NULL)")
    db.execute("CREATE TABLE feedback_votes (answer_id INTEGER NOT NULL, voter TEXT NOT NULL,"
               " vote TEXT NOT NULL CHECK (vote IN ('up', 'down')), created_at TEXT NOT NULL,"
               " PRIMARY KEY (answer_id, voter))")


SCHEMA = [_create, _answers_and_votes]


@dataclass(frozen=True)
class ReportLine:
    question: str
    misses: int
    downvotes: int
    upvotes: int
    entry_id: str | None


class FeedbackStore:
    def __init__(self, db: sqlite_utils.Database, clock: Clock | None = None, *,
                 voter_key: bytes | None = None) -> None:
        """`voter_key` keys the voters' hashes; without one (a store only read, or a test) a key
        of this process's own is used, so votes are then told apart within the process only."""
        self.db = db
        self.clock = clock or Clock()
        self.voter_key = voter_key or secrets.token_bytes(32)
        migrate(db, "feedback", SCHEMA)

    def _now(self) -> str:
        return self.clock.now().isoformat(timespec="seconds")

    def record(self, question: str, vote: Vote) -> None:
        """A question kept with how it went (a miss: the votes on answers are feedback_votes)."""
        with transaction(self.db):
            self.db.execute(
                "INSERT INTO feedback (question, entry_id, vote, created_at) VALUES (?, NULL, ?, ?)",
                [_kept(question), vote, self._now()],
            )

    def answered(self, question: str, entry_id: str) -> int:
        """Record an answer that offers 👍/👎; its number is what the buttons carry."""
        with transaction(self.db):
            cursor = self.db.execute(
                "INSERT INTO feedback_answers (question, entry_id, created_at) VALUES (?, ?, ?)",
                [_kept(question), entry_id, self._now()],
            )
        return int(cursor.lastrowid or 0)

    def entry_of(self, answer_id: int) -> str | None:
        """The entry a recorded answer answered with (what a 👍/👎 button's number stands for)."""
        row = self.db.execute("SELECT entry_id FROM feedback_answers WHERE id = ?", [answer_id]).fetchone()
        return str(row[0]) if row else None

    def vote(self, answer_id: int, voter: str, vote: Literal["up", "down"]) -> bool:
        """The voter's 👍/👎 on a recorded answer (replacing their earlier one); False when no
        such answer was recorded."""
        who = hmac.new(self.voter_key, voter.encode("utf-8"), hashlib.sha256).hexdigest()
        with transaction(self.db):
            if not self.db.execute("SELECT 1 FROM feedback_answers WHERE id = ?", [answer_id]).fetchone():
                return False
            self.db.execute(
                "INSERT INTO feedback_votes (answer_id, voter, vote, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (answer_id, voter) DO UPDATE SET vote = excluded.vote, created_at = excluded.created_at",
                [answer_id, who, vote, self._now()],
            )
        return True

    def forget_old_answers(self) -> int:
        """Answers nobody voted on, past ANSWER_TTL."""
        cutoff = (self.clock.now() - ANSWER_TTL).isoformat(timespec="seconds")
        with transaction(self.db):
            cursor = self.db.execute(
                "DELETE FROM feedback_answers WHERE created_at < ? AND NOT EXISTS"
                " (SELECT 1 FROM feedback_votes v WHERE v.answer_id = feedback_answers.id)", [cutoff])
        return int(cursor.rowcount or 0)

    def report(self, limit: int = 20) -> list[ReportLine]:
        """Questions answered badly or not at all, most frequent first."""
        rows = self.db.execute(
            "SELECT question,"
            " SUM(vote = 'miss'), SUM(vote = 'down'), SUM(vote = 'up'), MAX(entry_id)"
            " FROM (SELECT question, vote, entry_id FROM feedback"
            "       UNION ALL SELECT a.question, v.vote, a.entry_id"
            "       FROM feedback_votes v JOIN feedback_answers a ON a.id = v.answer_id)"
            " GROUP BY question"
            " HAVING SUM(vote = 'miss') + SUM(vote = 'down') > 0"
            " ORDER BY SUM(vote = 'miss') + SUM(vote = 'down') DESC, question LIMIT ?",
            [limit],
        ).fetchall()
        return [ReportLine(q, int(m), int(d), int(u), e) for q, m, d, u, e in rows]


def _kept(question: str) -> str:
    """What is stored of a member's question: names and phone numbers masked, cut short."""
    return redact(mask_names(question.strip()))[:MAX_QUESTION_CHARS]
