"""When the database file itself fails (full disk, read-only, corrupt or truncated, missing key
file): one Korean sentence for staff and members instead of a traceback, and what kind of
failure it was, for the logs (which never get the statement or its values)."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Literal

Fault = Literal["full", "readonly", "corrupt", "cantopen", "busy", "io"]
# `bot` exits with this code when the database or its key file cannot be used.
EXIT_STORAGE = 3

_BY_SQLITE_NAME: tuple[tuple[str, Fault], ...] = (
    ("SQLITE_FULL", "full"), ("SQLITE_READONLY", "readonly"), ("SQLITE_PERM", "readonly"),
    ("SQLITE_CORRUPT", "corrupt"), ("SQLITE_NOTADB", "corrupt"), ("SQLITE_CANTOPEN", "cantopen"),
    ("SQLITE_BUSY", "busy"), ("SQLITE_LOCKED", "busy"),
)
_BY_ERRNO: dict[int, Fault] = {errno.ENOSPC: "full", errno.EDQUOT: "full", errno.EROFS: "readonly",
                               errno.EACCES: "readonly", errno.EPERM: "readonly", errno.EFBIG: "full"}
_MESSAGES: dict[Fault, str] = {
    "full": "저장 공간이 가득 차서 데이터베이스에 쓸 수 없습니다. 디스크 공간을 확보한 뒤 다시 해 주세요.",
    "readonly": "데이터베이스가 읽기 전용이라 쓸 수 없습니다. 파일과 폴더의 쓰기 권한을 확인해 주세요.",
    "corrupt": "데이터베이스가 손상되었거나 데이터베이스 파일이 아닙니다. 파일은 그대로 두었으니 `bot health`로 확인하고"
               " `bot restore`로 지난 백업에서 복원해 주세요.",
    "cantopen": "데이터베이스를 열 수 없습니다. BOT_DB 경로와 폴더 권한을 확인해 주세요.",
    "busy": "데이터베이스를 다른 프로그램이 오래 쓰고 있습니다. 잠시 후 다시 해 주세요.",
    "io": "데이터베이스를 읽거나 쓰는 중에 입출력 오류가 났습니다. 디스크 상태를 확인해 주세요.",
}


class StorageFault(RuntimeError):
    """The database or its key file cannot be used; str() says why, in Korean."""


def is_storage_error(exc: BaseException) -> bool:
    """An error of the database file itself (not of a statement or of the data in it)."""
    return isinstance(exc, StorageFault) or (isinstance(exc, sqlite3.Error) and not isinstance(
        exc, sqlite3.IntegrityError | sqlite3.ProgrammingError | sqlite3.InterfaceError))


def fault_of(exc: BaseException) -> Fault:
    """What kind of failure `exc` is (SQLite's error name, or the OS error number)."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    for prefix, fault in _BY_SQLITE_NAME:
        if name.startswith(prefix):
            return fault
    if isinstance(exc, OSError) and exc.errno in _BY_ERRNO:
        return _BY_ERRNO[exc.errno]
    text = str(exc).lower()  # errors raised before SQLite names them ("file is not a database")
    if "not a database" in text or "malformed" in text:
        return "corrupt"
    if "readonly" in text or "read-only" in text:
        return "readonly"
    if "disk is full" in text:
        return "full"
    return "io"


def fault_message(exc: BaseException, path: Path | None = None) -> str:
    """The Korean sentence for `exc`, naming the database file when it is known."""
    if isinstance(exc, StorageFault):
        return str(exc)
    message = _MESSAGES[fault_of(exc)]
    return f"{message} (파일: {path})" if path is not None else message
