"""Files beside the database, in the backup folder and the knowledge base's word cache: written
whole or not at all, readable by their owner only (they hold the register, or say where it is)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE = 0o600


def beside(db_path: Path, suffix: str) -> Path:
    """<BOT_DB><suffix>: where the lock, the heartbeat and the key file live."""
    return db_path.with_name(db_path.name + suffix)


def create_private(path: Path) -> None:
    """A new empty file only its owner can read; fails if it exists."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE))


def write_private(path: Path, data: bytes) -> None:
    """Replace path with data atomically (a reader sees the old or the new content, whole)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    try:
        with open(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def sync(path: Path) -> None:
    """Flush a file, or a folder's entries, to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
