"""When the database file itself fails: corrupt, truncated, read-only, a full disk, a missing or
empty key file. Every command says so in one Korean sentence and exits with code 3, never a
traceback; with the disk full the bot still answers questions (state and feedback are written
best effort) and refuses, politely, only what needs the register."""

from __future__ import annotations

import functools
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from test_sms_support import DATA, MEMBERS

from bot.app import Services, build_engine, migrate_database
from bot.cli import main
from bot.conversation import Event
from bot.sms.key import key_path
from bot.storage import open_db
from bot.storage.faults import EXIT_STORAGE, fault_message
from bot.storage.feedback import FeedbackStore
from support import TODAY, services

REAL_CONNECT = sqlite3.connect
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


class FullDisk(sqlite3.Connection):
    """A connection on a disk with no space left: reads work, and every statement that would
    write fails as SQLite fails it then (SQLITE_FULL, "database or disk is full")."""

    def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        if sql.lstrip().upper().startswith(WRITES) or "wal_checkpoint" in sql:
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode, error.sqlite_errorname = 13, "SQLITE_FULL"  # type: ignore[attr-defined]
            raise error
        return super().execute(sql, *args)

    def executemany(self, sql: str, *args: Any) -> sqlite3.Cursor:  # type: ignore[override]
        return self.execute(sql)


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "bot.sqlite3"
    monkeypatch.setenv("BOT_DB", str(path))
    monkeypatch.delenv("BOT_SMS_KEY", raising=False)
    assert cli("members", "import", str(DATA / "members.csv"))[0] == 0
    return path


def cli(*argv: str) -> tuple[int, str]:
    """`bot ARGV` as staff run it (a process of its own): the exit code and its stderr."""
    done = subprocess.run([sys.executable, "-m", "bot", *argv], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parent.parent)
    return done.returncode, done.stderr


def run(*argv: str) -> tuple[int, str]:
    """`bot ARGV` in this process, for a fault made by patching how SQLite opens the file: the
    exit code and what went to stderr."""
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()), \
            pytest.raises(SystemExit) as exit_:
        main(list(argv))
    return int(exit_.value.code or 0), err.getvalue()


def assert_one_korean_sentence(code: int, err: str, words: str) -> None:
    assert code == EXIT_STORAGE, err
    assert err.startswith("저장소 오류: ") and words in err, err
    assert "Traceback" not in err and "Error" not in err and len(err.strip().splitlines()) == 1


def test_a_file_that_is_not_a_database(db_path: Path) -> None:
    for name in ("bot.sqlite3-wal", "bot.sqlite3-shm"):
        (db_path.parent / name).unlink(missing_ok=True)
    db_path.write_bytes(b"this is not a database\n" * 400)
    assert_one_korean_sentence(*cli("sms", "list"), "손상되었거나 데이터베이스 파일이 아닙니다")
    assert db_path.read_bytes().startswith(b"this is not a database")  # left as it was, for recovery


def test_a_truncated_database(db_path: Path) -> None:
    db = open_db(db_path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.execute("VACUUM")
    db.conn.close()
    data = db_path.read_bytes()
    db_path.write_bytes(data[: len(data) // 2])
    code, err = cli("sms", "export", str(db_path.parent / "out.csv"))
    assert_one_korean_sentence(code, err, "손상되었거나")
    assert not (db_path.parent / "out.csv").exists()


def test_a_read_only_database(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The tests run as root, whom file modes do not stop: SQLite is told the file is read-only.
    monkeypatch.setattr(sqlite3, "connect", lambda path, **kw: REAL_CONNECT(f"file:{path}?mode=ro", uri=True, **kw))
    assert_one_korean_sentence(*run("sms", "optout", "010-1111-2222", "--member", "1001"), "읽기 전용")


def test_a_full_disk(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite3, "connect", functools.partial(REAL_CONNECT, factory=FullDisk))
    assert_one_korean_sentence(*run("sms", "optout", "010-1111-2222", "--member", "1001"), "저장 공간이 가득 차서")
    assert run("sms", "list")[0] == 0  # reading still works


@pytest.mark.parametrize("damage", ["missing", "empty"])
def test_a_missing_or_empty_key_file(db_path: Path, damage: str) -> None:
    key = key_path(db_path)
    if damage == "missing":
        key.unlink()
    else:
        key.write_bytes(b"\n")
    code, err = cli("sms", "list")
    assert code == EXIT_STORAGE and "Traceback" not in err
    assert ("키 파일이 없습니다" if damage == "missing" else "키 파일이 비어 있습니다") in err
    assert key.exists() == (damage == "empty")  # no new key made in place of a lost one


def test_the_apology_names_the_kind_of_fault_in_korean() -> None:
    full = sqlite3.OperationalError("database or disk is full")
    assert "저장 공간이 가득 차서" in fault_message(full)
    assert "(파일: /srv/bot.sqlite3)" in fault_message(sqlite3.DatabaseError("file is not a database"),
                                                     Path("/srv/bot.sqlite3"))


@pytest.fixture
def full_disk_services(tmp_path: Path) -> Iterator[Services]:
    """The app's services on a database whose disk then filled up."""
    path = tmp_path / "bot.sqlite3"
    base = services()
    ready = open_db(path)
    base.registry.__class__(ready, key=b"k").import_members(MEMBERS)
    migrate_database(ready)  # a bot that has run before: every table is there
    ready.conn.close()
    db = sqlite_utils.Database(REAL_CONNECT(str(path), isolation_level=None, factory=FullDisk))
    yield Services(base.settings, base.knowledge_dir, db, base.faq, FeedbackStore(db),
                   base.registry.__class__(db, key=b"k"))
    db.conn.close()


def test_with_the_disk_full_questions_are_still_answered(full_disk_services: Services,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    bot = build_engine(full_disk_services)  # the start-up housekeeping cannot write: skipped
    answer = bot.handle("m1", Event.from_text("신용평가 수수료가 있나요?"), today=TODAY)
    assert answer.kind == "answer" and "수수료" in answer.text
    assert answer.feedback_ref is None  # no 👍/👎 it could not record
    fallback = bot.handle("m1", Event.from_text("오늘 서울 날씨 어때요"), today=TODAY)
    assert fallback.kind == "fallback"
    assert "could not save the conversation (full)" in caplog.text


def test_with_the_disk_full_a_change_to_the_register_is_refused_politely(full_disk_services: Services) -> None:
    bot = build_engine(full_disk_services)
    menu = bot.handle("m3", Event(kind="contact", phone="+821011112222"), today=TODAY)
    assert menu.kind == "sms" and "010-****-2222" in menu.text  # reading the register still works
    refused = bot.handle("admin", Event.from_text("/sms optout 010-1111-2222 1001", is_admin=True), today=TODAY)
    assert refused.kind == "chat" and "저장 공간에 문제가 있어" in refused.text
    assert "저장되어 있던 내용은 그대로" in refused.text
    assert [e.phone for e in full_disk_services.registry.active_recipients("1001")] == ["+821011112222"]
