"""`bot backup`, `bot restore` and `bot health`: the commands of the person who runs the bot.
Each prints what it did in Korean and exits 0 on success, 1 when it refused or failed. What they
need is imported when they run, so other commands start as fast as before."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.korean.clock import SEOUL
from bot.korean.hangul import josa
from bot.ops.heartbeat import DEFAULT_MAX_AGE
from bot.settings import Settings
from bot.sms.key import key_path

if TYPE_CHECKING:
    from bot.ops.backup import Backup
    from bot.ops.restore import Restored


def register(sub: Any) -> None:
    """Add the backup, restore and health sub-commands to `bot`."""
    backup = sub.add_parser("backup", help="데이터베이스 백업 (봇이 실행 중이어도 됩니다)")
    backup.add_argument("--to", type=Path, metavar="DIR",
                        help="백업 폴더 (기본: BOT_BACKUP_DIR, 없으면 데이터베이스 옆 backups/)")
    backup.add_argument("--keep", type=_positive_int, metavar="N", help="남겨 둘 백업 수 (기본: BOT_BACKUP_KEEP)")
    backup.set_defaults(handler=backup_command)

    back = sub.add_parser("restore", help="백업 파일로 데이터베이스 되돌리기 (봇을 멈춘 뒤)")
    back.add_argument("archive", type=Path, help="bot backup이 만든 파일 (bot-YYYYMMDD-HHMMSS.sqlite3)")
    back.set_defaults(handler=restore_command)

    health = sub.add_parser("health", help="상태 점검: 데이터베이스와 지식 파일 (종료 코드 0이면 정상)")
    health.add_argument("--live", action="store_true", help="실행 중인 bot run이 텔레그램과 연결되어 있는지도 봅니다")
    health.add_argument("--max-age", type=_positive_float, default=DEFAULT_MAX_AGE, metavar="SECONDS",
                        help=f"--live: 마지막 연결이 이보다 오래되면 비정상 (기본 {DEFAULT_MAX_AGE:.0f}초)")
    health.set_defaults(handler=health_command)


def backup_command(args: argparse.Namespace) -> int:
    from bot.ops.archive import ArchiveError
    from bot.ops.backup import default_folder, make_backup

    settings = Settings.from_env()
    folder = args.to or settings.backup_dir or default_folder(settings.db_path)
    keep = args.keep or settings.backup_keep
    try:
        done = make_backup(settings.db_path, folder, keep=keep, sms_key=settings.sms_key)
    except ArchiveError as exc:
        print(f"백업하지 못했습니다. {exc}", file=sys.stderr)
        return 1
    print("\n".join(backup_report(done, keep, settings)))
    if done.key_differs:
        print("주의: 지금 설정된 키가 이 데이터베이스를 만든 키와 다릅니다. 데이터베이스와 함께 쓰던 키를"
              " 찾아 보관해 주세요: 그 키 없이는 이 백업의 수신거부 번호를 알아볼 수 없습니다.", file=sys.stderr)
    return 0


def backup_report(done: Backup, keep: int, settings: Settings) -> list[str]:
    counts = done.manifest.counts
    lines = [f"백업했습니다: {done.path} ({_size(done.size)}; 표 {len(counts)}개, 행 {sum(counts.values()):,}개;"
             " 무결성 검사 통과)."]
    if done.removed:
        lines.append(f"오래된 백업 {len(done.removed)}개를 지웠습니다(최근 {keep}개 보관).")
    where = "BOT_SMS_KEY 값" if settings.sms_key is not None else f"키 파일 {key_path(settings.db_path)}"
    lines.append(f"{josa(where, '은/는')} 백업에 들어 있지 않습니다: 데이터베이스와 따로, 한 번 보관해 두세요.")
    return lines


def restore_command(args: argparse.Namespace) -> int:
    from bot.ops.archive import ArchiveError
    from bot.ops.restore import restore

    settings = Settings.from_env()
    try:
        done = restore(args.archive, settings.db_path, sms_key=settings.sms_key)
    except ArchiveError as exc:
        print(f"복원하지 않았습니다. {exc}", file=sys.stderr)
        return 1
    print("\n".join(restore_report(done, args.archive, settings.db_path)))
    if done.unreadable is not None:
        print(f"주의: 복원 전 데이터베이스를 읽을 수 없어({done.unreadable}) 백업 이후의 수신거부·삭제 요청을"
              " 옮기지 못했습니다. 그동안 받은 수신거부·삭제 요청을 다시 등록해 주세요.", file=sys.stderr)
    return 0


def restore_report(done: Restored, archive: Path, db_path: Path) -> list[str]:
    made = (f" ({done.manifest.created_at.astimezone(SEOUL):%Y-%m-%d %H:%M} 백업)" if done.manifest else "")
    lines = [f"복원했습니다: {archive.name}{made} → {db_path}"]
    if done.migrated:
        lines.append(f"- 이전 버전의 백업이라 스키마 변경 {done.migrated}단계를 적용했습니다.")
    if done.set_aside is not None:
        lines.append(f"- 복원 전 데이터베이스는 {done.set_aside} 에 남겨 두었습니다.")
    if done.carried is not None:
        lines.append(f"- 복원 전 데이터베이스에서 수신거부 {done.carried.opt_outs}건, 삭제 {done.carried.erasures}건을"
                     " 옮겼습니다(백업 뒤에 받은 요청).")
    lines.append("- 행 수: " + ", ".join(f"{table} {n:,}" for table, n in done.counts.items()))
    return lines


def health_command(args: argparse.Namespace) -> int:
    from bot.ops.health import check_health

    health = check_health(Settings.from_env(), live=args.live, max_age=args.max_age)
    print(health.line)
    return 0 if health.ok else 1


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.1f} KB"


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"1 이상의 수를 입력해 주세요: {text}")
    return int(text)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"0보다 큰 수(초)를 입력해 주세요: {text}")
    return value
