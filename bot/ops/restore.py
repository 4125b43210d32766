"""`bot restore ARCHIVE`: put an archive in place of the database, with the bot stopped.

In order: take the run lock (refuse while `bot run` serves this database); copy the archive
beside the database and check the copy (integrity, its manifest's row counts, schema versions
no newer than this version's, the current key's check value); bring an older schema forward;
carry the current register's opt-outs and erasures into the copy when the current database can
still be read; then, by renames only, set the current files aside (nothing is deleted) and move
the copy into place. Anything that fails before that leaves the current database as it was."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from bot.app import migrate_database
from bot.ops.archive import (
    ArchiveError,
    Manifest,
    code_versions,
    connect,
    current_key_check,
    drop_manifest,
    foreign_objects,
    integrity_problems,
    read_manifest,
    schema_versions,
    table_counts,
)
from bot.ops.lock import LockHeld, hold
from bot.sms.key import key_path
from bot.sms.refusals import Carried, Refusals, carry_refusals, key_check, read_refusals
from bot.storage.files import PRIVATE, beside, create_private, sync

log = logging.getLogger(__name__)

SIDE_FILES = ("", "-wal", "-shm")  # a SQLite database is its file and, in WAL mode, these two


@dataclass(frozen=True)
class Restored:
    manifest: Manifest | None
    migrated: int  # schema steps applied to bring the archive forward
    set_aside: Path | None  # the database it replaced, kept under this name
    carried: Carried | None  # None: there was no database, or it could not be read
    unreadable: str | None  # why the replaced database could not be read, if it could not
    counts: dict[str, int]


def restore(archive: Path, db_path: Path, *, sms_key: bytes | None, now: dt.datetime | None = None) -> Restored:
    """Raises ArchiveError (in Korean) when the archive is refused; the database is then untouched."""
    if not archive.is_file():
        raise ArchiveError(f"백업 파일이 없습니다: {archive}")
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    try:
        with hold(db_path, "bot restore"):
            return _restore(archive, db_path, sms_key, when)
    except LockHeld as held:
        raise ArchiveError(f"봇이 이 데이터베이스를 쓰고 있어 복원하지 않았습니다({held.holder})."
                           " 봇을 멈춘 뒤(systemctl stop 등) 다시 실행해 주세요.") from None


def _restore(archive: Path, db_path: Path, sms_key: bytes | None, now: dt.datetime) -> Restored:
    staged = db_path.with_name(f".{db_path.name}.restoring")
    for suffix in SIDE_FILES:  # left by a restore that was killed: ours, since we hold the lock
        beside(staged, suffix).unlink(missing_ok=True)
    try:
        create_private(staged)
        shutil.copyfile(archive, staged)
        db = connect(staged)
        try:
            manifest, migrated = _check(db, db_path, sms_key)
            carried, unreadable = _carry(db, db_path, archive, manifest, now)
            drop_manifest(db)
            counts = table_counts(db)
        finally:
            db.close()
        sync(staged)
        # Only renames from here on, microseconds apart: the database is never missing for longer.
        aside = _set_aside(db_path, now)
        try:
            staged.rename(db_path)
        except BaseException:
            _put_back(aside, db_path)
            raise
        sync(db_path.parent)
    except BaseException as exc:
        staged.unlink(missing_ok=True)
        if isinstance(exc, sqlite3.Error):
            raise ArchiveError(f"백업 파일이 손상되었거나 조합 도우미 데이터베이스가 아닙니다: {exc}") from exc
        if isinstance(exc, OSError):
            raise ArchiveError(f"복원하지 못했습니다: {exc.strerror or exc}") from exc
        raise
    log.info("restore %s: %d schema steps applied, carried %s", archive.name, migrated, carried)
    return Restored(manifest, migrated, aside, carried, unreadable, counts)


def _check(db: sqlite_utils.Database, db_path: Path, sms_key: bytes | None) -> tuple[Manifest | None, int]:
    """Refuse a damaged, foreign, newer or differently keyed archive; bring an older one forward."""
    problems = integrity_problems(db)
    if problems:
        raise ArchiveError(f"백업 파일이 손상되었습니다(무결성 검사: {problems[0]}).")
    manifest = read_manifest(db)
    if manifest is not None and table_counts(db) != manifest.counts:
        raise ArchiveError("백업 파일이 손상되었습니다: 표의 행 수가 백업할 때 기록한 것과 다릅니다.")
    found = schema_versions(db)
    if not found:
        raise ArchiveError("조합 도우미의 데이터베이스 백업이 아닙니다(스키마 기록이 없습니다).")
    known = code_versions()
    newer = [f"{c} {step}단계(이 버전은 {known.get(c, 0)}단계까지)" for c, step in found.items()
             if step > known.get(c, 0)]
    if newer:
        raise ArchiveError("더 새 버전의 조합 도우미가 만든 백업이라 복원하지 않았습니다: " + ", ".join(newer)
                           + ". 그 버전을 설치한 뒤 복원해 주세요.")
    archived_key = key_check(db) or (manifest.key_check if manifest else None)
    current_key = current_key_check(db_path, sms_key)
    if archived_key is not None and current_key != archived_key:
        key_file = f"키 파일({key_path(db_path)})"
        if current_key is None:
            why = f"{key_file}이 없습니다."
        elif sms_key is not None:
            why = "BOT_SMS_KEY 값이 백업의 키와 다릅니다."
        else:
            why = f"{key_file}의 키가 백업의 키와 다릅니다."
        raise ArchiveError(f"{why} 데이터베이스와 따로 보관한 키를 제자리에 두고 다시 실행해 주세요"
                           " (키가 다르면 수신거부한 번호를 알아볼 수 없습니다).")
    migrated = migrate_database(db)
    foreign = foreign_objects(db)
    if foreign:
        raise ArchiveError("조합 도우미가 만들지 않은 것이 들어 있는 백업이라 복원하지 않았습니다: "
                           + ", ".join(foreign[:5]) + (" 외" if len(foreign) > 5 else "") + ".")
    return manifest, migrated


def _set_aside(db_path: Path, now: dt.datetime) -> Path | None:
    """Rename the current database (with its -wal and -shm) out of the way; None if there is none."""
    present = [s for s in SIDE_FILES if beside(db_path, s).exists()]
    if not present:
        return None
    aside = db_path.with_name(f"{db_path.name}.before-restore-{now.strftime('%Y%m%dT%H%M%SZ')}")
    for suffix in present:
        kept = beside(aside, suffix)
        beside(db_path, suffix).rename(kept)
        kept.chmod(PRIVATE)  # it still holds the register
    return aside


def _put_back(aside: Path | None, db_path: Path) -> None:
    if aside is None:
        return
    for suffix in SIDE_FILES:
        with contextlib.suppress(FileNotFoundError):
            beside(aside, suffix).rename(beside(db_path, suffix))


def _carry(db: sqlite_utils.Database, db_path: Path, archive: Path, manifest: Manifest | None,
           now: dt.datetime) -> tuple[Carried | None, str | None]:
    """The current register's opt-outs and erasures, carried into the restored one; the current
    database is only read (read-only), and an unreadable one is noted, not fatal."""
    note = f"archive={archive.name}" + (f" made={manifest.created_at.isoformat()}" if manifest else "")
    stamp = now.isoformat(timespec="seconds")
    if not db_path.is_file():
        carry_refusals(db, Refusals([], {}), note=note + " replaced=none", now=stamp)
        return None, None
    try:
        current = sqlite_utils.Database(sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True,
                                                        timeout=30.0, isolation_level=None))
        try:
            refusals, current_key = read_refusals(current), key_check(current)
        finally:
            current.close()
    except sqlite3.DatabaseError as exc:
        carry_refusals(db, Refusals([], {}), note=note + " replaced=unreadable", now=stamp)
        return None, str(exc)
    archived_key = key_check(db)
    if current_key is not None and archived_key is not None and current_key != archived_key:
        raise ArchiveError("지금 데이터베이스와 백업이 서로 다른 키로 만들어져 수신거부 기록을 옮길 수 없어"
                           " 복원하지 않았습니다. 두 키 파일을 확인해 주세요.")
    return carry_refusals(db, refusals, note=note, now=stamp), None
