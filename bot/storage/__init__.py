"""The one SQLite file (BOT_DB): opening it safely and migrating each component's tables.

Each component owns its tables and lists its schema steps; a step runs once, inside a
transaction, and is recorded by (component, number), so steps are append-only.

The file holds names and phone numbers: it and its -wal and -shm companions are readable by
their owner only, deleted rows are overwritten (secure_delete), and `scrub` folds the
write-ahead log back into the file after an erasure so no old copy of a row survives there."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import sqlite_utils

from bot.storage.faults import StorageFault, fault_message
from bot.storage.files import PRIVATE, beside

log = logging.getLogger(__name__)

Step = Callable[[sqlite_utils.Database], None]
COMPANIONS = ("-wal", "-shm", "-journal")


def open_db(path: str | Path | None) -> sqlite_utils.Database:
    """Open (creating folders as needed) with WAL and a busy timeout, so several processes can
    share the file; None gives an in-memory database for tests. Raises StorageFault (a Korean
    message) when the file cannot be used."""
    if path is None or str(path) == ":memory:":
        return sqlite_utils.Database(memory=True)
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _make_private(target)
        conn = sqlite3.connect(str(target), timeout=30.0, isolation_level=None, check_same_thread=False)
        db = sqlite_utils.Database(conn)
        db.execute("PRAGMA busy_timeout = 30000")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros rather than left in free pages.
        db.execute("PRAGMA secure_delete = ON")
    except (OSError, sqlite3.Error) as exc:
        raise StorageFault(fault_message(exc, target)) from exc
    for suffix in COMPANIONS:  # created by SQLite with the file's mode; older ones tightened here
        _tighten(beside(target, suffix))
    return db


def _make_private(path: Path) -> None:
    """The database file exists and only its owner can read it (SQLite gives the -wal and -shm
    files it creates the same mode)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE))
    _tighten(path)


def _tighten(path: Path) -> None:
    try:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            path.chmod(mode & 0o700 or PRIVATE)
    except FileNotFoundError:
        return
    except OSError as exc:  # not ours to change: say so once, keep working
        log.warning("%s: mode not tightened (%s)", path.name, exc.strerror)


def scrub(db: sqlite_utils.Database) -> bool:
    """After an erasure: copy the write-ahead log into the file and empty it, so the erased rows
    survive in neither (secure_delete already zeroed them in the pages). Best effort: another
    process reading at that moment keeps the log until the next scrub. False when not done."""
    if db.conn.in_transaction:
        return False  # the caller scrubs once its transaction is over
    try:
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as exc:
        log.warning("write-ahead log not folded back (%s)", getattr(exc, "sqlite_errorname", type(exc).__name__))
        return False
    return not busy


def migrate(db: sqlite_utils.Database, component: str, steps: Sequence[Step]) -> int:
    """Apply the steps of `component` not yet applied; returns how many ran. A database already
    up to date is only read, so a full disk or a read-only file does not stop the bot."""
    if _applied(db, component) >= len(steps):
        return 0
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


def _applied(db: sqlite_utils.Database, component: str) -> int:
    """How many of the component's steps the file records (0 for a new file)."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").fetchone():
        return 0
    row = db.execute("SELECT count(*) FROM schema_migrations WHERE component = ?", [component]).fetchone()
    return int(row[0])


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
