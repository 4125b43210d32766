"""CSV files that carry personal data out of the database (the gateway's recipient list, the
day's notices, the outbox): written whole or not at all, readable by their owner only, and safe
to open in a spreadsheet.

A file is written to a private temporary file beside the target and renamed over it, so an
existing file is never truncated by a failed write (a character the encoding cannot hold, a full
disk), a symlink at the target is replaced rather than followed, and the result is 0600 even
where an older, wider file stood. A cell that a spreadsheet would read as a formula (=, +, -, @,
or a leading tab or carriage return) is written with a leading apostrophe."""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell as text, neutralised when a spreadsheet would evaluate it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_private_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]],
                      encoding: str = "utf-8-sig") -> int:
    """Write header and rows to `path` atomically, 0600; returns the number of rows. Raises
    UnicodeEncodeError or OSError with `path` untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")  # 0600, O_EXCL
    count = 0
    try:
        with open(fd, "w", encoding=encoding, newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([safe_cell(h) for h in header])
            for row in rows:
                writer.writerow([safe_cell(c) for c in row])
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return count
