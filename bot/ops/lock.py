"""The run lock beside the database (<BOT_DB>.lock). `bot run` holds it while it serves and
`bot restore` while it replaces the file, so neither starts under the other, and two `bot run`
never poll for the same database. The operating system lets go of it when the process ends,
however it ends, so a killed bot leaves no stale lock behind."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.storage.files import PRIVATE, beside


class LockHeld(RuntimeError):
    """Another process holds the lock; `holder` is what it wrote there (command and pid)."""

    def __init__(self, holder: str) -> None:
        super().__init__(holder)
        self.holder = holder


def lock_path(db_path: Path) -> Path:
    return beside(db_path, ".lock")


@contextmanager
def hold(db_path: Path, command: str) -> Iterator[None]:
    """Hold the database's lock for the block, or raise LockHeld at once (never waits)."""
    path = lock_path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockHeld(_holder(fd)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{command} (pid {os.getpid()})".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # lets go of the lock


def _holder(fd: int) -> str:
    text = os.pread(fd, 200, 0).decode("utf-8", errors="replace").strip()
    return text or "다른 프로세스"
