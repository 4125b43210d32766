"""Where the project's data lives; overridable through the environment for tests and deployments."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def knowledge_dir() -> Path:
    """The folder holding faq.yaml, branches.csv and the analyser's word lists."""
    return Path(os.environ.get("BOT_KNOWLEDGE_DIR") or PROJECT_ROOT / "knowledge")


def default_db_path() -> Path:
    """The SQLite file used when BOT_DB is not set: under the project's data folder."""
    return Path(os.environ.get("BOT_DB") or PROJECT_ROOT / "data" / "bot.sqlite3")
