"""Settings from the environment (see .env.example), read once at start-up. This is the only
module that reads the environment; everything else is handed a Settings (or a value of it)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Where the project's data lives unless the environment says otherwise.
DEFAULT_KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
DEFAULT_DB_PATH = PROJECT_ROOT / "data" / "bot.sqlite3"
DEFAULT_SEEDS_DIR = PROJECT_ROOT.parent / "shared" / "seeds"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"
DEFAULT_LOG_LEVEL = "WARNING"
LOG_FORMATS = ("text", "json")
# The nightly backup runs at this time, Korean time (the cooperative's night).
DEFAULT_BACKUP_TIME = dt.time(3, 0)
DEFAULT_BACKUP_KEEP = 14
# Korean time, for BOT_NOW without an offset (the zone database is not needed for a fixed +09:00).
_KOREA = dt.timezone(dt.timedelta(hours=9))
# What libraries read from the environment themselves: python-telegram-bot v22.2+ gives time
# periods (RetryAfter.retry_after...) as timedelta once PTB_TIMEDELTA is set, and warns until then.
LIBRARY_ENVIRONMENT = {"PTB_TIMEDELTA": "true"}


class SettingsError(ValueError):
    """A setting is present but unusable; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    telegram_token: str = ""
    api_base_url: str = DEFAULT_API_BASE_URL
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    db_path: Path = DEFAULT_DB_PATH
    # The key behind the SMS store's hashes; None: a key file beside the database (bot.sms.key).
    sms_key: bytes | None = None
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    # The source guides, for checking knowledge/corrections.yaml against them.
    seeds_dir: Path = DEFAULT_SEEDS_DIR
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    rate_limiter: bool = True
    # Backups: where `bot backup` writes and `bot run` makes one nightly (None: no nightly backup),
    # how many to keep, and when (Asia/Seoul).
    backup_dir: Path | None = None
    backup_keep: int = DEFAULT_BACKUP_KEEP
    backup_time: dt.time = DEFAULT_BACKUP_TIME
    # The port of the /healthz endpoint `bot run` serves (None: none).
    health_port: int | None = None
    # BOT_NOW: the instant the bot takes for "now" (tests, scripted runs); None: the real clock.
    now: dt.datetime | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        sms_key = env.get("BOT_SMS_KEY", "").strip()
        return cls(
            telegram_token=env.get("TELEGRAM_BOT_TOKEN", "").strip(),
            api_base_url=env.get("TELEGRAM_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL,
            admin_ids=_parse_ids(env.get("BOT_ADMIN_IDS", "")),
            db_path=Path(env["BOT_DB"]) if env.get("BOT_DB") else DEFAULT_DB_PATH,
            sms_key=sms_key.encode("utf-8") if sms_key else None,
            knowledge_dir=Path(env.get("BOT_KNOWLEDGE_DIR") or DEFAULT_KNOWLEDGE_DIR),
            seeds_dir=Path(env.get("BOT_SEEDS_DIR") or DEFAULT_SEEDS_DIR),
            webhook_url=env.get("BOT_WEBHOOK_URL", "").strip(),
            webhook_secret=env.get("BOT_WEBHOOK_SECRET", "").strip(),
            webhook_listen=env.get("BOT_WEBHOOK_LISTEN", "0.0.0.0").strip() or "0.0.0.0",
            webhook_port=_parse_int("BOT_WEBHOOK_PORT", env.get("BOT_WEBHOOK_PORT", "8443")),
            rate_limiter=env.get("BOT_RATE_LIMITER", "1").strip().lower() not in {"0", "false", "no", "off"},
            backup_dir=Path(env["BOT_BACKUP_DIR"]) if env.get("BOT_BACKUP_DIR", "").strip() else None,
            backup_keep=_parse_keep(env.get("BOT_BACKUP_KEEP", "").strip() or str(DEFAULT_BACKUP_KEEP)),
            backup_time=_parse_time("BOT_BACKUP_TIME", env.get("BOT_BACKUP_TIME", "").strip()),
            health_port=_parse_port(env.get("BOT_HEALTH_PORT", "").strip()),
            now=_parse_now(env.get("BOT_NOW", "").strip()),
        )


def log_level(env: Mapping[str, str] | None = None) -> str:
    """BOT_LOG_LEVEL, read on its own: logging is set up before the other settings are checked."""
    return (os.environ if env is None else env).get("BOT_LOG_LEVEL", DEFAULT_LOG_LEVEL)


def log_format(env: Mapping[str, str] | None = None) -> str:
    """BOT_LOG_FORMAT, read with the level: `text` (one line per record) or `json` (one object per
    line, for log collectors); anything else is reported by the logging set-up and read as text."""
    return (os.environ if env is None else env).get("BOT_LOG_FORMAT", "").strip().lower() or "text"


def set_library_environment() -> None:
    """LIBRARY_ENVIRONMENT, where the environment does not already say otherwise."""
    for name, value in LIBRARY_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


def _parse_ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise SettingsError(f"BOT_ADMIN_IDS에 텔레그램 사용자 번호(숫자)가 아닌 값이 있습니다: '{part}'")
        ids.add(int(part))
    return frozenset(ids)


def _parse_now(raw: str) -> dt.datetime | None:
    """BOT_NOW: 2026-11-22T09:30:00+09:00, or without an offset (Korean time), or a bare date
    (its midnight in Korea)."""
    if not raw:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise SettingsError(f"BOT_NOW에는 2026-11-22T09:30:00+09:00 같은 날짜·시각을 적어 주세요: '{raw}'") from exc
    return value if value.tzinfo is not None else value.replace(tzinfo=_KOREA)


def _parse_int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}에는 숫자를 적어 주세요: '{raw}'") from exc


def _parse_keep(raw: str) -> int:
    keep = _parse_int("BOT_BACKUP_KEEP", raw)
    if keep < 1:
        raise SettingsError(f"BOT_BACKUP_KEEP에는 1 이상의 숫자(남겨 둘 백업 수)를 적어 주세요: '{raw}'")
    return keep


def _parse_time(name: str, raw: str) -> dt.time:
    if not raw:
        return DEFAULT_BACKUP_TIME
    hour, _, minute = raw.partition(":")
    try:
        return dt.time(int(hour), int(minute))
    except ValueError as exc:
        raise SettingsError(f"{name}에는 03:00 같은 시:분을 적어 주세요: '{raw}'") from exc


def _parse_port(raw: str) -> int | None:
    if not raw:
        return None
    port = _parse_int("BOT_HEALTH_PORT", raw)
    if not 0 < port < 65536:
        raise SettingsError(f"BOT_HEALTH_PORT에는 1~65535 사이의 포트 번호를 적어 주세요: '{raw}'")
    return port
