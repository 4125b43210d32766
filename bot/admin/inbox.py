"""The staff inbox: the questions the bot missed, grouped when they are the same question in other
words, most frequent first, for staff to teach the bot the right answer or mark as not in the
guides.

A question is missed when it got a fallback, when it got a 👎, or when it got suggestions and none
was taken: no button of it pressed within SUGGESTION_WAIT, or the member wrote something else
first. Questions are kept with phone numbers and names masked, and without any chat or user id;
a suggestion waiting to be taken is held under a keyed hash of its chat, and only until it is settled.

Groups keep their id for good (AUTOINCREMENT), so `bot inbox teach 12 ...` means the same group
tomorrow; a new phrasing joins the most alike group, even one already taught or dismissed."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import sqlite_utils

from bot.admin.grouping import closest
from bot.korean.clock import Clock
from bot.storage import migrate, transaction

Reason = Literal["fallback", "not_taken", "down"]
Status = Literal["open", "taught", "dismissed"]
Now = Callable[[], dt.datetime]
SUGGESTION_WAIT = dt.timedelta(minutes=10)
MAX_QUESTION_CHARS = 300


def _create(db: sqlite_utils.Database) -> None:
    db.execute(
        "CREATE TABLE inbox_groups (id INTEGER PRIMARY KEY AUTOINCREMENT, question TEXT NOT NULL,"
        " words TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'open', count INTEGER NOT NULL DEFAULT 0,"
        " reply_kind TEXT NOT NULL, candidates TEXT NOT NULL, first_day TEXT NOT NULL, last_day TEXT NOT NULL,"
        " entry_id TEXT, resolved_by TEXT, resolved_at TEXT)"
    )
    db.execute("CREATE INDEX inbox_groups_status ON inbox_groups (status, count)")
    db.execute(
        "CREATE TABLE inbox_questions (id INTEGER PRIMARY KEY, group_id INTEGER NOT NULL REFERENCES inbox_groups(id),"
        " question TEXT NOT NULL, reply_kind TEXT NOT NULL, reason TEXT NOT NULL, candidates TEXT NOT NULL,"
        " day TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX inbox_questions_group ON inbox_questions (group_id)")
    db.execute("CREATE INDEX inbox_questions_day ON inbox_questions (day)")
    db.execute(
        "CREATE TABLE inbox_pending (chat TEXT PRIMARY KEY, question TEXT NOT NULL, words TEXT NOT NULL,"
        " candidates TEXT NOT NULL, day TEXT NOT NULL, asked_at TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX inbox_pending_asked ON inbox_pending (asked_at)")


SCHEMA = [_create]


@dataclass(frozen=True)
class Miss:
    """One missed question, already masked."""

    question: str
    words: frozenset[str]
    reply_kind: str  # what the bot replied: fallback, suggest, or answer (for a 👎)
    reason: Reason
    candidates: tuple[str, ...]  # entry ids the bot considered, best first
    day: dt.date


@dataclass(frozen=True)
class InboxItem:
    id: int
    question: str  # the group's representative: its first phrasing
    count: int
    reply_kind: str  # what the bot replied the last time
    candidates: tuple[str, ...]
    status: Status
    reasons: dict[str, int]
    phrasings: tuple[str, ...]  # other ways it was asked, most frequent first
    first_day: str
    last_day: str
    entry_id: str | None = None  # taught to

    def to_json(self) -> dict[str, object]:
        """`bot inbox --json`: one object per line."""
        return {"id": self.id, "question": self.question, "count": self.count, "reply_kind": self.reply_kind,
                "candidates": list(self.candidates), "status": self.status, "reasons": self.reasons,
                "phrasings": list(self.phrasings), "first_day": self.first_day, "last_day": self.last_day,
                "entry_id": self.entry_id}


class InboxStore:
    def __init__(self, db: sqlite_utils.Database, clock: Now | None = None, *, chat_key: bytes | None = None) -> None:
        """`chat_key` keys the hashes waiting suggestions are held under (bot.app derives it from
        the register's secret); without one (a store only read, or a test) a key of this
        process's own is used, so a waiting suggestion is then found again within the process only."""
        self.db = db
        self.clock = clock or Clock().now
        self.chat_key = chat_key or secrets.token_bytes(32)
        migrate(db, "inbox", SCHEMA)

    def chat_ref(self, chat_id: str) -> str:
        """A waiting suggestion is found again by its chat, which is not kept in clear. Keyed:
        chat ids are few enough that a plain hash of each could simply be tried."""
        return hmac.new(self.chat_key, f"inbox:{chat_id}".encode(), hashlib.sha256).hexdigest()[:32]

    # -- recording -----------------------------------------------------------------------------

    def add(self, miss: Miss) -> int:
        """Keep a missed question in the group it belongs to (a new one if none); its group id."""
        question = miss.question.strip()[:MAX_QUESTION_CHARS]
        candidates = json.dumps(list(miss.candidates))
        day = miss.day.isoformat()
        with transaction(self.db):
            groups = [(int(r[0]), frozenset(str(r[1]).split()), str(r[2])) for r in
                      self.db.execute("SELECT id, words, question FROM inbox_groups ORDER BY id").fetchall()]
            group_id = closest(miss.words, question, groups)
            if group_id is None:
                cursor = self.db.execute(
                    "INSERT INTO inbox_groups (question, words, reply_kind, candidates, first_day, last_day)"
                    " VALUES (?, ?, ?, ?, ?, ?)", [question, " ".join(sorted(miss.words)), miss.reply_kind,
                                                   candidates, day, day])
                group_id = int(cursor.lastrowid or 0)
            # Missed again after a teaching: the group is open again. Dismissed stays dismissed:
            # that is what "안내자료에 없음" is for.
            self.db.execute(
                "UPDATE inbox_groups SET count = count + 1, reply_kind = ?, candidates = ?,"
                " last_day = MAX(last_day, ?), status = CASE status WHEN 'taught' THEN 'open' ELSE status END"
                " WHERE id = ?", [miss.reply_kind, candidates, day, group_id])
            self.db.execute(
                "INSERT INTO inbox_questions (group_id, question, reply_kind, reason, candidates, day)"
                " VALUES (?, ?, ?, ?, ?, ?)", [group_id, question, miss.reply_kind, miss.reason, candidates, day])
        return group_id

    def hold_suggestion(self, chat_id: str, miss: Miss) -> None:
        """A suggestion was offered in `chat_id`: it is missed unless one of its buttons is
        pressed next, within SUGGESTION_WAIT."""
        with transaction(self.db):
            self.db.execute(
                "INSERT OR REPLACE INTO inbox_pending (chat, question, words, candidates, day, asked_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [self.chat_ref(chat_id), miss.question.strip()[:MAX_QUESTION_CHARS], " ".join(sorted(miss.words)),
                 json.dumps(list(miss.candidates)), miss.day.isoformat(), self._now()])

    def settle(self, chat_id: str, pressed: str | None) -> bool:
        """The chat's next event after a suggestion: `pressed` is the entry of a suggestion
        button, if one was pressed. True when a waiting suggestion was missed by it."""
        chat = self.chat_ref(chat_id)
        with transaction(self.db):
            row = self.db.execute(
                "SELECT question, words, candidates, day, asked_at FROM inbox_pending WHERE chat = ?",
                [chat]).fetchone()
            if row is None:
                return False
            self.db.execute("DELETE FROM inbox_pending WHERE chat = ?", [chat])
            miss = _pending_miss(row)
            late = self._now() > _later(str(row[4]), SUGGESTION_WAIT)
            if pressed in miss.candidates and not late:
                return False
            self.add(miss)
            return True

    def sweep(self) -> int:
        """Suggestions left waiting longer than SUGGESTION_WAIT are missed; how many."""
        cutoff = (self.clock() - SUGGESTION_WAIT).isoformat(timespec="seconds")
        with transaction(self.db):
            rows = self.db.execute(
                "SELECT question, words, candidates, day, asked_at, chat FROM inbox_pending WHERE asked_at < ?",
                [cutoff]).fetchall()
            for row in rows:
                self.db.execute("DELETE FROM inbox_pending WHERE chat = ?", [row[5]])
                self.add(_pending_miss(row))
        return len(rows)

    # -- reading -------------------------------------------------------------------------------

    def items(self, statuses: Sequence[Status] = ("open",), limit: int | None = None) -> list[InboxItem]:
        """The groups, most frequent first (the latest first among equals)."""
        self.sweep()
        marks = ", ".join("?" for _ in statuses)
        rows = self.db.execute(
            f"SELECT id FROM inbox_groups WHERE status IN ({marks}) ORDER BY count DESC, last_day DESC, id"
            + (" LIMIT ?" if limit is not None else ""), [*statuses, *([limit] if limit is not None else [])]
        ).fetchall()
        return [item for r in rows if (item := self.item(int(r[0]))) is not None]

    def count(self, statuses: Sequence[Status] = ("open",)) -> int:
        """How many groups `items` would list (without sweeping first)."""
        marks = ", ".join("?" for _ in statuses)
        return int(self.db.execute(f"SELECT COUNT(*) FROM inbox_groups WHERE status IN ({marks})",
                                   list(statuses)).fetchone()[0])

    def item(self, group_id: int) -> InboxItem | None:
        row = self.db.execute(
            "SELECT id, question, count, reply_kind, candidates, status, first_day, last_day, entry_id"
            " FROM inbox_groups WHERE id = ?", [group_id]).fetchone()
        if row is None:
            return None
        asked = self.db.execute("SELECT question, reason FROM inbox_questions WHERE group_id = ?", [group_id]).fetchall()
        reasons = Counter(str(r[1]) for r in asked)
        phrasings = Counter(str(r[0]) for r in asked if str(r[0]) != row[1])
        return InboxItem(
            id=int(row[0]), question=str(row[1]), count=int(row[2]), reply_kind=str(row[3]),
            candidates=tuple(json.loads(row[4])), status=row[5], reasons=dict(sorted(reasons.items())),
            phrasings=tuple(p for p, _ in phrasings.most_common()), first_day=str(row[6]), last_day=str(row[7]),
            entry_id=row[8])

    def resolve(self, group_id: int, status: Status, by: str, entry_id: str | None = None) -> bool:
        """Mark a group taught (to `entry_id`) or dismissed; False when there is no such group."""
        with transaction(self.db):
            cursor = self.db.execute(
                "UPDATE inbox_groups SET status = ?, entry_id = ?, resolved_by = ?, resolved_at = ? WHERE id = ?",
                [status, entry_id, by, self._now(), group_id])
        return bool(cursor.rowcount)

    def missed_between(self, start: dt.date, end: dt.date, limit: int = 10) -> list[tuple[str, int]]:
        """The most missed questions of the days start..end: (representative, times), most first."""
        self.sweep()
        rows = self.db.execute(
            "SELECT g.question, COUNT(*) AS n FROM inbox_questions q JOIN inbox_groups g ON g.id = q.group_id"
            " WHERE q.day BETWEEN ? AND ? GROUP BY g.id ORDER BY n DESC, g.id LIMIT ?",
            [start.isoformat(), end.isoformat(), limit]).fetchall()
        return [(str(q), int(n)) for q, n in rows]

    def _now(self) -> str:
        return self.clock().isoformat(timespec="seconds")


def _pending_miss(row: Sequence[object]) -> Miss:
    return Miss(question=str(row[0]), words=frozenset(str(row[1]).split()), reply_kind="suggest",
                reason="not_taken", candidates=tuple(json.loads(str(row[2]))), day=dt.date.fromisoformat(str(row[3])))


def _later(stamp: str, wait: dt.timedelta) -> str:
    return (dt.datetime.fromisoformat(stamp) + wait).isoformat(timespec="seconds")
