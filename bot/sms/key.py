"""The secret behind the SMS store's keyed hashes: it lets an erased or opted-out number be
recognised again without the number being kept, and it lives outside the database so a copy
of the database alone cannot turn the hashes back into numbers (a brute force over every
Korean mobile number is quick without a key)."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from pathlib import Path

import sqlite_utils

from bot.storage.faults import StorageFault

KEY_BYTES = 32


class KeyFileError(StorageFault):
    """The key cannot be used (missing where the database expects one, empty, unreadable, or not
    the database's); str() says what to do, in Korean."""


def database_file(db: sqlite_utils.Database) -> Path | None:
    """The main file of db, or None for an in-memory database."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file) if file else None
    return None


def key_path(db_file: Path) -> Path:
    return db_file.with_name(db_file.name + ".sms-key")


def load_key(db: sqlite_utils.Database, *, create: bool = True) -> bytes | None:
    """The key file beside the database (made on first use when `create`); None in memory.
    BOT_SMS_KEY, when set, is given to the Registry instead (Settings.sms_key)."""
    # An in-memory database keeps a key inside itself instead: it dies with the process anyway.
    db_file = database_file(db)
    if db_file is None:
        return None
    path = key_path(db_file)
    if not path.exists() and not create:
        raise KeyFileError(
            f"문자 수신자 저장소의 키 파일이 없습니다: {path}. 데이터베이스와 함께 보관한 키 파일을 그 자리에"
            " 두거나 BOT_SMS_KEY를 설정해 주세요(새 키로는 기존 수신거부가 맞지 않아 새로 만들지 않았습니다)."
        )
    return _read_or_create(path)


def new_key() -> bytes:
    return secrets.token_hex(KEY_BYTES).encode("ascii")


def _read_or_create(path: Path) -> bytes:
    """The key in path, created atomically when missing."""
    # Many processes may start at once: the key is written to a private temporary file and
    # linked into place, so every process reads the same complete key.
    if not path.exists():
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, new_key())
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)
        tmp.unlink()
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        key = path.read_bytes().strip()
    except OSError as exc:
        raise KeyFileError(f"문자 수신자 저장소의 키 파일을 읽을 수 없습니다: {path} ({exc.strerror}).") from exc
    if not key:
        # Never fall back to a key kept inside the database: a copy of it would then unlock the hashes.
        raise KeyFileError(f"문자 수신자 저장소의 키 파일이 비어 있습니다: {path}. 백업해 둔 키 파일로 바꿔 주세요.")
    return key


def keyed_hash(key: bytes, value: str) -> str:
    """HMAC-SHA256 of value, hex: the same number always gives the same reference."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def fingerprint(key: bytes) -> str:
    """What the database records about its key, to notice a lost or swapped key file."""
    return keyed_hash(key, "bot.sms fingerprint")[:16]
