"""`bot restore`: the drill (register with consent, opt out, back up, damage the database,
restore: every opt-out and consent record back); opt-outs and erasures made after the backup
carried over from a database still readable; refusals that leave the database untouched (a
running bot, a damaged or foreign archive, a newer schema, another key or none); an older
archive brought forward; and every store the bot builds known to the restore."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import services_on
from test_backup import NIGHT, damage, register_db
from test_sms_support import CEO_1, CEO_2, KEY, STAFF, Chat, approve_by_branch, register, sms_engine

from bot.app import Services, build_engine, migrate_database
from bot.ops.archive import ArchiveError, code_versions, connect, schema_versions
from bot.ops.backup import make_backup
from bot.ops.lock import hold
from bot.ops.restore import Restored, restore
from bot.settings import Settings
from bot.sms.key import key_path
from bot.sms.registry import Member, Registry, Requester
from bot.storage import open_db

ROOT = Path(__file__).resolve().parent.parent
LATER = NIGHT + dt.timedelta(hours=5)
NEW_MEMBER = Member("1004", "1018100041", "사아토건", "최대표", "+821012340000", "광주지점")


def rows(path: Path, table: str) -> list[dict[str, Any]]:
    db = connect(path)
    try:
        cursor = db.execute(f"SELECT * FROM {table} ORDER BY rowid")
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    finally:
        db.close()


def drill_db(path: Path) -> Registry:
    """Staff asks in chat, with consent, to receive 1002's notices and the branch approves after
    calling the company; the CEO of 1002 asks to stop the notices."""
    store = register_db(path)
    chat = Chat(sms_engine(store), "c9")
    assert "등록 요청을 받았습니다" in register(chat, member="1002", name="김담당").text
    approve_by_branch(store, STAFF, "1002")
    store.opt_out(CEO_2, Requester.chat("ceo", CEO_2))
    return store


def test_the_restore_drill_brings_back_every_opt_out_and_consent_record(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    drill_db(path).db.close()
    recipients, audit = rows(path, "sms_recipients"), rows(path, "sms_audit")
    assert [(r["member_no"], r["status"], r["consent_version"] is not None) for r in recipients] == [
        ("1001", "pending", True), ("1002", "active", True), ("1002", "opted_out", False)]
    archive = make_backup(path, tmp_path / "backups", keep=3, sms_key=KEY, now=NIGHT).path
    damage(path)

    done = restore(archive, path, sms_key=KEY, now=LATER)

    assert rows(path, "sms_recipients") == recipients  # consent time and version, opt-out, all of it
    assert rows(path, "sms_audit")[:-1] == audit
    assert rows(path, "sms_audit")[-1]["action"] == "restore"
    assert done.carried is None and done.unreadable == "database disk image is malformed"
    assert done.set_aside == tmp_path / "bot.sqlite3.before-restore-20261122T230000Z"
    assert done.set_aside.stat().st_mode & 0o777 == 0o600
    assert path.stat().st_mode & 0o777 == 0o600
    store = Registry(open_db(path), key=KEY)
    assert CEO_2 not in [r.phone for r in store.active_recipients()]
    assert [r.phone for r in store.active_recipients("1002")] == [STAFF]


def test_opt_outs_and_erasures_after_the_backup_are_carried_over(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    drill_db(path).db.close()
    archive = make_backup(path, tmp_path / "backups", keep=3, sms_key=KEY, now=NIGHT).path
    store = Registry(open_db(path), key=KEY)
    store.import_members([NEW_MEMBER])  # a member imported after the backup...
    store.opt_out(NEW_MEMBER.ceo_mobile, Requester.branch_staff())  # ...whose CEO asked to stop
    store.opt_out(CEO_1, Requester.chat("ceo1", CEO_1))  # a CEO by default asks to stop
    store.erase(STAFF, Requester.chat("c1", STAFF), "1001")  # a registered number is erased
    store.db.close()

    done = restore(archive, path, sms_key=KEY, now=LATER)

    assert done.carried is not None and (done.carried.opt_outs, done.carried.erasures) == (2, 1)
    restored = Registry(open_db(path), key=KEY)
    assert restored.active_recipients("1001") == restored.active_recipients("1004") == []
    assert [r.phone for r in restored.active_recipients("1002")] == [STAFF]  # registered there, kept
    erased = [r for r in restored.list_recipients("1001", include_inactive=True) if r.erased]
    assert [(r.phone, r.name, r.consent_at) for r in erased] == [(None, None, None)]
    carried = [a for a in restored.audit_log() if a["actor"] == "restore"]
    assert [(a["action"], a["member_no"]) for a in carried] == [  # in the order the rows were made
        ("erase", "1001"), ("opt_out", "1004"), ("opt_out", "1001"), ("restore", None)]
    assert carried[2]["detail"].startswith("carried over from the register the restore replaced (opt_out at ")
    assert carried[2]["detail"].endswith(" by chat:ceo1)")
    assert carried[-1]["detail"] == (f"archive={archive.name} made=2026-11-22T18:00:00+00:00"
                                     " opt_outs=2 erasures=1")


def test_a_restore_onto_no_database_installs_the_archive(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    drill_db(path).db.close()
    recipients = rows(path, "sms_recipients")
    archive = make_backup(path, tmp_path / "backups", keep=3, sms_key=KEY, now=NIGHT).path
    fresh = tmp_path / "new-machine" / "bot.sqlite3"
    done = restore(archive, fresh, sms_key=KEY, now=LATER)
    assert rows(fresh, "sms_recipients") == recipients
    assert (done.set_aside, done.carried, done.migrated) == (None, None, 0)
    assert "backup_manifest" not in done.counts


def untouched(path: Path) -> bytes:
    return path.read_bytes()


@pytest.fixture
def archived(tmp_path: Path) -> tuple[Path, Path]:
    """A register and its archive."""
    path = tmp_path / "bot.sqlite3"
    drill_db(path).db.close()
    return path, make_backup(path, tmp_path / "backups", keep=3, sms_key=KEY, now=NIGHT).path


def refused(archive: Path, path: Path, key: bytes | None = KEY) -> str:
    before = untouched(path)
    with pytest.raises(ArchiveError) as raised:
        restore(archive, path, sms_key=key, now=LATER)
    assert untouched(path) == before
    assert sorted(p.name for p in path.parent.iterdir() if "restor" in p.name) == []
    return str(raised.value)


def test_a_restore_is_refused_while_a_bot_runs_on_the_database(archived: tuple[Path, Path]) -> None:
    path, archive = archived
    with hold(path, "bot run"):
        message = refused(archive, path)
    assert message.startswith("봇이 이 데이터베이스를 쓰고 있어 복원하지 않았습니다(bot run (pid ")


@pytest.mark.parametrize("harm", ["junk pages", "not a database", "truncated", "a row removed"])
def test_a_damaged_archive_is_refused(archived: tuple[Path, Path], harm: str) -> None:
    path, archive = archived
    if harm == "junk pages":
        damage(archive)
    elif harm == "not a database":
        archive.write_text("조합원번호,휴대전화\n1001,010-1111-2222\n", encoding="utf-8")
    elif harm == "truncated":
        archive.write_bytes(archive.read_bytes()[: 3 * 4096])
    else:  # sound as a file, but not what was backed up
        db = connect(archive)
        db.execute("DELETE FROM sms_recipients WHERE status = 'opted_out'")
        db.close()
    message = refused(archive, path)
    assert "손상" in message or "데이터베이스가 아닙니다" in message


def test_an_archive_of_something_else_is_refused(archived: tuple[Path, Path], tmp_path: Path) -> None:
    path, _ = archived
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE notes (x)").connection.commit()
    assert refused(other, path) == "조합 도우미의 데이터베이스 백업이 아닙니다(스키마 기록이 없습니다)."


def test_an_archive_with_a_trigger_of_someone_else_s_is_refused(archived: tuple[Path, Path]) -> None:
    """A trigger would run on every write after the restore, e.g. to undo each opt-out."""
    path, archive = archived
    db = connect(archive)
    db.execute("CREATE TRIGGER keep_texting AFTER UPDATE ON sms_recipients"
               " BEGIN UPDATE sms_recipients SET status = 'active' WHERE id = new.id; END")
    db.close()
    assert refused(archive, path) == "조합 도우미가 만들지 않은 것이 들어 있는 백업이라 복원하지 않았습니다: trigger keep_texting."


@pytest.mark.parametrize("component, step, said", [
    ("sms", 99, "sms 99단계(이 버전은"),
    ("calendar", 1, "calendar 1단계(이 버전은 0단계까지)"),
])
def test_an_archive_from_a_newer_version_is_refused(archived: tuple[Path, Path], component: str, step: int,
                                                     said: str) -> None:
    path, archive = archived
    db = connect(archive)
    db.execute("INSERT INTO schema_migrations VALUES (?, ?, '2027-01-01T00:00:00+00:00')", [component, step])
    db.execute("UPDATE backup_manifest SET value = json_set(value, '$.schema_migrations',"  # keep it whole
               " json_extract(value, '$.schema_migrations') + 1) WHERE key = 'counts'")
    db.close()
    message = refused(archive, path)
    assert message.startswith("더 새 버전의 조합 도우미가 만든 백업이라 복원하지 않았습니다:") and said in message


def test_an_archive_from_an_older_version_is_brought_forward(tmp_path: Path) -> None:
    """Made before conversations and feedback had tables: only the SMS register."""
    old = tmp_path / "old.sqlite3"
    store = Registry(open_db(old), key=KEY)
    store.import_members([NEW_MEMBER])
    store.db.close()
    archive = make_backup(old, tmp_path / "backups", keep=3, sms_key=KEY, now=NIGHT).path
    path = tmp_path / "bot.sqlite3"
    register_db(path).db.close()
    done = restore(archive, path, sms_key=KEY, now=LATER)
    # Its register is current; every step of the stores it never had is run.
    assert done.migrated == sum(steps for component, steps in code_versions().items() if component != "sms")
    assert schema_versions(connect(path)) == code_versions()
    assert [r["member_no"] for r in rows(path, "sms_members")] == ["1004"]


def test_a_restore_with_another_key_is_refused(archived: tuple[Path, Path]) -> None:
    path, archive = archived
    message = refused(archive, path, key=b"not the key")
    assert message.startswith("BOT_SMS_KEY 값이 백업의 키와 다릅니다. 데이터베이스와 따로 보관한 키를")


def test_a_restore_without_the_key_file_is_refused_and_with_it_goes_ahead(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = registry_with_key_file(path)
    archive = make_backup(path, tmp_path / "backups", keep=3, sms_key=None, now=NIGHT).path
    key_file = key_path(path)
    key = key_file.read_bytes()
    key_file.unlink()
    assert refused(archive, path, key=None).startswith(f"키 파일({key_file})이 없습니다.")
    key_file.write_bytes(b"a key of another database")
    assert refused(archive, path, key=None).startswith(f"키 파일({key_file})의 키가 백업의 키와 다릅니다.")
    key_file.write_bytes(key)
    assert restore(archive, path, sms_key=None, now=LATER).counts["sms_members"] == 1
    store.db.close()


def registry_with_key_file(path: Path) -> Registry:
    store = Registry(open_db(path))  # the key file beside the database, made on first use
    store.import_members([NEW_MEMBER])
    migrate_database(store.db)
    return store


def test_every_store_a_running_bot_builds_is_one_the_restore_knows(base_services: Services,
                                                                   tmp_path: Path) -> None:
    services = services_on(base_services, Settings(db_path=tmp_path / "bot.sqlite3", sms_key=KEY))
    build_engine(services)
    assert schema_versions(services.db) == code_versions()
    services.db.close()


def bot_restore(archive: Path, db: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "BOT_DB": str(db), "BOT_SMS_KEY": KEY.decode(), "PTB_TIMEDELTA": "true"}
    return subprocess.run([sys.executable, "-m", "bot", "restore", str(archive)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_bot_restore_says_what_it_did(archived: tuple[Path, Path]) -> None:
    path, archive = archived
    out = bot_restore(archive, path)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"복원했습니다: {archive.name} (2026-11-23 03:00 백업) → {path}"
    assert lines[1].startswith(f"- 복원 전 데이터베이스는 {path}.before-restore-")
    assert lines[2] == "- 복원 전 데이터베이스에서 수신거부 0건, 삭제 0건을 옮겼습니다(백업 뒤에 받은 요청)."
    assert lines[3].startswith("- 행 수: conversations ") and ", faq_taught 0, " in lines[3]
    assert ", inbox_groups 0, inbox_pending 0, inbox_questions 0, " in lines[3] and ", schema_migrations " in lines[3]
    assert out.stderr == ""


def test_bot_restore_of_a_damaged_archive_exits_1_with_the_reason(archived: tuple[Path, Path]) -> None:
    path, archive = archived
    damage(archive)
    out = bot_restore(archive, path)
    assert out.returncode == 1
    assert out.stderr == ("복원하지 않았습니다. 백업 파일이 손상되었습니다"
                          "(무결성 검사: database disk image is malformed).\n")


def test_bot_restore_of_a_missing_file_says_so(tmp_path: Path) -> None:
    out = bot_restore(tmp_path / "nothing.sqlite3", tmp_path / "bot.sqlite3")
    assert out.returncode == 1
    assert out.stderr == f"복원하지 않았습니다. 백업 파일이 없습니다: {tmp_path / 'nothing.sqlite3'}\n"


def test_the_result_names_what_was_carried(archived: tuple[Path, Path]) -> None:
    path, archive = archived
    done: Restored = restore(archive, path, sms_key=KEY, now=LATER)
    assert done.carried is not None and (done.carried.opt_outs, done.carried.erasures) == (0, 0)
    assert done.manifest is not None and done.manifest.created_at == NIGHT
