"""`bot backup` and the nightly backup of `bot run`: a consistent copy of the live database made
with SQLite's online backup API (writers carry on meanwhile), checked (integrity_check, every
table's row count against the snapshot it was taken from) before it takes its dated name, and
the oldest beyond the last `keep` removed. Archives are readable by their owner only: they hold
the register. The key file is not in them, on purpose (see README, "Running it for real")."""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.ops.archive import (
    ArchiveError,
    Manifest,
    archive_name,
    archives,
    connect,
    current_key_check,
    integrity_problems,
    schema_versions,
    table_counts,
    write_manifest,
)
from bot.sms.refusals import key_check
from bot.storage.files import create_private, sync

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: Manifest
    size: int  # bytes
    removed: list[Path]  # older archives pruned
    key_differs: bool  # the key the bot would use now is not the one the database was made with


def default_folder(db_path: Path) -> Path:
    """Where backups go without --to or BOT_BACKUP_DIR: a folder beside the database."""
    return db_path.parent / "backups"


def make_backup(db_path: Path, folder: Path, *, keep: int, sms_key: bytes | None,
                now: dt.datetime | None = None) -> Backup:
    """Copy db_path into folder; raises ArchiveError (in Korean) and leaves nothing behind when
    the copy cannot be made or does not check out."""
    if not db_path.is_file():
        raise ArchiveError(f"데이터베이스 파일이 없습니다: {db_path}")
    created = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        target, partial = _claim(folder, created)
    except OSError as exc:
        raise ArchiveError(_disk_message(f"백업 폴더({folder})에 쓸 수 없습니다", exc)) from exc
    try:
        manifest, differs = _copy(db_path, partial, created, sms_key)
        sync(partial)
        partial.rename(target)
        sync(folder)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        if isinstance(exc, OSError):
            raise ArchiveError(_disk_message("백업 파일을 쓰지 못했습니다", exc)) from exc
        if isinstance(exc, sqlite3.Error):
            raise ArchiveError(_sqlite_message(exc)) from exc
        raise
    removed = _prune(folder, keep)
    log.info("backup %s: %d tables, %d rows, %d old removed", target.name, len(manifest.counts),
             sum(manifest.counts.values()), len(removed))
    return Backup(target, manifest, target.stat().st_size, removed, differs)


def _claim(folder: Path, created: dt.datetime) -> tuple[Path, Path]:
    """A dated name not yet taken, and the private file the copy is made in before it gets it."""
    for repeat in range(100):
        target = folder / archive_name(created, repeat)
        partial = folder / f".{target.name}.partial"
        if target.exists():
            continue
        with contextlib.suppress(FileExistsError):
            create_private(partial)
            return target, partial
    raise ArchiveError(f"백업 폴더({folder})에 같은 시각의 백업이 너무 많습니다.")


def _copy(db_path: Path, partial: Path, created: dt.datetime, sms_key: bytes | None) -> tuple[Manifest, bool]:
    source, copy = connect(db_path), connect(partial)
    try:
        # One read transaction: the counts and the copy see the same snapshot, while writers go on.
        source.execute("BEGIN")
        counts = table_counts(source)
        source.conn.backup(copy.conn)
        source.execute("COMMIT")
        recorded = key_check(copy)
        current = current_key_check(db_path, sms_key)
        manifest = Manifest(created, schema_versions(copy), recorded or current, counts)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        write_manifest(copy, manifest)
        problems = integrity_problems(copy)
        if problems:  # the copy is page for page the database: the database itself is damaged
            raise ArchiveError(f"데이터베이스가 손상되어 있어 백업하지 않았습니다(무결성 검사: {problems[0]})."
                               " 지난 백업을 `bot restore`로 복원해 주세요.")
        copied = table_counts(copy)
        if copied != counts:
            raise ArchiveError(f"백업 사본의 행 수가 원본과 다릅니다: 원본 {counts}, 사본 {copied}")
        return manifest, bool(recorded and current and recorded != current)
    finally:
        source.close()
        copy.close()


def _prune(folder: Path, keep: int) -> list[Path]:
    """Remove the oldest archives beyond `keep` (never anything else in the folder)."""
    old = archives(folder)[:-keep]
    for path in old:
        path.unlink(missing_ok=True)
    return old


def _sqlite_message(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "disk is full" in text or "disk I/O error" in text:
        return f"백업 파일을 쓰지 못했습니다: 백업 폴더의 디스크가 가득 찼거나 쓸 수 없습니다({text})."
    return (f"데이터베이스를 백업하지 못했습니다({text}). `bot health`로 확인해 주세요; 손상되었다면 지난 백업을"
            " `bot restore`로 복원할 수 있습니다.")


def _disk_message(what: str, exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return f"{what}: 디스크 공간이 부족합니다."
    return f"{what}: {exc.strerror or exc}"
