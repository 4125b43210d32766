"""Settings from the environment (see .env.example); read once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from bot.paths import default_db_path

DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


class SettingsError(ValueError):
    """A setting is present but unusable; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    telegram_token: str = ""
    api_base_url: str = DEFAULT_API_BASE_URL
    admin_ids: frozenset[int] = field(default_factory=frozenset)
    db_path: Path = field(default_factory=default_db_path)
    webhook_url: str = ""
    webhook_secret: str = ""
    webhook_listen: str = "0.0.0.0"
    webhook_port: int = 8443
    rate_limiter: bool = True

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        return cls(
            telegram_token=env.get("TELEGRAM_BOT_TOKEN", "").strip(),
            api_base_url=env.get("TELEGRAM_API_BASE_URL", "").strip() or DEFAULT_API_BASE_URL,
            admin_ids=_parse_ids(env.get("BOT_ADMIN_IDS", "")),
            db_path=Path(env["BOT_DB"]) if env.get("BOT_DB") else default_db_path(),
            webhook_url=env.get("BOT_WEBHOOK_URL", "").strip(),
            webhook_secret=env.get("BOT_WEBHOOK_SECRET", "").strip(),
            webhook_listen=env.get("BOT_WEBHOOK_LISTEN", "0.0.0.0").strip() or "0.0.0.0",
            webhook_port=_parse_int("BOT_WEBHOOK_PORT", env.get("BOT_WEBHOOK_PORT", "8443")),
            rate_limiter=env.get("BOT_RATE_LIMITER", "1").strip().lower() not in {"0", "false", "no", "off"},
        )


def _parse_ids(raw: str) -> frozenset[int]:
    ids = set()
    for part in raw.replace(" ", "").split(","):
        if not part:
            continue
        if not part.lstrip("-").isdigit():
            raise SettingsError(f"BOT_ADMIN_IDS 값 '{part}'은(는) 텔레그램 사용자 번호(숫자)가 아닙니다.")
        ids.add(int(part))
    return frozenset(ids)


def _parse_int(name: str, raw: str) -> int:
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} 값 '{raw}'은(는) 숫자가 아닙니다.") from exc
