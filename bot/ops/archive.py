"""The backup archive: one SQLite file named bot-YYYYMMDD-HHMMSS.sqlite3 (Korean time) holding
the copy and a manifest table: when it was made, each component's schema step, the check value
of the SMS key (never the key) and every table's row count. A restore reads the manifest to tell
a whole, compatible archive from a damaged, foreign or newer one."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from bot.app import DATABASE_SCHEMAS, migrate_database
from bot.korean.clock import SEOUL
from bot.sms.key import fingerprint, key_path
from bot.storage import open_db

MANIFEST = "backup_manifest"
FORMAT = 1
_NAME = re.compile(r"bot-(\d{8})-(\d{6})(?:-(\d+))?\.sqlite3")


class ArchiveError(RuntimeError):
    """The archive (or the database) cannot be used; str() says why, in Korean."""


@dataclass(frozen=True)
class Manifest:
    created_at: dt.datetime  # UTC
    schema: dict[str, int]  # component -> last schema step applied
    key_check: str | None  # bot.sms.key.fingerprint of the key behind the hashes
    counts: dict[str, int]  # table -> rows


def archive_name(created_at: dt.datetime, repeat: int = 0) -> str:
    stamp = created_at.astimezone(SEOUL).strftime("%Y%m%d-%H%M%S")
    return f"bot-{stamp}.sqlite3" if repeat == 0 else f"bot-{stamp}-{repeat}.sqlite3"


def archives(folder: Path) -> list[Path]:
    """The archives in folder, oldest first; nothing else there is ever touched."""
    found = []
    for path in folder.iterdir() if folder.is_dir() else []:
        match = _NAME.fullmatch(path.name)
        if match and path.is_file():
            found.append(((match[1], match[2], int(match[3] or 0)), path))
    return [path for _order, path in sorted(found)]


def connect(path: Path) -> sqlite_utils.Database:
    """A plain connection (no WAL switch, no folders made), transactions under our control."""
    return sqlite_utils.Database(sqlite3.connect(str(path), timeout=30.0, isolation_level=None))


def schema_versions(db: sqlite_utils.Database) -> dict[str, int]:
    """Each component's last schema step applied (bot.storage.migrate)."""
    if not _has_table(db, "schema_migrations"):
        return {}
    rows = db.execute("SELECT component, MAX(step) FROM schema_migrations GROUP BY component ORDER BY component")
    return {str(component): int(step) for component, step in rows.fetchall()}


def code_versions() -> dict[str, int]:
    """The schema steps this version of the bot knows, by component."""
    return {component: len(steps) for component, steps in DATABASE_SCHEMAS.items()}


def table_counts(db: sqlite_utils.Database) -> dict[str, int]:
    names = [str(r[0]) for r in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != ?"
        " ORDER BY name", [MANIFEST]).fetchall()]
    return {name: int(db.execute(f"SELECT count(*) FROM {_quoted(name)}").fetchone()[0]) for name in names}


def foreign_objects(db: sqlite_utils.Database) -> list[str]:
    """Tables, indexes, views and triggers this version's schema does not make: an archive that
    has them was not made by the bot (a trigger would run on every write after the restore)."""
    ours = open_db(None)
    migrate_database(ours)
    known = set(ours.execute("SELECT type, name FROM sqlite_master").fetchall())
    found = db.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name != ?"
                       " ORDER BY type, name", [MANIFEST]).fetchall()
    return [f"{kind} {name}" for kind, name in found if (kind, name) not in known]


def integrity_problems(db: sqlite_utils.Database) -> list[str]:
    """What SQLite's integrity_check finds; [] when the file is sound."""
    try:
        found = [str(r[0]) for r in db.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if found == ["ok"] else found


def write_manifest(db: sqlite_utils.Database, manifest: Manifest) -> None:
    values = {
        "format": FORMAT,
        "created_at": manifest.created_at.isoformat(timespec="seconds"),
        "schema": manifest.schema,
        "key_check": manifest.key_check,
        "counts": manifest.counts,
    }
    db.execute(f"CREATE TABLE {MANIFEST} (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    for key, value in values.items():
        db.execute(f"INSERT INTO {MANIFEST} (key, value) VALUES (?, ?)", [key, json.dumps(value)])


def read_manifest(db: sqlite_utils.Database) -> Manifest | None:
    """The archive's manifest; None for a database copied by other means (it has none)."""
    if not _has_table(db, MANIFEST):
        return None
    try:
        values = {str(k): json.loads(v) for k, v in db.execute(f"SELECT key, value FROM {MANIFEST}").fetchall()}
        if values["format"] > FORMAT:
            raise ArchiveError("더 새 버전의 조합 도우미가 만든 백업이라 이 버전으로는 읽을 수 없습니다.")
        created = dt.datetime.fromisoformat(values["created_at"])
        return Manifest(created, {str(k): int(v) for k, v in values["schema"].items()},
                        values["key_check"], {str(k): int(v) for k, v in values["counts"].items()})
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ArchiveError(f"백업 파일의 기록(manifest)이 손상되었습니다: {type(exc).__name__}") from exc


def drop_manifest(db: sqlite_utils.Database) -> None:
    db.execute(f"DROP TABLE IF EXISTS {MANIFEST}")


def current_key_check(db_path: Path, sms_key: bytes | None) -> str | None:
    """The check value of the key the bot would use with db_path (BOT_SMS_KEY, else the key file
    beside the database), or None when there is no key yet. The key file is never created here."""
    if sms_key is not None:
        return fingerprint(sms_key)
    try:
        key = key_path(db_path).read_bytes().strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ArchiveError(f"키 파일({key_path(db_path)})을 읽을 수 없습니다: {exc.strerror or exc}") from exc
    return fingerprint(key) if key else None


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _has_table(db: sqlite_utils.Database, name: str) -> bool:
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone() is not None
