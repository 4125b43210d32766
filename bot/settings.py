"""Settings from the environment (see .env.example), read once at start-up. This is the only
module that reads the environment; everything else is handed a Settings (or a value of it)."""

from __future__ import annotations

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
        )


def log_level(env: Mapping[str, str] | None = None) -> str:
    """BOT_LOG_LEVEL, read on its own: logging is set up before the other settings are checked."""
    return (os.environ if env is None else env).get("BOT_LOG_LEVEL", DEFAULT_LOG_LEVEL)


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


def _parse_int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name}에는 숫자를 적어 주세요: '{raw}'") from exc
