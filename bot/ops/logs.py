"""Log records as a service wants them: one line each (a traceback folded onto its line) with
time, level and component (the logger's name), and phone numbers masked in whatever a library
wrote. BOT_LOG_FORMAT=json gives one JSON object per line, for log collectors."""

from __future__ import annotations

import datetime as dt
import json
import logging

from bot.korean.phones import mask_phones
from bot.settings import LOG_FORMATS


def configure_logging(level: str, fmt: str) -> None:
    """Replace the root logger's handlers with one on stderr in the format asked for."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else LineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    numeric = logging.getLevelName(level.strip().upper())
    root.setLevel(numeric if isinstance(numeric, int) else logging.WARNING)
    log = logging.getLogger(__name__)
    if not isinstance(numeric, int):
        log.warning("BOT_LOG_LEVEL %r is not a level (DEBUG, INFO, WARNING, ERROR); using WARNING", level)
    if fmt not in LOG_FORMATS:
        log.warning("BOT_LOG_FORMAT %r is not one of %s; using text", fmt, ", ".join(LOG_FORMATS))


class LineFormatter(logging.Formatter):
    """2026-11-22 03:00:00 INFO bot.ops.backup: message | traceback, on one line."""

    def format(self, record: logging.LogRecord) -> str:
        when = dt.datetime.fromtimestamp(record.created).astimezone().strftime("%Y-%m-%d %H:%M:%S")
        line = f"{when} {record.levelname} {record.name}: {_message(record)}"
        if error := _error(self, record):
            line += " | " + error
        return " | ".join(part for part in line.splitlines() if part.strip())


class JsonFormatter(logging.Formatter):
    """{"time", "level", "component", "message"[, "error"]} on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "component": record.name,
            "message": _message(record),
        }
        if error := _error(self, record):
            entry["error"] = error
        return json.dumps(entry, ensure_ascii=False)


def _message(record: logging.LogRecord) -> str:
    return mask_phones(record.getMessage())


def _error(formatter: logging.Formatter, record: logging.LogRecord) -> str:
    parts = []
    if record.exc_info:
        parts.append(formatter.formatException(record.exc_info))
    if record.stack_info:
        parts.append(formatter.formatStack(record.stack_info))
    return mask_phones("\n".join(parts))
