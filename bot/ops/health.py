"""`bot health` and /healthz: is this bot fit to serve? One line says why or why not.

Checked: the database (PRAGMA quick_check, read-only), the knowledge files start-up loads and,
when `live`, a recent heartbeat from `bot run` (it heard from Telegram within max_age seconds),
which is what the service manager and monitoring need to know of a running bot."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.app import check_knowledge_files
from bot.ops.heartbeat import DEFAULT_MAX_AGE, heartbeat_path, read_beat
from bot.settings import Settings

KnowledgeCheck = Callable[[], list[str]]


@dataclass(frozen=True)
class Health:
    ok: bool
    line: str


def check_health(settings: Settings, *, live: bool, max_age: float = DEFAULT_MAX_AGE,
                 now: dt.datetime | None = None, knowledge: KnowledgeCheck | None = None) -> Health:
    """`knowledge` replaces the knowledge check (the /healthz server passes a KnowledgeWatch)."""
    problems: list[str] = []
    fine = ["데이터베이스 이상 없음(quick_check)", "지식 파일 이상 없음"]
    if (db := database_problem(settings.db_path)) is not None:
        problems.append(db)
    found = knowledge() if knowledge is not None else check_knowledge_files(settings.knowledge_dir).problems
    if found:
        more = f" 외 {len(found) - 1}건" if len(found) > 1 else ""
        problems.append(f"지식 파일에 문제가 있습니다({found[0]}{more}; `bot kb check`로 모두 볼 수 있습니다)")
    if live:
        alive, status = heartbeat_status(settings.db_path, now or dt.datetime.now(dt.UTC), max_age)
        if alive:
            fine.append(status)
        else:
            problems.append(status)
    if problems:
        return Health(False, _one_line("비정상: " + "; ".join(problems)))
    return Health(True, "정상: " + ", ".join(fine))


def database_problem(db_path: Path) -> str | None:
    """Why the database is not fit, or None; it is opened read-only and never created."""
    if not db_path.is_file():
        return f"데이터베이스 파일이 없습니다({db_path})"
    try:
        conn = sqlite3.connect(db_path.resolve().as_uri() + "?mode=ro", uri=True, timeout=5.0)
        try:
            found = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"데이터베이스를 읽을 수 없습니다({exc})"
    if found != ["ok"]:
        more = f" 외 {len(found) - 1}건" if len(found) > 1 else ""
        return f"데이터베이스가 손상되었습니다(quick_check: {found[0]}{more})"
    return None


def heartbeat_status(db_path: Path, now: dt.datetime, max_age: float) -> tuple[bool, str]:
    """Whether `bot run` heard from Telegram recently, and the words for it."""
    path = heartbeat_path(db_path)
    beat = read_beat(path) if path is not None else None
    if beat is None:
        return False, "bot run의 하트비트가 없습니다(실행 중이 아니거나 아직 텔레그램에 연결하지 못했습니다)"
    age = (now - beat.at).total_seconds()
    if age > max_age:
        return False, f"bot run이 {age:.0f}초 동안 텔레그램과 연결되지 않았습니다(허용 {max_age:.0f}초)"
    return True, f"마지막 텔레그램 연결 {max(age, 0):.0f}초 전({beat.mode}, pid {beat.pid})"


class KnowledgeWatch:
    """The knowledge check, run again only when a file in the folder changed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._seen: object = None
        self._problems: list[str] = []

    def __call__(self) -> list[str]:
        stamp = self._stamp()
        if stamp is None or stamp != self._seen:  # None: the folder cannot be listed, so look again
            self._problems = check_knowledge_files(self.folder).problems
            self._seen = stamp
        return self._problems

    def _stamp(self) -> object:
        try:
            return sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in self.folder.iterdir())
        except OSError:
            return None


def _one_line(text: str) -> str:
    return " ".join(text.split())
