"""`bot backup`: a consistent copy while another process writes (nothing lost, the copy a
snapshot), the manifest it carries (schema steps, the key's check value, row counts), private
dated files, the last N kept, and polite refusals: no database, a folder that cannot be made, a
full disk, a damaged database."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_sms_support import KEY, registry

from bot.app import migrate_database
from bot.ops.archive import ArchiveError, archives, code_versions, connect, read_manifest, table_counts
from bot.ops.backup import make_backup
from bot.sms.key import fingerprint
from bot.sms.registry import Registration, Registry, Requester
from bot.storage import open_db

ROOT = Path(__file__).resolve().parent.parent
CONTEXT = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
DEADLINE = 30.0
# 2026-11-22 18:00 UTC is 2026-11-23 03:00 in Seoul, when the nightly backup runs.
NIGHT = dt.datetime(2026, 11, 22, 18, 0, tzinfo=dt.UTC)


def register_db(path: Path) -> Registry:
    """A register file: every store's tables, the three members, one staff number registered."""
    store = registry(open_db(path))
    migrate_database(store.db)
    store.register(Registration("1001", "홍길동", "담당자", "+821077778888", "typed", "v1"), Requester.chat("c1"))
    return store


def writer(path: str, stop: Any, written: Any) -> None:
    """Another process: registers one number after another until told to stop."""
    store = Registry(open_db(path), key=KEY)
    n = 0
    while not stop.is_set() and n < 100_000:
        n += 1
        store.register(Registration("1002", "직원", "담당자", f"+8210300{n:05d}", "typed", "v1"), Requester.chat(f"w{n}"))
        written.value = n


def wait_until(ready: Any, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not ready():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def registrations(path: Path) -> tuple[list[int], int]:
    """The writer's recipient ids in a database, and its register audit lines."""
    db = connect(path)
    try:
        ids = [r[0] for r in db.execute("SELECT id FROM sms_recipients WHERE member_no = '1002' ORDER BY id")]
        audit = db.execute("SELECT count(*) FROM sms_audit WHERE action = 'register' AND member_no = '1002'")
        return ids, int(audit.fetchone()[0])
    finally:
        db.close()


def test_a_backup_while_another_process_writes_is_a_snapshot_and_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    register_db(path).db.close()
    stop, written = CONTEXT.Event(), CONTEXT.Value("i", 0)
    process = CONTEXT.Process(target=writer, args=(str(path), stop, written))
    process.start()
    try:
        wait_until(lambda: written.value >= 50, "the writer's first rows")
        made = [make_backup(path, tmp_path / "backups", keep=10, sms_key=KEY, now=NIGHT + dt.timedelta(seconds=i))
                for i in range(3)]
        copied = [registrations(m.path) for m in made]
        wait_until(lambda: written.value >= len(copied[-1][0]) + 20, "the writer to carry on after the backups")
    finally:
        stop.set()
        process.join(DEADLINE)
    assert process.exitcode == 0
    for backup, (ids, audited) in zip(made, copied, strict=True):
        assert ids == list(range(2, 2 + len(ids)))  # a snapshot: no row missing in between (1 is staff's)
        assert audited == len(ids)  # each registration with its audit line, never one without the other
        assert backup.manifest.counts["sms_recipients"] == len(ids) + 1  # and the staff number
        assert integrity(backup.path) == ["ok"]
    sizes = [len(ids) for ids, _ in copied]
    assert sizes == sorted(sizes) and sizes[0] >= 50
    final, audited = registrations(path)
    assert len(final) == audited == written.value  # the writer lost nothing to the backups


def integrity(path: Path) -> list[str]:
    db = connect(path)
    try:
        return [r[0] for r in db.execute("PRAGMA integrity_check")]
    finally:
        db.close()


def test_the_archive_is_private_dated_in_korean_time_and_records_what_a_restore_checks(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    register_db(path).db.close()
    done = make_backup(path, tmp_path / "backups", keep=14, sms_key=KEY, now=NIGHT)
    assert done.path == tmp_path / "backups" / "bot-20261123-030000.sqlite3"
    assert done.path.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in (tmp_path / "backups").iterdir()) == [done.path.name]  # no -wal, no key
    db = connect(done.path)
    try:
        manifest = read_manifest(db)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert manifest == done.manifest
        assert manifest is not None
        assert manifest.created_at == NIGHT
        assert manifest.schema == code_versions()
        assert manifest.key_check == fingerprint(KEY)
        assert manifest.counts == table_counts(db)
        assert (manifest.counts["sms_members"], manifest.counts["sms_recipients"]) == (3, 1)
    finally:
        db.close()
    assert not done.key_differs


def test_the_archive_says_when_the_configured_key_is_not_the_database_s(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    register_db(path).db.close()
    done = make_backup(path, tmp_path / "backups", keep=14, sms_key=b"another key", now=NIGHT)
    assert done.key_differs
    assert done.manifest.key_check == fingerprint(KEY)  # the key the hashes were made with


def test_only_the_last_n_archives_are_kept_and_nothing_else_in_the_folder_is_touched(tmp_path: Path) -> None:
    path, folder = tmp_path / "bot.sqlite3", tmp_path / "backups"
    register_db(path).db.close()
    folder.mkdir()
    (folder / "notes.txt").write_text("손대지 마세요", encoding="utf-8")
    (folder / "bot-manual.sqlite3").write_bytes(b"")
    made = [make_backup(path, folder, keep=2, sms_key=KEY, now=NIGHT + dt.timedelta(days=d)) for d in range(4)]
    assert [p.name for p in archives(folder)] == ["bot-20261125-030000.sqlite3", "bot-20261126-030000.sqlite3"]
    assert made[-1].removed == [folder / "bot-20261124-030000.sqlite3"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "bot-20261125-030000.sqlite3", "bot-20261126-030000.sqlite3", "bot-manual.sqlite3", "notes.txt"]


def test_two_backups_in_the_same_second_get_two_names_kept_in_order(tmp_path: Path) -> None:
    path, folder = tmp_path / "bot.sqlite3", tmp_path / "backups"
    register_db(path).db.close()
    first = make_backup(path, folder, keep=2, sms_key=KEY, now=NIGHT)
    second = make_backup(path, folder, keep=2, sms_key=KEY, now=NIGHT)
    third = make_backup(path, folder, keep=2, sms_key=KEY, now=NIGHT)
    assert (first.path.name, second.path.name, third.path.name) == (
        "bot-20261123-030000.sqlite3", "bot-20261123-030000-1.sqlite3", "bot-20261123-030000-2.sqlite3")
    assert archives(folder) == [second.path, third.path]


def test_a_missing_database_is_refused_and_no_folder_made(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="데이터베이스 파일이 없습니다"):
        make_backup(tmp_path / "none.sqlite3", tmp_path / "backups", keep=3, sms_key=KEY)
    assert not (tmp_path / "backups").exists()


def test_a_damaged_database_is_not_backed_up(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    register_db(path).db.close()
    damage(path)
    with pytest.raises(ArchiveError) as refused:
        make_backup(path, tmp_path / "backups", keep=3, sms_key=KEY)
    assert "malformed" in str(refused.value)
    assert list((tmp_path / "backups").iterdir()) == []


def damage(path: Path) -> None:
    """Overwrite every page after the first with junk, as a failing disk might."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xa5" * (size - 4096))


def bot(*args: str, db: Path, preexec: Any = None) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "BOT_DB": str(db), "BOT_SMS_KEY": KEY.decode(), "PTB_TIMEDELTA": "true"}
    return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=120, preexec_fn=preexec)


def test_bot_backup_prints_what_it_made_and_where_the_key_is_not(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    register_db(path).db.close()
    out = bot("backup", "--to", str(tmp_path / "b"), "--keep", "3", db=path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith(f"백업했습니다: {tmp_path / 'b'}/bot-") and lines[0].endswith("무결성 검사 통과).")
    assert "표 18개, 행 " in lines[0]
    assert lines[1] == "BOT_SMS_KEY 값은 백업에 들어 있지 않습니다: 데이터베이스와 따로, 한 번 보관해 두세요."
    assert len(archives(tmp_path / "b")) == 1


def test_bot_backup_into_a_folder_it_cannot_make_says_so(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    register_db(path).db.close()
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    out = bot("backup", "--to", str(tmp_path / "a-file" / "backups"), db=path)
    assert out.returncode == 1
    assert out.stderr.startswith(f"백업하지 못했습니다. 백업 폴더({tmp_path / 'a-file' / 'backups'})에 쓸 수 없습니다")
    assert "Traceback" not in out.stderr


def test_bot_backup_on_a_full_disk_fails_politely_and_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    register_db(path).db.close()

    def small_disk() -> None:  # files may not grow past 20 kB: a disk that is full
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    out = bot("backup", "--to", str(tmp_path / "b"), db=path, preexec=small_disk)
    assert out.returncode == 1
    assert out.stderr.startswith("백업하지 못했습니다. 백업 파일을 쓰지 못했습니다: 백업 폴더의 디스크가 가득 찼거나")
    assert "Traceback" not in out.stderr
    assert list((tmp_path / "b").iterdir()) == []


def test_bot_backup_keep_must_be_a_positive_number(tmp_path: Path) -> None:
    out = bot("backup", "--keep", "0", db=tmp_path / "bot.sqlite3")
    assert out.returncode == 2
    assert "1 이상의 수를 입력해 주세요: 0" in out.stderr
