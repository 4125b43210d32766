"""The one SQLite file (BOT_DB): opening it safely and migrating each component's tables.

Each component owns its tables and lists its schema steps; a step runs once, inside a
transaction, and is recorded by (component, number), so steps are append-only."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import sqlite_utils

Step = Callable[[sqlite_utils.Database], None]


def open_db(path: str | Path | None) -> sqlite_utils.Database:
    """Open (creating folders as needed) with WAL and a busy timeout, so several processes can
    share the file; None gives an in-memory database for tests."""
    if path is None or str(path) == ":memory:":
        return sqlite_utils.Database(memory=True)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(target), timeout=30.0, isolation_level=None, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA busy_timeout = 30000")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("PRAGMA foreign_keys = ON")
    return db


def migrate(db: sqlite_utils.Database, component: str, steps: Sequence[Step]) -> int:
    """Apply the steps of `component` not yet applied; returns how many ran."""
    ran = 0
    with _immediate(db):
        db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "component TEXT NOT NULL, step INTEGER NOT NULL, applied_at TEXT NOT NULL,"
            " PRIMARY KEY (component, step))"
        )
    for number, step in enumerate(steps, start=1):
        with _immediate(db):
            done = db.execute(
                "SELECT 1 FROM schema_migrations WHERE component = ? AND step = ?", [component, number]
            ).fetchone()
            if done:
                continue
            step(db)
            db.execute(
                "INSERT INTO schema_migrations (component, step, applied_at) VALUES (?, ?, ?)",
                [component, number, dt.datetime.now(dt.UTC).isoformat(timespec="seconds")],
            )
            ran += 1
    return ran


class _immediate:
    """BEGIN IMMEDIATE ... COMMIT/ROLLBACK: takes the write lock up front so two processes
    never both read-then-write the same rows."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.outer = False

    def __enter__(self) -> sqlite_utils.Database:
        self.outer = not self.db.conn.in_transaction
        if self.outer:
            self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if not self.outer:
            return
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")


def transaction(db: sqlite_utils.Database) -> _immediate:
    """`with transaction(db):` runs the block as one immediate transaction (nested: joins the
    outer one)."""
    return _immediate(db)
